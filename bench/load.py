"""Load benchmark of the site: `python -m bench.load --url http://127.0.0.1:8000`.

Against a server that is already running (`make run`, or `BIND=127.0.0.1:8631 make run`) and its database
(the same settings: run it from the checkout with the same environment). Best with a realistic market in
it (`flask --app wsgi import-market ../shared/data/market-v1`, indexed by the relay or `search reindex`).

1. set-up: a sample of the postings anyone may read; straight into the database, as bench.live makes them,
   a verified employer with open postings and worker accounts with bearer tokens for the apply scenario
   (each request one new application: a worker and a posting not paired before);
2. load: ``--connections`` keep-alive connections (64) from ``--procs`` load processes (gevent, one green
   thread a connection, http.client) send requests back to back for ``--seconds`` per scenario:

   - floor: ``GET /api/v1/jobs?limit=0``, refused (422) before any engine or database call: the cost of
     the HTTP hop, gunicorn and Flask alone (the floor bench.search uses);
   - job list page: ``GET /`` with typical filters (a day, a province, a trade, words, benefits, a page);
   - posting page: ``GET /jobs/{id}``, varied postings;
   - search API: ``GET /api/v1/jobs?q=...``;
   - apply: ``POST /api/v1/jobs/{id}/applications`` with the workers' bearer tokens.

   Every round runs every scenario once, the order rotating, so the machine's noise falls on all alike;
   printed: requests/second, p50 and p99 of each, and each as a ratio to the floor of the same round
   (the median over rounds). Target: the list and posting pages within 3x the floor.

``--during-import FOLDER`` instead runs ``flask --app wsgi import-market FOLDER`` into the server's
database while a mix of the scenarios runs, and prints the import's time and rows, the requests and 5xx
answered while it ran, and the slowest request.

Browsers and the mini-program take gzip, so every request says ``Accept-Encoding: gzip`` (the body is
read, not unpacked). Exit status 1 when a request failed (5xx or no answer) or a page missed its target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bench.live import _pct, set_up

FLOOR = "floor"
SCENARIOS = {  # name: what the table calls it
    FLOOR: "floor: GET /api/v1/jobs 422",
    "list": "job list page GET /",
    "posting": "posting page GET /jobs/{id}",
    "search": "search API GET /api/v1/jobs?q=",
    "apply": "apply POST .../applications",
}
PAGE_TARGET = 3.0
TARGETED = ("list", "posting")


# ---- the load processes (gevent) ----

def _child(spec_path: str, slot_base: int, slots: int, total_slots: int) -> None:
    """A load process: ``slots`` connections; runs what the parent asks on stdin, answers on stdout."""
    from gevent import monkey

    monkey.patch_all()
    import http.client

    import gevent
    from gevent.event import Event
    from gevent.fileobject import FileObject
    from gevent.lock import Semaphore

    with open(spec_path) as fh:
        spec = json.load(fh)
    host, port = spec["host"], spec["port"]
    requests_of: dict[str, list[list]] = spec["requests"]  # scenario: [[method, path, headers, body], ...]
    # The apply pairs: each connection owns every total_slots-th one, so no two connections (or rounds)
    # send the same worker to the same posting.
    cursors = [0] * slots
    rng = random.Random(slot_base)
    stop = Event()
    out_lock = Semaphore()

    def say(data: dict) -> None:
        with out_lock:
            sys.stdout.write(json.dumps(data) + "\n")
            sys.stdout.flush()

    def pick(scenario: str, local: int) -> list:
        pool = requests_of[scenario]
        if scenario == "apply":
            index = slot_base + local + cursors[local] * total_slots
            cursors[local] += 1
            return pool[index % len(pool)]
        return pool[rng.randrange(len(pool))]

    def connection(local: int, mix: list[str], deadline: float, t0: float, results: list) -> None:
        conn: http.client.HTTPConnection | None = None
        turn = local
        while not stop.is_set() and time.monotonic() < deadline:
            scenario = mix[turn % len(mix)]
            turn += 1
            method, path, headers, body = pick(scenario, local)
            data = body.encode() if body is not None else None
            started = time.monotonic()
            status = -1
            for attempt in (1, 2):
                fresh = conn is None
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=60)
                try:
                    conn.request(method, path, body=data, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    if response.will_close:
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = None
                    if fresh or attempt == 2:  # a kept-alive connection the server closed: once more
                        break
                    started = time.monotonic()
            results.append((scenario, round(started - t0, 4), round((time.monotonic() - started) * 1000, 2),
                            status))
        if conn is not None:
            conn.close()

    def run(mix: list[str], seconds: float) -> None:
        stop.clear()
        t0 = time.monotonic()
        deadline = t0 + seconds
        results: list = []
        threads = [gevent.spawn(connection, i, mix, deadline, t0, results) for i in range(slots)]

        def tick() -> None:
            while not all(t.dead for t in threads):
                gevent.sleep(1.0)
                say({"tick": len(results), "failed": sum(1 for r in results if r[3] >= 500 or r[3] < 0)})

        ticker = gevent.spawn(tick)
        gevent.joinall(threads)
        ticker.kill()
        say({"done": results, "seconds": time.monotonic() - t0, "t0": time.time() - (time.monotonic() - t0)})

    runner = None
    stdin = FileObject(sys.stdin.fileno(), "r")
    for line in stdin:
        command = json.loads(line)
        if command.get("stop"):
            stop.set()
            continue
        if command.get("exit"):
            break
        if runner is not None:
            runner.join()
        runner = gevent.spawn(run, command["mix"], command["seconds"])
    if runner is not None:
        runner.join()
    os._exit(0)


class LoadProcess:
    def __init__(self, spec_path: str, slot_base: int, slots: int, total_slots: int) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.load", "--child", spec_path,
                                      "--slot-base", str(slot_base), "--slots", str(slots),
                                      "--total-slots", str(total_slots)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.ticks = 0
        self.failed = 0
        self._done: dict | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            data = json.loads(line)
            if "tick" in data:
                self.ticks, self.failed = data["tick"], data["failed"]
            else:
                self._done = data
                self._ready.set()

    def send(self, command: dict) -> None:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def start(self, mix: list[str], seconds: float) -> None:
        self._done = None
        self._ready.clear()
        self.ticks = self.failed = 0
        self.send({"mix": mix, "seconds": seconds})

    def result(self, timeout: float) -> dict:
        if not self._ready.wait(timeout):
            raise RuntimeError("a load process did not report")
        return self._done

    def close(self) -> None:
        try:
            self.send({"exit": True})
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


@dataclass
class Load:
    procs: list[LoadProcess]

    def run(self, mix: list[str], seconds: float, *, progress: str | None = None) -> tuple[list, float]:
        """Every process runs ``mix`` for ``seconds``: the requests [(scenario, start s, ms, status)] and
        the seconds they took (the longest process's)."""
        for p in self.procs:
            p.start(mix, seconds)
        if progress and sys.stderr.isatty():
            started = time.monotonic()
            while not all(p._ready.is_set() for p in self.procs):
                time.sleep(1.0)
                done = sum(p.ticks for p in self.procs)
                print(f"\r  {progress}: {time.monotonic() - started:4.0f} s, {done} requests", end="",
                      file=sys.stderr, flush=True)
            print("\r" + " " * 70 + "\r", end="", file=sys.stderr, flush=True)
        results, seconds_taken = [], 0.0
        for p in self.procs:
            done = p.result(seconds + 120)
            results += done["done"]
            seconds_taken = max(seconds_taken, done["seconds"])
        return results, seconds_taken

    def stop(self) -> None:
        for p in self.procs:
            p.send({"stop": True})

    def close(self) -> None:
        for p in self.procs:
            p.close()


def start_load(spec: dict, connections: int, procs: int) -> tuple[Load, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(spec, fh, ensure_ascii=False)
    procs = max(1, min(procs, connections))
    per = [connections // procs + (1 if i < connections % procs else 0) for i in range(procs)]
    bases = [sum(per[:i]) for i in range(procs)]
    return Load([LoadProcess(fh.name, base, n, connections) for base, n in zip(bases, per, strict=True)]), fh.name


# ---- what is asked ----

GZIP = {"Accept-Encoding": "gzip", "Accept": "text/html,application/json"}
WORDS = ["普工", "电焊工", "东莞 普工 包吃住", "深圳 保安", "叉车", "厨师", "家政", "日结", "装修 木工", "快递分拣",
         "苏州 电子厂", "服务员", "建筑工地", "司机", "保洁"]


def open_day(engine, today) -> str:
    """Today when enough postings are open today; else the day on which the most of them were open (an
    imported market such as market-v1 closed by August 2026), among the tenths of the postings' dates."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from market.models import JOB_OPEN, Job

    def open_on(day) -> int:
        return s.exec(select(func.count()).select_from(Job).where(
            Job.status == JOB_OPEN, Job.posted_at <= day, Job.closes_at > day)).one()

    with Session(engine) as s:
        if open_on(today) >= 1000:
            return today.isoformat()
        days = sorted(s.exec(select(Job.posted_at)))
        if not days:
            return today.isoformat()
        candidates = sorted({days[len(days) * k // 10] for k in range(10)})
        return max(candidates, key=open_on).isoformat()


def readable_postings(engine, count: int, seed: int) -> list[int]:
    """Up to ``count`` postings anyone may read, spread over the table."""
    from sqlmodel import Session, select

    from market.models import EMPLOYER_VERIFIED, JOB_TAKEN_DOWN, REVIEW_HELD, Employer, Job

    with Session(engine) as s:
        ids = list(s.exec(select(Job.id).join(Employer, Employer.id == Job.employer_id).where(
            Employer.status == EMPLOYER_VERIFIED, Job.status != JOB_TAKEN_DOWN, Job.review_status != REVIEW_HELD)))
    random.Random(seed).shuffle(ids)
    return ids[:count]


def build_requests(day: str, postings: list[int], pairs: list[tuple[str, int]],
                   seed: int) -> dict[str, list[list]]:
    rng = random.Random(seed)
    lists = [{"open_on": day}, {"open_on": day, "province": "440000"}, {"open_on": day, "city": "441900"},
             {"open_on": day, "occupation": "welder"}, {"open_on": day, "occupation": "factory_worker",
                                                        "province": "320000"},
             {"open_on": day, "q": "东莞 普工 包吃住"}, {"open_on": day, "q": "电焊工"},
             {"open_on": day, "benefits": ["包吃", "包住"]}, {"open_on": day, "employment_type": "gig_daily"},
             {"open_on": day, "wage_min": "6000", "sort": "wage"}, {"open_on": day, "offset": "20"},
             {"open_on": day, "province": "440000", "offset": "40"}]
    searches = [{"open_on": day, "q": w} for w in WORDS] + [{"open_on": day, "q": w, "province": "440000"}
                                                            for w in WORDS[:5]]
    pairs = list(pairs)
    rng.shuffle(pairs)
    api = {**GZIP, "Accept": "application/json"}
    return {
        FLOOR: [["GET", "/api/v1/jobs?" + urlencode({"open_on": day, "limit": "0"}), api, None]],
        "list": [["GET", "/?" + urlencode(p, doseq=True), GZIP, None] for p in lists],
        "posting": [["GET", f"/jobs/{i}", GZIP, None] for i in postings],
        "search": [["GET", "/api/v1/jobs?" + urlencode(p), api, None] for p in searches],
        "apply": [["POST", f"/api/v1/jobs/{j}/applications",
                   {**api, "Authorization": f"Bearer {t}", "Content-Type": "application/json"}, "{}"]
                  for t, j in pairs],
    }


POSTINGS_PER_EMPLOYER = 8  # a new employer's ninth posting within the hour is held for review
ACCOUNTS_PER_EMPLOYER = 250


def prepare(args: argparse.Namespace) -> dict:
    from market import clock, create_app

    parts = urlsplit(args.url)
    groups = max(1, -(-args.accounts // ACCOUNTS_PER_EMPLOYER))
    say(f"Setting up: {groups} employers with {POSTINGS_PER_EMPLOYER} open postings each and {args.accounts} "
        f"worker accounts for the apply scenario ({args.accounts * POSTINGS_PER_EMPLOYER:,} applications "
        "possible) ...")
    pairs: list[tuple[str, int]] = []
    for g in range(groups):
        setup = set_up(POSTINGS_PER_EMPLOYER, args.accounts // groups + (1 if g < args.accounts % groups else 0))
        pairs += [(t, j) for t in setup.worker_tokens for j in setup.job_ids]
    app = create_app({"SEARCH_ENABLED": False})
    engine = app.extensions["market"].engine
    day = args.open_on or open_day(engine, clock.today())
    postings = readable_postings(engine, args.postings, args.seed)
    engine.dispose()
    say(f"Browsing as of {day}; {len(postings)} postings sampled for the posting page")
    return {"host": parts.hostname, "port": parts.port or 80,
            "requests": build_requests(day, postings, pairs, args.seed)}


# ---- figures ----

def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Figures:
    rps: list[float] = field(default_factory=list)  # one a round
    ms: list[float] = field(default_factory=list)   # every request, all rounds
    p50: list[float] = field(default_factory=list)  # one a round
    p99: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def add_round(self, requests: list, seconds: float) -> None:
        """``requests`` sent during a window of ``seconds``: the rate counts those answered within it, the
        latencies every one (the last ones answered after the window too)."""
        ms = [r[2] for r in requests]
        self.rps.append(sum(1 for r in requests if r[1] + r[2] / 1000 <= seconds) / seconds)
        self.ms += ms
        self.p50.append(_pct(ms, 50))
        self.p99.append(_pct(ms, 99))
        for r in requests:
            self.statuses[r[3]] = self.statuses.get(r[3], 0) + 1

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status < 0)


def benchmark(load: Load, args: argparse.Namespace) -> int:
    names = list(SCENARIOS)
    say(f"Warming up: {args.warmup:g} s of each scenario, not counted ...")
    for name in names:
        load.run([name], args.warmup)
    figures = {name: Figures() for name in names}
    ratios: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}  # (rps, p50, p99) each round
    for round_no in range(args.rounds):
        order = names[round_no % len(names):] + names[:round_no % len(names)]
        this: dict[str, Figures] = {}
        for name in order:
            requests, _ = load.run([name], args.seconds,
                                   progress=f"round {round_no + 1}/{args.rounds} {SCENARIOS[name]}")
            f = Figures()
            f.add_round(requests, args.seconds)
            figures[name].add_round(requests, args.seconds)
            this[name] = f
            say(f"  round {round_no + 1}/{args.rounds} {SCENARIOS[name]:<34} {f.rps[0]:8.0f} req/s  "
                f"p50 {f.p50[0]:7.1f} ms  p99 {f.p99[0]:7.1f} ms")
        floor = this[FLOOR]
        for name in names:
            f = this[name]
            ratios[name].append((floor.rps[0] / f.rps[0] if f.rps[0] else float("inf"),
                                 f.p50[0] / floor.p50[0], f.p99[0] / floor.p99[0]))
    print(f"\n{args.connections} connections from {len(load.procs)} load processes, {args.rounds} rounds of "
          f"{args.seconds:g} s per scenario (order rotating), against {args.url}")
    print(f"  {'scenario':<36}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}   {'floor÷req/s':>11}{'p50 ×':>7}{'p99 ×':>7}"
          f"  {'statuses':<}")
    missed = []
    for name in names:
        f = figures[name]
        r = [statistics.median(x) for x in zip(*ratios[name], strict=True)]
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(f.statuses.items()))
        print(f"  {SCENARIOS[name]:<36}{statistics.median(f.rps):8.0f}{_pct(f.ms, 50):9.1f}{_pct(f.ms, 99):9.1f}   "
              f"{r[0]:11.2f}{r[1]:7.2f}{r[2]:7.2f}  {statuses}")
        if name in TARGETED and max(r) > PAGE_TARGET:
            missed.append(SCENARIOS[name])
    print("  (req/s and p50/p99 over all rounds; the ratios are each round's against that round's floor, "
          "their median over rounds)")
    failed = sum(f.failed for f in figures.values())
    print(f"  target: list and posting pages within {PAGE_TARGET:g}x the floor (req/s, p50, p99): "
          + (f"MISSED by {', '.join(missed)}" if missed else "met"))
    if failed:
        print(f"  FAILED requests (5xx or no answer): {failed}")
    return 1 if failed or missed else 0


# ---- an import while the server serves ----

IMPORT_MIX = ["list", "posting", "search", "apply", "posting", "search"]


def during_import(load: Load, args: argparse.Namespace) -> int:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "import-market", args.during_import]
    say(f"Load: {args.connections} connections of {'/'.join(dict.fromkeys(IMPORT_MIX))}; "
        f"importing: {' '.join(command[2:])}")
    outcome: dict = {}

    def importer() -> None:
        started = time.time()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        lines = []
        for line in proc.stdout:
            for part in line.replace("\r", "\n").splitlines():
                if part.strip():
                    lines.append(part)
                    if "%|" not in part:  # the summary, not tqdm's bars
                        say(f"  import: {part}")
        outcome.update(code=proc.wait(), started=started, ended=time.time(), lines=lines)
        load.stop()

    thread = threading.Thread(target=importer, daemon=True)
    t_load = time.time()
    for p in load.procs:
        p.start(IMPORT_MIX, 24 * 3600)  # until the import ends
    thread.start()
    last = 0.0
    while thread.is_alive():
        time.sleep(1.0)
        if time.monotonic() - last >= 10:
            last = time.monotonic()
            say(f"  {time.time() - t_load:5.0f} s: {sum(p.ticks for p in load.procs)} requests, "
                f"{sum(p.failed for p in load.procs)} failed")
    results = []
    for p in load.procs:
        done = p.result(120)
        results += [(r[0], done["t0"] + r[1], r[2], r[3]) for r in done["done"]]
    window = [r for r in results if outcome["started"] <= r[1] <= outcome["ended"]]
    seconds = outcome["ended"] - outcome["started"]
    summary = [line for line in outcome["lines"] if re.match(r"(employers|jobs|workers|applications): \d+ added", line)]
    added = sum(int(m.group(1)) for line in summary for m in [re.search(r": (\d+) added", line)] if m)
    print(f"\nimport-market {args.during_import} into the serving database while "
          f"{args.connections} connections sent requests ({'/'.join(dict.fromkeys(IMPORT_MIX))})")
    print(f"  import: exit status {outcome['code']}, {seconds:.1f} s, {added:,} rows imported")
    for line in summary + [line for line in outcome["lines"] if line.startswith(("STOPPED", "Error"))]:
        print(f"    {line}")
    print(f"  requests during the import: {len(window):,} ({len(window) / seconds:.0f}/s)")
    fivexx = [r for r in window if r[3] >= 500]
    lost = [r for r in window if r[3] < 0]
    print(f"  5xx: {len(fivexx)}; no answer: {len(lost)}")
    for name in dict.fromkeys(IMPORT_MIX):
        ms = [r[2] for r in window if r[0] == name]
        statuses: dict[int, int] = {}
        for r in window:
            if r[0] == name:
                statuses[r[3]] = statuses.get(r[3], 0) + 1
        if ms:
            print(f"    {SCENARIOS[name]:<36} {len(ms):7,} requests  p50 {_pct(ms, 50):7.1f} ms  "
                  f"p99 {_pct(ms, 99):8.1f} ms  max {max(ms):8.1f} ms  "
                  + " ".join(f"{k}:{v}" for k, v in sorted(statuses.items())))
    if window:
        slow = max(window, key=lambda r: r[2])
        print(f"  slowest request: {SCENARIOS[slow[0]]}, {slow[2] / 1000:.2f} s, status {slow[3]}, "
              f"{slow[1] - outcome['started']:.0f} s into the import")
    return 1 if outcome["code"] or fivexx or lost else 0


# ---- the page views in this process ----

def profile_pages(args: argparse.Namespace, spec: dict, top: int = 12) -> None:
    """The views through the Flask test client (no HTTP, no gunicorn): CPU ms and Python function calls a
    request, against the floor's, and under cProfile the functions that take the most of each page."""
    import cProfile
    import pstats

    from market import create_app

    app = create_app()
    client = app.test_client()
    picks = {name: spec["requests"][name][:40] for name in (FLOOR, "list", "posting", "search")}

    def send(request: list) -> None:
        method, path, headers, _ = request
        response = client.open(path, method=method, headers=headers)
        if response.status_code >= 500:
            raise RuntimeError(f"{path}: {response.status_code}")

    for requests in picks.values():
        for request in requests:
            send(request)
    cpu: dict[str, list[float]] = {name: [] for name in picks}
    for _ in range(args.profile_rounds):
        for name, requests in picks.items():
            started = time.process_time()
            for request in requests:
                send(request)
            cpu[name].append((time.process_time() - started) * 1000 / len(requests))
    calls: dict[str, float] = {}
    profiles: dict[str, pstats.Stats] = {}
    for name, requests in picks.items():
        profiler = cProfile.Profile()
        profiler.enable()
        for request in requests:
            send(request)
        profiler.disable()
        profiles[name] = pstats.Stats(profiler)
        calls[name] = profiles[name].total_calls / len(requests)
    floor_ms, floor_calls = statistics.median(cpu[FLOOR]), calls[FLOOR]
    print(f"\nin this process (Flask test client), {args.profile_rounds} rounds, CPU time a request:")
    print(f"  {'view':<36}{'CPU ms':>8}{'× floor':>9}{'calls':>9}{'× floor':>9}")
    for name in picks:
        ms = statistics.median(cpu[name])
        print(f"  {SCENARIOS[name]:<36}{ms:8.2f}{ms / floor_ms:9.2f}{calls[name]:9.0f}{calls[name] / floor_calls:9.2f}")
    for name in ("list", "posting"):
        stats = profiles[name]
        n = len(picks[name])
        rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][3])
        print(f"\n  {SCENARIOS[name]}: cumulative ms a request (profiled), the site's own functions")
        shown = 0
        for (path, line, func), (_, ncalls, _, cumulative, _) in rows:
            if "/market/" in path or "/templates/" in path:
                where = path.split("/market/", 1)[-1]
                print(f"    {cumulative * 1000 / n:7.2f}  {ncalls / n:5.1f}x  {where}:{line} {func}")
                shown += 1
                if shown >= top:
                    break


# ---- the run ----

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0],
                                     epilog="Runs from the checkout with the server's environment (its "
                                            "DATABASE_URL): the set-up writes accounts and postings there.")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument("--connections", type=int, help="concurrent connections (64; 16 with --during-import)")
    parser.add_argument("--procs", type=int, default=2, help="load processes sharing the connections")
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of each scenario first, not counted")
    parser.add_argument("--accounts", type=int, default=1000,
                        help=f"worker accounts for the apply scenario ({POSTINGS_PER_EMPLOYER} postings each)")
    parser.add_argument("--postings", type=int, default=2000, help="postings sampled for the posting page")
    parser.add_argument("--open-on", help="the day the list and search browse (default: today, or a day "
                                          "the imported market was open)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--profile", action="store_true",
                        help="also profile the views in this process (Flask test client): CPU and calls vs the floor")
    parser.add_argument("--profile-rounds", type=int, default=10, help=argparse.SUPPRESS)
    parser.add_argument("--profile-only", action="store_true", help="only that profile, no load")
    parser.add_argument("--during-import", metavar="FOLDER",
                        help="run import-market FOLDER into the server's database under load instead")
    # the load processes
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--slot-base", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--slots", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--total-slots", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.slot_base, args.slots, args.total_slots)
        return 0
    args.connections = args.connections or (16 if args.during_import else 64)
    spec = prepare(args)
    if args.profile or args.profile_only:
        profile_pages(args, spec)
        if args.profile_only:
            return 0
    load, spec_path = start_load(spec, args.connections, args.procs)
    try:
        return during_import(load, args) if args.during_import else benchmark(load, args)
    finally:
        load.close()
        os.unlink(spec_path)


if __name__ == "__main__":
    sys.exit(main())
