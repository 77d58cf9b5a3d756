"""Fraud signals hold a posting for staff before it goes live: a wage far above the local median for the
trade, contact by WeChat/QQ only, a burst from a new account. Workers report a posting in one tap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from market import clock
from market.models import Employer, PostingReport
from market.postings import rules
from tests.conftest import job_payload


def _age(engine, employer_id: int, days: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(Employer).where(Employer.id == employer_id)
                     .values(created_at=clock.now() - timedelta(days=days)))


def _live(client, job_id: int) -> bool:
    listed = {h["id"] for h in client.get("/api/v1/jobs?limit=100").get_json()["hits"]}
    shown = client.get(f"/api/v1/jobs/{job_id}").status_code == 200
    assert (job_id in listed) == shown
    return shown


@pytest.mark.parametrize("text", [
    "详情加微信 gm12345678", "报名请联系QQ：123456789", "不接电话，有意者加V信", "微信号：dg_job2026",
    "只用微信沟通", "扫码加vx了解", "私聊扣扣 88886666",
])
def test_asking_for_wechat_or_qq_contact_is_a_signal(text):
    assert rules.offsite_contact("普工", text)


@pytest.mark.parametrize("text", [
    "工资微信转账，按月发放", "公司有微信公众号，可关注了解企业文化", "请在平台投递，人事会电话联系您", "QQ音乐会员福利",
])
def test_a_mention_without_an_instruction_to_contact_passes(text):
    assert rules.offsite_contact("普工", text) is None


def test_a_posting_that_asks_for_wechat_only_waits_for_staff_and_goes_live_when_cleared(make_employer, client,
                                                                                       admin):
    employer = make_employer()
    r = employer.post("/api/v1/jobs", job_payload(description="不收费，详情加微信 gm12345678"))
    assert r.status_code == 201
    held = r.get_json()
    assert held["status"] == "held" and "微信/QQ" in held["held_reason"]
    assert not _live(client, held["id"])
    assert employer.get(f"/api/v1/jobs/{held['id']}").get_json()["status"] == "held"  # its employer sees why
    queue = admin.get("/api/v1/admin/jobs/flagged").get_json()["items"]
    assert [(j["id"], j["review_status"]) for j in queue] == [(held["id"], "held")]
    fine = employer.post("/api/v1/jobs", job_payload(description="工资微信转账，按月发放")).get_json()
    assert fine["status"] == "open" and _live(client, fine["id"])
    assert admin.post(f"/api/v1/admin/jobs/{held['id']}/clear").status_code == 200
    assert _live(client, held["id"])


def test_a_held_posting_takes_no_applications(make_employer, make_worker):
    employer = make_employer()
    held = employer.post("/api/v1/jobs", job_payload(description="加微信 gm12345678")).get_json()
    r = make_worker().post(f"/api/v1/jobs/{held['id']}/applications")
    assert r.status_code in (404, 409)


def test_a_wage_far_above_the_local_median_for_the_trade_is_held(make_employer, engine, client):
    employer = make_employer()
    _age(engine, employer.employer_id, 90)
    for wage in (7000, 7500, 8000, 8000, 8500):
        assert employer.post("/api/v1/jobs", job_payload(wage_min=wage - 1000, wage_max=wage)).get_json()["status"] == "open"
    bait = employer.post("/api/v1/jobs", job_payload(title="电焊工 日结高薪", wage_min=25000, wage_max=30000)).get_json()
    assert bait["status"] == "held" and "中位数（约 8000 元/月" in bait["held_reason"]
    assert not _live(client, bait["id"])
    good = employer.post("/api/v1/jobs", job_payload(wage_min=9000, wage_max=12000)).get_json()
    assert good["status"] == "open"
    # Another trade in the same city has no median of its own yet: nothing to compare, nothing held.
    other = employer.post("/api/v1/jobs", job_payload(title="厨师", occupation="cook", wage_min=20000,
                                                      wage_max=30000)).get_json()
    assert other["status"] == "open"


def test_a_burst_from_a_new_account_holds_the_whole_burst(make_employer, engine, client):
    new = make_employer(name="新注册劳务公司")
    ids = [new.post("/api/v1/jobs", job_payload(title=f"普工{i}", occupation="factory_worker")).get_json()["id"]
           for i in range(rules.BURST_POSTINGS)]
    statuses = [j["status"] for j in new.get("/api/v1/employer/jobs").get_json()["items"]]
    assert statuses == ["held"] * rules.BURST_POSTINGS
    assert not any(_live(client, i) for i in ids)
    # The same number from an employer registered months ago is an ordinary day.
    old = make_employer(name="老牌制造厂")
    _age(engine, old.employer_id, 120)
    for i in range(rules.BURST_POSTINGS):
        assert old.post("/api/v1/jobs", job_payload(title=f"装配工{i}", occupation="factory_worker")
                        ).get_json()["status"] == "open"
    # And a new account posting a few is not a burst.
    few = make_employer(name="小店")
    for i in range(rules.BURST_POSTINGS - 1):
        assert few.post("/api/v1/jobs", job_payload(title=f"店员{i}")).get_json()["status"] == "open"


def test_an_edit_that_adds_a_wechat_id_holds_a_live_posting(make_employer, client):
    employer = make_employer()
    job = employer.post("/api/v1/jobs", job_payload()).get_json()
    r = employer.patch(f"/api/v1/jobs/{job['id']}", {"description": "有意者加微信 gm12345678"})
    assert r.get_json()["status"] == "held" and not _live(client, job["id"])


# ---- reports ----

def _sign_in(api) -> None:
    assert api.client.post("/login", data={"phone": api.user.phone, "password": "password123"}).status_code == 302


def test_a_worker_reports_a_posting_in_one_tap_and_staff_see_it(make_job, make_worker, admin, session):
    job = make_job()
    worker = make_worker()
    _sign_in(worker)
    page = worker.client.get(f"/jobs/{job['id']}").get_data(as_text=True)
    assert "举报" in page and "要交押金、报名费等费用" in page
    r = worker.client.post(f"/jobs/{job['id']}/report", data={"reason": "fees"}, follow_redirects=True)
    assert "已收到您的举报" in r.get_data(as_text=True)
    r = worker.client.post(f"/jobs/{job['id']}/report", data={"reason": "fees"}, follow_redirects=True)
    assert "您已经举报过这个岗位" in r.get_data(as_text=True)
    items = admin.get("/api/v1/admin/reports").get_json()["items"]
    assert [(i["job"]["id"], i["reports"], i["reasons"][0]["reason_name"]) for i in items] == [
        (job["id"], 1, "要交押金、报名费等费用")]
    _sign_in(admin)
    assert "求职者举报（1）" in admin.client.get("/admin/").get_data(as_text=True)
    # Staff look, find nothing wrong: the reports close.
    admin.post(f"/api/v1/admin/jobs/{job['id']}/clear")
    assert admin.get("/api/v1/admin/reports").get_json()["items"] == []


def test_a_report_needs_a_known_reason_and_only_workers_report(make_job, make_worker, make_employer, session):
    job = make_job()
    r = make_worker().post(f"/api/v1/jobs/{job['id']}/reports", {"reason": "boring"})
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["reason"]
    assert make_employer(name="别家").post(f"/api/v1/jobs/{job['id']}/reports", {"reason": "fees"}).status_code == 403
    assert make_worker().post("/api/v1/jobs/999999/reports", {"reason": "fees"}).status_code == 404
    session.rollback()
    assert session.exec(select(PostingReport)).all() == []


def test_three_workers_reporting_take_a_posting_off_the_site_until_staff_look(make_job, make_worker, client, admin):
    job = make_job()
    for n in range(3):
        r = make_worker(name=f"工人{n}").post(f"/api/v1/jobs/{job['id']}/reports",
                                            {"reason": "fake_job", "note": "打电话要先交钱"})
        assert r.status_code == 201
        assert _live(client, job["id"]) == (n < 2)
    items = admin.get("/api/v1/admin/reports").get_json()["items"]
    assert items[0]["reports"] == 3 and items[0]["notes"] == ["打电话要先交钱"] * 3
    admin.post(f"/api/v1/admin/jobs/{job['id']}/take-down", {"reason": "核实为诈骗"})
    assert not _live(client, job["id"]) and admin.get("/api/v1/admin/reports").get_json()["items"] == []


def test_a_held_posting_is_indexed_as_held_so_no_search_finds_it(make_employer, session):
    from market.models import Job
    from market.search_index import documents_from_database, posting_document

    employer = make_employer()
    held = employer.post("/api/v1/jobs", job_payload(description="加微信 gm12345678")).get_json()
    session.rollback()
    job = session.get(Job, held["id"])
    assert posting_document(job, session.get(Employer, job.employer_id))["status"] == "held"
    assert [d["status"] for d in documents_from_database(session.get_bind())] == ["held"]
