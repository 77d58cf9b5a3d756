"""The API's bodies as its document states them (market/api_schemas.py): typed schemas in the document, and
views that refuse what the document refuses, in the error shape, naming the field in Chinese."""

from __future__ import annotations

from market import api_schemas
from tests.fairkit import new_fair


def test_the_document_describes_bodies_and_answers_with_real_schemas(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    job = doc["paths"]["/jobs/{job_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert job == {"$ref": "#/components/schemas/JobDetail"}
    assert schemas["JobDetail"]["properties"]["wage_min"]["type"] == "integer"
    assert "description" in schemas["JobDetail"]["required"]
    complaint = doc["paths"]["/complaints"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schemas[complaint["$ref"].rsplit("/", 1)[1]]["properties"]["period_start"]["format"] == "date"
    assert schemas["ComplaintRequest"]["properties"]["amount_owed"]["description"] == "欠薪金额（元），整数"
    error = schemas["Error"]["properties"]["error"]
    assert schemas[error["$ref"].rsplit("/", 1)[1]]["required"] == ["code", "message", "fields"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert "4XX" in op["responses"], (method, path)
    for (method, listed), (model, _) in api_schemas.OPERATIONS.items():
        if model is not None:
            assert model.__name__ in schemas, (method, listed)


def test_a_decision_sent_as_the_text_false_is_refused_not_read_as_yes(make_user, make_employer, today):
    """Before, bool("false") approved the booth; now the field is named and the booth stays pending."""
    organiser, employer = make_user("organiser"), make_employer()
    fair = new_fair(organiser, today)
    signup = employer.post(f"/api/v1/fairs/{fair['id']}/signups").get_json()
    r = organiser.post(f"/api/v1/fairs/{fair['id']}/signups/{signup['id']}/decision", {"approve": "false"})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"approve": "是否同意单位参会（approve）应为 true 或 false"}
    detail = organiser.get(f"/api/v1/fairs/{fair['id']}").get_json()
    assert detail["employers"] == []  # not approved, so not listed


def test_staff_decisions_need_a_true_or_false(admin, make_worker):
    worker = make_worker()
    claim = worker.post("/api/v1/brands/%E8%B4%B5%E5%B7%9E%E7%BB%A3%E5%A8%98/claim").get_json()
    r = admin.post(f"/api/v1/admin/brand-claims/{claim['id']}/decision", {"confirm": "no"})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"confirm": "是否确认（confirm）应为 true 或 false"}
    pending = admin.get("/api/v1/admin/brand-claims").get_json()["items"]
    assert [c["id"] for c in pending] == [claim["id"]]
    r = admin.post("/api/v1/admin/partners/1/decision", {"note": "缺少是否通过"})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"approve": "是否通过（approve）必填"}


def test_a_live_session_refuses_wrong_types_naming_each_field(make_user):
    organiser = make_user("organiser")
    r = organiser.post("/api/v1/live/sessions", {"title": 5, "fair_id": "3"})
    assert r.status_code == 422
    assert r.get_json()["error"] == {"code": "invalid", "message": "直播标题（title）应为文字；所属招聘会（fair_id）应为整数",
                                     "fields": {"title": "直播标题（title）应为文字", "fair_id": "所属招聘会（fair_id）应为整数"}}
    assert organiser.post("/api/v1/live/sessions", {"title": "春风行动"}).status_code == 201


def test_sign_in_with_a_number_for_a_phone_is_refused_with_the_field_named(client):
    r = client.post("/api/v1/auth/token", json={"phone": 13900000021, "password": "x"})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"phone": "手机号（phone）应为文字"}
    assert client.post("/api/v1/auth/token", json={}).status_code == 401  # no credentials: refused as before


def test_translation_of_model_errors_reads_like_the_rest_of_the_site():
    from pydantic import ValidationError

    try:
        api_schemas.CourseRequest.model_validate_json(
            '{"title": 5, "occupation": "welder", "adcode": "510703", "starts_on": "下周", "seats": 0}')
    except ValidationError as exc:
        fields = api_schemas.field_errors(api_schemas.CourseRequest, exc)
    assert fields == {"title": "课程名称（title）应为文字",
                      "starts_on": "开课日期（starts_on）应为日期，如 2026-06-01",
                      "ends_on": "结课日期（ends_on）必填",
                      "seats": "名额（seats）不能小于 1"}


def test_a_station_whose_services_are_a_number_is_refused_not_a_server_error(admin):
    """schemathesis found this one: {"services": 6.1e16} answered 500 (the rules iterated the number)."""
    body = {"name": "长安镇零工驿站", "adcode": "441900", "address": "长安镇人民广场旁", "services": 6.099e16}
    r = admin.post("/api/v1/stations", body)
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["services"] == "服务项目（services）应为列表"
    assert admin.get("/api/v1/stations").get_json()["items"] == []
    assert admin.post("/api/v1/stations", body | {"services": ["零工登记"]}).status_code == 201


def test_a_profile_place_sent_as_a_number_is_refused(make_worker):
    worker = make_worker()
    r = worker.put("/api/v1/me/profile", {"hometown_adcode": 520502, "discoverable": "false"})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"hometown_adcode": "户籍所在地（hometown_adcode）应为文字",
                                               "discoverable": "是否让招工单位找到我（discoverable）应为 true 或 false"}
    assert worker.get("/api/v1/me/profile").get_json()["discoverable"] is True


def test_a_password_sent_as_a_number_or_true_is_refused_not_a_server_error(client, sms):
    """schemathesis found POST /organiser-applications answering 500 for {"password": true}: the password
    rules took its len(); registration and reset share them."""
    phone = "13712345678"
    body = {"phone": phone, "code": "123456", "name": "刘主任", "organisation": "某县人社局", "adcode": "520502",
            "purpose": "招聘会"}
    for path in ("/api/v1/organiser-applications", "/api/v1/auth/register", "/api/v1/auth/reset"):
        for password in (True, 12345678):
            r = client.post(path, json=body | {"password": password})
            assert r.status_code == 422, (path, password, r.get_json())
            assert r.get_json()["error"]["fields"].get("password") in (None, "密码（password）应为文字")


def test_a_policy_without_a_region_is_for_the_whole_country_and_the_document_says_so(admin, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "region_adcode" not in doc["components"]["schemas"]["PolicyRequest"]["required"]
    r = admin.post("/api/v1/policies", {"title": "全国农民工工资支付条例解读", "issuer": "人力资源和社会保障部",
                                        "issued_on": "2026-01-05", "body": "按月足额支付工资。"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["region"] == "全国"


def test_a_policy_whose_body_is_not_text_is_refused(admin):
    """The longer schemathesis run found {"body": true} and an issuer past 100 characters published."""
    base = {"title": "技能提升补贴", "issuer": "某市人社局", "issued_on": "2026-01-05", "body": "正文"}
    r = admin.post("/api/v1/policies", base | {"body": True})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"] == {"body": "正文（body）应为文字"}
    r = admin.post("/api/v1/policies", base | {"issuer": "局" * 101})
    assert r.status_code == 422 and "issuer" in r.get_json()["error"]["fields"]
    assert admin.get("/api/v1/policies").get_json()["items"] == []
