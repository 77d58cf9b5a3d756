"""Fault drills: `python -m bench.faults pg|redis|meili|all`.

Each drill starts its own servers (ports 8621-8625 by default, ``--base-port``), serves the site under
gunicorn with load running, breaks one dependency, brings it back, and prints what the site answered:

- pg: a private PostgreSQL cluster (initdb/pg_ctl under /tmp, never the shared server) is stopped with
  ``pg_ctl -m fast`` and started again while requests and postings keep coming. The engine's pool
  pre-ping must make every request after the server is back succeed (5xx after it is back: 0).
- redis: two app processes share a private Redis; it is killed (SIGKILL) and started again. Sign-ins and
  searches never answer 5xx (the rate limits fall back to each process's own count), a live event put on
  air on one process still reaches a viewer of the other (by the poll), and through Redis again once back.
- meili: Meilisearch is killed (SIGKILL) and restarted on its data. Searches answer from the database
  (``degraded``) meanwhile, postings made while it is down are all searchable once it is back (the outbox
  catches up, nothing lost), and nothing answers 5xx.

Exit status 1 when a drill's promise did not hold.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import requests

from bench.servers import start_postgres, start_redis, start_site, wait_for_sites, wait_until

SECRET = "drill-secret-" + secrets.token_urlsafe(32)
PASSWORD = "drill-password-1"


def say(message: str) -> None:
    print(message, flush=True)


# ---- accounts and data, straight into the database ----

@dataclass
class Seed:
    employer_token: str
    organiser_token: str
    worker_phone: str
    victim_phones: list[str]
    job_ids: list[int]


def _phone(n: int) -> str:
    return f"137{secrets.randbelow(10**6):06d}{n:02d}"


def seed(database_url: str, *, meili: tuple[str, str] | None = None, jobs: int = 3) -> Seed:
    """Migrate, then an employer (verified) with ``jobs`` postings, an organiser, a worker who signs in and
    a few phones to guess passwords on. With ``meili`` (url, key) the index is made and filled."""
    from sqlmodel import Session

    from market import clock, create_app
    from market.auth.services import create_user, issue_token
    from market.migrate import upgrade
    from market.models import EMPLOYER_VERIFIED, Employer
    from market.postings.services import create_job
    from market.search_index import pending_count, relay_once

    config = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "REDIS_URL": None, "SEARCH_LOG": "",
              "SEARCH_ENABLED": meili is not None}
    if meili is not None:
        config |= {"MEILI_URL": meili[0], "MEILI_MASTER_KEY": meili[1], "MEILI_TIMEOUT": 5.0}
    app = create_app(config)
    state = app.extensions["market"]
    upgrade(state.engine)
    with Session(state.engine, expire_on_commit=False) as s:
        boss = create_user(session=s, phone=_phone(1), password=PASSWORD, role="employer", name="演练单位")
        organiser = create_user(session=s, phone=_phone(2), password=PASSWORD, role="organiser", name="演练组织者")
        worker = create_user(session=s, phone=_phone(3), password=PASSWORD, role="worker", name="演练工友")
        victims = [create_user(session=s, phone=_phone(4 + i), password=PASSWORD, role="worker", name="工友")
                   for i in range(3)]
        s.flush()
        # An employer of long standing: a new one posting a burst is held for review (market.postings.rules).
        employer = Employer(owner_id=boss.id, name="演练五金厂", uscc="91DRILL" + secrets.token_hex(5)[:11],
                            adcode="441900", status=EMPLOYER_VERIFIED, verified_at=clock.now(),
                            created_at=clock.now() - timedelta(days=400))
        s.add(employer)
        s.flush()
        made = [create_job(session=s, employer=employer, actor=boss, data=posting(n)) for n in range(jobs)]
        s.commit()
        result = Seed(issue_token(boss, SECRET), issue_token(organiser, SECRET), worker.phone,
                      [v.phone for v in victims], [j.id for j in made])
    if state.search is not None:
        state.search.prepare()
        deadline = time.monotonic() + 60
        while pending_count(state.engine) and time.monotonic() < deadline:
            if not relay_once(state.engine, state.search):
                time.sleep(0.2)
    state.engine.dispose()
    return result


def posting(n: int) -> dict:
    from market import clock

    return {"title": "电焊工", "occupation": "welder", "description": f"二保焊，持证上岗。第{n}批。",
            "adcode": "441900", "wage_min": 6000, "wage_max": 8000, "wage_unit": "month",
            "employment_type": "full_time", "headcount": 2, "benefits": ["包吃", "包住"],
            "closes_at": (clock.today() + timedelta(days=30)).isoformat()}


def count_rows(database_url: str, sql: str) -> int:
    from sqlalchemy import text

    from market.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def outbox_state(database_url: str) -> str:
    """The search outbox's rows by status, the most attempts of one, and when the next retry is due."""
    from sqlalchemy import text

    from market import clock
    from market.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT status, count(*), max(attempts), min(next_attempt_at) FROM search_outbox "
                                     "GROUP BY status ORDER BY status")).all()
    finally:
        engine.dispose()
    now = clock.now().replace(tzinfo=None)
    parts = []
    for status, count, attempts, due in rows:
        part = f"{status} {count} (attempts up to {attempts}"
        if status == "failed" and due is not None:
            due = due if isinstance(due, datetime) else datetime.fromisoformat(str(due))
            part += f", next try in {(due.replace(tzinfo=None) - now).total_seconds():.0f}s"
        parts.append(part + ")")
    return "outbox: " + (", ".join(parts) or "empty")


# ---- load: threads sending requests, every answer recorded with its start time ----

@dataclass
class Answer:
    started: float
    took: float
    label: str
    status: int | str  # the HTTP status, or the exception's name when nothing came back
    degraded: bool = False


@dataclass
class Load:
    """``threads`` threads, each cycling through ``calls`` (label, function(session) -> Response)."""

    calls: list
    threads: int = 4
    pause: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _run(self, offset: int) -> None:
        http = requests.Session()
        i = offset
        while not self._stop.is_set():
            label, call = self.calls[i % len(self.calls)]
            i += 1
            started = time.monotonic()
            degraded = False
            try:
                r = call(http)
                status: int | str = r.status_code
                if r.headers.get("Content-Type", "").startswith("application/json") and r.status_code == 200:
                    degraded = bool(r.json().get("degraded"))
            except requests.RequestException as exc:
                status = type(exc).__name__
            with self._lock:
                self.answers.append(Answer(started, time.monotonic() - started, label, status, degraded))
            if self.pause:
                self._stop.wait(self.pause)

    def start(self) -> Load:
        for n in range(self.threads):
            t = threading.Thread(target=self._run, args=(n,), daemon=True)
            t.start()
            self._workers.append(t)
        return self

    def stop(self) -> None:
        self._stop.set()
        for t in self._workers:
            t.join(timeout=30)

    def between(self, low: float, high: float = float("inf")) -> list[Answer]:
        """The answers to requests sent from ``low`` until ``high``."""
        with self._lock:
            return [a for a in self.answers if low <= a.started < high]

    def phases(self, down: float, back: float) -> tuple[list[Answer], list[Answer], list[Answer]]:
        """Answered before the fault; in flight or sent while it lasted; sent once it was over."""
        with self._lock:
            answers = list(self.answers)
        return ([a for a in answers if a.started + a.took < down],
                [a for a in answers if a.started + a.took >= down and a.started < back],
                [a for a in answers if a.started >= back])


def server_errors(answers: list[Answer]) -> int:
    return sum(1 for a in answers if isinstance(a.status, int) and a.status >= 500)


def no_answer(answers: list[Answer]) -> int:
    return sum(1 for a in answers if not isinstance(a.status, int))


def statuses(answers: list[Answer]) -> str:
    """``200: 30, 404: 2 [posting page]``: every status with its count, and which calls answered other than
    200 or 201."""
    counts = Counter(str(a.status) for a in answers)
    labels: dict[str, set[str]] = {}
    for a in answers:
        if a.status not in (200, 201):
            labels.setdefault(str(a.status), set()).add(a.label)
    return ", ".join(f"{k}: {v}" + (f" [{', '.join(sorted(labels[k]))}]" if k in labels else "")
                     for k, v in sorted(counts.items())) or "none"


def progress(load: Load, t0: float, stop: threading.Event, every: float = 2.0) -> threading.Thread:
    def run() -> None:
        while not stop.wait(every):
            answers = load.between(0)
            say(f"    t={time.monotonic() - t0:5.1f}s  requests {len(answers):5d}  5xx {server_errors(answers):4d}"
                f"  no answer {no_answer(answers):3d}")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def phase_line(name: str, answers: list[Answer]) -> str:
    return (f"  {name:<28} requests {len(answers):5d}   5xx {server_errors(answers):4d}   no answer "
            f"{no_answer(answers):3d}   ({statuses(answers)})")


def verdict(held: bool, promise: str) -> bool:
    say("  verdict: " + (f"held: {promise}" if held else "FAILED"))
    return held


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def site_env(database_url: str, work: Path, **extra: str) -> dict[str, str]:
    env = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "SEARCH_LOG": "", "MODEL_DIR": str(work / "models"),
           "SEARCH_ENABLED": "0", "REDIS_URL": "", "MEILI_URL": "", "MEILI_MASTER_KEY": "", "SMS_BACKEND": "log"}
    return env | extra


# ---- PostgreSQL restarted under load ----

def drill_pg(args: argparse.Namespace, work: Path) -> bool:
    say(f"== PostgreSQL restarted under load (a private cluster on 127.0.0.1:{args.base_port}, never the shared one)")
    pg = start_postgres(args.base_port)
    site = None
    try:
        say(f"  cluster up ({pg.bin.parent.name}, data {pg.data}); migrating and seeding")
        data = seed(pg.url)
        site = start_site(args.base_port + 3, site_env(pg.url, work), log_dir=work, workers=2)
        url = site.url
        say(f"  site up at {url} (gunicorn, 2 gevent workers, DATABASE_URL on the private cluster)")
        made: list[int] = []

        def post_job(http: requests.Session) -> requests.Response:
            r = http.post(f"{url}/api/v1/jobs", json=posting(len(made)), headers=_bearer(data.employer_token),
                          timeout=15)
            if r.status_code == 201:
                made.append(r.json()["id"])
            return r

        job = data.job_ids[0]
        load = Load([("search", lambda h: h.get(f"{url}/api/v1/jobs", params={"q": "电焊工"}, timeout=15)),
                     ("posting page", lambda h: h.get(f"{url}/jobs/{job}", timeout=15)),
                     ("health", lambda h: h.get(f"{url}/healthz", timeout=15)),
                     ("list page", lambda h: h.get(f"{url}/", timeout=15)),
                     ("new posting", post_job)], threads=args.threads).start()
        t0 = time.monotonic()
        stop_progress = threading.Event()
        progress(load, t0, stop_progress)
        time.sleep(args.steady)
        t_down = time.monotonic()
        say(f"  t={t_down - t0:.1f}s  pg_ctl stop -m fast (every connection of the site is cut)")
        pg.stop("fast")
        time.sleep(args.outage)
        say(f"  t={time.monotonic() - t0:.1f}s  pg_ctl start")
        pg.start()
        wait_until(pg.ready, 30)
        t_back = time.monotonic()
        say(f"  t={t_back - t0:.1f}s  the server accepts connections again (pg_isready)")
        time.sleep(args.after)
        load.stop()
        stop_progress.set()

        before, during, after = load.phases(t_down, t_back)
        ok_after = sorted((a for a in after if a.status in (200, 201)), key=lambda a: a.started)
        first_ok = min((a.started + a.took for a in load.between(t_down) if a.status in (200, 201) and
                        a.label != "health"), default=None)
        rows = count_rows(pg.url, "SELECT count(*) FROM jobs") - len(data.job_ids)
        say("  what the site answered:")
        say(phase_line("before the restart", before))
        say(phase_line("while it was down", during))
        say(phase_line("after it was back", after))
        say(f"  requests sent {len(load.answers)}; 5xx during the outage {server_errors(during)}; "
            f"5xx after it was back {server_errors(after)}")
        if first_ok is not None:
            say(f"  time to recover: first success {first_ok - t_back:+.2f}s after the server was back "
                f"(outage {t_back - t_down:.1f}s from stop to ready)")
        say(f"  postings answered 201: {len(made)}; new rows in jobs: {rows} (none half-written or lost)")
        held = server_errors(after) == 0 and no_answer(after) == 0 and bool(ok_after) and rows == len(made)
        return verdict(held, "no 5xx once PostgreSQL was back")
    finally:
        if site is not None:
            site.stop()
        pg.destroy()
        say("  stopped the site and removed the private cluster")


# ---- Redis down ----

class Viewer(threading.Thread):
    """A viewer of a live session's event stream: notes each event's id and when it arrived."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.events, self.connected = url, [], threading.Event()
        self._response = None

    def run(self) -> None:
        try:
            self._response = requests.get(self.url, stream=True, timeout=60)
            self.connected.set()
            event_id = None
            for line in self._response.iter_lines(decode_unicode=True):
                if line.startswith("id:"):
                    event_id = int(line[3:].strip())
                elif line.startswith("data:") and event_id is not None:
                    self.events.append((event_id, time.monotonic()))
                    event_id = None
        except (requests.RequestException, AttributeError, ValueError):
            pass

    def close(self) -> None:
        if self._response is not None:
            self._response.close()

    def arrival(self, event_id: int, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for eid, at in self.events:
                if eid == event_id:
                    return at
            time.sleep(0.02)
        return None


def _on_air(url: str, token: str, session_id: int, job_id: int) -> tuple[int, int | None]:
    r = requests.post(f"{url}/api/v1/live/sessions/{session_id}/on-air", json={"job_id": job_id},
                      headers=_bearer(token), timeout=15)
    return r.status_code, (r.json().get("event_id") if r.status_code == 200 else None)


def _event_across(a: str, viewer: Viewer, token: str, session_id: int, job_id: int) -> str:
    sent = time.monotonic()
    status, event_id = _on_air(a, token, session_id, job_id)
    answered = time.monotonic()
    if event_id is None:
        return f"on-air answered {status}"
    at = viewer.arrival(event_id, 15)
    return (f"event {event_id}: on-air answered in {answered - sent:.2f}s, the other process's viewer had it "
            + (f"{at - answered:+.2f}s after that answer" if at is not None else "NEVER (15 s)"))


def _listeners(client) -> int:
    """Connections subscribed to a pattern: each process's live listener (live:*)."""
    return sum(1 for c in client.client_list() if int(c.get("psub", 0)) > 0)


def _guesses(urls: list[str], phone: str, n: int = 6) -> list[int]:
    """``n`` wrong passwords for one phone, alternating between the processes."""
    return [requests.post(f"{urls[i % len(urls)]}/api/v1/auth/token", json={"phone": phone, "password": "wrong-guess-1"},
                          timeout=15).status_code for i in range(n)]


def drill_redis(args: argparse.Namespace, work: Path) -> bool:
    port = args.base_port + 1
    say(f"== Redis down (a private redis-server on 127.0.0.1:{port}; two app processes share it)")
    redis_server = start_redis(port)
    database_url = args.database_url or f"sqlite:///{work / 'redis-drill.db'}"
    sites = []
    viewer = None
    try:
        data = seed(database_url)
        env = site_env(database_url, work, REDIS_URL=redis_server.url)
        sites = [start_site(args.base_port + 3 + i, env, log_dir=work, wait=False) for i in range(2)]
        wait_for_sites(sites)
        a, b = (s.url for s in sites)
        say(f"  sites up at {a} and {b} (one gevent worker each), REDIS_URL={redis_server.url}, "
            f"database {database_url.split('://')[0]}")
        r = requests.post(f"{a}/api/v1/live/sessions", json={"title": "演练直播"}, headers=_bearer(data.organiser_token),
                          timeout=15)
        session_id = r.json()["id"]
        viewer = Viewer(f"{b}/live/{session_id}/events")
        viewer.start()
        viewer.connected.wait(15)
        import redis

        client = redis.Redis.from_url(redis_server.url)
        wait_until(lambda: _listeners(client) >= 1, 20)  # the viewer's process subscribed to Redis

        def sign_in(base: str):
            return lambda h: h.post(f"{base}/api/v1/auth/token", json={"phone": data.worker_phone,
                                                                          "password": PASSWORD}, timeout=15)

        # A password check is a second of one core's time (argon2): a few of them among cheap requests.
        cheap = [("health A", lambda h: h.get(f"{a}/healthz", timeout=15)),
                 ("search B", lambda h: h.get(f"{b}/api/v1/jobs", params={"q": "电焊工"}, timeout=15)),
                 ("health B", lambda h: h.get(f"{b}/healthz", timeout=15)),
                 ("search A", lambda h: h.get(f"{a}/api/v1/jobs", params={"q": "电焊工"}, timeout=15))]
        load = Load([*cheap, ("sign-in A", sign_in(a)), *cheap, ("sign-in B", sign_in(b))],
                    threads=2, pause=0.2).start()
        t0 = time.monotonic()
        stop_progress = threading.Event()
        progress(load, t0, stop_progress)
        job = data.job_ids[0]
        say("  Redis up:")
        say("    " + _event_across(a, viewer, data.organiser_token, session_id, job))
        say(f"    6 wrong passwords for one phone, alternating A and B: {_guesses([a, b], data.victim_phones[0])}"
            " (one count for both: the 6th is refused)")
        time.sleep(args.steady)
        t_down = time.monotonic()
        redis_server.kill()
        say(f"  t={t_down - t0:.1f}s  Redis killed (SIGKILL)")
        time.sleep(1.0)
        health = [requests.get(f"{u}/healthz", timeout=15) for u in (a, b)]
        say("    /healthz: " + "; ".join(f"{h.status_code} {json.dumps(h.json(), ensure_ascii=False)}" for h in health))
        say("    " + _event_across(a, viewer, data.organiser_token, session_id, job))
        say(f"    6 wrong passwords for another phone, alternating A and B: {_guesses([a, b], data.victim_phones[1])}"
            " (each process counts its own while Redis is away: fail open, never a 500)")
        time.sleep(max(0.0, args.outage - (time.monotonic() - t_down)))
        redis_server.start()
        t_back = time.monotonic()
        say(f"  t={t_back - t0:.1f}s  Redis started again on the same port (empty: it kept nothing)")
        client = redis.Redis.from_url(redis_server.url)
        took = wait_until(lambda: _listeners(client) >= 1, 30)
        say(f"    the viewer's process subscribed again after {took:.1f}s" if took is not None
            else "    the viewer's process did NOT subscribe again within 30 s")
        say("    " + _event_across(a, viewer, data.organiser_token, session_id, job))
        health = [requests.get(f"{u}/healthz", timeout=15).json()["checks"]["redis"] for u in (a, b)]
        say(f"    /healthz redis: {health}")
        from market.ratelimit import REDIS_RETRY_SECONDS

        time.sleep(REDIS_RETRY_SECONDS)  # a process that found Redis away asks it again after this long
        say(f"    {REDIS_RETRY_SECONDS:.0f}s later, 6 wrong passwords for a third phone, alternating A and B: "
            f"{_guesses([a, b], data.victim_phones[2])} (one count again)")
        time.sleep(args.after)
        load.stop()
        stop_progress.set()
        client.close()
        before, during, after = load.phases(t_down, t_back)
        say("  what the site answered:")
        say(phase_line("Redis up", before))
        say(phase_line("Redis down", during))
        say(phase_line("Redis back", after))
        total = load.between(0)
        say(f"  requests sent {len(total)}; 5xx {server_errors(total)}")
        held = server_errors(total) == 0 and no_answer(total) == 0
        return verdict(held, "no 5xx with Redis down, limits and live events fell back")
    finally:
        if viewer is not None:
            viewer.close()
        for site in sites:
            site.stop()
        redis_server.kill()
        say("  stopped the sites and the private Redis")


# ---- Meilisearch killed and restarted ----

def drill_meili(args: argparse.Namespace, work: Path) -> bool:
    from search.server import start_local

    port = args.base_port + 2
    say(f"== Meilisearch killed and restarted (127.0.0.1:{port}, its data kept)")
    key = "drill-meili-" + secrets.token_hex(12)
    meili_dir = work / "meili"
    meili = start_local(meili_dir, port=port, master_key=key)
    database_url = args.database_url or f"sqlite:///{work / 'meili-drill.db'}"
    site = None
    try:
        data = seed(database_url, meili=(meili.url, key))
        env = site_env(database_url, work, SEARCH_ENABLED="1", MEILI_URL=meili.url, MEILI_MASTER_KEY=key,
                       MEILI_TIMEOUT="0.5")
        site = start_site(args.base_port + 3, env, log_dir=work, workers=2)
        url = site.url
        say(f"  site up at {url} (2 gevent workers), index filled with {len(data.job_ids)} postings")

        def found() -> tuple[set[int], bool]:
            r = requests.get(f"{url}/api/v1/jobs", params={"q": "电焊工", "limit": 100}, timeout=15).json()
            return {h["id"] for h in r["hits"]}, r["degraded"]

        load = Load([("search", lambda h: h.get(f"{url}/api/v1/jobs", params={"q": "电焊工"}, timeout=15)),
                     ("posting page", lambda h: h.get(f"{url}/jobs/{data.job_ids[0]}", timeout=15)),
                     ("list page", lambda h: h.get(f"{url}/", params={"q": "电焊工"}, timeout=15))],
                    threads=args.threads, pause=0.05).start()
        t0 = time.monotonic()
        stop_progress = threading.Event()
        progress(load, t0, stop_progress)
        time.sleep(args.steady)
        t_down = time.monotonic()
        meili.child.process.kill()
        meili.stop()
        say(f"  t={t_down - t0:.1f}s  Meilisearch killed (SIGKILL)")
        made, answers = [], Counter()
        while time.monotonic() - t_down < args.outage:
            r = requests.post(f"{url}/api/v1/jobs", json=posting(len(made)), headers=_bearer(data.employer_token),
                              timeout=15)
            answers[r.status_code] += 1
            if r.status_code == 201:
                made.append(r.json()["id"])
            time.sleep(0.3)
        ids, degraded = found()
        say(f"    postings made while it was down: {len(made)} ({dict(answers)}); a search now: degraded={degraded}, "
            f"finds {len(set(made) & ids)} of them (the database answers)")
        meili = start_local(meili_dir, port=port, master_key=key)
        t_back = time.monotonic()
        say(f"  t={t_back - t0:.1f}s  Meilisearch started again on its data; {outbox_state(database_url)}")
        unsent = ("SELECT count(*) FROM search_outbox WHERE status IN ('pending', 'failed', 'sending')")
        pushed = wait_until(lambda: count_rows(database_url, unsent) == 0, 120, step=0.25)
        say(f"    the outbox had pushed every row to the engine {pushed:.1f}s after it was back" if pushed is not None
            else "    the outbox had NOT pushed every row within 120 s")
        caught = wait_until(lambda: (lambda f: not f[1] and set(made) <= f[0])(found()), 180, step=0.25)
        caught = None if caught is None else time.monotonic() - t_back  # from the restart, not the push
        say(f"    every posting made while it was down is found by the engine {caught:.1f}s after it was back "
            "(the engine's own indexing after its restart is the rest)"
            if caught is not None else "    the postings made while it was down were NOT all found within 180 s")
        time.sleep(args.after)
        load.stop()
        stop_progress.set()
        pending = count_rows(database_url, "SELECT count(*) FROM search_outbox WHERE status <> 'done'")
        before, during, after = load.phases(t_down, t_back)
        say("  what the site answered:")
        for name, part in (("engine up", before), ("engine down", during), ("engine back", after)):
            say(phase_line(name, part) + f"  degraded searches {sum(1 for a in part if a.degraded)}")
        total = load.between(0)
        say(f"  requests sent {len(total)}; 5xx {server_errors(total)}; outbox rows not done at the end: {pending}")
        held = (server_errors(total) == 0 and no_answer(total) == 0 and caught is not None and pending == 0
                and answers.get(201, 0) == sum(answers.values()))
        return verdict(held, "degraded answers meanwhile, nothing lost")
    finally:
        if site is not None:
            site.stop()
        meili.stop()
        say("  stopped the site and Meilisearch")


DRILLS = {"pg": drill_pg, "redis": drill_redis, "meili": drill_meili}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.splitlines()[0])
    parser.add_argument("drill", choices=[*DRILLS, "all"])
    parser.add_argument("--base-port", type=int, default=8621,
                        help="PostgreSQL on it, Redis +1, Meilisearch +2, the sites +3 and +4")
    parser.add_argument("--database-url", help="the redis and meili drills' database (default: SQLite under /tmp)")
    parser.add_argument("--threads", type=int, default=4, help="load threads")
    parser.add_argument("--steady", type=float, default=4.0, help="seconds of load before the fault")
    parser.add_argument("--outage", type=float, default=6.0, help="seconds the dependency stays down")
    parser.add_argument("--after", type=float, default=8.0, help="seconds of load after it is back")
    parser.add_argument("--keep", action="store_true", help="keep each drill's folder (the servers' logs)")
    args = parser.parse_args(argv)
    held = {}
    for name in DRILLS if args.drill == "all" else [args.drill]:
        work = Path(tempfile.mkdtemp(prefix=f"market-drill-{name}-"))
        started = time.monotonic()
        try:
            held[name] = DRILLS[name](args, work)
        finally:
            if args.keep:
                say(f"  logs kept in {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
        say(f"  ({time.monotonic() - started:.0f} s)\n")
    say("Summary: " + ", ".join(f"{k} {'held' if v else 'FAILED'}" for k, v in held.items()))
    return 0 if all(held.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
