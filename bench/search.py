"""Search benchmark of the site: `python -m bench.search --data /work/shared/data/market-v1`.

One run, on a local Meilisearch and a SQLite database of the market (imported here, or ``--database-url``):

1. indexing: ``search reindex`` (the app's path: documents read from the database and built, sent, indexed,
   swapped in, old index dropped) until every posting is searchable, against a plain bulk load of the same
   documents (built beforehand, not timed) into a fresh index with the same settings. Runs alternate
   plain, app, plain, app, plain; each app run is compared with the plain runs on either side of it.
2. latency: ``GET /api/v1/jobs`` served by gunicorn (and by the Flask test client, in this process) against
   the exact engine requests ``search_jobs`` sends, straight to Meilisearch with the search key;
   interleaved, several rounds. When the app is over its target (or with --profile) the app is profiled:
   cProfile through the test client, and py-spy on the gunicorn workers when py-spy is installed.
3. relevance: precision@10 / recall@50 of the judgment set of ``search.judgments`` through the API,
   through ``search_jobs`` itself, and on a default-settings index (``search.relevance``'s baseline).
4. checks: no answer is ``degraded`` (the database fallback); totals of filter-only browses equal the
   database's count of open postings and a count over the app's own documents. Exit status 1 when a
   check fails.

Targets: indexing ≤ 1.3× the plain load; latency p50 and p99 ≤ 2× the engine's; the route's own work under
0.5 ms at p50 (what the app's ``Server-Timing`` header says it spent, less its time waiting on the engine).
Machines are shared and noisy, so every figure is compared with its reference measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import inspect
import os
import pstats
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from tqdm import tqdm

from market.config import ROOT
from search.process import Child, die_with_parent, free_port, start

LIVE_INDEX = "jobs"
INDEX_TARGET = 1.3
LATENCY_TARGET = 2.0
OWN_TARGET_MS = 0.5  # the route's own work at p50: the app's time less the engine's, from Server-Timing
FLOOR = "floor: gunicorn 422, no engine call"


def say(message: str) -> None:
    tqdm.write(message, file=sys.stderr)


# -- processes ---------------------------------------------------------------------------------------------

def start_gunicorn(workdir: Path, env_overrides: dict[str, str], *, workers: int | None) -> Child:
    """The site on gunicorn as `make run` serves it, on a free port, ready once /healthz answers 200."""
    port = free_port()
    env = dict(os.environ)
    env.update(env_overrides)
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return requests.get(f"{url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    child = start("gunicorn", [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                               "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                  log_path=workdir / "gunicorn.log", ready=ready, cwd=ROOT, env=env, timeout=60, url=url)
    return child


# -- the database --------------------------------------------------------------------------------------------

def job_count(engine) -> int:
    from sqlalchemy import func
    from sqlmodel import Session, select

    from market.models import JOB_TAKEN_DOWN, Job

    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Job).where(Job.status != JOB_TAKEN_DOWN)).one()


def prepare_database(app, folder: str) -> None:
    """Schema up to date; the market imported unless the database already holds postings."""
    from market.importer import import_market
    from market.migrate import upgrade

    state = app.extensions["market"]
    upgrade(state.engine)
    have = job_count(state.engine)
    if have:
        say(f"database already holds {have:,} postings: not importing")
        return
    say(f"importing {folder} into the database ...")
    started = time.monotonic()
    report = import_market(state.engine, folder, cipher=state.cipher)
    say(report.summary().replace("\n", "; ") + f" ({time.monotonic() - started:.0f} s)")


def settle_covered_outbox(engine, before) -> int:
    """Mark done the outbox rows a full reindex that started at ``before`` already covered; returns how many.

    The importer queues one upsert per posting and ``search reindex`` leaves those rows pending: every
    serving process's relay would then send the whole market again while the latency is measured.
    """
    from sqlalchemy import update

    from market import clock
    from market.models import SearchOutbox

    with engine.begin() as conn:
        return conn.execute(update(SearchOutbox)
                            .where(SearchOutbox.status.in_(("pending", "failed")), SearchOutbox.created_at < before)
                            .values(status="done", done_at=clock.now())).rowcount


# -- indexing --------------------------------------------------------------------------------------------------

def pending_tasks(master) -> int:
    page = master.request("GET", "/tasks", params={"statuses": "enqueued,processing", "limit": 1})
    return int(page.get("total", len(page["results"])))


def wait_searchable(master, uid: str, count: int, timeout: float = 3600.0) -> None:
    """Until the index holds ``count`` documents and the server has no task left to run."""
    deadline = time.monotonic() + timeout
    while True:
        stats = master.stats(uid)
        if stats["numberOfDocuments"] == count and not stats.get("isIndexing") and pending_tasks(master) == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{uid}: {stats['numberOfDocuments']} of {count} documents after {timeout:.0f} s")
        time.sleep(0.02)


def _seconds(duration: str | None) -> float:
    """An ISO 8601 duration as Meilisearch writes them (PT1M2.5S) in seconds."""
    match = re.fullmatch(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", duration or "")
    if not match:
        return 0.0
    days, hours, minutes, secs = (float(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


def engine_batches(master, uid: str) -> str:
    """How the engine grouped the document tasks of index ``uid``: batches, documents each, busy seconds."""
    from search.client import SearchError

    try:
        page = master.request("GET", "/batches", params={"limit": 1000})
    except SearchError:
        return "engine batches unknown"
    sizes, busy = [], 0.0
    for batch in page.get("results", []):
        if uid in (batch.get("stats") or {}).get("indexUids", {}) and \
                "documentAdditionOrUpdate" in (batch.get("stats") or {}).get("types", {}):
            sizes.append(int((batch.get("details") or {}).get("receivedDocuments") or 0))
            busy += _seconds(batch.get("duration"))
    sizes.reverse()
    return f"engine: {len(sizes)} indexing batches of {'+'.join(f'{n // 1000}k' for n in sizes)} docs, busy {busy:.1f} s"


@contextlib.contextmanager
def watch_documents(url: str, key: str, count: int, desc: str, pick: Callable[[str], bool]) -> Iterator[None]:
    """A progress bar of the documents indexed so far in the indexes ``pick`` selects (1 poll a second)."""
    from search.client import SearchEngine, SearchError

    engine = SearchEngine(url, key, timeout=5.0)
    stop = threading.Event()
    bar = tqdm(total=count, desc=desc, unit=" doc", file=sys.stderr, leave=False)

    def poll() -> None:
        while not stop.wait(1.0):
            try:
                indexes = engine.request("GET", "/stats")["indexes"]
            except SearchError:
                continue
            done = max((s["numberOfDocuments"] for uid, s in indexes.items() if pick(uid)), default=0)
            bar.n = min(done, count)
            bar.refresh()

    thread = threading.Thread(target=poll, name="bench-index-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        bar.close()
        engine.close()


def plain_load(master, uid: str, documents: list[dict], batch: int) -> float:
    """Seconds to make ``documents`` searchable in a fresh index with the job settings: create, settings,
    add_documents in batches, wait for every task."""
    from search.settings import index_settings

    started = time.perf_counter()
    master.wait_for_task(master.create_index(uid), 60)
    master.wait_for_task(master.update_settings(index_settings(), uid), 120)
    tasks = [master.add_documents(documents[i:i + batch], uid) for i in range(0, len(documents), batch)]
    for task in tasks:
        master.wait_for_task(task, 3600)
    wait_searchable(master, uid, len(documents))
    return time.perf_counter() - started


def app_reindex(app, master, count: int) -> tuple[float, str]:
    """Seconds from the start of `search reindex` until every posting is searchable in the live index, and
    what the command said."""
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["search", "reindex"])
    if result.exit_code != 0:
        raise RuntimeError(f"search reindex failed ({result.exit_code}): {result.output[-2000:]}"
                           + (f"\n{result.exception!r}" if result.exception else ""))
    wait_searchable(master, LIVE_INDEX, count)
    seconds = time.perf_counter() - started
    output = getattr(result, "stdout", None) or result.output
    said = next((line[line.index("Indexed"):] for line in reversed(output.splitlines()) if "Indexed" in line), "")
    return seconds, said


@dataclass
class IndexRuns:
    plain: list[float] = field(default_factory=list)
    app: list[float] = field(default_factory=list)
    build_seconds: float = 0.0
    app_started: Any = None   # when the first `search reindex` began (market.clock.now())
    batches: list[str] = field(default_factory=list)  # in run order: plain, app, plain, ...

    def ratios(self) -> list[float]:
        # Each app run against the mean of the plain runs just before and just after it.
        return [a / statistics.fmean(self.plain[i:i + 2]) for i, a in enumerate(self.app)]


def index_benchmark(app, master, meili, rounds: int) -> tuple[IndexRuns, list[dict]]:
    from market.search_index import documents_from_database
    from search.indexing import reindex

    engine = app.extensions["market"].engine
    started = time.perf_counter()
    documents = list(tqdm(documents_from_database(engine), total=job_count(engine), desc="building documents",
                          unit=" doc", file=sys.stderr, leave=False))
    runs = IndexRuns(build_seconds=time.perf_counter() - started)
    count = len(documents)
    say(f"{count:,} documents built from the database in {runs.build_seconds:.1f} s (not timed below)")
    if rounds == 0:  # no comparison: the live index as it is, built once when it does not hold every posting
        from market import clock
        from search.client import SearchError

        try:
            held = master.stats(LIVE_INDEX)["numberOfDocuments"]
        except SearchError:  # no live index yet
            held = 0
        runs.app_started = clock.now()
        if held != count:
            with watch_documents(meili.url, meili.master_key, count, "search reindex",
                                 lambda name: name.startswith(LIVE_INDEX + "_")):
                seconds, said = app_reindex(app, master, count)
            say(f"  search reindex (not compared): {seconds:6.1f} s  ({said})")
        else:
            say(f"the live index already holds the {count:,} postings (kept in --meili-data): not indexing")
        return runs, documents
    batch = inspect.signature(reindex).parameters["batch_size"].default  # the same batches as the app's
    for i in range(rounds * 2 + 1):
        if i % 2 == 0:
            uid = f"bench_plain_{uuid.uuid4().hex[:8]}"
            with watch_documents(meili.url, meili.master_key, count, f"plain bulk load {i // 2 + 1}",
                                 lambda name, uid=uid: name == uid):
                seconds = plain_load(master, uid, documents, batch)
            runs.batches.append(engine_batches(master, uid))
            master.wait_for_task(master.delete_index(uid), 120)
            runs.plain.append(seconds)
            say(f"  plain bulk load {i // 2 + 1}: {seconds:6.1f} s  ({count:,} documents sent in requests of {batch:,}; "
                f"{runs.batches[-1]})")
        else:
            from market import clock

            runs.app_started = runs.app_started or clock.now()
            with watch_documents(meili.url, meili.master_key, count, f"search reindex {i // 2 + 1}",
                                 lambda name: name.startswith(LIVE_INDEX + "_")):
                seconds, said = app_reindex(app, master, count)
            built_as = re.search(r"into (\S+)", said)
            runs.batches.append(engine_batches(master, built_as.group(1)) if built_as else "")
            runs.app.append(seconds)
            say(f"  search reindex  {i // 2 + 1}: {seconds:6.1f} s  ({said} {runs.batches[-1]})")
    return runs, documents


# -- the query set -------------------------------------------------------------------------------------------

@dataclass
class Probe:
    kind: str                 # text, browse, deep page
    params: dict[str, str]
    calls: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # the engine requests it takes
    total: int = -1           # what the library path answered

    @property
    def label(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.params.items())


def browse_params(day: str) -> list[tuple[str, dict[str, str]]]:
    """Filter-only browses and pages beyond what Meilisearch's default settings could reach."""
    d = {"open_on": day}
    return [
        ("browse", d),
        ("browse", {**d, "province": "440000"}),
        ("browse", {**d, "city": "441900"}),
        ("browse", {**d, "county": "440305"}),
        ("browse", {**d, "province": "440000", "occupation": "factory_worker"}),
        ("browse", {**d, "occupation": "welder", "sort": "wage"}),
        ("browse", {**d, "employment_type": "gig_daily", "benefits": "日结"}),
        ("browse", {**d, "province": "320000", "wage_min": "6000", "sort": "wage"}),
        ("browse", {**d, "benefits": "包吃,包住", "sort": "newest"}),
        ("browse", {**d, "lat": "23.02", "lng": "113.75", "radius_km": "30", "sort": "distance"}),
        ("deep page", {**d, "offset": "1000"}),
        ("deep page", {**d, "province": "440000", "offset": "1200"}),
        ("deep page", {**d, "offset": "5000", "limit": "50"}),
        ("deep page", {**d, "offset": "20000", "sort": "wage"}),
        ("deep page", {**d, "offset": "1234", "limit": "7"}),
        ("deep page", {**d, "q": "普工", "offset": "1000"}),
    ]


def record_probes(probes: list[Probe], url: str, search_key: str, settings) -> None:
    """Run each probe through the app's own query building (SearchGateway.search) once, keeping the engine
    requests it sends: the direct side replays exactly those."""
    from werkzeug.datastructures import MultiDict

    from market import clock
    from market.postings.browse import parse_filters
    from market.search_index import SearchGateway
    from search.client import SearchEngine

    class Recorder(SearchEngine):
        calls: list

        def request(self, method, path, *, json=None, params=None, timeout=None):
            self.calls.append((method, path, json, params))
            return super().request(method, path, json=json, params=params, timeout=timeout)

    recorder = Recorder(url, search_key, index_uid=settings.MEILI_INDEX, timeout=10.0)

    class RecordingGateway(SearchGateway):
        def searcher(self) -> SearchEngine:
            return recorder

    gateway = RecordingGateway(url, None, timeout=settings.MEILI_TIMEOUT, index_uid=settings.MEILI_INDEX)
    for probe in probes:
        recorder.calls = []
        page = gateway.search(parse_filters(MultiDict(probe.params), today=clock.today()), today=clock.today())
        if page is None:
            raise RuntimeError(f"the engine did not answer {probe.label}")
        probe.calls, probe.total = recorder.calls, page.total
    recorder.close()


def replay(engine, calls) -> dict:
    answer = None
    for method, path, body, params in calls:
        answer = engine.request(method, path, json=body, params=params)
    return answer


# -- latency -------------------------------------------------------------------------------------------------

def server_timing(headers: Any) -> dict[str, float]:
    """``Server-Timing: app;dur=1.2, engine;dur=0.9`` as ``{"app": 1.2, "engine": 0.9}`` (ms)."""
    out = {}
    for metric in (headers.get("Server-Timing") or "").split(","):
        name, _, params = metric.strip().partition(";")
        duration = re.search(r"(?:^|;)\s*dur=([0-9.]+)", params)
        if name and duration:
            out[name] = float(duration.group(1))
    return out


@dataclass
class Arm:
    name: str
    ms: dict[str, list[float]] = field(default_factory=dict)  # by probe kind, and ALL
    # From the app's Server-Timing: its own work (app less engine) and its wait on the engine, by kind.
    own: dict[str, list[float]] = field(default_factory=dict)
    engine: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, value: float) -> None:
        self.ms.setdefault(kind, []).append(value)
        self.ms.setdefault("ALL", []).append(value)

    def add_timing(self, kind: str, response: Any) -> None:
        timing = server_timing(getattr(response, "headers", {}))
        if "app" not in timing or "engine" not in timing:
            return
        for where, value in ((self.own, timing["app"] - timing["engine"]), (self.engine, timing["engine"])):
            where.setdefault(kind, []).append(value)
            where.setdefault("ALL", []).append(value)


@dataclass
class Checks:
    answers: int = 0
    degraded: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    total_mismatch: list[str] = field(default_factory=list)
    # (query, API total, database's count, count among the app's own documents or None)
    sql_totals: list[tuple[str, int, int, int | None]] = field(default_factory=list)

    def app_answer(self, label: str, response: Any, *, expect_total: int | None = None) -> dict | None:
        self.answers += 1
        status = getattr(response, "status_code", None)
        if status != 200:
            self.errors.append(f"{label}: HTTP {status}")
            return None
        body = response.json() if hasattr(response, "json") and callable(response.json) else response.get_json()
        if body.get("degraded") is not False:
            self.degraded.append(label)
        if expect_total is not None and body.get("total") != expect_total:
            self.total_mismatch.append(f"{label}: API {body.get('total')} vs search_jobs {expect_total}")
        return body


def latency_benchmark(probes: list[Probe], http_url: str, client, direct, rounds: int,
                      checks: Checks, seed: int) -> list[Arm]:
    """Interleaved: each probe goes to every arm in turn (the order rotating), every round.

    An app answer is timed until its body has arrived; reading its JSON and checking it is not timed. The
    engine's answers are read by SearchEngine as the app reads them.
    """
    session = requests.Session()

    def over_http(probe: Probe) -> Any:
        return session.get(f"{http_url}/api/v1/jobs", params=probe.params, timeout=30)

    def in_process(probe: Probe) -> Any:
        return client.get("/api/v1/jobs", query_string=probe.params)

    def straight(probe: Probe) -> None:
        replay(direct, probe.calls)

    def floor(probe: Probe) -> None:
        # The same route refusing its parameters (422) before any engine call: the cost of the HTTP hop,
        # gunicorn and Flask alone.
        session.get(f"{http_url}/api/v1/jobs", params={**probe.params, "limit": "0"}, timeout=30)

    arms = [(Arm("app: GET /api/v1/jobs, gunicorn"), over_http), (Arm("app: Flask test client"), in_process),
            (Arm(FLOOR), floor), (Arm("Meilisearch direct"), straight)]
    arms = [a for a in arms if not (a[1] is in_process and client is None)]
    for _, send in arms:  # warm every worker, connection and cache once, untimed
        for probe in probes:
            send(probe)
    # The big lists this process holds (documents, postings) are left out of garbage collection's scans,
    # so a full collection does not land in the middle of a timed request.
    gc.collect()
    gc.freeze()
    rng = random.Random(seed)
    order = list(probes)
    with tqdm(total=rounds * len(order), desc="latency", unit=" query", file=sys.stderr, leave=False) as bar:
        for round_no in range(rounds):
            rng.shuffle(order)
            for i, probe in enumerate(order):
                turn = (i + round_no) % len(arms)
                for arm, send in arms[turn:] + arms[:turn]:
                    started = time.perf_counter()
                    response = send(probe)
                    arm.add(probe.kind, (time.perf_counter() - started) * 1000)
                    if response is not None:
                        arm.add_timing(probe.kind, response)
                        checks.app_answer(probe.label, response, expect_total=probe.total)
                bar.update(1)
    gc.unfreeze()
    session.close()
    return [arm for arm, _ in arms]


def profile_app(client, probes: list[Probe], top: int, passes: int = 3) -> list[str]:
    """cProfile over passes of the query set through the Flask test client: ms per request by function,
    and by package (own time)."""
    for probe in probes:
        client.get("/api/v1/jobs", query_string=probe.params)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(passes):
        for probe in probes:
            client.get("/api/v1/jobs", query_string=probe.params)
    profiler.disable()
    n = len(probes) * passes
    wall = (time.perf_counter() - started) * 1000 / n
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (primitive calls, calls, tottime, cumtime, _)}

    def where(key: tuple) -> str:
        file, line, name = key
        if file == "~":
            return name
        text = str(file)
        for root in (str(ROOT) + "/", sys.prefix + "/", sys.base_prefix + "/"):
            text = text.removeprefix(root)
        if "site-packages/" in text:
            text = text.split("site-packages/", 1)[1]
        return f"{text}:{line}:{name}"

    def package(key: tuple) -> str:
        file, _, name = key
        if file == "~":
            return "socket I/O" if "socket" in name or "select" in name or "poll" in name else "builtins"
        text = where(key)
        if text.startswith(("market/", "search/", "matching/")):
            return text.split(":", 1)[0]
        head = text.split("/", 1)[0]
        return "python stdlib" if head.startswith(("lib", "<frozen")) or "/python3" in text else head

    engine_ms = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items()
                    if file.endswith("search/client.py") and name == "request") * 1000 / n
    lines = [f"profile: {n} requests through the Flask test client ({passes} passes), {wall:.1f} ms each under "
             f"cProfile, of which {engine_ms:.1f} ms in search/client.py:SearchEngine.request (engine round trips)",
             f"  {'cumulative ms/request':>22}  {'own ms/request':>15}  calls/request  function (project code)"]
    ranked = sorted(stats.items(), key=lambda kv: kv[1][3], reverse=True)
    for key, (_, calls, tt, ct, _) in [kv for kv in ranked if where(kv[0]).startswith(("market/", "search/",
                                                                                       "matching/"))][:top]:
        lines.append(f"  {ct * 1000 / n:22.2f}  {tt * 1000 / n:15.2f}  {calls / n:13.1f}  {where(key)}")
    lines.append(f"  {'':>22}  {'own ms/request':>15}  calls/request  function (any code, by own time)")
    for key, (_, calls, tt, _ct, _) in sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]:
        lines.append(f"  {'':>22}  {tt * 1000 / n:15.2f}  {calls / n:13.1f}  {where(key)}")
    by_package: dict[str, float] = {}
    for key, (_, _, tt, _, _) in stats.items():
        by_package[package(key)] = by_package.get(package(key), 0.0) + tt * 1000 / n
    lines.append("  own time by package, ms/request: " + ", ".join(
        f"{name} {ms:.2f}" for name, ms in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]))
    return lines


def worker_pids(server: Child) -> list[int]:
    pid = server.process.pid
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def spy_gunicorn(py_spy: str, server: Child, probes: list[Probe], workdir: Path, top: int,
                 seconds: float = 30.0, rate: int = 250) -> list[str]:
    """py-spy on the gunicorn workers while the query set is sent over HTTP: where a worker's time goes,
    in ms per request (inclusive for project functions, own time for the rest)."""
    import collections

    pids = worker_pids(server)
    if not pids:
        return ["py-spy: no gunicorn workers found"]
    outputs, spies = [], []
    for pid in pids:
        outputs.append(workdir / f"py-spy-{pid}.txt")
        spies.append(subprocess.Popen(
            [py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", str(rate), "--idle",
             "--nonblocking", "--format", "raw", "--output", str(outputs[-1])],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=die_with_parent))
    time.sleep(1.0)  # attaching
    session = requests.Session()
    sent, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds - 3 and all(s.poll() is None for s in spies):
        for probe in probes:
            session.get(f"{server.url}/api/v1/jobs", params=probe.params, timeout=30)
            sent += 1
    elapsed = time.perf_counter() - started
    session.close()
    workers: list[collections.Counter] = []
    for spy, output in zip(spies, outputs, strict=True):
        try:
            _, err = spy.communicate(timeout=seconds + 30)
        except subprocess.TimeoutExpired:
            spy.kill()
            _, err = spy.communicate()
        if spy.returncode != 0 or not output.exists():
            return [f"py-spy failed ({spy.returncode}): {err.decode(errors='replace')[-300:]}"]
        workers.append(collections.Counter())
        for line in output.read_text(errors="replace").splitlines():
            frames, _, count = line.rpartition(" ")
            if count.isdigit():
                workers[-1][frames] += int(count)
    # A kept-alive connection stays with one worker: the others only wait, and are left out.
    busy = [w for w in workers if any("handle_request (gunicorn/" in frames for frames in w)]
    stacks = sum(busy, collections.Counter())
    per_request = 1000 / rate / max(sent, 1)  # ms per request of one sample

    def function(frame: str) -> str:
        return re.sub(r":\d+\)$", ")", frame)

    inclusive: collections.Counter = collections.Counter()
    leaves: collections.Counter = collections.Counter()
    serving = hub = engine_send = client_send = 0
    for frames, count in stacks.items():
        chain = frames.split(";")
        if "handle_request (gunicorn/" not in frames:
            hub += count if chain[-1].startswith("Hub.run") else 0
            continue
        serving += count
        leaves[function(chain[-1])] += count
        # Each sample goes to the innermost project function on its stack, with the library code it called.
        own = [f for f in chain if re.search(r"\((market|search|matching)/", f)]
        inclusive[function(own[-1]) if own else "(no project function: gunicorn, flask, werkzeug)"] += count
        if chain[-1].startswith("SocketMixin.send"):
            if "search/client.py" in frames:
                engine_send += count
            elif "Response.write (gunicorn/" in frames:
                client_send += count
    lines = [f"py-spy on {len(busy)} serving gunicorn worker(s): {sent} requests over HTTP in {elapsed:.1f} s "
             f"({elapsed * 1000 / max(sent, 1):.1f} ms each); a worker spends per request "
             f"{serving * per_request:.2f} ms handling it and {hub * per_request:.2f} ms waiting in the gevent hub "
             "(for the engine's answer or the next request)",
             f"  {engine_send * per_request:.2f} ms/request in socket send() of the engine requests, "
             f"{client_send * per_request:.2f} ms in send() of the responses (headers and body go separately)",
             f"  {'ms/request':>22}  innermost project function on the stack (with the library code it calls)"]
    for name, count in inclusive.most_common(top):
        lines.append(f"  {count * per_request:22.2f}  {name}")
    lines.append(f"  {'ms/request':>22}  function running (any code, while handling a request)")
    for name, count in leaves.most_common(top):
        lines.append(f"  {count * per_request:22.2f}  {name}")
    return lines


# -- relevance -----------------------------------------------------------------------------------------------

def relevance_benchmark(judgments, postings, day: dt.date, http_url: str, searcher, master, checks: Checks,
                        batch: int) -> dict[str, Any]:
    from search.documents import day_number
    from search.jobs import JobQuery, search_jobs
    from search.judgments import posting_id
    from search.relevance import _index_plain, _Run

    plain_uid = f"bench_plain_relevance_{uuid.uuid4().hex[:6]}"
    _index_plain(master, plain_uid, postings, batch)
    runs = {name: _Run(name) for name in ("app API", "search_jobs", "plain index")}
    open_filter = f"posted_day <= {day_number(day)} AND closes_day > {day_number(day)}"
    session = requests.Session()
    try:
        for judgment in tqdm(judgments, desc="relevance", unit=" query", file=sys.stderr, leave=False):
            params = {"q": judgment.query, "open_on": day.isoformat(), "limit": "50"}
            body = checks.app_answer(f"relevance {judgment.query}",
                                     session.get(f"{http_url}/api/v1/jobs", params=params, timeout=30))
            hits = body["hits"] if body else []
            runs["app API"].record(judgment, [posting_id(h["external_id"]) for h in hits])
            page = search_jobs(searcher, JobQuery(q=judgment.query, open_on=day, limit=50))
            runs["search_jobs"].record(judgment, [posting_id(h["external_id"]) for h in page.hits])
            answer = master.search({"q": judgment.query, "filter": open_filter, "limit": 50,
                                    "attributesToRetrieve": ["id"]}, plain_uid)
            runs["plain index"].record(judgment, [h["id"] for h in answer["hits"]])
    finally:
        session.close()
        master.wait_for_task(master.delete_index(plain_uid), 120, raise_on_failure=False)
    return runs


def count_documents(documents: list[dict], params: dict[str, str]) -> int | None:
    """How many of the app's own index documents a filter-only browse asks for, counted here with the
    index's meaning of each filter (the trade is the resolved one); None for what is not counted here."""
    from search.documents import day_number

    if params.get("q") or params.get("radius_km"):
        return None
    day = day_number(params["open_on"])
    equal = [(field_name, params[name]) for name, field_name in (
        ("province", "province_adcode"), ("city", "city_adcode"), ("county", "county_adcode"),
        ("occupation", "occupation"), ("employment_type", "employment_type")) if params.get(name)]
    benefits = {b for b in params.get("benefits", "").split(",") if b}
    wage = float(params["wage_min"]) if params.get("wage_min") else None

    def wanted(doc: dict) -> bool:
        return (doc["status"] == "open" and doc["employer_verified"] and doc["posted_day"] <= day < doc["closes_day"]
                and all(doc.get(name) == value for name, value in equal) and benefits <= set(doc["benefits"])
                and (wage is None or (doc["wage_monthly_max"] is not None and doc["wage_monthly_max"] >= wage)))

    return sum(1 for doc in documents if wanted(doc))


def check_sql_totals(app, probes: list[Probe], http_url: str, checks: Checks,
                     documents: list[dict]) -> None:
    """Totals of the filter-only browses through the API, against the database's count of open postings
    (the query of the app's database fallback) and against a count over the app's own documents."""
    from sqlmodel import Session
    from werkzeug.datastructures import MultiDict

    from market import clock
    from market.postings.browse import browse_db, parse_filters

    engine = app.extensions["market"].engine
    session = requests.Session()
    for probe in probes:
        if probe.params.get("q"):
            continue
        body = checks.app_answer(f"total {probe.label}",
                                 session.get(f"{http_url}/api/v1/jobs", params=probe.params, timeout=30))
        filters = parse_filters(MultiDict(probe.params), today=clock.today())
        with Session(engine) as db:
            expected = browse_db(db, filters, today=clock.today())
        got = body["total"] if body else -1
        checks.sql_totals.append((probe.label, got, expected.total, count_documents(documents, probe.params)))
        if body and len(body["hits"]) != max(0, min(filters.limit, expected.total - filters.offset)):
            checks.errors.append(f"{probe.label}: {len(body['hits'])} hits on the page")
    session.close()


# -- report --------------------------------------------------------------------------------------------------

def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def relevance_table(p, relevance: dict, styles: list[str]) -> None:
    names = list(relevance)
    p(f"relevance ({len(relevance[names[0]].precision['ALL'])} judged queries)"
      + "".join(f"{n:>26}" for n in names))
    p(f"  {'query style (queries)':<28}" + "".join(f"{'p@10 / r@50':>26}" for _ in names))
    for style in [*styles, "ALL"]:
        count = len(relevance[names[0]].precision[style])
        p(f"  {f'{style} ({count})':<28}" + "".join(
            f"{r.mean(r.precision, style):>18.3f} / {r.mean(r.recall, style):.3f}" for r in relevance.values()))


def report(out, *, postings: int, day: str, index: IndexRuns, arms: list[Arm], rounds: int,
           probes: list[Probe], relevance: dict, checks: Checks, settled: int, profile: list[str],
           wall: float, styles: list[str]) -> None:
    from search.relevance import percentile

    p = lambda *a: print(*a, file=out)  # noqa: E731
    p()
    p(f"== Search benchmark: {postings:,} postings, open on {day} ==")
    p()
    p(f"indexing (until searchable)      plain bulk load   search reindex    ratio   (target ≤ {INDEX_TARGET}×)")
    ratios = index.ratios()
    batches = index.batches + [""] * (len(index.plain) + len(index.app))
    for i, seconds in enumerate(index.plain):
        p(f"  plain run {i + 1}                   {seconds:10.1f} s")
        if batches[2 * i]:
            p(f"      {batches[2 * i]}")
        if i < len(index.app):
            p(f"  app run {i + 1}                                     {index.app[i]:10.1f} s   {ratios[i]:5.2f}×")
            if batches[2 * i + 1]:
                p(f"      {batches[2 * i + 1]}")
    index_ratio = statistics.median(ratios) if ratios else float("nan")
    if not ratios:
        p("  not measured (--index-rounds 0)")
    p(f"  median ratio                                                   {index_ratio:5.2f}×  {_verdict(index_ratio <= INDEX_TARGET)}")
    p(f"  (documents built from the database beforehand for the plain load: {index.build_seconds:.1f} s)")
    p()
    kinds = list(dict.fromkeys(pr.kind for pr in probes))
    counts = {k: sum(1 for pr in probes if pr.kind == k) for k in kinds}
    p(f"latency, ms per request ({len(probes)} queries × {rounds} rounds, interleaved; "
      + ", ".join(f"{counts[k]} {k}" for k in kinds) + ")")
    p(f"  {'':<34}" + "".join(f"{k + ' p50/p99':>22}" for k in [*kinds, "ALL"]))
    for arm in arms:
        p(f"  {arm.name:<34}" + "".join(
            f"{percentile(arm.ms.get(k, []), 0.5):11.1f} /{percentile(arm.ms.get(k, []), 0.99):8.1f}" + "  "
            for k in [*kinds, "ALL"]))
    direct = arms[-1]
    verdicts = []
    for arm in arms[:-1]:
        cells = []
        for k in [*kinds, "ALL"]:
            r50 = percentile(arm.ms.get(k, []), 0.5) / max(percentile(direct.ms.get(k, []), 0.5), 1e-9)
            r99 = percentile(arm.ms.get(k, []), 0.99) / max(percentile(direct.ms.get(k, []), 0.99), 1e-9)
            cells.append(f"{r50:10.2f}× /{r99:6.2f}×  ")
            if k == "ALL" and arm.name != FLOOR:
                verdicts.append((arm.name, r50, r99))
        p(f"  {'ratio ' + arm.name.split(':', 1)[-1].strip():<34}" + "".join(cells))
    for name, r50, r99 in verdicts:
        p(f"  {name}: p50 {r50:.2f}×, p99 {r99:.2f}× the engine's (target ≤ {LATENCY_TARGET}× at p50 and p99)  "
          f"{_verdict(r50 <= LATENCY_TARGET and r99 <= LATENCY_TARGET)}")
    timed = [arm for arm in arms if arm.own.get("ALL")]
    if timed:
        p("  the app's own account (Server-Timing), ms: its own work = its time less its wait on the engine")
        for arm in timed:
            for label, values in (("own work", arm.own), ("engine wait", arm.engine)):
                short = arm.name.split(":", 1)[-1].split(",")[-1].strip()
                p(f"  {label + ', ' + short:<34}" + "".join(
                    f"{percentile(values.get(k, []), 0.5):11.2f} /{percentile(values.get(k, []), 0.99):8.2f}" + "  "
                    for k in [*kinds, "ALL"]))
        for arm in timed:
            own50, own99 = (percentile(arm.own["ALL"], q) for q in (0.5, 0.99))
            p(f"  {arm.name}: own work p50 {own50:.2f} ms, p99 {own99:.2f} ms (target < {OWN_TARGET_MS} ms at p50)  "
              f"{_verdict(own50 < OWN_TARGET_MS)}")
    if profile:
        p()
        for line in profile:
            p(line)
    p()
    names = list(relevance)
    if not names:
        p("relevance: not measured (--no-relevance)")
    else:
        relevance_table(p, relevance, styles)
    p()
    p("checks")
    p(f"  app answers: {checks.answers}, degraded: {len(checks.degraded)}, errors: {len(checks.errors)}, "
      f"totals unlike search_jobs': {len(checks.total_mismatch)}")
    for line in (checks.degraded[:5] + checks.errors[:5] + checks.total_mismatch[:5]):
        p(f"    {line}")
    exact = sum(1 for _, got, want, _ in checks.sql_totals if got == want)
    p(f"  browse totals equal to the database's count of open postings: {exact}/{len(checks.sql_totals)} "
      "(docs: the count over the app's own index documents)")
    for label, got, want, docs in checks.sql_totals:
        shown = f"{docs:>7,}" if docs is not None else f"{'-':>7}"
        note = ""
        if got != want and docs == got:
            note = "  <- the index counts the resolved trade, the database the declared one" \
                if "occupation=" in label else "  <- the index and the database disagree"
        p(f"    {'=' if got == want else '≠'} {got:>7,} API  {want:>7,} SQL  {shown} docs  {label}{note}")
    if settled:
        p(f"  note: {settled:,} outbox rows the importer queued were still pending after `search reindex`; "
          "marked done before serving (the reindex covered them)")
    p()
    p(f"wall time {wall / 60:.1f} min")


# -- main ----------------------------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> int:
    from market import create_app
    from search.client import SearchEngine, ensure_search_key
    from search.judgments import build_judgments, load_postings
    from search.server import start_local

    clock_started = time.monotonic()
    day = dt.date.fromisoformat(args.day)
    meili = server = None
    tmp = tempfile.TemporaryDirectory(prefix="bench-search-")
    workdir = Path(tmp.name)
    app = None
    try:
        meili_dir = Path(args.meili_data) if args.meili_data else workdir / "meili"
        key_file = meili_dir / "bench-master-key"
        master_key = key_file.read_text().strip() if key_file.exists() else uuid.uuid4().hex
        meili = start_local(meili_dir, master_key=master_key)
        key_file.write_text(master_key)
        say(f"Meilisearch at {meili.url} (data in {meili_dir})")
        database_url = args.database_url or f"sqlite:///{workdir / 'market.db'}"
        settings = {"DATABASE_URL": database_url, "MEILI_URL": meili.url, "MEILI_MASTER_KEY": master_key,
                    "SEARCH_ENABLED": True, "MEILI_INDEX": LIVE_INDEX, "RATELIMIT_ENABLED": False, "TESTING": True,
                    "SMS_BACKEND": "memory"}
        app = create_app(settings)
        state = app.extensions["market"]
        prepare_database(app, args.data)
        master = SearchEngine(meili.url, master_key, index_uid=LIVE_INDEX, timeout=30.0, write_timeout=300.0)

        if args.index_rounds:
            say(f"indexing: plain, app, ... ({args.index_rounds} app runs between {args.index_rounds + 1} plain runs)")
        index, documents = index_benchmark(app, master, meili, args.index_rounds)
        count = len(documents)
        settled = settle_covered_outbox(state.engine, index.app_started)
        if settled:
            say(f"{settled:,} import-time outbox rows were still pending after the reindex: marked done")

        say(f"loading {args.data} for the judgment set ...")
        postings = load_postings(args.data)
        judgments = build_judgments(postings, day=day, per_style=args.per_style, seed=args.seed)
        probes = [Probe("text", {"q": j.query, "open_on": day.isoformat()}) for j in judgments]
        probes += [Probe(kind, params) for kind, params in browse_params(day.isoformat())]
        search_key = ensure_search_key(master)
        record_probes(probes, meili.url, search_key, state.settings)

        env = {"DATABASE_URL": database_url, "MEILI_URL": meili.url, "MEILI_MASTER_KEY": master_key,
               "MEILI_INDEX": LIVE_INDEX, "SEARCH_ENABLED": "1", "SMS_BACKEND": "memory"}
        server = start_gunicorn(workdir, env, workers=args.workers)
        say(f"gunicorn at {server.url}")
        direct = SearchEngine(meili.url, search_key, index_uid=LIVE_INDEX, timeout=10.0)
        client = None if args.no_test_client else app.test_client()
        checks = Checks()
        arms = latency_benchmark(probes, server.url, client, direct, args.rounds, checks, args.seed)

        from search.relevance import percentile

        over = any(percentile(a.ms["ALL"], q) > LATENCY_TARGET * percentile(arms[-1].ms["ALL"], q)
                   for a in arms[:1] for q in (0.5, 0.99)) \
            or percentile(arms[0].own.get("ALL", []), 0.5) >= OWN_TARGET_MS
        profile = []
        if args.profile or over:
            say("profiling the app path (Flask test client, cProfile) ...")
            profile = profile_app(app.test_client(), probes, args.profile_top)
            py_spy = args.py_spy or shutil.which("py-spy")
            if py_spy:
                say("sampling the gunicorn workers with py-spy ...")
                profile += [""] + spy_gunicorn(py_spy, server, probes, workdir, args.profile_top)

        relevance = {} if args.no_relevance else relevance_benchmark(judgments, postings, day, server.url, direct,
                                                                     master, checks, args.batch)
        check_sql_totals(app, probes, server.url, checks, documents)
        styles = list(dict.fromkeys(j.style for j in judgments))
        report(sys.stdout, postings=count, day=day.isoformat(), index=index, arms=arms, rounds=args.rounds,
               probes=probes, relevance=relevance, checks=checks, settled=settled, profile=profile,
               wall=time.monotonic() - clock_started, styles=styles)
        direct.close()
        master.close()
        failed = checks.degraded or checks.errors or checks.total_mismatch or any(
            got != want or (docs is not None and got != docs) for _, got, want, docs in checks.sql_totals)
        return 1 if failed else 0
    finally:
        if server is not None:
            server.stop()
        if app is not None:
            gateway = app.extensions["market"].search
            if gateway is not None:
                gateway.stop_relay()
            app.extensions["market"].engine.dispose()
        if meili is not None:
            meili.stop()
        tmp.cleanup()


def _terminate(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a market-v1 folder")
    parser.add_argument("--database-url", help="a database that already holds the market (skips the import); "
                                               "its import-time outbox rows are marked done")
    parser.add_argument("--day", default="2026-04-15", help="the open-on day of every query (default %(default)s)")
    parser.add_argument("--per-style", type=int, default=15, help="judged queries per style (default %(default)s)")
    parser.add_argument("--seed", type=int, default=20260415)
    parser.add_argument("--index-rounds", type=int, default=2,
                        help="app reindex runs, each between two plain loads (default %(default)s); 0: no indexing "
                             "comparison, the live index built once by search reindex unless it already holds "
                             "every posting (see --meili-data)")
    parser.add_argument("--meili-data", metavar="DIR",
                        help="Meilisearch's data folder, kept after the run (default: a temporary one): a later "
                             "run with --index-rounds 0 serves the index it holds without indexing again")
    parser.add_argument("--no-relevance", action="store_true",
                        help="leave out the relevance section (it indexes the market once more, plainly)")
    parser.add_argument("--rounds", type=int, default=5, help="latency rounds of the query set (default %(default)s)")
    parser.add_argument("--batch", type=int, default=10_000, help="documents per request, plain relevance index")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--no-test-client", action="store_true", help="latency over HTTP only")
    parser.add_argument("--profile", action="store_true", help="profile the app path even when within target")
    parser.add_argument("--profile-top", type=int, default=15, help="functions listed by the profile")
    parser.add_argument("--py-spy", metavar="PATH", help="py-spy to sample the gunicorn workers with when profiling "
                                                        "(default: py-spy on PATH, if any)")
    args = parser.parse_args(argv)
    if args.index_rounds < 0:
        parser.error("--index-rounds must not be negative")
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args)
    except KeyboardInterrupt:
        say("interrupted: stopped everything this run started")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
