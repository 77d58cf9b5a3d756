"""Forms that help: places by name on every place field, nothing typed is lost on a mistake (the wrong field
is marked), several trades and certificates on the profile, and irreversible actions that ask first."""

from __future__ import annotations

import pytest
from htmlforms import form_data

from tests.conftest import id_number


def signed_in(api):
    r = api.client.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302
    return api.client


def fill(form, values: dict) -> None:
    """Types into fields (replacing what they held, as a person would)."""
    for key, value in values.items():
        form[key] = value


def profile(api) -> dict:
    return api.get("/api/v1/me/profile").get_json()


def test_profile_takes_places_by_name_and_shows_them_by_name(make_worker):
    worker = make_worker()
    page = signed_in(worker)
    form = form_data(page.get("/me/profile").get_data(as_text=True))
    assert form["current_adcode"] == "广东省东莞市"  # a name, never the code
    form["current_adcode"], form["hometown_adcode"] = "东莞市长安镇", "贵州 松桃"
    r = page.post("/me/profile", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)
    me = profile(worker)
    assert (me["current_adcode"], me["hometown_adcode"]) == ("441900", "520628")
    html = page.get("/me/profile").get_data(as_text=True)
    assert "贵州省铜仁市松桃苗族自治县" in html and "520628" not in html.replace('value="520628"', "")


def test_an_ambiguous_place_asks_which_one_and_keeps_the_rest(make_worker):
    worker = make_worker()
    page = signed_in(worker)
    form = form_data(page.get("/me/profile").get_data(as_text=True))
    form["current_adcode"], form["expected_wage"] = "朝阳区", "7200"
    r = page.post("/me/profile", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "“朝阳区”有好几个地方：北京市朝阳区、吉林省长春市朝阳区，请选一个" in html
    assert 'name="current_adcode__pick" value="110105"' in html
    assert 'value="7200"' in html and 'aria-invalid="true" aria-describedby="err-current_adcode"' in html
    assert profile(worker)["expected_wage"] == 6500  # nothing saved
    again = form_data(html)
    again["current_adcode__pick"] = "220104"
    assert page.post("/me/profile", data=again).status_code == 302
    assert (profile(worker)["current_adcode"], profile(worker)["expected_wage"]) == ("220104", 7200)


def test_a_place_nobody_knows_is_refused_by_name(make_worker):
    page = signed_in(worker := make_worker())
    form = form_data(page.get("/me/profile").get_data(as_text=True))
    form["hometown_adcode"] = "火星"
    r = page.post("/me/profile", data=form)
    assert r.status_code == 422 and "没找到老家“火星”" in r.get_data(as_text=True)
    assert profile(worker)["hometown_adcode"] == "520502"


def test_the_picker_works_without_javascript_one_level_at_a_time(make_worker):
    worker = make_worker(current_adcode=None)
    page = signed_in(worker)
    form = form_data(page.get("/me/profile").get_data(as_text=True))
    form["current_adcode__p"] = "520000"
    form["place_step"] = "current_adcode"
    html = page.post("/me/profile", data=form).get_data(as_text=True)
    assert '<option value="520600">铜仁市</option>' in html  # the next select is filled
    assert profile(worker)["current_adcode"] is None  # a step saves nothing
    form = form_data(html)
    form["current_adcode__c"] = "520600"
    form["place_step"] = "current_adcode"
    form = form_data(page.post("/me/profile", data=form).get_data(as_text=True))
    form["current_adcode__d"] = "520628"
    assert page.post("/me/profile", data=form).status_code == 302
    assert profile(worker)["current_adcode"] == "520628"


def test_a_wrong_id_number_keeps_every_field_and_marks_only_that_one(make_worker):
    worker = make_worker()
    page = signed_in(worker)
    before = profile(worker)
    good = id_number()
    wrong = good[:17] + ("1" if good[17] != "1" else "2")  # one wrong check digit
    form = form_data(page.get("/me/profile").get_data(as_text=True))
    fill(form, {"name": "李秀英", "current_adcode": "广东东莞", "expected_wage": "8000", "sensitive_consent": "on",
                 "id_number": wrong})
    form.setlist("occupation", ["welder", "electrician", ""])
    form.setlist("years", ["10", "3", ""])
    form.setlist("cert_text", ["焊工证（中级）", ""])
    form.setlist("cert_name", ["", ""])
    form.setlist("cert_level", ["", ""])
    r = page.post("/me/profile", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'name="id_number" autocomplete="off" value="{wrong}" aria-invalid="true"' in html
    kept = form_data(html)
    assert kept["name"] == "李秀英" and kept["expected_wage"] == "8000" and kept["current_adcode"] == "广东东莞"
    assert kept.getlist("occupation")[:2] == ["welder", "electrician"] and kept.getlist("years")[:2] == ["10", "3"]
    assert kept.getlist("cert_text")[0] == "焊工证（中级）" and kept["sensitive_consent"] == "on"
    assert html.count('aria-invalid="true"') == 1
    assert profile(worker) == before  # nothing half-written


def test_several_trades_and_certificates_with_levels_survive_saving_twice(make_worker):
    worker = make_worker()
    page = signed_in(worker)
    form = form_data(page.get("/me/profile").get_data(as_text=True))
    form.setlist("occupation", ["welder", "forklift", ""])
    form.setlist("years", ["10", "2", ""])
    form.setlist("cert_name", ["", "电工职业技能等级证书"])
    form.setlist("cert_level", ["", "3"])
    form.setlist("cert_text", ["焊工证", ""])
    fill(form, {"sensitive_consent": "on", "id_number": id_number(), "discoverable": "on"})
    assert page.post("/me/profile", data=form).status_code == 302, page.post("/me/profile", data=form).data
    first = profile(worker)
    assert (first["current_adcode"], first["hometown_adcode"]) == ("441900", "520502")
    assert [(o["code"], o["years"]) for o in first["occupations"]] == [("welder", 10), ("forklift", 2)]
    assert [(c["name"], c["level"]) for c in first["certificates"]] == [
        ("特种作业操作证（焊接与热切割作业）", None), ("电工职业技能等级证书", 3)]
    # Saved again exactly as the page shows it: nothing is lost or changed.
    again = form_data(page.get("/me/profile").get_data(as_text=True))
    assert page.post("/me/profile", data=again).status_code == 302
    second = profile(worker)
    assert {k: v for k, v in second.items() if k != "updated_at"} == first


def test_an_unknown_certificate_name_is_refused_with_the_row_kept(make_worker):
    page = signed_in(worker := make_worker())
    form = form_data(page.get("/me/profile").get_data(as_text=True))
    form.setlist("cert_text", ["会开挖掘机"])
    r = page.post("/me/profile", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "不认识证书“会开挖掘机”" in html
    assert 'value="会开挖掘机" placeholder="如 焊工证、电工证（中级）" aria-invalid="true"' in html
    assert profile(worker)["certificates"] == []


def test_deleting_the_account_asks_first(make_worker):
    worker = make_worker()
    page = signed_in(worker)
    html = page.get("/me/delete").get_data(as_text=True)
    assert "确定要注销账号并删除个人信息吗？" in html and 'name="confirm" value="yes"' in html
    assert page.post("/me/delete", data={}).status_code == 200  # no answer yet: asked again, nothing deleted
    assert profile(worker)["name"] == "王师傅"
    assert page.post("/me/delete", data={"confirm": "yes"}).status_code == 302
    assert worker.get("/api/v1/me/profile").status_code == 401


@pytest.mark.parametrize("typed", ["广东东莞", "441900"])
def test_employer_registration_takes_a_place_by_name(make_user, typed):
    from tests.conftest import uscc_with_check

    employer = make_user("employer")
    page = signed_in(employer)
    r = page.post("/employer/register", data={"name": "", "uscc": "123", "adcode": typed})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and 'value="123"' in html and typed in html
    assert 'name="uscc" value="123" required aria-invalid="true"' in html
    assert 'aria-describedby="err-adcode"' not in html
    form = form_data(html)
    fill(form, {"name": "东莞市长安五金制品有限公司", "uscc": uscc_with_check("91441900MA0000001")})
    assert page.post("/employer/register", data=form).status_code == 302
    me = employer.get("/api/v1/employers/me").get_json()
    assert me["adcode"] == "441900"
    assert "广东省东莞市" in page.get("/employer/register").get_data(as_text=True)


def _job_form(page) -> dict:
    return form_data(page.get("/employer/jobs/new").get_data(as_text=True))


def test_job_form_takes_the_place_by_name_and_keeps_everything_on_a_mistake(make_employer, today):
    from datetime import timedelta

    employer = make_employer()
    page = signed_in(employer)
    form = _job_form(page)
    fill(form, {"title": "电焊工", "occupation": "welder", "adcode": "东莞市长安镇", "address": "长安镇乌沙工业区",
                "wage_min": "9000", "wage_max": "7000", "wage_unit": "month", "employment_type": "full_time",
                "headcount": "3", "cert_required": "特种作业操作证（焊接与热切割作业）",
                "skill_level_required": "4", "closes_at": (today + timedelta(days=20)).isoformat(),
                "description": "二保焊，长期。"})
    form.setlist("benefits", ["包吃", "包住"])
    r = page.post("/employer/jobs/new", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    kept = form_data(html)
    for key in ("title", "adcode", "address", "wage_min", "wage_max", "headcount", "cert_required",
                "skill_level_required", "closes_at", "description"):
        assert kept[key] == form[key], key
    assert kept.getlist("benefits") == ["包吃", "包住"]
    assert 'aria-invalid="true" aria-describedby="err-wage_max"' in html or \
        'aria-invalid="true" aria-describedby="err-wage_min"' in html
    assert employer.get("/api/v1/employer/jobs").get_json()["items"] == []
    fill(kept, {"wage_min": "7000", "wage_max": "9000"})
    assert page.post("/employer/jobs/new", data=kept).status_code == 302
    [job] = employer.get("/api/v1/employer/jobs").get_json()["items"]
    full = employer.get(f"/api/v1/jobs/{job['id']}").get_json()
    assert full["adcode"] == "441900" and full["skill_level_required"] == 4
    edit = page.get(f"/employer/jobs/{job['id']}/edit").get_data(as_text=True)
    assert form_data(edit)["adcode"] == "广东省东莞市"


def test_job_form_asks_when_the_place_is_ambiguous(make_employer):
    page = signed_in(make_employer())
    form = _job_form(page)
    fill(form, {"title": "保洁员", "adcode": "朝阳区", "wage_min": "4000", "wage_max": "5000", "headcount": "1"})
    html = page.post("/employer/jobs/new", data=form).get_data(as_text=True)
    assert "北京市朝阳区" in html and "吉林省长春市朝阳区" in html and 'name="adcode__pick"' in html


def test_the_counter_registers_a_worker_with_places_by_name_and_keeps_input(admin):
    page = signed_in(admin)
    form = form_data(page.get("/admin/workers/new").get_data(as_text=True))
    fill(form, {"phone": "12", "name": "张大姐", "current_adcode": "广东东莞", "hometown_adcode": "贵州 松桃"})
    r = page.post("/admin/workers/new", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    kept = form_data(html)
    assert (kept["name"], kept["current_adcode"], kept["hometown_adcode"]) == ("张大姐", "广东东莞", "贵州 松桃")
    assert 'aria-describedby="err-phone"' in html
    kept["phone"] = "13912345678"
    assert page.post("/admin/workers/new", data=kept).status_code == 302
    from sqlmodel import Session, select

    from market.models import User, Worker

    with Session(admin.client.application.extensions["market"].engine) as s:
        worker = s.exec(select(Worker).join(User, User.id == Worker.user_id)
                        .where(User.phone == "13912345678")).one()
        assert (worker.current_adcode, worker.hometown_adcode) == ("441900", "520628")


def test_after_a_code_is_sent_the_page_says_when_a_resend_is_possible(client):
    r = client.post("/register", data={"role": "worker", "phone": "13800001111", "step": "code"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'name="stage" value="code_sent"' in html
    assert "以后可以重新获取验证码（约 60 秒）" in html  # readable without the script
    assert 'src="/static/countdown.js" defer' in html and 'data-wait="' in html


@pytest.fixture
def limited_app(database_url, tmp_path):
    from market import create_app

    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "SEARCH_ENABLED": False,
                      "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None})
    from market.extensions import limiter

    limiter.reset()
    yield app
    limiter.reset()
    from tests.conftest import _truncate

    _truncate(app.extensions["market"].engine)
    app.extensions["market"].engine.dispose()


def test_too_many_code_requests_keep_the_form_and_say_when_to_try_again(limited_app):
    client = limited_app.test_client()
    data = {"role": "employer", "phone": "13800002222", "step": "code"}
    assert client.post("/register", data=data).status_code == 200
    r = client.post("/register", data=data)  # a second code to the same phone within the minute
    html = r.get_data(as_text=True)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "操作太频繁，请在" in html and "再试" in html
    kept = form_data(html)
    assert kept["phone"] == "13800002222" and kept["role"] == "employer"
    assert 'class="countdown"' in html


def _status(api, app_id: int) -> str:
    return api.get(f"/api/v1/applications/{app_id}").get_json()["status"]


def test_withdrawing_an_application_asks_first(make_worker, make_job):
    job = make_job(title="叉车司机")
    worker = make_worker()
    app_id = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()["id"]
    page = signed_in(worker)
    asked = page.post(f"/me/applications/{app_id}/withdraw", data={})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "确定要撤回对「叉车司机」的投递吗？" in html
    assert _status(worker, app_id) == "applied"
    assert page.post(f"/me/applications/{app_id}/withdraw", data=form_data(html)).status_code == 302
    assert _status(worker, app_id) == "withdrawn"


@pytest.mark.parametrize(("decision", "word"), [("hired", "录用"), ("not_hired", "不录用")])
def test_hiring_or_turning_down_asks_first_and_other_steps_do_not(make_worker, make_job, make_employer,
                                                                   decision, word):
    employer = make_employer()
    job = make_job(employer)
    worker = make_worker(name="王建国")
    app_id = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()["id"]
    page = signed_in(employer)
    assert page.post(f"/employer/applications/{app_id}/status", data={"status": "viewed"}).status_code == 302
    asked = page.post(f"/employer/applications/{app_id}/status", data={"status": decision})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and f"确定{word} 王建国 吗？" in html
    assert _status(worker, app_id) == "viewed"
    assert page.post(f"/employer/applications/{app_id}/status", data=form_data(html)).status_code == 302
    assert _status(worker, app_id) == decision
    # Another employer is not asked (and not told the name): the posting is not theirs.
    other = signed_in(make_employer(name="别的公司有限公司"))
    r = other.post(f"/employer/applications/{app_id}/status", data={"status": decision})
    assert r.status_code in (403, 404) and "王建国" not in r.get_data(as_text=True)


def test_ending_a_posting_and_taking_one_down_ask_first(make_job, make_employer, admin):
    employer = make_employer()
    first, second = make_job(employer, title="普工"), make_job(employer, title="保安")
    page = signed_in(employer)
    asked = page.post(f"/employer/jobs/{first['id']}/status", data={"action": "close"})
    assert "确定结束「普工」的招聘吗？" in asked.get_data(as_text=True)
    assert employer.get(f"/api/v1/jobs/{first['id']}").get_json()["status"] == "open"
    assert page.post(f"/employer/jobs/{first['id']}/status", data=form_data(asked.get_data(as_text=True))
                     ).status_code == 302
    assert employer.get(f"/api/v1/jobs/{first['id']}").get_json()["status"] == "closed"

    staff = signed_in(admin)
    asked = staff.post(f"/admin/jobs/{second['id']}/take-down", data={"reason": ""})
    html = asked.get_data(as_text=True)
    assert "确定下架「保安」吗？" in html and 'name="reason"' in html
    assert employer.get(f"/api/v1/jobs/{second['id']}").get_json()["status"] == "open"
    form = form_data(html)
    form["reason"] = "收取押金"
    assert staff.post(f"/admin/jobs/{second['id']}/take-down", data=form).status_code == 302
    assert employer.get(f"/api/v1/jobs/{second['id']}").get_json()["status"] == "taken_down"


def test_a_complaint_with_a_wrong_amount_keeps_the_rest_and_marks_the_amount(make_worker, make_job, today):
    job = make_job()
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    page = signed_in(worker)
    form = form_data(page.get("/me/complaints").get_data(as_text=True))
    fill(form, {"job_id": str(job["id"]), "amount_owed": "很多", "period_start": today.replace(day=1).isoformat(),
                "period_end": today.isoformat(), "description": "三月的工资一直没发，老板不接电话。"})
    r = page.post("/me/complaints", data=form)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    kept = form_data(html)
    for key in ("job_id", "amount_owed", "period_start", "period_end", "description"):
        assert kept[key] == form[key], key
    assert 'required aria-invalid="true" aria-describedby="err-amount_owed"' in html
    assert html.count('aria-invalid="true"') == 1


def test_staff_see_where_a_waiting_employer_is_by_name(make_employer, admin):
    make_employer(verified=False, adcode="520628", name="松桃县劳务服务有限公司")
    html = signed_in(admin).get("/admin/").get_data(as_text=True)
    assert "松桃县劳务服务有限公司" in html and "贵州省铜仁市松桃苗族自治县" in html
