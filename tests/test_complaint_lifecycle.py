"""A wage complaint's life: it carries the confirmed work log and the agreed wage, every step staff take is
kept with its note, the worker follows the whole history, staff see deadlines and what is overdue, and no
one but the worker who filed it and staff can see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from market.models import WageComplaint
from market.sms import LogSmsSender


def _body(today, **overrides) -> dict:
    body = {"amount_owed": 4200, "period_start": (today - timedelta(days=40)).isoformat(),
            "period_end": (today - timedelta(days=10)).isoformat(), "description": "干了一个月，工资一直没发"}
    body.update(overrides)
    return body


@pytest.fixture
def hired(make_employer, make_job, make_worker):
    employer = make_employer(name="东莞市拖欠五金厂")
    job = make_job(employer, title="冲压工", occupation=None, wage_min=260, wage_max=300, wage_unit="day",
                   employment_type="gig_daily")
    worker = make_worker()
    app = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    employer.post(f"/api/v1/applications/{app['id']}/status", {"status": "hired"})
    return worker, employer, job, app


def _sign_in(api) -> None:
    assert api.client.post("/login", data={"phone": api.user.phone, "password": "password123"}).status_code == 302


def test_a_complaint_attaches_the_confirmed_work_log_and_the_agreed_wage(hired, today):
    worker, employer, job, app = hired
    days = []
    for back in (3, 2, 1):
        days.append(worker.post("/api/v1/worklog", {"application_id": app["id"],
                                                    "work_date": (today - timedelta(days=back)).isoformat(),
                                                    "hours": 10}).get_json()["id"])
    employer.post(f"/api/v1/worklog/{days[0]}/decision", {"confirm": True})
    employer.post(f"/api/v1/worklog/{days[1]}/decision", {"confirm": True})
    employer.post(f"/api/v1/worklog/{days[2]}/decision", {"confirm": False, "reason": "那天没来"})
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    evidence = c["evidence"]
    assert [e["work_date"] for e in evidence["work_log"]] == [(today - timedelta(days=b)).isoformat() for b in (3, 2)]
    assert evidence["confirmed_days"] == 2 and evidence["confirmed_hours"] == 20
    assert evidence["agreed_wage"]["text"] == "260-300元/天"
    # Against the employer without naming a posting: the same days and the wage of the job hired for.
    c2 = worker.post("/api/v1/complaints", _body(today, employer_id=employer.employer_id, amount_owed=1)).get_json()
    assert c2["evidence"]["confirmed_days"] == 2 and c2["evidence"]["agreed_wage"]["job_id"] == job["id"]


def test_every_step_is_kept_with_its_note_and_the_worker_sees_the_whole_history(hired, admin, make_user, sms, today):
    worker, _, job, _ = hired
    colleague = make_user("admin", name="李经办")
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    assert c["due_on"] == (today + timedelta(days=7)).isoformat()
    steps = [("accept", "先核实", {}), ("assign", None, {"handler_id": colleague.user.id}),
             ("contact", "已电话联系单位负责人", {}), ("mediate", "约双方周五到站调解", {}),
             ("escalate_arbitration", "调解不成，引导申请劳动仲裁", {}), ("resolve", "仲裁裁决单位支付 4200 元", {})]
    for action, note, extra in steps:
        r = admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": action, "note": note} | extra)
        assert r.status_code == 200, (action, r.get_json())
    mine = worker.get(f"/api/v1/complaints/{c['id']}").get_json()
    assert [h["action"] for h in mine["history"]] == ["filed", "accept", "assign", "contact", "mediate",
                                                     "escalate_arbitration", "resolve"]
    assert [h["note"] for h in mine["history"][3:]] == ["已电话联系单位负责人", "约双方周五到站调解",
                                                       "调解不成，引导申请劳动仲裁", "仲裁裁决单位支付 4200 元"]
    assert mine["history"][2]["note"] == "经办人：李经办" and mine["handler"]["name"] == "李经办"
    assert mine["status"] == "resolved" and mine["due_on"] is None
    assert "actor" not in mine["history"][1] and "worker" not in mine  # staff names and phones stay with staff
    seen_by_staff = admin.get(f"/api/v1/complaints/{c['id']}").get_json()["history"]
    assert [h["actor"] for h in seen_by_staff[:2]] == ["投诉人", "人社窗口"]
    assert all(h["sms"] == "已交短信平台发送" for h in mine["history"][1:])
    assert "引导申请劳动仲裁" in " ".join(n["body"] for n in worker.get("/api/v1/me/notifications").get_json()["items"])
    assert "仲裁裁决单位支付" in sms.last_to(worker.user.phone)
    # Finished is finished: no step after it.
    r = admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": "mediate", "note": "再调一次"})
    assert r.status_code == 409


def test_a_step_that_needs_a_note_or_a_handler_says_so(hired, admin, make_worker, today):
    worker, _, job, _ = hired
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    r = admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": "contact", "note": "打过电话"})
    assert r.status_code == 409  # not accepted yet
    admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": "accept"})
    r = admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": "mediate", "note": " "})
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["note"]
    r = admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": "assign", "handler_id": worker.user.id})
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["handler_id"]
    r = admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": "fly"})
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["action"]
    assert len(worker.get(f"/api/v1/complaints/{c['id']}").get_json()["history"]) == 2


def test_only_the_filing_worker_and_staff_can_see_a_complaint(hired, admin, make_worker, make_user, today):
    worker, employer, job, _ = hired
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    assert worker.get(f"/api/v1/complaints/{c['id']}").status_code == 200
    assert admin.get(f"/api/v1/complaints/{c['id']}").get_json()["worker"]["name"] == "王师傅"
    other = make_worker(name="别人")
    assert other.get(f"/api/v1/complaints/{c['id']}").status_code == 404
    assert other.get("/api/v1/complaints").get_json()["items"] == []
    assert employer.get(f"/api/v1/complaints/{c['id']}").status_code == 403
    assert make_user("organiser").get(f"/api/v1/complaints/{c['id']}").status_code == 403
    _sign_in(other)
    assert other.client.get(f"/me/complaints/{c['id']}").status_code == 404
    _sign_in(employer)
    assert employer.client.get(f"/admin/complaints/{c['id']}").status_code in (302, 403)
    _sign_in(worker)
    page = worker.client.get(f"/me/complaints/{c['id']}").get_data(as_text=True)
    assert "办理经过" in page and "提交投诉" in page


def test_staff_see_deadlines_and_overdue_complaints_first(hired, admin, engine, today):
    worker, _, job, _ = hired
    late = worker.post("/api/v1/complaints", _body(today, job_id=job["id"], amount_owed=1)).get_json()
    later = worker.post("/api/v1/complaints", _body(today, job_id=job["id"], amount_owed=2)).get_json()
    fresh = worker.post("/api/v1/complaints", _body(today, job_id=job["id"], amount_owed=3)).get_json()
    with engine.begin() as conn:  # filed weeks ago and never decided on
        conn.execute(update(WageComplaint).where(WageComplaint.id == late["id"])
                     .values(due_on=today - timedelta(days=9)))
        conn.execute(update(WageComplaint).where(WageComplaint.id == later["id"])
                     .values(due_on=today - timedelta(days=2)))
    overdue = admin.get("/api/v1/complaints?overdue=1").get_json()
    assert [i["id"] for i in overdue["items"]] == [late["id"], later["id"]]
    assert [i["overdue_days"] for i in overdue["items"]] == [9, 2]
    # Accepting sets the next deadline: 60 working days to handle it.
    r = admin.post(f"/api/v1/complaints/{late['id']}/status", {"status": "in_progress"})
    assert r.get_json()["due_on"] == (today + timedelta(days=84)).isoformat() and r.get_json()["overdue_days"] == 0
    assert [i["id"] for i in admin.get("/api/v1/complaints?overdue=1").get_json()["items"]] == [later["id"]]
    _sign_in(admin)
    page = admin.client.get("/admin/complaints").get_data(as_text=True)
    assert "已逾期（1）" in page and "已逾期 2 天" in page
    assert fresh["id"] not in [i["id"] for i in overdue["items"]]


def test_a_page_says_the_sms_was_not_sent_when_it_only_went_to_the_log(hired, admin, app, today):
    worker, _, job, _ = hired
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    app.extensions["market"].sms = LogSmsSender()
    _sign_in(admin)
    r = admin.client.post(f"/admin/complaints/{c['id']}/actions", data={"action": "accept", "note": "已受理"},
                          follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "短信未发送" in page and "已交短信平台" not in page
    assert "已记录，短信未发送" in page  # the history row says so too
    history = worker.get(f"/api/v1/complaints/{c['id']}").get_json()["history"]
    assert history[-1]["sms"] == "已记录，短信未发送"


def test_an_unpublished_posting_is_never_named_to_a_worker_who_did_not_apply(make_employer, make_job, make_worker,
                                                                            admin, today):
    employer = make_employer(name="东莞市拖欠五金厂")
    secret = make_job(employer, title="内部保密岗位")
    admin.post(f"/api/v1/admin/jobs/{secret['id']}/take-down", {"reason": "虚假信息"})
    pending = make_employer(verified=False, name="未审核单位")
    draft = pending.post("/api/v1/jobs", {"title": "草稿岗位"})  # cannot even post before review
    assert draft.status_code in (403, 422)
    stranger = make_worker()
    r = stranger.post("/api/v1/complaints", _body(today, job_id=secret["id"]))
    assert r.status_code == 422 and r.get_json()["error"]["fields"]["job_id"] == "没有这个编号的岗位"
    assert "内部保密岗位" not in r.get_data(as_text=True)
    # The same answer as a number that does not exist at all.
    r2 = stranger.post("/api/v1/complaints", _body(today, job_id=secret["id"] + 1000))
    assert r2.get_json()["error"] == r.get_json()["error"]


def test_a_worker_who_applied_may_still_name_a_posting_taken_down_since(make_employer, make_job, make_worker, admin,
                                                                         today):
    job = make_job(make_employer(name="东莞市拖欠五金厂"), title="冲压工")
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    admin.post(f"/api/v1/admin/jobs/{job['id']}/take-down", {"reason": "虚假信息"})
    r = worker.post("/api/v1/complaints", _body(today, job_id=job["id"]))
    assert r.status_code == 201 and r.get_json()["job"]["title"] == "冲压工"
