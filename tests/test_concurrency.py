"""Importing while the site serves and the search relay writes: everyone's writes get through (SQLite and
PostgreSQL alike), and an import that fails part-way says where it stopped and completes when re-run."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session

from market import clock, importer
from market.importer import ImportStopped, import_market
from market.models import Employer
from market.search_index import SearchGateway, relay_once
from tests.conftest import id_number, job_payload, uscc_with_check
from tests.marketfiles import write_jsonl_gz

N_JOBS, N_WORKERS = 400, 400


def _market(folder):
    write_jsonl_gz(folder / "employers.jsonl.gz", [{
        "external_id": f"E{i}", "name": f"东莞测试{i}厂", "uscc": uscc_with_check(f"91441900MA4UJ{i:04d}"),
        "adcode": "441900", "category": "制造业", "size": 100, "verified": True, "cooperation": None}
        for i in range(4)])
    write_jsonl_gz(folder / "jobs.jsonl.gz", [{
        "external_id": f"J{i}", "employer": f"E{i % 4}", "title": "电焊工", "occupation": "welder",
        "description": "二保焊，持证上岗。", "adcode": "441900", "address": "", "lat": 23.0, "lng": 113.7,
        "wage_min": 6000, "wage_max": 8000, "wage_unit": "month", "employment_type": "full_time", "headcount": 3,
        "benefits": ["包吃"], "cert_required": None, "skill_level_required": None, "cooperation": None,
        "posted_at": "2026-01-05", "closes_at": "2026-02-05"} for i in range(N_JOBS)])
    born = date(1980, 1, 1)
    write_jsonl_gz(folder / "workers.jsonl.gz", [{
        "external_id": f"W{i}", "name": "张师傅", "phone": f"158{i:08d}",
        "id_number": id_number("520502", (born + timedelta(days=i)).strftime("%Y%m%d"), "123"),
        "hometown_adcode": "520502", "current_adcode": "441900", "occupations": [{"code": "welder", "years": 3}],
        "certificates": [], "expected_wage": 6000, "preferred_type": "full_time", "mobility": "cross",
        "priority_groups": [], "labour_brand": None, "registered_at": "2025-12-01"} for i in range(N_WORKERS)])
    write_jsonl_gz(folder / "applications_train.jsonl.gz", [{
        "worker": f"W{i}", "job": f"J{(i * 7 + k) % N_JOBS}", "applied_at": "2026-01-10",
        "outcome": "hired" if k == 0 else "not_hired"} for i in range(N_WORKERS) for k in range(2)])
    return folder


def _counts(engine):
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("jobs", "workers", "applications", "search_outbox")}


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 40)  # many short transactions, so the others interleave


def test_import_runs_while_requests_and_the_relay_write(app, engine, tmp_path, make_employer, make_worker,
                                                        small_batches):
    folder = _market(tmp_path)
    employer, worker = make_employer(), make_worker()
    # An employer registered a month ago: dozens of postings in a minute from a new account would be held
    # as a burst (a fraud signal), and this test is about the write lock, not about fraud.
    with Session(engine) as session:
        record = session.get(Employer, employer.employer_id)
        record.created_at = clock.now() - timedelta(days=30)
        session.add(record)
        session.commit()
    cipher = app.extensions["market"].cipher
    gateway = SearchGateway("http://127.0.0.1:1", None, timeout=0.2)  # an engine that is down: relay writes failures
    outcome: dict = {}

    def run_import() -> None:
        try:
            outcome["report"] = import_market(engine, folder, cipher=cipher, progress=False, echo=lambda _: None)
        except Exception as exc:
            outcome["error"] = exc

    relay_errors: list[Exception] = []
    stop = threading.Event()

    def run_relay() -> None:
        while not stop.is_set():
            try:
                relay_once(engine, gateway, batch=50)
            except Exception as exc:
                relay_errors.append(exc)
            time.sleep(0.01)

    importing = threading.Thread(target=run_import)
    relaying = threading.Thread(target=run_relay)
    importing.start()
    relaying.start()
    statuses, slowest, made = [], 0.0, 0
    try:
        while importing.is_alive() or made < 5:
            start = time.perf_counter()
            r = employer.post("/api/v1/jobs", job_payload(title="装配工"))
            statuses.append(r.status_code)
            if r.status_code == 201:
                statuses.append(worker.post(f"/api/v1/jobs/{r.get_json()['id']}/applications").status_code)
            statuses.append(worker.put("/api/v1/me/profile", {"expected_wage": 6000 + made}).status_code)
            slowest = max(slowest, time.perf_counter() - start)
            made += 1
    finally:
        importing.join(timeout=300)
        stop.set()
        relaying.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert relay_errors == []
    assert set(statuses) <= {200, 201}, statuses
    report = outcome["report"]
    assert report.added["jobs"] == N_JOBS and report.added["workers"] == N_WORKERS
    assert report.added["applications"] == 2 * N_WORKERS and report.stopped is None
    counts = _counts(engine)
    assert counts["jobs"] == N_JOBS + made and counts["workers"] == N_WORKERS + 1
    print(f"\n{made} rounds of site writes during the import, slowest {slowest:.2f} s")


def test_an_import_that_fails_part_way_says_where_and_completes_when_run_again(app, engine, tmp_path,
                                                                               small_batches, monkeypatch):
    folder = _market(tmp_path)
    cipher = app.extensions["market"].cipher
    real = importer._flush_jobs
    calls = {"n": 0}

    def failing(engine, batch):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(engine, batch)

    monkeypatch.setattr(importer, "_flush_jobs", failing)
    printed: list[str] = []
    with pytest.raises(ImportStopped) as stopped:
        import_market(engine, folder, cipher=cipher, progress=False, echo=printed.append)
    kind, rows, reason = stopped.value.report.stopped
    assert kind == "jobs" and rows == 120 and "disk full" in reason
    assert "STOPPED in jobs after row 120" in printed[-1] and "Run the same command again" in printed[-1]
    assert _counts(engine)["jobs"] == 80  # two whole batches saved, none half-saved
    assert _counts(engine)["search_outbox"] == 80  # each saved posting has its outbox row

    monkeypatch.setattr(importer, "_flush_jobs", real)
    report = import_market(engine, folder, cipher=cipher, progress=False, echo=lambda _: None)
    assert report.stopped is None
    assert report.skipped["jobs"] == 80 and report.added["jobs"] == N_JOBS - 80
    assert report.added["workers"] == N_WORKERS and report.added["applications"] == 2 * N_WORKERS
    counts = _counts(engine)
    assert counts["jobs"] == counts["search_outbox"] == N_JOBS


def test_the_sites_writers_take_turns_with_an_import_in_another_process(app, engine, tmp_path, make_worker,
                                                                       monkeypatch):
    """`flask import-market` is its own process: SQLite queues no one, and an import that took the write lock
    again the moment it let go left the site's writers (one at a time per process, trying every few
    milliseconds) about one turn a batch: under load an application waited 30 s and answered 500."""
    import subprocess
    import sys

    from tests.conftest import Api

    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has row locks: writers do not queue for one lock")
    folder = _market(tmp_path)
    many = [{"worker": f"W{i}", "job": f"J{(i * 7 + k) % N_JOBS}", "applied_at": "2026-01-10",
             "outcome": "hired" if k == 0 else "not_hired"} for i in range(N_WORKERS) for k in range(12)]
    write_jsonl_gz(folder / "applications_train.jsonl.gz", many)  # long back-to-back batches
    workers = [make_worker(name=f"王师傅{i}") for i in range(6)]
    clients = [Api(app.test_client(), w.user, w.token) for w in workers]
    monkeypatch.setattr("market.db.LOCK_WAIT_SECONDS", 2.0)  # a writer left waiting longer fails
    script = ("import sys; from market import importer; from market.crypto import PersonalDataCipher; "
              "from market.db import make_engine; importer.BATCH = 200; "
              "importer.import_market(make_engine(sys.argv[1]), sys.argv[2], cipher=PersonalDataCipher(sys.argv[3]), "
              "progress=False, echo=print); print('IMPORTED')")
    child = subprocess.Popen([sys.executable, "-c", script, str(engine.url), str(folder),
                              app.extensions["market"].settings.PII_KEY], stdout=subprocess.PIPE, text=True)
    results: list[tuple[int, float]] = []

    def write(api: Api) -> None:
        n = 0
        while child.poll() is None:
            started = time.perf_counter()
            status = api.put("/api/v1/me/profile", {"expected_wage": 6000 + n}).status_code
            results.append((status, time.perf_counter() - started))
            n += 1

    threads = [threading.Thread(target=write, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0 and "IMPORTED" in out, out
    assert _counts(engine)["applications"] == len(many)
    assert len(results) >= len(clients)
    statuses = [s for s, _ in results]
    assert set(statuses) == {200}, f"{statuses.count(500)} of {len(statuses)} profile saves failed"
    print(f"\n{len(results)} profile saves from {len(clients)} writers during the import, "
          f"slowest {max(s for _, s in results):.2f} s")
