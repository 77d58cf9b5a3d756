"""Fan-out of live events: one poller per process wakes only the viewers of a session with news; two app
processes (gunicorn, gevent) on two ports serve one session, through Redis or, without it, by the poll."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.livekit import Sse, new_session, on_air

ROOT = Path(__file__).resolve().parent.parent
# Two ports of this checkout's range for the app processes the tests start.
PORTS = (int(os.environ.get("LIVE_TEST_PORT_A", "8523")), int(os.environ.get("LIVE_TEST_PORT_B", "8524")))


def test_the_poller_wakes_only_the_viewers_of_the_session_with_news(organiser, make_job, client, hub):
    busy, quiet = new_session(organiser, "东莞专场"), new_session(organiser, "贵州专场")
    responses = [client.get(f"/live/{sid}/events", buffered=False) for sid in (busy, quiet, quiet)]
    try:
        streams = [Sse(r.response) for r in responses]
        for s in streams:
            s.until(lambda s: s.comments)
        channels = hub._channels
        before = {sid: channels[sid].wakes for sid in (busy, quiet)}
        event_id = on_air(organiser, busy, make_job()["id"])["event_id"]
        assert [e["id"] for e in streams[0].wait_events(1)] == [event_id]
        for _ in range(5):
            hub.poll_once()  # ticks with nothing new wake nobody
        assert channels[busy].wakes - before[busy] == 1
        assert channels[quiet].wakes == before[quiet]
        assert streams[1].events == [] and streams[2].events == []
    finally:
        for r in responses:
            r.close()


def test_the_single_machine_default_polls_a_few_times_a_second(app):
    hub = app.extensions["live"]
    assert hub.redis_url is None and hub.poll_interval <= 0.25


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def two_servers(app, database_url, tmp_path):
    """Starts two gunicorn app processes (one gevent worker each) on two ports, on the test database."""
    started: list[subprocess.Popen] = []
    logs: list = []

    def start(redis_url: str | None, poll: float) -> list[str]:
        env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=app.config["SECRET_KEY"],
                   SEARCH_ENABLED="0", SEARCH_LOG="", MODEL_DIR=str(tmp_path / "models"), WEB_CONCURRENCY="1",
                   LIVE_POLL_INTERVAL=str(poll), PYTHONPATH=str(ROOT))
        env.pop("REDIS_URL", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        urls = []
        for port in PORTS:
            assert _free(port), f"port {port} is taken"
            logs.append(open(tmp_path / f"server-{port}.log", "wb"))
            started.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind",
                 f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=logs[-1]))
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for url in urls:
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code in (200, 503):
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, f"{url} did not start: " + "".join(
                    p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("server-*.log"))
                time.sleep(0.2)
        return urls

    yield start
    for proc in started:
        proc.terminate()
    for proc in started:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for log in logs:
        log.close()


def _event_between(organiser, make_job, urls: list[str], ready=None) -> tuple[float, dict, int]:
    """A viewer on the second process; the organiser puts a job on air on the first (once ``ready()``)."""
    first, second = urls
    session_id = new_session(organiser)
    job = make_job(title="电工")
    viewer = requests.get(f"{second}/live/{session_id}/events", stream=True, timeout=30)
    try:
        assert viewer.status_code == 200
        stream = Sse(viewer.iter_content(chunk_size=None))
        stream.until(lambda s: s.retry is not None, timeout=10)
        time.sleep(0.5)  # the second process's poller and listener are up
        deadline = time.monotonic() + 20
        while ready is not None and not ready():
            assert time.monotonic() < deadline, "the viewer's process did not subscribe to Redis"
            time.sleep(0.1)
        sent_at = time.monotonic()
        sent = requests.post(f"{first}/api/v1/live/sessions/{session_id}/on-air", json={"job_id": job["id"]},
                             headers={"Authorization": f"Bearer {organiser.token}"}, timeout=10)
        assert sent.status_code == 200, sent.text
        stream.until(lambda s: s.events, timeout=10)
        return time.monotonic() - sent_at, stream.events[0], sent.json()["event_id"]
    finally:
        viewer.close()


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no Redis server to test against")
def test_an_event_put_on_air_on_one_process_reaches_a_viewer_of_the_other_through_redis(
        organiser, make_job, two_servers):
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    before = client.execute_command("PUBSUB", "NUMPAT")
    urls = two_servers(os.environ["REDIS_URL"], poll=30.0)  # the poll is too slow to be what delivers it
    # Subscribed: the first viewer of a process starts its listener (pattern live:*).
    took, event, event_id = _event_between(organiser, make_job, urls,
                                           ready=lambda: client.execute_command("PUBSUB", "NUMPAT") > before)
    client.close()
    assert event["id"] == event_id and event["data"]["job"]["title"] == "电工"
    assert took < 3.0, took


def test_without_redis_two_processes_share_a_session_by_the_poll(organiser, make_job, two_servers):
    urls = two_servers(None, poll=0.2)
    took, event, event_id = _event_between(organiser, make_job, urls)
    assert event["id"] == event_id and event["event"] == "on_air"
    assert took < 3.0, took
