"""Live room benchmark: `python -m bench.live --url http://127.0.0.1:8000 --viewers 5000`.

Against a server that is already running (`make run`, or `BIND=127.0.0.1:8521 make run`) and its database
(the same settings: run it from the checkout with the same environment):

1. set-up, straight into the database: an organiser, a verified employer with open postings queued in a new
   live session, and worker accounts for the apply burst (bearer tokens made with the app's secret);
2. streams: N viewers (``--viewers``) open ``GET /live/{id}/events`` from ``--procs`` load processes
   (gevent, one green thread per viewer, plain sockets); once all are connected the organiser puts the
   queue's postings on air one after another (``POST /api/v1/live/sessions/{id}/next``). Before one of the
   rounds a share of the viewers (``--drop``) hang up and reconnect a second later with ``Last-Event-ID``.
   Printed: delivery latency p50/p99 from the organiser's request to each viewer's receipt (viewers that
   stayed connected), the same for the reconnected viewers' replay, and events lost or received twice;
3. apply burst: ``--accounts`` workers apply from the card (``POST /api/v1/live/sessions/{id}/applications``)
   over ``--burst-seconds``, spread over loopback addresses (127.0.0.2 ...) within the per-address limit,
   a few of them tapping twice; printed: p50/p99, statuses, and the database's count of applications
   (none lost, none doubled).

Exit status 1 when an event was lost or doubled or an application was lost or doubled.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_ADDRESSES = 100  # the burst's source addresses: 127.0.0.2 .. 127.0.0.101


# ---- the load processes (gevent) ----

def _child_viewers(args: argparse.Namespace) -> None:
    from gevent import monkey

    monkey.patch_all()
    import socket

    import gevent
    from gevent.event import Event

    host, port = args.host, args.port
    path = f"/live/{args.session}/events"
    received: list[list[tuple[int, float]]] = [[] for _ in range(args.viewers)]
    reconnected: list[bool] = [False] * args.viewers
    connected = [0]
    sockets: list = [None] * args.viewers
    stop = Event()
    errors: list[str] = []

    def viewer(i: int) -> None:
        last_id: int | None = None
        first = True
        while not stop.is_set():
            try:
                sock = socket.create_connection((host, port), timeout=60)
            except OSError as exc:
                errors.append(str(exc))
                gevent.sleep(0.5)
                continue
            head = f"GET {path} HTTP/1.0\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
            if last_id is not None:
                head += f"Last-Event-ID: {last_id}\r\n"
            sockets[i] = sock
            sock.sendall((head + "\r\n").encode())
            buf = b""
            header_done = False
            try:
                sock.settimeout(None)
                while not stop.is_set():
                    try:
                        chunk = sock.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    now = time.time()
                    buf += chunk
                    if not header_done:
                        if b"\r\n\r\n" not in buf:
                            continue
                        status_line, _, buf = buf.partition(b"\r\n\r\n")
                        if b" 200 " not in status_line.split(b"\r\n", 1)[0]:
                            errors.append(status_line.split(b"\r\n", 1)[0].decode(errors="replace"))
                            break
                        header_done = True
                        if first:
                            connected[0] += 1
                            first = False
                    while b"\n\n" in buf:
                        block, buf = buf.split(b"\n\n", 1)
                        event_id = None
                        for line in block.split(b"\n"):
                            if line.startswith(b"id: "):
                                event_id = int(line[4:])
                        if event_id is not None:
                            received[i].append((event_id, now))
                            last_id = event_id
            finally:
                sock.close()
            if not stop.is_set():
                gevent.sleep(args.reconnect_delay)

    def commands() -> None:
        from gevent.fileobject import FileObject

        stdin = FileObject(sys.stdin.fileno(), "r")
        for line in stdin:
            word, _, rest = line.strip().partition(" ")
            if word == "drop":  # hang up at once: events posted now reach them only by replay
                for i in json.loads(rest):
                    reconnected[i] = True
                    if sockets[i] is not None:
                        try:
                            sockets[i].shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
            elif word == "report":
                stop.set()
                for sock in sockets:
                    if sock is not None:
                        try:
                            sock.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
                print(json.dumps({"received": received, "reconnected": reconnected, "errors": errors[:20]}),
                      flush=True)
                return

    def status() -> None:
        while not stop.is_set():
            print(json.dumps({"connected": connected[0]}), flush=True)
            gevent.sleep(0.5)

    greenlets = []
    for i in range(args.viewers):
        greenlets.append(gevent.spawn(viewer, i))
        if i % 200 == 199:
            gevent.sleep(0.05)  # a crowd arriving over a few seconds, not one SYN flood
    gevent.spawn(status)
    gevent.spawn(commands).join()
    gevent.sleep(0.2)
    os._exit(0)


def _child_burst(args: argparse.Namespace) -> None:
    from gevent import monkey

    monkey.patch_all()
    import http.client

    import gevent

    with open(args.tokens) as fh:
        tokens = json.load(fh)
    path = f"/api/v1/live/sessions/{args.session}/applications"
    results: list[tuple[int, float, int]] = []  # (account, seconds, status)
    body = json.dumps({"job_id": args.job}).encode()

    def tap(i: int, token: str, key: str) -> None:
        source = f"127.0.0.{2 + i % LOOPBACK_ADDRESSES}"
        started = time.perf_counter()
        status = 0
        try:
            conn = http.client.HTTPConnection(args.host, args.port, timeout=30, source_address=(source, 0))
            conn.request("POST", path, body=body, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except OSError:
            status = -1
        results.append((i, time.perf_counter() - started, status))

    spacing = args.burst_seconds / max(len(tokens), 1)
    start = time.perf_counter()
    greenlets = []
    for i, token in enumerate(tokens):
        delay = start + i * spacing - time.perf_counter()
        if delay > 0:
            gevent.sleep(delay)
        key = f"bench-{i}"
        greenlets.append(gevent.spawn(tap, i, token, key))
        if i % args.double_every == 0:  # a double tap: the same key again, a moment later
            greenlets.append(gevent.spawn_later(0.05, tap, i, token, key))
    gevent.joinall(greenlets)
    print(json.dumps({"results": results, "seconds": time.perf_counter() - start}), flush=True)
    os._exit(0)


# ---- set-up in the database ----

@dataclass
class Setup:
    session_id: int
    organiser_token: str
    job_ids: list[int]
    worker_tokens: list[str] = field(default_factory=list)
    worker_ids: list[int] = field(default_factory=list)


def set_up(rounds: int, accounts: int) -> Setup:
    from datetime import timedelta

    from sqlmodel import Session

    from market import clock, create_app
    from market.auth.services import issue_token
    from market.live import services as live
    from market.models import EMPLOYER, EMPLOYER_VERIFIED, ORGANISER, WORKER, Employer, User, Worker
    from market.postings.services import create_job

    app = create_app({"SEARCH_ENABLED": False})
    state = app.extensions["market"]
    secret = app.config["SECRET_KEY"]
    tag = secrets.token_hex(3)
    with Session(state.engine, expire_on_commit=False) as s:
        organiser = User(role=ORGANISER, name=f"压测组织者{tag}", auth_stamp=secrets.token_hex(8))
        boss = User(role=EMPLOYER, name=f"压测单位{tag}", auth_stamp=secrets.token_hex(8))
        s.add_all([organiser, boss])
        s.flush()
        employer = Employer(owner_id=boss.id, name=f"压测电子厂{tag}", uscc=f"91BENCH{tag}{secrets.token_hex(3)}"[:18],
                            adcode="441900", status=EMPLOYER_VERIFIED, verified_at=clock.now())
        s.add(employer)
        s.flush()
        today = clock.today()
        jobs = []
        for n in range(rounds):
            job = create_job(session=s, employer=employer, actor=boss, data={
                "title": f"普工{n + 1}号线", "occupation": "factory_worker", "adcode": "441900",
                "wage_min": 5000, "wage_max": 7000, "wage_unit": "month", "employment_type": "full_time",
                "headcount": accounts + 10, "benefits": ["包吃", "包住"], "pay_cycle": "monthly",
                "couple_rooms": True, "shift_pattern": "two_shifts", "hours_per_day": 10, "meals": "three_meals",
                "closes_at": (today + timedelta(days=30)).isoformat()})
            jobs.append(job)
        session = live.create_session(session=s, organiser=organiser, title=f"压测直播 {tag}")
        for job in jobs:
            live.add_to_queue(session=s, live=session, actor=organiser, job_id=job.id, today=today)
        users = [User(role=WORKER, name=f"工友{tag}-{i}", auth_stamp=secrets.token_hex(8)) for i in range(accounts)]
        s.add_all(users)
        s.flush()
        workers = [Worker(user_id=u.id, name=u.name, current_adcode="441900", hometown_adcode="520502",
                          occupations=[{"code": "factory_worker", "years": 2}], discoverable=False) for u in users]
        s.add_all(workers)
        s.commit()
        setup = Setup(session_id=session.id, organiser_token=issue_token(organiser, secret),
                      job_ids=[j.id for j in jobs], worker_tokens=[issue_token(u, secret) for u in users],
                      worker_ids=[w.id for w in workers])
    state.engine.dispose()
    return setup


def count_applications(session_id: int, job_id: int, worker_ids: list[int]) -> tuple[int, int, int]:
    """(applications to the job by the burst's workers, distinct workers among them, card records)."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from market import create_app
    from market.models import Application, LiveApplication

    app = create_app({"SEARCH_ENABLED": False})
    engine = app.extensions["market"].engine
    with Session(engine) as s:
        rows = s.exec(select(Application.worker_id).where(Application.job_id == job_id,
                                                          Application.worker_id.in_(worker_ids))).all()
        card = s.exec(select(func.count()).select_from(LiveApplication).where(
            LiveApplication.session_id == session_id, LiveApplication.job_id == job_id)).one()
    engine.dispose()
    return len(rows), len(set(rows)), card


# ---- the run ----

def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


class Child:
    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.live", *argv], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        self.connected = 0
        self.report: dict | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            data = json.loads(line)
            if "connected" in data:
                self.connected = data["connected"]
            else:
                self.report = data

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_report(self, timeout: float = 60) -> dict:
        self._thread.join(timeout)
        self.proc.wait(timeout=10)
        return self.report or {}


def run(args: argparse.Namespace) -> int:
    import requests

    parts = urlsplit(args.url)
    host, port = parts.hostname, parts.port or 80
    print(f"Setting up a session with {args.rounds} postings and {args.accounts} worker accounts ...", flush=True)
    setup = set_up(args.rounds, args.accounts)
    auth = {"Authorization": f"Bearer {setup.organiser_token}"}
    print(f"Session {setup.session_id}; opening {args.viewers} streams from {args.procs} processes ...", flush=True)
    per = [args.viewers // args.procs + (1 if i < args.viewers % args.procs else 0) for i in range(args.procs)]
    children = [Child(["--child", "viewers", "--host", host, "--port", str(port), "--session",
                       str(setup.session_id), "--viewers", str(n), "--reconnect-delay", str(args.reconnect_delay)])
                for n in per]
    deadline = time.monotonic() + max(60, args.viewers / 50)
    while sum(c.connected for c in children) < args.viewers:
        if time.monotonic() > deadline:
            print(f"only {sum(c.connected for c in children)} of {args.viewers} streams connected", flush=True)
            break
        time.sleep(0.5)
    connected = sum(c.connected for c in children)
    print(f"{connected} streams connected", flush=True)
    time.sleep(1.0)

    sent: dict[int, float] = {}
    drop_round = args.rounds // 2
    dropped: list[list[int]] = [[] for _ in children]
    for r in range(args.rounds):
        if r == drop_round and args.drop > 0:
            for ci, (child, n) in enumerate(zip(children, per, strict=True)):
                dropped[ci] = list(range(0, n, max(1, round(1 / args.drop))))
                child.send("drop " + json.dumps(dropped[ci]))
            time.sleep(0.3)  # they are gone: the next event is posted while they are away
        t0 = time.time()
        response = requests.post(f"{args.url}/api/v1/live/sessions/{setup.session_id}/next", headers=auth, timeout=30)
        if response.status_code != 200:
            print(f"next on air failed: {response.status_code} {response.text[:200]}", flush=True)
            return 1
        sent[response.json()["event_id"]] = t0
        time.sleep(args.interval)

    job_on_air = setup.job_ids[-1]
    burst = None
    if args.accounts:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(setup.worker_tokens, fh)
        print(f"Apply burst: {args.accounts} accounts over {args.burst_seconds:g} s (viewers still watching) ...",
              flush=True)
        out = subprocess.run([sys.executable, "-m", "bench.live", "--child", "burst", "--host", host,
                              "--port", str(port), "--session", str(setup.session_id), "--job", str(job_on_air),
                              "--tokens", fh.name, "--burst-seconds", str(args.burst_seconds),
                              "--double-every", str(args.double_every)], capture_output=True, text=True, check=False)
        os.unlink(fh.name)
        burst = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else None
        if burst is None:
            print(out.stderr[-2000:])

    for child in children:
        child.send("report")
    reports = [c.wait_report() for c in children]

    # ---- streams: what each viewer got ----
    latencies, replay_latencies = [], []
    lost = doubled = 0
    viewers = 0
    errors: list[str] = []
    for ci, rep in enumerate(reports):
        errors += rep.get("errors", [])
        dropped_set = set(dropped[ci])
        for vi, got in enumerate(rep.get("received", [])):
            viewers += 1
            ids = [eid for eid, _ in got if eid in sent]
            doubled += len(ids) - len(set(ids))
            lost += len(set(sent) - set(ids))
            seen: set[int] = set()
            for eid, at in got:
                if eid not in sent or eid in seen:
                    continue
                seen.add(eid)
                delay = at - sent[eid]
                (replay_latencies if vi in dropped_set and eid == list(sent)[drop_round] else latencies).append(delay)
    events = len(sent)
    print(f"\nstreams: {viewers} viewers, {events} on-air events each ({viewers * events} deliveries); "
          f"{sum(len(d) for d in dropped)} viewers hung up before event {drop_round + 1} and reconnected with "
          f"Last-Event-ID after {args.reconnect_delay:g} s")
    print(f"  delivery latency (viewers connected): p50 {_pct(latencies, 50):.3f} s, p99 {_pct(latencies, 99):.3f} s, "
          f"max {max(latencies, default=float('nan')):.3f} s over {len(latencies)} deliveries")
    if replay_latencies:
        print(f"  replay to reconnected viewers: p50 {_pct(replay_latencies, 50):.3f} s, "
              f"p99 {_pct(replay_latencies, 99):.3f} s (includes the {args.reconnect_delay:g} s away)")
    print(f"  lost: {lost}, received twice: {doubled}")
    if errors:
        print(f"  connection errors: {len(errors)} (first: {errors[0]})")
    ok = lost == 0 and doubled == 0 and viewers == args.viewers

    if burst is not None:
        results = burst["results"]
        firsts = {}
        for account, seconds, status in results:
            firsts.setdefault(account, (seconds, status))
        times = [s for _, s, _ in results]
        statuses: dict[int, int] = {}
        for _, _, status in results:
            statuses[status] = statuses.get(status, 0) + 1
        made, distinct, card = count_applications(setup.session_id, job_on_air, setup.worker_ids)
        print(f"\napply burst: {len(results)} requests ({len(firsts)} accounts, {len(results) - len(firsts)} double "
              f"taps) in {burst['seconds']:.1f} s from {min(LOOPBACK_ADDRESSES, args.accounts)} addresses")
        print(f"  latency p50 {_pct(times, 50) * 1000:.0f} ms, p99 {_pct(times, 99) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms; statuses {dict(sorted(statuses.items()))}")
        print(f"  in the database: {made} applications from {distinct} workers, {card} counted for the session")
        ok = ok and made == distinct == card == args.accounts
    print("\nOK" if ok else "\nFAILED")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--viewers", type=int, default=5000)
    parser.add_argument("--procs", type=int, default=2, help="load processes for the streams")
    parser.add_argument("--rounds", type=int, default=6, help="postings put on air one after another")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between them")
    parser.add_argument("--drop", type=float, default=0.1, help="share of viewers that hang up and reconnect")
    parser.add_argument("--reconnect-delay", type=float, default=1.0)
    parser.add_argument("--accounts", type=int, default=1000, help="workers in the apply burst (0: none)")
    parser.add_argument("--burst-seconds", type=float, default=10.0)
    parser.add_argument("--double-every", type=int, default=20, help="every n-th account taps twice")
    # the load processes
    parser.add_argument("--child", choices=("viewers", "burst"), help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--session", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "viewers":
        _child_viewers(args)
        return 0
    if args.child == "burst":
        _child_burst(args)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
