"""Organisers apply from the site and staff decide; the audit trail reads in China time, with names and
Chinese labels, and filters by person and action."""

from sqlmodel import select

from market.models import OneTimeCode, User


def _code(client, sms, phone: str) -> str:
    assert client.post("/api/v1/auth/code", json={"phone": phone, "purpose": "register"}).status_code == 200
    return sms.last_to(phone).split("验证码 ")[1][:6]


def _application(**overrides) -> dict:
    return {"name": "刘主任", "organisation": "毕节市七星关区人力资源和社会保障局", "adcode": "520502",
            "purpose": "春风行动专场招聘会", "password": "organiser123"} | overrides


def test_an_organiser_applies_and_staff_approve(client, admin, sms, session):
    phone = "13700001111"
    bad = client.post("/api/v1/organiser-applications", json=_application(phone=phone, organisation="局", adcode="1",
                                                                         password="short", code="000000"))
    assert bad.status_code == 422
    assert {"organisation", "adcode", "password"} <= set(bad.get_json()["error"]["fields"])
    r = client.post("/api/v1/organiser-applications", json=_application(phone=phone, code=_code(client, sms, phone)))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "pending" and not {"password", "password_hash"} & set(body)
    again = client.post("/api/v1/organiser-applications", json=_application(phone=phone, code="123456"))
    assert again.status_code == 409
    # no account until staff approve
    assert client.post("/api/v1/auth/token", json={"phone": phone, "password": "organiser123"}).status_code == 401
    pending = admin.get("/api/v1/admin/organiser-applications").get_json()["items"]
    assert [a["organisation"] for a in pending] == ["毕节市七星关区人力资源和社会保障局"]
    url = f"/api/v1/admin/organiser-applications/{body['id']}/decision"
    assert admin.post(url, {"approve": True}).get_json()["status"] == "approved"
    assert "组织者账号已开通" in sms.last_to(phone)
    token = client.post("/api/v1/auth/token", json={"phone": phone, "password": "organiser123"})
    assert token.status_code == 200
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    assert client.post("/api/v1/live/sessions", json={"title": "春风行动直播"}, headers=bearer).status_code == 201
    assert admin.post(url, {"approve": True}).status_code == 409
    assert session.exec(select(User).where(User.phone == phone)).one().role == "organiser"


def test_a_refused_organiser_is_told_why_by_sms(client, admin, sms):
    phone = "13700002222"
    r = client.post("/api/v1/organiser-applications", json=_application(phone=phone, code=_code(client, sms, phone)))
    url = f"/api/v1/admin/organiser-applications/{r.get_json()['id']}/decision"
    assert admin.post(url, {"approve": False}).status_code == 422
    assert admin.post(url, {"approve": False, "note": "请用单位办公电话申请"}).get_json()["status"] == "refused"
    assert "请用单位办公电话申请" in sms.last_to(phone)
    assert client.post("/api/v1/auth/token", json={"phone": phone, "password": "organiser123"}).status_code == 401


def test_the_apply_page_keeps_what_was_typed(client, sms, session):
    page = client.get("/organisers/apply")
    assert page.status_code == 200 and "申请组织者账号" in page.get_data(as_text=True)
    form = {"phone": "13700003333", "name": "王老师", "organisation": "某", "adcode": "520502", "step": "code"}
    r = client.post("/organisers/apply", data=form)
    assert r.status_code == 200 and session.exec(select(OneTimeCode).where(OneTimeCode.phone == "13700003333")).first()
    code = sms.last_to("13700003333").split("验证码 ")[1][:6]
    r = client.post("/organisers/apply", data=form | {"step": "apply", "code": code, "password": "organiser123"})
    text = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="err-organisation"' in text
    assert 'value="王老师"' in text and 'value="13700003333"' in text
    r = client.post("/organisers/apply", data=form | {"step": "apply", "code": code, "password": "organiser123",
                                                      "organisation": "贵州工业职业技术学院"})
    assert r.status_code == 200 and 'id="applied"' in r.get_data(as_text=True)


def test_the_audit_trail_speaks_chinese_and_filters(make_employer, admin, client):
    employer = make_employer(verified=False)
    admin.post(f"/api/v1/admin/employers/{employer.employer_id}/decision", {"approve": False, "note": "执照不清楚"})
    items = admin.get("/api/v1/admin/audit").get_json()["items"]
    refusal = next(i for i in items if i["action"] == "employer.reject")
    assert refusal["action_name"] == "单位审核不通过" and refusal["actor"] == "人社窗口（人社）"
    assert refusal["target"] == f"单位 {employer.employer_id}"
    assert len(refusal["at_china"]) == 16  # 2026-12-03 15:04, in China time
    mine = admin.get(f"/api/v1/admin/audit?actor={employer.user.id}").get_json()["items"]
    assert mine and {i["actor_id"] for i in mine} == {employer.user.id}
    family = admin.get("/api/v1/admin/audit?action=employer").get_json()["items"]
    assert {i["action"] for i in family} == {"employer.register", "employer.reject"}
    assert admin.get("/api/v1/admin/audit?action=nonsense").status_code == 422
    client.post("/login", data={"phone": admin.user.phone, "password": "password123"})
    page = client.get(f"/admin/audit?action=employer.reject&actor={admin.user.id}").get_data(as_text=True)
    assert "单位审核不通过" in page and "执照不清楚" in page and "登记单位" in page  # the label is in the filter
    assert page.count('class="audit-entry"') == 1
