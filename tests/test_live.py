"""Live job fairs: who may run one, what goes on air, and the Server-Sent Events stream viewers follow."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlmodel import select
from werkzeug.serving import WSGIRequestHandler, make_server

from market import create_app
from market.models import LiveEvent, LiveSession
from tests.livekit import Sse, fast, new_session, on_air

# ---- who may run a session ----


def test_organiser_opens_a_session_that_anyone_can_read(organiser, client):
    r = organiser.post("/api/v1/live/sessions", {"title": "  春风行动 · 东莞专场 "})
    assert r.status_code == 201
    session_id = r.get_json()["id"]
    r = client.get(f"/api/v1/live/sessions/{session_id}")  # no sign-in
    assert r.status_code == 200
    body = r.get_json()
    assert body["title"] == "春风行动 · 东莞专场"
    assert body["status"] == "scheduled" and body["on_air_job"] is None
    assert body["events_url"] == f"/live/{session_id}/events"
    assert client.get("/api/v1/live/sessions/999999").status_code == 404


def test_workers_and_employers_cannot_open_a_session_or_put_a_job_on_air(make_user, make_employer, make_job,
                                                                         organiser, client):
    session_id = new_session(organiser)
    job = make_job()
    for api in (make_user("worker"), make_employer()):
        assert api.post("/api/v1/live/sessions", {"title": "我的直播"}).status_code == 403
        r = api.post(f"/api/v1/live/sessions/{session_id}/on-air", {"job_id": job["id"]})
        assert r.status_code == 403
        assert api.post(f"/api/v1/live/sessions/{session_id}/end").status_code == 403
    assert client.post("/api/v1/live/sessions", json={"title": "匿名"}).status_code == 401
    assert client.post(f"/api/v1/live/sessions/{session_id}/on-air", json={"job_id": job["id"]}).status_code == 401


def test_another_organiser_cannot_control_your_session_but_staff_can(make_user, organiser, admin, make_job):
    session_id = new_session(organiser)
    job = make_job()
    other = make_user("organiser")
    r = other.post(f"/api/v1/live/sessions/{session_id}/on-air", {"job_id": job["id"]})
    assert r.status_code == 403 and r.get_json()["error"]["message"]
    assert other.post(f"/api/v1/live/sessions/{session_id}/end").status_code == 403
    assert on_air(admin, session_id, job["id"])["status"] == "live"
    r = admin.post("/api/v1/live/sessions", {"title": "人社局专场"})
    assert r.status_code == 201


def test_a_session_needs_a_title(organiser):
    for body in ({}, {"title": "   "}, {"title": 12}):
        r = organiser.post("/api/v1/live/sessions", body)
        assert r.status_code == 422
        assert "title" in r.get_json()["error"]["fields"]
    r = organiser.post("/api/v1/live/sessions", {"title": "长" * 101})
    assert r.status_code == 422 and "100" in r.get_json()["error"]["fields"]["title"]


def test_only_a_job_open_today_goes_on_air(organiser, make_employer, make_job):
    session_id = new_session(organiser)
    for body in ({}, {"job_id": "abc"}, {"job_id": -3}, {"job_id": True}):
        r = organiser.post(f"/api/v1/live/sessions/{session_id}/on-air", body)
        assert r.status_code == 422 and "job_id" in r.get_json()["error"]["fields"], body
    r = organiser.post(f"/api/v1/live/sessions/{session_id}/on-air", {"job_id": 987654})
    assert r.status_code == 422 and "987654" in r.get_json()["error"]["fields"]["job_id"]

    employer = make_employer()
    closed, paused = make_job(employer), make_job(employer, title="普工")
    assert employer.post(f"/api/v1/jobs/{closed['id']}/status", {"action": "close"}).status_code == 200
    assert employer.post(f"/api/v1/jobs/{paused['id']}/status", {"action": "pause"}).status_code == 200
    for job in (closed, paused):
        r = organiser.post(f"/api/v1/live/sessions/{session_id}/on-air", {"job_id": job["id"]})
        assert r.status_code == 409
        error = r.get_json()["error"]
        assert "job_id" in error["fields"] and "岗位" in error["message"]
    assert organiser.post("/api/v1/live/sessions/999999/on-air", {"job_id": closed["id"]}).status_code == 404


def test_putting_a_job_on_air_records_the_event_in_the_same_transaction(organiser, make_job, client, session,
                                                                       monkeypatch):
    session_id = new_session(organiser)
    job = make_job(title="数控车床操作工")
    # A failure after the event is written (the audit line) leaves neither the event nor the on-air job.
    from market.live import services as live_services

    def broken_record(*_args, **_kwargs):
        raise RuntimeError("audit trail unavailable")

    with monkeypatch.context() as m:
        m.setattr(live_services, "record", broken_record)
        r = organiser.post(f"/api/v1/live/sessions/{session_id}/on-air", {"job_id": job["id"]})
        assert r.status_code == 500
    assert client.get(f"/api/v1/live/sessions/{session_id}").get_json()["on_air_job"] is None
    assert session.exec(select(LiveEvent).where(LiveEvent.session_id == session_id)).all() == []
    session.rollback()  # end this read: what follows is read afresh

    body = on_air(organiser, session_id, job["id"])
    assert body["status"] == "live" and body["on_air_job"]["id"] == job["id"]
    public = client.get(f"/api/v1/live/sessions/{session_id}").get_json()
    assert public["on_air_job"]["title"] == "数控车床操作工"
    event = session.get(LiveEvent, body["event_id"])
    assert event.session_id == session_id and event.event == "on_air"
    assert event.data["job"]["id"] == job["id"] and event.data["job"]["wage_text"]
    assert event.data["job"]["employer"]["open_wage_complaints"] == 0


def test_an_ended_session_takes_no_more_jobs_and_ending_twice_changes_nothing(organiser, make_job, session):
    session_id = new_session(organiser)
    job = make_job()
    on_air(organiser, session_id, job["id"])
    r = organiser.post(f"/api/v1/live/sessions/{session_id}/end")
    assert r.status_code == 200 and r.get_json()["status"] == "ended" and r.get_json()["on_air_job"] is None
    again = organiser.post(f"/api/v1/live/sessions/{session_id}/end")
    assert again.status_code == 200 and again.get_json()["event_id"] is None
    on_air(organiser, session_id, job["id"], status=409)
    names = [e.event for e in session.exec(select(LiveEvent).where(LiveEvent.session_id == session_id)
                                           .order_by(LiveEvent.id))]
    assert names == ["on_air", "ended"]


# ---- the event stream ----


def test_stream_sends_numbered_named_events_with_the_job_and_ends_with_the_session(organiser, make_job, watch):
    session_id = new_session(organiser)
    first, second = make_job(title="电焊工"), make_job(title="叉车司机")
    stream = watch(session_id)
    stream.until(lambda s: s.comments)  # connected and idle: a keepalive comment
    assert stream.retry is not None and 1000 <= stream.retry <= 10000
    assert stream.events == []
    assert "keepalive" in stream.comments

    on_air(organiser, session_id, first["id"])
    on_air(organiser, session_id, second["id"])
    assert organiser.post(f"/api/v1/live/sessions/{session_id}/end").status_code == 200
    stream.until(lambda s: s.finished)
    assert [e["event"] for e in stream.events] == ["on_air", "on_air", "ended"]
    ids = [e["id"] for e in stream.events]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [e["data"]["job"]["title"] for e in stream.events[:2]] == ["电焊工", "叉车司机"]
    assert stream.events[0]["data"]["job"]["id"] == first["id"]
    assert stream.events[2]["data"]["session_id"] == session_id


def test_reconnecting_with_last_event_id_gets_exactly_what_was_missed_in_order(organiser, make_job, watch):
    session_id = new_session(organiser)
    jobs = [make_job(title=t) for t in ("电焊工", "普工", "叉车司机", "保洁")]
    event_ids = [on_air(organiser, session_id, j["id"])["event_id"] for j in jobs]
    other = new_session(organiser, "另一场")
    on_air(organiser, other, jobs[0]["id"])  # another session's event never leaks in

    stream = watch(session_id, headers={"Last-Event-ID": str(event_ids[0])})
    stream.until(lambda s: s.comments)
    assert [e["id"] for e in stream.events] == event_ids[1:]
    assert [e["data"]["job"]["title"] for e in stream.events] == ["普工", "叉车司机", "保洁"]

    # For clients that cannot set headers; the header wins when both are there.
    by_query = watch(session_id, query=f"?last_event_id={event_ids[2]}").until(lambda s: s.comments)
    assert [e["id"] for e in by_query.events] == event_ids[3:]
    both = watch(session_id, headers={"Last-Event-ID": str(event_ids[1])},
                 query=f"?last_event_id={event_ids[3]}").until(lambda s: s.comments)
    assert [e["id"] for e in both.events] == event_ids[2:]

    # and then live events follow on the same stream
    new_id = on_air(organiser, session_id, jobs[1]["id"])["event_id"]
    stream.until(lambda s: len(s.events) == 4)
    assert stream.events[-1]["id"] == new_id


def test_a_new_viewer_sees_the_job_on_air_now_first(organiser, make_job, watch):
    session_id = new_session(organiser)
    old, current = make_job(title="电焊工"), make_job(title="叉车司机")
    on_air(organiser, session_id, old["id"])
    current_event = on_air(organiser, session_id, current["id"])["event_id"]
    stream = watch(session_id).until(lambda s: s.comments)
    assert [(e["id"], e["event"]) for e in stream.events] == [(current_event, "on_air")]
    assert stream.events[0]["data"]["job"]["title"] == "叉车司机"


def test_viewers_of_an_ended_session_get_the_end_and_then_no_more(organiser, make_job, watch):
    session_id = new_session(organiser)
    on_air(organiser, session_id, make_job()["id"])
    ended_id = organiser.post(f"/api/v1/live/sessions/{session_id}/end").get_json()["event_id"]
    stream = watch(session_id).until(lambda s: s.finished)
    assert [(e["id"], e["event"]) for e in stream.events] == [(ended_id, "ended")]
    # A browser reconnecting after the end is told to stop (204), whichever way it names its last event.
    watch(session_id, headers={"Last-Event-ID": str(ended_id)}, expect=204)
    watch(session_id, query=f"?last_event_id={ended_id}", expect=204)


def test_an_idle_stream_holds_no_database_connection(organiser, make_job, watch, engine):
    session_id = new_session(organiser)
    on_air(organiser, session_id, make_job()["id"])
    streams = [watch(session_id) for _ in range(3)]
    for stream in streams:
        stream.until(lambda s: len(s.comments) >= 2)
    assert engine.pool.checkedout() == 0


def test_a_stream_closes_after_its_longest_life_and_frees_its_place(organiser, watch, hub):
    session_id = new_session(organiser)
    hub.max_duration = 0.5  # then a browser reconnects with Last-Event-ID
    stream = watch(session_id)
    stream.pump()
    assert hub.viewers(session_id) == 1
    stream.until(lambda s: s.finished, timeout=3)
    assert hub.viewers(session_id) == 0


def test_stream_errors_answer_json(client):
    r = client.get("/live/999999/events")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = client.get("/live/999999/events", headers={"Last-Event-ID": "abc"})
    assert r.status_code == 422 and "last_event_id" in r.get_json()["error"]["fields"]


def test_viewers_on_another_process_without_redis_catch_up_by_polling(app, database_url, tmp_path, organiser,
                                                                      make_job, hub):
    other = create_app({"DATABASE_URL": database_url, "TESTING": True, "SEARCH_ENABLED": False,
                        "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None, "RATELIMIT_ENABLED": False})
    other_hub = fast(other)
    other_hub.poll_interval = 0.3
    session_id = new_session(organiser)
    r = other.test_client().get(f"/live/{session_id}/events", buffered=False)
    try:
        stream = Sse(r.response).until(lambda s: s.comments)
        event_id = on_air(organiser, session_id, make_job()["id"])["event_id"]  # committed by `app`
        assert [e["id"] for e in stream.wait_events(1, timeout=3)] == [event_id]
    finally:
        r.close()
        other_hub.close()
        other.extensions["market"].engine.dispose()


# ---- pages ----


def _sign_in(app, api):
    browser = app.test_client()
    r = browser.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302
    return browser


def test_viewer_page_shows_the_job_on_air_without_javascript(organiser, make_job, client):
    session_id = new_session(organiser, "春风行动直播")
    page = client.get(f"/live/{session_id}")
    assert page.status_code == 200 and "主持人正在准备" in page.get_data(as_text=True)
    job = make_job(title="模具钳工")
    on_air(organiser, session_id, job["id"])
    html = client.get(f"/live/{session_id}").get_data(as_text=True)
    assert "春风行动直播" in html and "模具钳工" in html and f'href="/jobs/{job["id"]}"' in html
    assert 'lang="zh-CN"' in html
    assert "<script>" not in html and 'src="/static/live-watch.js"' in html  # no inline script
    assert f'action="/live/{session_id}/apply"' in html and f'name="job_id" id="apply-job" value="{job["id"]}"' in html
    r = client.get("/static/live-watch.js")
    script = r.get_data(as_text=True)
    r.close()
    assert "new EventSource" in script and len(script.encode()) < 8192
    assert client.get("/live/999999").status_code == 404


def test_organiser_page_runs_a_session_with_forms(app, organiser, make_job, make_user, hub, session):
    job = make_job(title="装配工")
    browser = _sign_in(app, organiser)
    page = browser.get("/organiser/live").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    r = browser.post("/organiser/live", data={"title": ""})
    assert r.status_code == 422 and "请填写直播标题" in r.get_data(as_text=True)
    assert browser.post("/organiser/live", data={"title": "现场招聘会"}).status_code == 302
    page = browser.get("/organiser/live").get_data(as_text=True)
    assert "现场招聘会" in page and 'name="csrf_token"' in page
    session_id = session.exec(select(LiveSession.id).where(LiveSession.title == "现场招聘会")).one()
    assert f'href="/organiser/live/{session_id}"' in page
    page = browser.get(f"/organiser/live/{session_id}").get_data(as_text=True)
    assert f'action="/organiser/live/{session_id}/next"' in page and 'name="csrf_token"' in page

    r = browser.post(f"/organiser/live/{session_id}/on-air", data={"job_id": "987654"})
    assert r.status_code == 422 and "987654" in r.get_data(as_text=True)
    r = browser.post(f"/organiser/live/{session_id}/on-air", data={"job_id": str(job["id"])})
    assert r.status_code == 302
    assert app.test_client().get(f"/api/v1/live/sessions/{session_id}").get_json()["on_air_job"]["id"] == job["id"]
    asked = browser.post(f"/organiser/live/{session_id}/end")  # ending cannot be undone: it asks first
    assert asked.status_code == 200 and "确定结束这场直播吗？" in asked.get_data(as_text=True)
    assert app.test_client().get(f"/api/v1/live/sessions/{session_id}").get_json()["status"] != "ended"
    assert browser.post(f"/organiser/live/{session_id}/end", data={"confirm": "yes"}).status_code == 302
    assert app.test_client().get(f"/api/v1/live/sessions/{session_id}").get_json()["status"] == "ended"

    worker = _sign_in(app, make_user("worker"))
    assert worker.get("/organiser/live").status_code == 403
    assert app.test_client().get("/organiser/live").status_code == 302  # to sign-in


# ---- across processes and at scale, on a real server ----


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def serve():
    """Serves an app on a free loopback port in a thread (a thread per connection)."""
    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _read_until_event(response, name: str) -> tuple[float, dict]:
    """Reads a real stream until an event of that name; the time it arrived and the event."""
    stream = Sse(response.iter_content(chunk_size=None))
    stream.until(lambda s: any(e["event"] == name for e in s.events), timeout=20)
    return time.monotonic(), next(e for e in stream.events if e["event"] == name)


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis server to test against")
def test_an_event_committed_by_one_app_reaches_a_viewer_of_another_through_redis(
        app, database_url, tmp_path, organiser, make_job, hub):
    overrides = {"DATABASE_URL": database_url, "TESTING": True, "SEARCH_ENABLED": False,
                 "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": os.environ["REDIS_URL"],
                 "RATELIMIT_ENABLED": False}
    publisher, viewer = create_app(overrides), create_app(overrides)
    fast(publisher)
    viewer_hub = fast(viewer)
    viewer_hub.poll_interval = 60.0  # only Redis can bring the event in time
    session_id = new_session(organiser)
    job = make_job(title="电工")
    r = viewer.test_client().get(f"/live/{session_id}/events", buffered=False)
    try:
        stream = Sse(r.response).until(lambda s: s.comments)
        assert viewer_hub.listening.wait(5), "the viewer's process did not subscribe to Redis"
        before = time.monotonic()
        headers = {"Authorization": f"Bearer {organiser.token}"}
        sent = publisher.test_client().post(f"/api/v1/live/sessions/{session_id}/on-air",
                                            json={"job_id": job["id"]}, headers=headers)
        assert sent.status_code == 200
        events = stream.wait_events(1, timeout=3)
        assert [e["id"] for e in events] == [sent.get_json()["event_id"]]
        assert events[0]["data"]["job"]["title"] == "电工"
        assert time.monotonic() - before < 3
    finally:
        r.close()
        for each in (publisher, viewer):
            each.extensions["live"].close()
            each.extensions["market"].engine.dispose()


def test_two_hundred_viewers_on_one_server_all_get_the_job_within_seconds(app, organiser, make_job, hub, serve):
    viewers = 200
    hub.heartbeat = 1.0
    base = serve(app)
    session_id = new_session(organiser)
    job = make_job(title="包装工")
    responses = []
    lock = threading.Lock()

    def view() -> tuple[float, dict]:
        r = requests.get(f"{base}/live/{session_id}/events", stream=True, timeout=10)
        with lock:
            responses.append(r)
        assert r.status_code == 200
        return _read_until_event(r, "on_air")

    with ThreadPoolExecutor(max_workers=viewers) as pool:
        try:
            futures = [pool.submit(view) for _ in range(viewers)]
            deadline = time.monotonic() + 20
            while hub.viewers(session_id) < viewers:
                assert time.monotonic() < deadline, f"only {hub.viewers(session_id)} viewers connected"
                assert not any(f.done() and f.exception() for f in futures), [f.exception() for f in futures if f.done()]
                time.sleep(0.05)
            sent_at = time.monotonic()
            r = requests.post(f"{base}/api/v1/live/sessions/{session_id}/on-air", json={"job_id": job["id"]},
                              headers={"Authorization": f"Bearer {organiser.token}"}, timeout=10)
            assert r.status_code == 200
            results = [f.result(timeout=20) for f in futures]
        finally:
            hub.close()  # ends the streams still open
            with lock:
                for response in responses:
                    response.close()
    latencies = sorted(arrived - sent_at for arrived, _ in results)
    assert all(event["data"]["job"]["id"] == job["id"] for _, event in results)
    assert len({event["id"] for _, event in results}) == 1
    print(f"\nlive fan-out: {viewers} viewers, on-air event received by all: median "
          f"{latencies[len(latencies) // 2] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    assert latencies[-1] < 5.0
