"""The organiser's console (viewers now, applications per posting, best-matched viewers and workers, only what
an employer may see) and the report after the session, on the page and in Excel, against counts by hand."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import select

from market.models import Application
from tests.livekit import Sse, new_session, on_air


def _sign_in(app, api):
    browser = app.test_client()
    r = browser.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302
    return browser


def _decide(employer, session, worker, job_id: int, status: str) -> None:
    session.rollback()
    app_id = session.exec(select(Application.id).where(Application.worker_id == worker.worker_id,
                                                       Application.job_id == job_id)).one()
    body = {"status": status}
    if status == "interview":
        body |= {"interview_at": "2030-01-05T09:00:00", "interview_place": "东莞长安镇人才市场"}
    r = employer.post(f"/api/v1/applications/{app_id}/status", body)
    assert r.status_code == 200, r.get_json()


def test_the_console_shows_viewers_and_the_best_matched_without_personal_data(app, organiser, make_job,
                                                                             make_worker, hub):
    job = make_job(title="电焊工", occupation="welder")
    session_id = new_session(organiser)
    on_air(organiser, session_id, job["id"])
    watcher = make_worker(name="李焊工")
    browser = _sign_in(app, watcher)
    r = browser.get(f"/live/{session_id}/events", buffered=False)
    try:
        Sse(r.response).wait_events(1)
        hub.poll_once(counts=True)  # presence written: one viewer, signed in
        console = organiser.get(f"/api/v1/live/sessions/{session_id}/console").get_json()
    finally:
        r.close()
    assert console["viewers"] == 1 and console["on_air_job"]["id"] == job["id"]
    matched = console["matched_viewers"]
    assert [m["worker"]["name"] for m in matched] == ["李焊工"] and matched[0]["reasons"]
    assert "李焊工" in [c["worker"]["name"] for c in console["candidates"]]
    for shown in matched + console["candidates"]:
        assert not {"id_number", "birth_date", "hometown_adcode", "priority_groups", "phone"} & set(shown["worker"])
    page = _sign_in(app, organiser).get(f"/organiser/live/{session_id}").get_data(as_text=True)
    assert "最匹配的观众" in page and "李焊工" in page


def test_the_report_counts_views_applications_interviews_and_hires_per_posting(app, organiser, make_employer,
                                                                              make_job, make_worker, hub, session):
    employer = make_employer()
    welder, packer, unaired = (make_job(employer, title=t) for t in ("电焊工", "包装工", "没上播的岗位"))
    session_id = new_session(organiser)
    base = f"/api/v1/live/sessions/{session_id}"
    for job in (welder, packer, unaired):
        organiser.post(f"{base}/queue", {"job_id": job["id"]})
    workers = [make_worker(name=f"工友{i}") for i in range(4)]

    # 电焊工 on air with three viewers watching; three apply from the card.
    streams = [app.test_client().get(f"/live/{session_id}/events", buffered=False) for _ in range(3)]
    try:
        organiser.post(f"{base}/next")
        for r in streams:
            Sse(r.response).wait_events(1)
        hub.poll_once(counts=True)
        for w in workers[:3]:
            assert w.post(f"{base}/applications", {"job_id": welder["id"]}).status_code == 201
        streams.pop().close()  # one leaves; the airing keeps its most viewers (3)
        hub.poll_once(counts=True)
        organiser.post(f"{base}/next")  # 包装工, two watching
        hub.poll_once(counts=True)
        for w in workers[2:4]:
            assert w.post(f"{base}/applications", {"job_id": packer["id"]}).status_code == 201
        # An application on the job page, not from the card, is not the session's.
        assert workers[3].post(f"/api/v1/jobs/{welder['id']}/applications", {}).status_code == 201
        # A second tap on the card for a posting no longer on air still counts once.
        assert workers[0].post(f"{base}/applications", {"job_id": welder["id"]}).status_code == 200
    finally:
        for r in streams:
            r.close()
    organiser.post(f"{base}/end")
    _decide(employer, session, workers[0], welder["id"], "interview")
    _decide(employer, session, workers[0], welder["id"], "hired")
    _decide(employer, session, workers[1], welder["id"], "interview")
    _decide(employer, session, workers[1], welder["id"], "not_hired")  # invited once: still an interview
    _decide(employer, session, workers[2], packer["id"], "hired")  # hired straight away: counts as both

    report = organiser.get(f"{base}/report").get_json()
    rows = {r["title"]: r for r in report["items"]}
    assert [r["title"] for r in report["items"]] == ["电焊工", "包装工", "没上播的岗位"]
    pick = ("airings", "views", "applications", "interviews", "hires")
    assert {k: rows["电焊工"][k] for k in pick} == {"airings": 1, "views": 3, "applications": 3, "interviews": 2,
                                                   "hires": 1}
    assert {k: rows["包装工"][k] for k in pick} == {"airings": 1, "views": 2, "applications": 2, "interviews": 1,
                                                   "hires": 1}
    assert {k: rows["没上播的岗位"][k] for k in pick} == dict.fromkeys(pick, 0)
    assert report["totals"] == {"views": 5, "applications": 5, "interviews": 3, "hires": 2}

    browser = _sign_in(app, organiser)
    page = browser.get(f"/organiser/live/{session_id}/report").get_data(as_text=True)
    assert 'id="report-chart"' in page and "电焊工" in page and "width: 100.0%" in page
    r = browser.get(f"/organiser/live/{session_id}/report.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows_xlsx = list(sheet.iter_rows(values_only=True))
    assert rows_xlsx[1] == ("岗位编号", "岗位", "单位", "上播次数", "观看人数", "直播投递", "邀请面试", "录用")
    assert rows_xlsx[2][1] == "电焊工" and rows_xlsx[2][3:] == (1, 3, 3, 2, 1)
    assert rows_xlsx[-1] == ("合计", None, None, 2, 5, 5, 3, 2)
    api_xlsx = organiser.get(f"{base}/report.xlsx")
    assert api_xlsx.status_code == 200 and api_xlsx.data[:2] == b"PK"
    assert make_worker().get(f"{base}/report.xlsx").status_code == 403
