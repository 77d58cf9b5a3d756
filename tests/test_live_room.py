"""The live room: a session's fair and stream, the queue of postings and 'next on air', the viewer's card
with one-tap apply, and who may do what."""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from market import create_app
from market.models import Application, Fair, LiveApplication, LiveQueueItem
from tests.fairkit import approved, new_fair
from tests.livekit import new_session, on_air


def _fair(engine, organiser_id: int) -> int:
    with Session(engine) as s:
        fair = Fair(organiser_id=organiser_id, name="春风行动", kind="spring_breeze", starts_on=date(2026, 2, 1),
                    ends_on=date(2026, 2, 28), online=True)
        s.add(fair)
        s.commit()
        return fair.id


def _sign_in(app, api):
    browser = app.test_client()
    r = browser.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302
    return browser


# ---- the session ----

def test_a_session_may_belong_to_the_organisers_fair_and_carry_its_stream(organiser, make_user, engine):
    fair_id = _fair(engine, organiser.user.id)
    r = organiser.post("/api/v1/live/sessions", {"title": "春风行动 · 直播", "fair_id": fair_id,
                                                 "stream_url": "https://live.douyin.com/123456"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["fair_id"] == fair_id and body["stream_url"] == "https://live.douyin.com/123456"
    assert organiser.post("/api/v1/live/sessions", {"title": "只有标题"}).get_json()["fair_id"] is None

    other = make_user("organiser")
    assert other.post("/api/v1/live/sessions", {"title": "别人的会", "fair_id": fair_id}).status_code == 403
    r = organiser.post("/api/v1/live/sessions", {"title": "x", "fair_id": 999999, "stream_url": "javascript:alert(1)"})
    assert r.status_code == 422
    r = organiser.post("/api/v1/live/sessions", {"title": "", "stream_url": "ftp://x"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"title", "stream_url"}


def test_the_viewer_page_links_the_stream(organiser, client):
    r = organiser.post("/api/v1/live/sessions", {"title": "夜场", "stream_url": "https://example.com/live/9"})
    html = client.get(f"/live/{r.get_json()['id']}").get_data(as_text=True)
    assert 'href="https://example.com/live/9"' in html and "看直播视频" in html


# ---- the queue ----

def test_the_organiser_queues_reorders_removes_and_puts_the_next_on_air(organiser, make_job, make_employer, watch):
    employer = make_employer()
    a, b, c = (make_job(employer, title=t) for t in ("电焊工", "普工", "叉车司机"))
    session_id = new_session(organiser)
    base = f"/api/v1/live/sessions/{session_id}"
    for job in (a, b, c):
        assert organiser.post(f"{base}/queue", {"job_id": job["id"]}).status_code == 201
    assert organiser.post(f"{base}/queue", {"job_id": a["id"]}).status_code == 201  # twice: still once
    items = organiser.get(f"{base}/queue").get_json()["items"]
    assert [i["job_id"] for i in items] == [a["id"], b["id"], c["id"]]

    r = organiser.put(f"{base}/queue", {"job_ids": [c["id"], a["id"], b["id"]]})
    assert [i["job_id"] for i in r.get_json()["items"]] == [c["id"], a["id"], b["id"]]
    r = organiser.put(f"{base}/queue", {"job_ids": [c["id"], a["id"]]})
    assert r.status_code == 422 and "job_ids" in r.get_json()["error"]["fields"]
    r = organiser.delete(f"{base}/queue/{a['id']}")
    assert [i["job_id"] for i in r.get_json()["items"]] == [c["id"], b["id"]]
    assert organiser.delete(f"{base}/queue/{a['id']}").status_code == 404

    stream = watch(session_id)
    first = organiser.post(f"{base}/next")
    assert first.status_code == 200 and first.get_json()["on_air_job"]["id"] == c["id"]
    second = organiser.post(f"{base}/next").get_json()
    assert second["on_air_job"]["id"] == b["id"]
    events = stream.wait_events(2)
    assert [e["data"]["job"]["title"] for e in events] == ["叉车司机", "普工"]
    assert [e["id"] for e in events] == [first.get_json()["event_id"], second["event_id"]]
    items = organiser.get(f"{base}/queue").get_json()["items"]
    assert [(i["aired"], i["on_air"]) for i in items] == [(True, False), (True, True)]
    r = organiser.post(f"{base}/next")
    assert r.status_code == 409 and "queue" in r.get_json()["error"]["fields"]


def test_a_closed_posting_cannot_be_queued_and_pick_finds_open_ones(organiser, make_job, make_employer):
    employer = make_employer()
    job = make_job(employer, title="包装工")
    paused = make_job(employer, title="包装组长")
    assert employer.post(f"/api/v1/jobs/{paused['id']}/status", {"action": "pause"}).status_code == 200
    session_id = new_session(organiser)
    base = f"/api/v1/live/sessions/{session_id}"
    assert organiser.post(f"{base}/queue", {"job_id": paused["id"]}).status_code == 409
    assert organiser.post(f"{base}/queue", {"job_id": 987654}).status_code == 422
    assert organiser.post(f"{base}/queue", {"job_id": "abc"}).status_code == 422
    organiser.post(f"{base}/queue", {"job_id": job["id"]})
    picks = organiser.get(f"{base}/pick?q=包装").get_json()["items"]
    assert [(p["id"], p["queued"]) for p in picks] == [(job["id"], True)]


def test_only_the_sessions_organiser_or_staff_changes_the_queue(organiser, make_user, make_job, make_worker, admin,
                                                                 make_employer, session):
    job = make_job()
    session_id = new_session(organiser)
    base = f"/api/v1/live/sessions/{session_id}"
    for intruder in (make_user("organiser"), make_worker(), make_employer()):
        assert intruder.post(f"{base}/queue", {"job_id": job["id"]}).status_code == 403
        assert intruder.put(f"{base}/queue", {"job_ids": []}).status_code == 403
        assert intruder.post(f"{base}/next").status_code == 403
        assert intruder.get(f"{base}/queue").status_code == 403
        assert intruder.get(f"{base}/console").status_code == 403
        assert intruder.get(f"{base}/report").status_code == 403
    assert session.exec(select(LiveQueueItem)).all() == []
    assert admin.post(f"{base}/queue", {"job_id": job["id"]}).status_code == 201


def _fair_with_postings(organiser, make_employer, make_job, today) -> tuple[int, dict]:
    """A fair with two approved booths' open postings, a posting its employer closed, and postings that are
    not the fair's: another fair's, and one brought to no fair."""
    fair = new_fair(organiser, today)["id"]
    other_fair = new_fair(organiser, today, name="民营企业招聘周")["id"]
    welding, packing = make_employer(name="东莞长安电子厂"), make_employer(name="松桃县包装有限公司")
    approved(organiser, welding, fair, booth="A2")
    approved(organiser, packing, fair, booth="A10")
    approved(organiser, packing, other_fair, booth="B1")
    jobs = {"welder": make_job(welding, title="电焊工"), "closed": make_job(welding, title="焊工学徒"),
            "packer": make_job(packing, title="包装工"), "elsewhere": make_job(packing, title="叉车司机"),
            "no_fair": make_job(welding, title="仓管员")}
    for employer, key, fair_id in ((welding, "welder", fair), (welding, "closed", fair), (packing, "packer", fair),
                                   (packing, "elsewhere", other_fair)):
        assert employer.post(f"/api/v1/fairs/{fair_id}/jobs", {"job_id": jobs[key]["id"]}).status_code == 200
    r = welding.post(f"/api/v1/jobs/{jobs['closed']['id']}/status", {"action": "close"})
    assert r.status_code == 200, r.get_json()
    return fair, jobs


def test_a_fairs_live_room_picks_from_exactly_the_fairs_open_postings(organiser, make_employer, make_job, today):
    fair, jobs = _fair_with_postings(organiser, make_employer, make_job, today)
    session_id = organiser.post("/api/v1/live/sessions", {"title": "春风行动 · 直播", "fair_id": fair}).get_json()["id"]
    base = f"/api/v1/live/sessions/{session_id}"
    r = organiser.get(f"{base}/pick?from=fair")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["fair"] == {"id": fair, "name": "2026 春风行动 · 松桃专场"}
    # Booth by booth (A2 before A10), neither the closed posting nor another fair's nor one at no fair.
    assert [(i["id"], i["booth"], i["queued"]) for i in body["items"]] == [
        (jobs["welder"]["id"], "A2", False), (jobs["packer"]["id"], "A10", False)]

    for _ in range(2):  # a second tap on the same posting queues it once
        assert organiser.post(f"{base}/queue", {"job_id": jobs["packer"]["id"]}).status_code == 201
    assert [i["job_id"] for i in organiser.get(f"{base}/queue").get_json()["items"]] == [jobs["packer"]["id"]]
    items = organiser.get(f"{base}/pick?from=fair").get_json()["items"]
    assert [(i["id"], i["queued"]) for i in items] == [(jobs["welder"]["id"], False), (jobs["packer"]["id"], True)]

    r = organiser.post(f"{base}/next")
    assert r.get_json()["on_air_job"]["id"] == jobs["packer"]["id"]
    items = organiser.get(f"{base}/pick?from=fair").get_json()["items"]
    assert [i["on_air"] for i in items] == [False, True]

    assert organiser.get(f"{base}/pick?from=别处").status_code == 422
    plain = new_session(organiser)
    r = organiser.get(f"/api/v1/live/sessions/{plain}/pick?from=fair")
    assert r.status_code == 409 and "from" in r.get_json()["error"]["fields"]


def test_only_the_sessions_organiser_picks_from_its_fair(organiser, make_user, make_employer, make_job, make_worker,
                                                         client, app, today, session):
    fair, jobs = _fair_with_postings(organiser, make_employer, make_job, today)
    session_id = organiser.post("/api/v1/live/sessions", {"title": "春风行动", "fair_id": fair}).get_json()["id"]
    path = f"/api/v1/live/sessions/{session_id}/pick?from=fair"
    assert client.get(path).status_code == 401
    other_organiser = make_user("organiser")
    for intruder in (other_organiser, make_worker(), make_employer()):
        assert intruder.get(path).status_code == 403
    browser = _sign_in(app, other_organiser)
    assert browser.get(f"/organiser/live/{session_id}").status_code == 403
    r = browser.post(f"/organiser/live/{session_id}/queue", data={"job_id": jobs["welder"]["id"], "from": "fair"})
    assert r.status_code == 403
    assert session.exec(select(LiveQueueItem)).all() == []


def test_the_console_page_adds_the_fairs_postings_with_one_tap_each(app, organiser, make_employer, make_job, today):
    fair, jobs = _fair_with_postings(organiser, make_employer, make_job, today)
    browser = _sign_in(app, organiser)
    r = browser.post("/organiser/live", data={"title": "春风行动 · 直播", "fair_id": str(fair)})
    assert r.status_code == 302
    console = r.headers["Location"]
    session_id = int(console.rsplit("/", 1)[1])
    page = browser.get(console).get_data(as_text=True)
    picker = page[page.index('id="fair-picks-list"'):]
    picker = picker[:picker.index("</ul>")]
    assert "电焊工" in picker and "包装工" in picker and "展位 A2" in picker
    assert "焊工学徒" not in picker and "叉车司机" not in picker and "仓管员" not in picker
    assert picker.count(f'action="/organiser/live/{session_id}/queue"') == 2
    r = browser.post(f"/organiser/live/{session_id}/queue", data={"job_id": jobs["welder"]["id"], "from": "fair"})
    assert r.status_code == 302 and r.headers["Location"].endswith("#fair-picks")
    page = browser.get(console).get_data(as_text=True)
    picker = page[page.index('id="fair-picks-list"'):]
    picker = picker[:picker.index("</ul>")]
    assert picker.count(f'action="/organiser/live/{session_id}/queue"') == 1 and "已在队列" in picker
    queue = page[page.index('id="queue"'):]
    assert "电焊工" in queue[:queue.index("</ol>")]
    assert browser.post(f"/organiser/live/{session_id}/next").status_code == 302
    assert "上播中" in browser.get(console).get_data(as_text=True)


def test_the_console_page_runs_the_queue_with_forms(app, organiser, make_job, make_user):
    job = make_job(title="模具钳工")
    browser = _sign_in(app, organiser)
    r = browser.post("/organiser/live", data={"title": "现场直播", "stream_url": "不是网址"})
    assert r.status_code == 422 and "直播视频地址" in r.get_data(as_text=True)
    assert 'value="现场直播"' in r.get_data(as_text=True)  # what was typed is kept
    r = browser.post("/organiser/live", data={"title": "现场直播"})
    assert r.status_code == 302
    console = r.headers["Location"]
    session_id = int(console.rsplit("/", 1)[1])
    page = browser.get(f"{console}?q=钳工").get_data(as_text=True)
    assert "模具钳工" in page and f'action="/organiser/live/{session_id}/queue"' in page
    assert browser.post(f"/organiser/live/{session_id}/queue", data={"job_id": job["id"]}).status_code == 302
    r = browser.post(f"/organiser/live/{session_id}/queue", data={"job_id": "987654"})
    assert r.status_code == 422 and "987654" in r.get_data(as_text=True)
    assert browser.post(f"/organiser/live/{session_id}/next").status_code == 302
    page = browser.get(console).get_data(as_text=True)
    assert "上播中" in page and "模具钳工" in page
    assert _sign_in(app, make_user("organiser")).get(console).status_code == 403


# ---- the card ----

def test_a_viewer_applies_from_the_card_once_however_often_they_tap(organiser, make_job, make_worker, session,
                                                                    client):
    job = make_job(title="电焊工", pay_cycle="daily", couple_rooms=True, shift_pattern="two_shifts",
                   hours_per_day=10, meals="three_meals", age_min=18, age_max=55)
    session_id = new_session(organiser)
    worker = make_worker()
    path = f"/api/v1/live/sessions/{session_id}/applications"
    r = worker.post(path, {"job_id": job["id"]})
    assert r.status_code == 404  # not on air in this session yet
    on_air(organiser, session_id, job["id"])
    html = client.get(f"/live/{session_id}").get_data(as_text=True)
    for words in ("日结", "包三餐，包住，有夫妻房", "两班倒，每天 10 小时", "18-55周岁", "一键投递这个岗位"):
        assert words in html
    first = worker.post(path, {"job_id": job["id"]}, headers={"Idempotency-Key": "tap-1"})
    assert first.status_code == 201, first.get_json()
    again = worker.post(path, {"job_id": job["id"]}, headers={"Idempotency-Key": "tap-1"})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    other_path = worker.post(f"/api/v1/jobs/{job['id']}/applications", {})
    assert other_path.status_code == 200 and other_path.get_json()["id"] == first.get_json()["id"]
    assert len(session.exec(select(Application)).all()) == 1
    assert len(session.exec(select(LiveApplication)).all()) == 1
    assert worker.post(path, {"job_id": "x"}).status_code == 422


@contextmanager
def _statements(engine):
    """(verb, table) of each statement the engine runs, for as long as the ``with`` lasts."""
    seen: list[tuple[str, str]] = []

    def note(_conn, _cursor, statement, _params, _context, _many):
        match = re.match(r"\s*(SELECT)\b.*?\bFROM (\w+)|\s*(INSERT) INTO (\w+)|\s*(UPDATE) (\w+)|\s*(DELETE) FROM (\w+)",
                         statement, re.S)
        if match:
            verb, table = [g for g in match.groups() if g]
            seen.append((verb, table))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_tap_on_the_card_costs_a_fixed_number_of_queries(organiser, make_job, make_worker, engine):
    """The apply burst of a popular card is paid per tap: the caller's token (two reads), four reads and the
    five rows an application makes; a second tap of the same button only reads. (A new query here multiplies by a thousand taps.)"""
    job = make_job(title="普工")
    session_id = new_session(organiser)
    on_air(organiser, session_id, job["id"])
    path = f"/api/v1/live/sessions/{session_id}/applications"
    first, second = make_worker(), make_worker()
    assert first.post(path, {"job_id": job["id"]}, headers={"Idempotency-Key": "warm"}).status_code == 201
    reads = [("SELECT", "users"), ("SELECT", "sign_ins"), ("SELECT", "jobs"), ("SELECT", "workers"), ("SELECT", "idempotency_records"),
             ("SELECT", "applications")]
    with _statements(engine) as seen:
        assert second.post(path, {"job_id": job["id"]}, headers={"Idempotency-Key": "tap"}).status_code == 201
    assert seen == reads + [("INSERT", "applications"), ("INSERT", "application_events"),
                            ("INSERT", "audit_entries"), ("INSERT", "idempotency_records"),
                            ("INSERT", "live_applications")]
    with _statements(engine) as seen:
        assert second.post(path, {"job_id": job["id"]}, headers={"Idempotency-Key": "tap"}).status_code == 200
    assert seen == reads + [("SELECT", "live_applications")]


def test_a_second_tap_answers_while_another_writer_holds_the_lock(organiser, make_job, make_worker, engine,
                                                                  database_url):
    """On SQLite a double tap reads its answer without waiting for the write lock (held here by a slow
    writer elsewhere): the lock is taken only to write, and a tap that finds its application writes nothing."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    job = make_job(title="普工")
    session_id = new_session(organiser)
    on_air(organiser, session_id, job["id"])
    worker = make_worker()
    path = f"/api/v1/live/sessions/{session_id}/applications"
    first = worker.post(path, {"job_id": job["id"]}, headers={"Idempotency-Key": "tap"})
    assert first.status_code == 201
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        again = worker.post(path, {"job_id": job["id"]}, headers={"Idempotency-Key": "tap"})
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert waited < 5  # the lock's wait is 30 s


def test_without_javascript_the_card_applies_with_a_plain_form(app, organiser, make_job, make_worker, session):
    job = make_job(title="普工")
    session_id = new_session(organiser)
    on_air(organiser, session_id, job["id"])
    worker = make_worker()
    browser = _sign_in(app, worker)
    page = browser.get(f"/live/{session_id}").get_data(as_text=True)
    assert f'action="/live/{session_id}/apply"' in page
    form = {"job_id": str(job["id"]), "idempotency_key": "page-key-1"}
    r = browser.post(f"/live/{session_id}/apply", data=form)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/live/{session_id}")
    page = browser.get(f"/live/{session_id}").get_data(as_text=True)
    assert "投递成功" in page and "您已投递：已投递" in page
    assert browser.post(f"/live/{session_id}/apply", data=form).status_code == 302
    assert len(session.exec(select(Application)).all()) == 1
    # The card's script asks for JSON and stays on the page.
    r = browser.post(f"/live/{session_id}/apply", data=form, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.get_json() == {"created": False, "message": "您已投递过这个岗位"}
    # Signed out, the button leads to sign-in; an employer cannot apply.
    anonymous = app.test_client().post(f"/live/{session_id}/apply", data=form)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_card_apply_is_rate_limited_per_account(database_url, tmp_path, make_user, make_job, make_worker):
    limited = create_app({"DATABASE_URL": database_url, "TESTING": True, "SEARCH_ENABLED": False,
                          "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None, "RATELIMIT_ENABLED": True,
                          "WTF_CSRF_ENABLED": False})
    try:
        organiser = make_user("organiser")
        job = make_job()
        session_id = new_session(organiser)
        on_air(organiser, session_id, job["id"])
        worker = make_worker()
        client = limited.test_client()
        headers = {"Authorization": f"Bearer {worker.token}"}
        statuses = [client.post(f"/api/v1/live/sessions/{session_id}/applications", json={"job_id": job["id"]},
                                headers=headers).status_code for _ in range(12)]
        assert statuses[0] == 201 and statuses[1:10] == [200] * 9 and statuses[10:] == [429, 429]
        r = client.post(f"/api/v1/live/sessions/{session_id}/applications", json={"job_id": job["id"]},
                        headers=headers)
        assert r.get_json()["error"]["code"] == "rate_limited" and r.headers["Retry-After"]
        # Another account from the same address still gets through.
        other = make_worker()
        r = client.post(f"/api/v1/live/sessions/{session_id}/applications", json={"job_id": job["id"]},
                        headers={"Authorization": f"Bearer {other.token}"})
        assert r.status_code == 201
    finally:
        limited.extensions["live"].close()
        limited.extensions["market"].engine.dispose()
