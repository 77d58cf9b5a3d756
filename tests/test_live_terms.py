"""The terms viewers ask about in every live stream, as posting fields: pay cycle, rooms for couples, shifts and
hours, meals, age limit and certificate, through the API, the form, the page and the search document."""

from __future__ import annotations

from sqlmodel import select

from market.models import Employer, Job
from market.search_index import hit_public, posting_document
from tests.conftest import job_payload

TERMS = {"pay_cycle": "weekly", "couple_rooms": True, "shift_pattern": "two_shifts", "hours_per_day": 11,
         "work_hours": "8:00-20:00", "meals": "three_meals", "age_min": 18, "age_max": 50}


def _sign_in(app, api):
    browser = app.test_client()
    r = browser.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302
    return browser


def test_a_posting_carries_the_terms_viewers_ask_about(make_employer, client):
    employer = make_employer()
    r = employer.post("/api/v1/jobs", job_payload(**TERMS, cert_required="叉车证"))
    assert r.status_code == 201, r.get_json()
    job = client.get(f"/api/v1/jobs/{r.get_json()['id']}").get_json()
    assert {k: job[k] for k in TERMS} == TERMS
    assert job["pay_cycle_name"] == "周结" and job["shift_pattern_name"] == "两班倒"
    assert job["shift_text"] == "两班倒，每天 11 小时，8:00-20:00"
    assert job["meals_name"] == "包三餐" and job["couple_rooms_text"] == "有夫妻房"
    assert job["age_requirement"] == "18-50周岁"
    assert job["cert_required"] == "特种设备作业人员证（叉车司机）"  # the name people use, stored as the official one


def test_terms_may_be_given_by_their_chinese_names_and_left_out(make_employer):
    employer = make_employer()
    job = employer.post("/api/v1/jobs", job_payload(pay_cycle="日结", shift_pattern="长白班", meals="包工作餐",
                                                    couple_rooms="没有")).get_json()
    assert (job["pay_cycle"], job["shift_pattern"], job["meals"], job["couple_rooms"]) == (
        "daily", "day", "work_meals", False)
    assert job["couple_rooms_text"] == "无夫妻房"
    plain = employer.post("/api/v1/jobs", job_payload()).get_json()
    assert plain["pay_cycle"] is None and plain["couple_rooms"] is None and plain["shift_text"] is None


def test_bad_terms_are_refused_field_by_field_and_nothing_is_written(make_employer, session):
    employer = make_employer()
    r = employer.post("/api/v1/jobs", job_payload(pay_cycle="年结", couple_rooms="也许", shift_pattern="夜猫",
                                                  hours_per_day=20, meals="自助", age_min=12, age_max=90))
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert set(fields) >= {"pay_cycle", "couple_rooms", "shift_pattern", "hours_per_day", "meals", "age_min",
                           "age_max"}
    assert "日结、周结、月结" in fields["pay_cycle"] and "16 到 70" in fields["age_min"]
    r = employer.post("/api/v1/jobs", job_payload(age_min=45, age_max=30))
    assert r.status_code == 422 and "最大年龄" in r.get_json()["error"]["fields"]["age_max"]
    assert session.exec(select(Job)).all() == []


def test_a_change_keeps_the_terms_it_does_not_mention(make_employer, admin):
    employer = make_employer()
    job = employer.post("/api/v1/jobs", job_payload(**TERMS)).get_json()
    r = employer.patch(f"/api/v1/jobs/{job['id']}", {"pay_cycle": "monthly", "title": "二保焊工"})
    assert r.status_code == 200, r.get_json()
    changed = r.get_json()
    assert changed["pay_cycle"] == "monthly" and changed["meals"] == "three_meals"
    assert (changed["age_min"], changed["age_max"]) == (18, 50)
    # A structured age limit is flagged for staff like one in the text.
    flagged = admin.get("/api/v1/admin/jobs/flagged").get_json()["items"]
    assert [j["id"] for j in flagged] == [job["id"]]


def test_the_form_takes_the_terms_and_keeps_what_was_typed_on_error(app, make_employer, session, client):
    employer = make_employer()
    browser = _sign_in(app, employer)
    form = {k: str(v) for k, v in job_payload().items() if k != "benefits"} | {
        "pay_cycle": "daily", "couple_rooms": "true", "shift_pattern": "three_shifts", "hours_per_day": "30",
        "work_hours": "夜班 20:00-8:00", "meals": "allowance", "age_min": "", "age_max": ""}
    r = browser.post("/employer/jobs/new", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "每天工作小时数应在 1 到 12 之间" in page
    assert 'value="夜班 20:00-8:00"' in page and '<option value="three_shifts" selected>' in page
    assert '<option value="true" selected>' in page
    assert browser.post("/employer/jobs/new", data=form | {"hours_per_day": "8"}).status_code == 302
    job = session.exec(select(Job)).one()
    assert (job.pay_cycle, job.couple_rooms, job.shift_pattern, job.hours_per_day, job.meals) == (
        "daily", True, "three_shifts", 8, "allowance")
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    for words in ("日结", "三班倒，每天 8 小时，夜班 20:00-8:00", "有餐补", "有夫妻房"):
        assert words in html
    edit = browser.get(f"/employer/jobs/{job.id}/edit").get_data(as_text=True)
    assert '<option value="daily" selected>' in edit and '<option value="true" selected>' in edit


def test_the_search_document_and_its_hit_carry_the_terms(make_employer, session):
    employer = make_employer()
    employer.post("/api/v1/jobs", job_payload(**TERMS))
    job, owner = session.exec(select(Job, Employer).join(Employer, Employer.id == Job.employer_id)).one()
    doc = posting_document(job, owner)
    assert {k: doc[k] for k in TERMS} == TERMS
    hit = hit_public(doc)
    assert hit["pay_cycle_name"] == "周结" and hit["couple_rooms_text"] == "有夫妻房"
    assert hit["age_requirement"] == "18-50周岁"
