"""The work log (记工): hired workers record days, employers confirm or dispute each with a reason, both
export; confirmed days are what a wage complaint attaches."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from market.models import WorkLogEntry


@pytest.fixture
def hired(make_employer, make_job, make_worker):
    """A worker hired for a posting: (worker, employer, job, application)."""
    employer = make_employer()
    job = make_job(employer, title="钢筋工", occupation=None, wage_min=300, wage_max=350, wage_unit="day",
                   employment_type="gig_daily")
    worker = make_worker()
    app = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    assert employer.post(f"/api/v1/applications/{app['id']}/status", {"status": "hired"}).status_code == 200
    return worker, employer, job, app


def _sign_in(api) -> None:
    r = api.client.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302


def test_a_hired_worker_records_a_day_and_the_employer_sees_it_pending(hired, today):
    worker, employer, job, app = hired
    r = worker.post("/api/v1/worklog", {"application_id": app["id"], "work_date": today.isoformat(), "hours": 10})
    assert r.status_code == 201, r.get_json()
    entry = r.get_json()
    assert entry["status"] == "pending" and entry["days"] == 1 and entry["hours"] == 10
    assert entry["agreed_wage"]["text"] == "300-350元/天"
    listed = employer.get("/api/v1/worklog").get_json()
    assert [e["id"] for e in listed["items"]] == [entry["id"]]
    assert listed["items"][0]["worker"]["name"] == "王师傅"
    assert "id_number" not in str(listed)


def test_only_a_job_the_worker_was_hired_for_takes_a_day(make_job, make_worker, today, session):
    job = make_job()
    worker = make_worker()
    app = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    r = worker.post("/api/v1/worklog", {"application_id": app["id"], "work_date": today.isoformat()})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["application_id"] == "只能给被录用的岗位记工"
    other = make_worker()
    r = other.post("/api/v1/worklog", {"application_id": app["id"], "work_date": today.isoformat()})
    assert r.status_code == 422 and "application_id" in r.get_json()["error"]["fields"]
    assert session.exec(select(WorkLogEntry)).all() == []


def test_wrong_days_are_named_and_a_day_is_recorded_once(hired, today):
    worker, _, _, app = hired
    r = worker.post("/api/v1/worklog", {"application_id": app["id"], "work_date": (today + timedelta(days=1)).isoformat(),
                                        "days": 2, "hours": 30})
    fields = r.get_json()["error"]["fields"]
    assert r.status_code == 422
    assert fields["work_date"] == "上工日期不能晚于今天"
    assert fields["days"] == "天数应为 0.5（半天）或 1（一天）"
    assert fields["hours"] == "一天的工时应在 0 到 24 小时之间"
    body = {"application_id": app["id"], "work_date": today.isoformat(), "days": 0.5}
    assert worker.post("/api/v1/worklog", body).status_code == 201
    again = worker.post("/api/v1/worklog", body)
    assert again.status_code == 409 and again.get_json()["error"]["fields"]["work_date"] == "这天已经记过了"


def test_employer_confirms_one_day_and_disputes_another_with_a_reason_and_the_worker_is_told(hired, today, sms):
    worker, employer, _, app = hired
    first = worker.post("/api/v1/worklog", {"application_id": app["id"], "work_date": today.isoformat()}).get_json()
    second = worker.post("/api/v1/worklog", {"application_id": app["id"],
                                             "work_date": (today - timedelta(days=1)).isoformat()}).get_json()
    r = employer.post(f"/api/v1/worklog/{first['id']}/decision", {"confirm": True})
    assert r.status_code == 200 and r.get_json()["status"] == "confirmed"
    r = employer.post(f"/api/v1/worklog/{second['id']}/decision", {"confirm": False})
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    r = employer.post(f"/api/v1/worklog/{second['id']}/decision", {"confirm": False, "reason": "当天下雨停工"})
    assert r.get_json()["status"] == "disputed" and r.get_json()["dispute_reason"] == "当天下雨停工"
    assert "当天下雨停工" in sms.last_to(worker.user.phone)
    # A confirmed day is evidence: it cannot be turned into a dispute afterwards.
    r = employer.post(f"/api/v1/worklog/{first['id']}/decision", {"confirm": False, "reason": "记错了"})
    assert r.status_code == 409
    mine = worker.get("/api/v1/worklog").get_json()
    assert mine["totals"] == {"entries": 2, "confirmed_entries": 1, "confirmed_days": 1.0, "confirmed_hours": 0}


def test_another_employer_cannot_confirm_or_read_the_days(hired, make_employer, today):
    worker, _, _, app = hired
    entry = worker.post("/api/v1/worklog", {"application_id": app["id"], "work_date": today.isoformat()}).get_json()
    stranger = make_employer(name="别家单位")
    assert stranger.post(f"/api/v1/worklog/{entry['id']}/decision", {"confirm": True}).status_code == 403
    assert stranger.get("/api/v1/worklog").get_json()["items"] == []


def test_both_sides_export_the_log_as_csv_and_excel(hired, today):
    worker, employer, _, app = hired
    entry = worker.post("/api/v1/worklog", {"application_id": app["id"], "work_date": today.isoformat(),
                                            "note": "=HYPERLINK(\"x\")"}).get_json()
    employer.post(f"/api/v1/worklog/{entry['id']}/decision", {"confirm": True})
    r = worker.get("/api/v1/worklog/export?format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日期", "单位", "岗位", "天数"]
    assert rows[1][0] == today.isoformat() and rows[1][6] == "单位已确认"
    assert rows[1][5].startswith("'=")  # a typed formula never runs in the spreadsheet
    r = employer.get("/api/v1/worklog/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(r.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "工人" and values[1][0] == "王师傅" and values[1][1] == today.isoformat()
    assert worker.get("/api/v1/worklog/export?format=pdf").status_code == 422


def test_worker_records_from_the_page_and_a_mistake_keeps_what_was_typed(hired, today):
    worker, employer, _, app = hired
    _sign_in(worker)
    r = worker.client.post("/me/worklog", data={"application_id": str(app["id"]), "work_date": today.isoformat(),
                                                "hours": "99", "note": "扎钢筋"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "一天的工时应在 0 到 24 小时之间" in page and "扎钢筋" in page
    r = worker.client.post("/me/worklog", data={"application_id": str(app["id"]), "work_date": today.isoformat(),
                                                "hours": "9", "note": "扎钢筋"}, follow_redirects=True)
    assert "已记下，等单位确认" in r.get_data(as_text=True) and "待单位确认" in r.get_data(as_text=True)
    _sign_in(employer)
    page = employer.client.get("/employer/worklog").get_data(as_text=True)
    assert "扎钢筋" in page and "确认" in page
    entry_id = employer.get("/api/v1/worklog").get_json()["items"][0]["id"]
    r = employer.client.post(f"/employer/worklog/{entry_id}/decision", data={"confirm": "1"}, follow_redirects=True)
    assert "单位已确认" in r.get_data(as_text=True)
    assert worker.client.get("/worklog/export.xlsx").status_code == 200
