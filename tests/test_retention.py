"""Deleting an account, and accounts nobody used for the retention period: the personal data goes, and what
others still see of the person says 已注销, never "None"."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from market import clock
from market.models import SignIn, User, Worker
from market.workers.services import DELETED_NAME, RETENTION_DAYS, purge_inactive
from tests.conftest import id_number


def test_deleting_removes_hometown_and_birth_date_and_others_see_deleted(make_worker, make_employer, make_job,
                                                                         admin, session, app):
    employer = make_employer()
    job = make_job(employer)
    worker = make_worker(hometown_adcode="520502", sensitive_consent=True, id_number=id_number())
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    worker.post("/api/v1/complaints", {"job_id": job["id"], "amount_owed": 2000, "period_start": "2026-01-01",
                                       "period_end": "2026-02-01", "description": "拖欠工资"})
    assert worker.delete("/api/v1/me").status_code == 200
    row = session.get(Worker, worker.worker_id)
    assert row.hometown_adcode is None and row.birth_date is None and row.id_number_cipher is None
    assert row.current_adcode is None and row.name == ""
    assert all(s.revoked_at is not None for s in session.exec(select(SignIn).where(SignIn.user_id == worker.user.id)))

    listed = employer.get(f"/api/v1/jobs/{job['id']}/applications").get_json()["items"]
    assert listed[0]["worker"]["name"] == DELETED_NAME and listed[0]["worker"]["phone"] is None
    assert employer.get(f"/api/v1/workers/{worker.worker_id}").get_json()["name"] == DELETED_NAME
    complaints = admin.get("/api/v1/complaints").get_json()["items"]
    assert complaints[0]["worker"]["name"] == DELETED_NAME

    browser = app.test_client()
    browser.post("/login", data={"phone": employer.user.phone, "password": "password123"})
    page = browser.get(f"/employer/jobs/{job['id']}/applicants").get_data(as_text=True)
    assert DELETED_NAME in page and "None" not in page


def test_accounts_inactive_past_the_retention_period_are_deleted(make_worker, make_job, session, engine):
    job = make_job()
    idle, busy = make_worker(hometown_adcode="520502"), make_worker()
    busy.post(f"/api/v1/jobs/{job['id']}/applications")
    long_ago = clock.now() - timedelta(days=RETENTION_DAYS + 10)
    with engine.begin() as conn:  # both signed up long ago; only `busy` has been active since
        conn.execute(update(User).values(created_at=long_ago))
        conn.execute(update(SignIn).values(created_at=long_ago))
        conn.execute(update(Worker).values(updated_at=long_ago))
    assert purge_inactive(session=session, today=clock.today()) == 1
    session.commit()
    session.expire_all()
    assert session.get(User, idle.user.id).active is False
    assert session.get(Worker, idle.worker_id).hometown_adcode is None
    assert session.get(User, busy.user.id).active is True
    assert idle.get("/api/v1/me/profile").status_code == 401


def test_purge_command_reports_what_it_did(app):
    result = app.test_cli_runner().invoke(args=["users", "purge-inactive", "--days", "30"])
    assert result.exit_code == 0 and "Deleted 0 inactive accounts" in result.output
