"""More than one machine: two app processes (gunicorn, gevent, two ports), as two hosts behind a proxy would
be, on one PostgreSQL, one Redis and one Meilisearch. What a person does on one is true on the other: a
posting made on one is found by a search on the other, a live event reaches the viewers of both, a sign-in
made on one works on the other and a logout on one ends it on both, and the rate limits count both.

Needs PostgreSQL (``MARKET_TEST_DB``: two hosts never share a SQLite file), so the SQLite run skips it and
the PostgreSQL run of scripts/test.sh runs it. Redis is a private ``redis-server`` the test starts (or
``REDIS_URL`` when that binary is missing); Meilisearch is the project's own binary.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
import uuid

import pytest
import requests

from bench.servers import start_redis, start_site, wait_for_sites, wait_until
from market.config import Settings
from market.search_index import SearchGateway
from search.process import free_port
from search.server import start_local
from tests.conftest import TEST_DB, job_payload
from tests.livekit import Sse, new_session

pytestmark = [
    pytest.mark.postgres_only, pytest.mark.meili, pytest.mark.redis,
    pytest.mark.skipif(not TEST_DB.startswith("postgresql"),
                       reason="two hosts share PostgreSQL, never a SQLite file: set MARKET_TEST_DB=postgresql://..."),
]

# Two ports of this checkout's range for the app processes.
PORTS = tuple(int(p) for p in os.environ.get("TWO_HOSTS_PORTS", "8626,8627").split(","))
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if shutil.which("redis-server"):
        server = start_redis(free_port())
        yield server.url
        server.kill()
        shutil.rmtree(server.home, ignore_errors=True)
        return
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("neither redis-server (apt-get install redis-server) nor REDIS_URL: no Redis to share")
    yield url


@pytest.fixture(scope="module")
def hosts(database_url, redis_url, tmp_path_factory):
    """Both app processes, started at once; the index made first, as make run does (prepare_site)."""
    for port in PORTS:
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} is taken (TWO_HOSTS_PORTS picks others)"
    work = tmp_path_factory.mktemp("two-hosts")
    meili = start_local(work / "meili", master_key="two-hosts-" + uuid.uuid4().hex)
    index = "jobs_" + uuid.uuid4().hex[:8]
    SearchGateway(meili.url, meili.master_key, timeout=10, index_uid=index).prepare()
    env = {"DATABASE_URL": database_url, "SECRET_KEY": Settings.from_env().SECRET_KEY, "REDIS_URL": redis_url,
           "MEILI_URL": meili.url, "MEILI_MASTER_KEY": meili.master_key, "MEILI_INDEX": index,
           "MEILI_TIMEOUT": "3", "SEARCH_ENABLED": "1", "SEARCH_LOG": "", "SMS_BACKEND": "log",
           "MODEL_DIR": str(work / "models"), "LIVE_POLL_INTERVAL": "30"}  # the poll is too slow to deliver
    sites = [start_site(port, env, log_dir=work, wait=False) for port in PORTS]
    wait_for_sites(sites, timeout=150)
    yield [site.url for site in sites]
    for site in sites:  # both at once, and no 20 s of grace for streams whose viewers are gone
        site.process.terminate()
    for site in sites:
        site.stop(timeout=5)
    meili.stop()


def _found(url: str, job: dict) -> bool:
    r = requests.get(f"{url}/api/v1/jobs", params={"q": job["title"]}, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    return not body["degraded"] and any(h["id"] == job["id"] and h["title"] == job["title"] for h in body["hits"])


def test_a_posting_made_on_one_host_is_found_by_a_search_on_the_other(hosts, make_employer):
    first, second = hosts
    employer = make_employer()
    r = requests.post(f"{first}/api/v1/jobs", json=job_payload(title="塔吊司机"),
                      headers={"Authorization": f"Bearer {employer.token}"}, timeout=10)
    assert r.status_code == 201, r.text
    job = r.json()
    took = wait_until(lambda: _found(second, job), timeout=60, step=0.3)
    assert took is not None, "the other host's engine answers never found the posting"


def test_a_live_event_reaches_the_viewers_of_both_hosts(hosts, make_user, make_job, redis_url):
    import redis

    organiser = make_user("organiser")
    session_id = new_session(organiser)
    job = make_job(title="电工")
    client = redis.Redis.from_url(redis_url)

    def listeners() -> int:  # connections subscribed to a pattern (each process's listener: live:*)
        return sum(1 for c in client.client_list() if int(c.get("psub", 0)) > 0)

    before = listeners()
    viewers = [requests.get(f"{url}/live/{session_id}/events", stream=True, timeout=30) for url in hosts]
    try:
        streams = [Sse(v.iter_content(chunk_size=None)) for v in viewers]
        for v, s in zip(viewers, streams, strict=True):
            assert v.status_code == 200
            s.until(lambda s: s.retry is not None, timeout=10)
        # Each process listens to Redis once it has a viewer.
        assert wait_until(lambda: listeners() >= before + 2, 20), \
            "the hosts did not both subscribe to Redis"
        sent = time.monotonic()
        r = requests.post(f"{hosts[0]}/api/v1/live/sessions/{session_id}/on-air", json={"job_id": job["id"]},
                          headers={"Authorization": f"Bearer {organiser.token}"}, timeout=10)
        assert r.status_code == 200, r.text
        for s in streams:
            s.until(lambda s: s.events, timeout=10)
            assert s.events[0]["id"] == r.json()["event_id"] and s.events[0]["data"]["job"]["title"] == "电工"
        assert time.monotonic() - sent < 5.0  # through Redis: the poll (30 s) was not what brought it
    finally:
        for v in viewers:
            v.close()
        client.close()


def _csrf(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=10)
    assert page.status_code == 200, page.status_code
    return CSRF.search(page.text).group(1)


def test_a_sign_in_made_on_one_host_holds_on_the_other_until_a_logout_on_either(hosts, make_user):
    first, second = hosts
    worker = make_user("worker", password="password123")
    browser = requests.Session()
    r = browser.post(f"{first}/login", data={"phone": worker.user.phone, "password": "password123",
                                             "csrf_token": _csrf(browser, f"{first}/login")},
                     allow_redirects=False, timeout=20)
    assert r.status_code == 302, r.text
    cookie = browser.cookies.get("session")
    copy = {"session": cookie}  # a copy of the cookie, as a thief would hold it
    assert requests.get(f"{second}/me/security", cookies=copy, allow_redirects=False, timeout=10).status_code == 200

    r = browser.post(f"{second}/logout", data={"csrf_token": _csrf(browser, f"{second}/me/security")},
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302
    for url in hosts:  # the copied cookie signs no one in on either host
        r = requests.get(f"{url}/me/security", cookies=copy, allow_redirects=False, timeout=10)
        assert r.status_code == 302 and "/login" in r.headers["Location"]

    r = requests.post(f"{second}/api/v1/auth/token", json={"phone": worker.user.phone, "password": "password123"},
                      timeout=20)
    assert r.status_code == 200, r.text
    bearer = {"Authorization": f"Bearer {r.json()['token']}"}
    assert requests.get(f"{first}/api/v1/me/sign-ins", headers=bearer, timeout=10).status_code == 200
    assert requests.post(f"{first}/api/v1/auth/logout", headers=bearer, timeout=10).status_code == 200
    for url in hosts:
        assert requests.get(f"{url}/api/v1/me/sign-ins", headers=bearer, timeout=10).status_code == 401


def test_wrong_passwords_are_counted_across_both_hosts(hosts, make_user):
    worker = make_user("worker", password="password123")

    def attempt(url: str, password: str) -> requests.Response:
        return requests.post(f"{url}/api/v1/auth/token", json={"phone": worker.user.phone, "password": password},
                             timeout=20)

    answers = [attempt(hosts[i % 2], "guess-1234").status_code for i in range(6)]
    # Five wrong passwords per phone in all (three on each host): the sixth is refused, wherever it is tried.
    assert answers == [401, 401, 401, 401, 401, 429], answers
    for url in hosts:
        r = attempt(url, "password123")
        assert r.status_code == 429 and "错误次数太多" in r.json()["error"]["message"]
