"""Backups and restores: the database (SQLite's online backup, or pg_dump) and a snapshot of the search
index's documents, in one folder with a manifest; a restore brings the database back and rebuilds the
index from it (the database is the source of truth), then reconciles the two."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from market import clock
from market.models import Job
from market.search_index import (
    SearchGateway,
    documents_from_database,
    expected_versions,
    settle_after_reindex,
)
from search.indexing import reconcile, reindex

SQLITE_FILE, PG_FILE, DOCS_FILE, MANIFEST = "market.db", "market.pgdump", "jobs.jsonl.gz", "manifest.json"


@dataclass
class Manifest:
    created_at: str
    database: str  # sqlite | postgresql
    jobs: int
    documents: int | None  # None: search was off or did not answer


def _pg_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(engine: Engine) -> str:
    return engine.url.database or ""


def backup(engine: Engine, gateway: SearchGateway | None, folder: Path) -> Manifest:
    folder.mkdir(parents=True, exist_ok=True)
    kind = engine.dialect.name
    if kind == "sqlite":
        # The online backup API: a consistent copy while the site keeps reading and writing.
        source = sqlite3.connect(_sqlite_path(engine))
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / PG_FILE}",
                        _pg_url(engine)], check=True, capture_output=True)
    with engine.connect() as conn:
        jobs = conn.execute(select(func.count()).select_from(Job)).scalar_one()
    documents = _snapshot_index(gateway, folder / DOCS_FILE) if gateway is not None else None
    manifest = Manifest(created_at=clock.now().isoformat(), database=kind, jobs=jobs, documents=documents)
    (folder / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _snapshot_index(gateway: SearchGateway, path: Path) -> int | None:
    from search.client import SearchError

    count = offset = 0
    try:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            while True:
                page = gateway.admin.get_documents(limit=1000, offset=offset)
                for doc in page["results"]:
                    fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
                count += len(page["results"])
                offset += len(page["results"])
                if not page["results"] or offset >= page.get("total", 0):
                    return count
    except (SearchError, OSError):
        path.unlink(missing_ok=True)
        return None


@dataclass
class Restored:
    manifest: Manifest
    jobs: int
    indexed: int | None
    missing: int
    stale: int
    extra: int


def restore(engine: Engine, gateway: SearchGateway | None, folder: Path) -> Restored:
    manifest = Manifest(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    if manifest.database != engine.dialect.name:
        raise ValueError(f"this backup is of a {manifest.database} database, not {engine.dialect.name}")
    engine.dispose()  # no pooled connection may keep reading the old file or tables
    if manifest.database == "sqlite":
        source = sqlite3.connect(folder / SQLITE_FILE)
        target = sqlite3.connect(_sqlite_path(engine))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        if not shutil.which("pg_restore"):
            raise RuntimeError("pg_restore is not installed")
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--dbname={_pg_url(engine)}", str(folder / PG_FILE)], check=True, capture_output=True)
    with engine.connect() as conn:
        jobs = conn.execute(select(func.count()).select_from(Job)).scalar_one()
    indexed = None
    missing = stale = extra = 0
    if gateway is not None:
        started = clock.now()
        indexed = reindex(gateway.admin, documents_from_database(engine)).documents
        settle_after_reindex(engine, started=started)
        report = reconcile(gateway.admin, expected_versions(engine))
        missing, stale, extra = len(report.missing), len(report.stale), len(report.extra)
    return Restored(manifest=manifest, jobs=jobs, indexed=indexed, missing=missing, stale=stale, extra=extra)
