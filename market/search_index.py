"""The site's side of search: the outbox relay that keeps Meilisearch following the database, and
answering GET /api/v1/jobs from the index, or from the database (degraded) when the engine cannot.

Postings change in a transaction that also writes ``search_outbox`` rows. After commit the relay (a
background thread in every process that serves the app) pushes the changed documents, records the task
uid, and marks a row done only when its task succeeded; failures are retried with back-off, so when
Meilisearch comes back the outbox drains by itself.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from market import clock
from market.config import Settings
from market.db import write_intent
from market.errors import Invalid
from market.models import (
    EMPLOYER_VERIFIED,
    JOB_TAKEN_DOWN,
    OUTBOX_DONE,
    OUTBOX_PENDING,
    OUTBOX_UPSERT,
    Employer,
    Job,
    SearchOutbox,
)
from market.postings.browse import JobFilters, Page, wage_text
from search import indexing
from search.client import SearchEngine, SearchError, ensure_search_key
from search.documents import job_document
from search.jobs import InvalidQuery, JobQuery, search_jobs
from vocab.terms import EMPLOYMENT_TYPE_NAMES
from vocab.trades import resolve_occupation

log = logging.getLogger("market.search")

SEARCH_KEY_NAME = "gig-market-search"
RELAY_BATCH = 2000
MAX_BACKOFF = 300.0
CLAIM_LEASE = timedelta(seconds=60)
# After a failed search the engine is skipped for this long, so degraded answers stay fast.
COOL_OFF_SECONDS = 5.0


def posting_document(job: Job, employer: Employer) -> dict[str, Any]:
    return job_document({
        "id": job.id, "external_id": job.external_id, "title": job.title, "description": job.description,
        "employer_name": employer.name, "employer_id": employer.id,
        "employer_verified": employer.status == EMPLOYER_VERIFIED, "occupation": job.occupation,
        "adcode": job.adcode, "address": job.address, "lat": job.lat, "lng": job.lng,
        "wage_min": job.wage_min, "wage_max": job.wage_max, "wage_unit": job.wage_unit,
        "employment_type": job.employment_type, "headcount": job.headcount, "benefits": job.benefits,
        "cert_required": job.cert_required, "skill_level_required": job.skill_level_required,
        "cooperation": job.cooperation, "posted_at": job.posted_at, "closes_at": job.closes_at,
        "status": job.status, "version": job.version,
    })


def hit_public(doc: dict[str, Any]) -> dict[str, Any]:
    """A search hit in the same shape as a posting listed from the database."""
    out = {
        "id": doc["id"], "external_id": doc.get("external_id"), "title": doc.get("title"),
        "employer": {"id": doc.get("employer_id"), "name": doc.get("employer_name"),
                     "verified": bool(doc.get("employer_verified")), "open_wage_complaints": 0},
        "occupation": doc.get("occupation"), "occupation_name": doc.get("occupation_name"),
        "adcode": doc.get("adcode"), "place": doc.get("place_name"), "address": doc.get("address"),
        "lat": (doc.get("_geo") or {}).get("lat"), "lng": (doc.get("_geo") or {}).get("lng"),
        "wage_min": doc.get("wage_min"), "wage_max": doc.get("wage_max"), "wage_unit": doc.get("wage_unit"),
        "wage_text": wage_text(doc.get("wage_min"), doc.get("wage_max"), doc.get("wage_unit")),
        "employment_type": doc.get("employment_type"),
        "employment_type_name": EMPLOYMENT_TYPE_NAMES.get(doc.get("employment_type"), ""),
        "headcount": doc.get("headcount"), "benefits": doc.get("benefits") or [],
        "cert_required": doc.get("cert_required"), "skill_level_required": doc.get("skill_level_required"),
        "cooperation": doc.get("cooperation"), "posted_at": doc.get("posted_at"), "closes_at": doc.get("closes_at"),
        "status": doc.get("status"),
    }
    if "distance_km" in doc:
        out["distance_km"] = doc["distance_km"]
    return out


class SearchGateway:
    def __init__(self, url: str, master_key: str | None, *, timeout: float, index_uid: str = "jobs"):
        # The master key writes (settings, documents, keys); searches use a key that can only search.
        self.admin = SearchEngine(url, master_key, timeout=timeout, index_uid=index_uid,
                                  write_timeout=max(5.0, timeout * 5))
        self.timeout = timeout
        self._searcher: SearchEngine | None = None
        self._down_until = 0.0
        self._relay: OutboxRelay | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchGateway | None:
        if not settings.MEILI_URL:
            return None
        return cls(settings.MEILI_URL, settings.MEILI_MASTER_KEY, timeout=settings.MEILI_TIMEOUT,
                   index_uid=settings.MEILI_INDEX)

    def prepare(self) -> None:
        """At start-up: the live index exists with its settings."""
        indexing.ensure_index(self.admin)

    def healthy(self) -> bool:
        return self.admin.healthy()

    def searcher(self) -> SearchEngine:
        if self._searcher is None:
            key = ensure_search_key(self.admin)
            self._searcher = self.admin.with_key(key)
        return self._searcher

    def search(self, filters: JobFilters, *, today: date) -> Page | None:
        """The engine's answer, or None when it cannot answer now (the caller asks the database)."""
        if time.monotonic() < self._down_until:
            return None
        query = JobQuery(
            q=filters.q, open_on=filters.open_on or today, province=filters.province, city=filters.city,
            county=filters.county, occupation=filters.occupation, employment_type=filters.employment_type,
            wage_min=filters.wage_min, benefits=filters.benefits, lat=filters.lat, lng=filters.lng,
            radius_km=filters.radius_km, sort=filters.sort, limit=filters.limit, offset=filters.offset)
        try:
            result = search_jobs(self.searcher(), query)
        except InvalidQuery as exc:
            raise Invalid({exc.field: exc.message}) from None
        except (SearchError, OSError) as exc:
            log.warning("search engine did not answer (%s); answering from the database", type(exc).__name__)
            self._down_until = time.monotonic() + COOL_OFF_SECONDS
            return None
        return Page(total=result.total, hits=[hit_public(h) for h in result.hits], facets=result.facets,
                    understood=result.parsed.understood if result.parsed else None)

    # -- the relay --

    def start_relay(self, engine: Engine) -> OutboxRelay:
        if self._relay is None:
            self._relay = OutboxRelay(engine, self)
            self._relay.start()
        return self._relay

    def kick(self) -> None:
        if self._relay is not None:
            self._relay.wake.set()

    def stop_relay(self) -> None:
        if self._relay is not None:
            self._relay.stop()
            self._relay = None


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF, 2.0 ** min(attempts, 10)))


def relay_once(engine: Engine, gateway: SearchGateway, *, batch: int = RELAY_BATCH) -> int:
    """Push pending outbox rows, then settle the ones whose tasks finished. Returns rows handled.

    No database lock is held while talking to the engine: rows are claimed in one short transaction,
    pushed, and their task recorded in another. A claim left by a process that died is taken over once
    its lease runs out.
    """
    handled = _settle(engine, gateway)
    now = clock.now()
    with Session(engine, expire_on_commit=False) as session:
        write_intent(session)  # relays in other workers claim rows too
        rows = list(session.exec(
            select(SearchOutbox)
            .where(SearchOutbox.status.in_(("pending", "failed", "sending")), SearchOutbox.next_attempt_at <= now)
            .order_by(SearchOutbox.id).limit(batch).with_for_update(skip_locked=True)))
        for row in rows:
            row.status, row.next_attempt_at = "sending", now + CLAIM_LEASE
            row.attempts += 1
            session.add(row)
        session.commit()
    if not rows:
        return handled
    row_ids = [r.id for r in rows]
    job_ids = sorted({r.job_id for r in rows})
    with Session(engine) as session:
        found = {j.id: (j, e) for j, e in session.exec(
            select(Job, Employer).join(Employer, Employer.id == Job.employer_id).where(Job.id.in_(job_ids)))}
        docs = [posting_document(j, e) for j, e in found.values() if j.status != JOB_TAKEN_DOWN]
    gone = [i for i in job_ids if i not in found or found[i][0].status == JOB_TAKEN_DOWN]
    error, upsert_uid, delete_uid = None, None, None
    try:
        if docs:
            upsert_uid = indexing.upsert_documents(gateway.admin, docs)
        if gone:
            delete_uid = indexing.delete_documents(gateway.admin, gone)
    except (SearchError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    with Session(engine, expire_on_commit=False) as session:
        write_intent(session)
        for row in session.exec(select(SearchOutbox).where(SearchOutbox.id.in_(row_ids))):
            if error is not None:
                row.status, row.last_error = "failed", error
                row.next_attempt_at = clock.now() + _backoff(row.attempts)
            else:
                # A row waits for the task that carries its posting.
                row.status = "enqueued"
                row.task_uid = delete_uid if row.job_id in gone else upsert_uid
            session.add(row)
        session.commit()
    return handled + len(rows)


def _settle(engine: Engine, gateway: SearchGateway) -> int:
    """Marks rows done whose task succeeded, and failed (to retry) whose task failed."""
    with Session(engine) as session:
        waiting = list(session.exec(select(SearchOutbox.id, SearchOutbox.task_uid)
                                    .where(SearchOutbox.status == "enqueued")
                                    .order_by(SearchOutbox.id).limit(RELAY_BATCH * 5)))
    if not waiting:
        return 0
    statuses: dict[int, str | None] = {}
    for uid in sorted({uid for _, uid in waiting if uid is not None}):
        try:
            statuses[uid] = gateway.admin.task_status(uid)
        except (SearchError, OSError):
            return 0  # the engine is away; ask again later
    done = 0
    now = clock.now()
    with Session(engine, expire_on_commit=False) as session:
        write_intent(session)
        rows = session.exec(select(SearchOutbox).where(SearchOutbox.id.in_([i for i, _ in waiting]),
                                                       SearchOutbox.status == "enqueued"))
        for row in rows:
            status = statuses.get(row.task_uid)
            if status == "succeeded":
                row.status, row.done_at = "done", now
                done += 1
            elif status in ("failed", "canceled", None):
                row.status = "failed"
                row.last_error = f"task {row.task_uid} {status or 'unknown'}"
                row.next_attempt_at = now + _backoff(row.attempts)
            else:
                continue
            session.add(row)
        session.commit()
    return done


def pending_count(engine: Engine) -> int:
    from sqlalchemy import func

    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(SearchOutbox)
                            .where(SearchOutbox.status != "done")).one()


class OutboxRelay(threading.Thread):
    """Runs relay_once whenever woken (after a commit that wrote outbox rows) or every second."""

    def __init__(self, engine: Engine, gateway: SearchGateway, *, interval: float = 1.0):
        super().__init__(name="search-outbox-relay", daemon=True)
        self.engine, self.gateway, self.interval = engine, gateway, interval
        self.wake = threading.Event()
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                while relay_once(self.engine, self.gateway) and not self._stopping.is_set():
                    pass
            except Exception:  # never let the relay die: the next round tries again
                log.exception("search outbox relay round failed")
            self.wake.wait(self.interval)
            self.wake.clear()

    def stop(self) -> None:
        self._stopping.set()
        self.wake.set()
        self.join(timeout=5)


_DOC_COLUMNS = (Job.id, Job.external_id, Job.employer_id, Job.title, Job.description, Job.occupation, Job.adcode, Job.address,
                Job.lat, Job.lng, Job.wage_min, Job.wage_max, Job.wage_unit, Job.employment_type, Job.headcount,
                Job.benefits, Job.cert_required, Job.skill_level_required, Job.cooperation, Job.posted_at,
                Job.closes_at, Job.status, Job.version)


def documents_from_database(engine: Engine, *, chunk: int = 5000):
    """Every posting's document, read in id order in chunks (for reindex). Plain columns, not ORM objects:
    building 100,000 documents is then a few seconds, and leaves the CPU to the engine."""
    last = 0
    while True:
        with Session(engine) as session:
            rows = session.exec(select(*_DOC_COLUMNS, Employer.name.label("employer_name"),
                                       Employer.status.label("employer_status"))
                                .join(Employer, Employer.id == Job.employer_id)
                                .where(Job.id > last, Job.status != JOB_TAKEN_DOWN)
                                .order_by(Job.id).limit(chunk)).all()
        if not rows:
            return
        for row in rows:
            posting = dict(row._mapping)
            posting["employer_verified"] = posting.pop("employer_status") == EMPLOYER_VERIFIED
            yield job_document(posting)
        last = rows[-1].id


def expected_versions(engine: Engine) -> dict[int, Any]:
    with Session(engine) as session:
        return dict(session.exec(select(Job.id, Job.version).where(Job.status != JOB_TAKEN_DOWN)).all())


def settle_after_reindex(engine: Engine, *, started: datetime) -> int:
    """After a rebuild that began at ``started``: changes the relay sent to the old index while it ran go
    again to the new one; changes queued well before it began are in it already. Returns how many go again."""
    with engine.begin() as conn:
        replayed = conn.execute(update(SearchOutbox).where(SearchOutbox.created_at >= started - CLAIM_LEASE)
                                .values(status=OUTBOX_PENDING, next_attempt_at=clock.now())).rowcount
        conn.execute(update(SearchOutbox).where(SearchOutbox.created_at < started - CLAIM_LEASE,
                                                SearchOutbox.status != OUTBOX_DONE)
                     .values(status=OUTBOX_DONE, done_at=clock.now(), last_error="covered by reindex"))
    return replayed


def queue_fixes(engine: Engine, job_ids: list[int]) -> int:
    """Queue a fresh push for each posting (the relay upserts what exists and deletes what does not)."""
    if not job_ids:
        return 0
    now = clock.now()
    rows = [{"job_id": i, "op": OUTBOX_UPSERT, "status": OUTBOX_PENDING, "attempts": 0, "next_attempt_at": now,
             "created_at": now} for i in job_ids]
    with engine.begin() as conn:
        conn.execute(insert(SearchOutbox), rows)
    return len(rows)


def trade_changes(engine: Engine, *, chunk: int = 5000) -> dict[tuple[str | None, str | None], list[int]]:
    """Postings whose trade, read again with today's vocabulary, is not the one stored (and indexed):
    (stored, read now) → posting ids. What a reindex would change, before anyone runs it."""
    changes: dict[tuple[str | None, str | None], list[int]] = {}
    last = 0
    with Session(engine) as session:
        while True:
            rows = session.exec(select(Job.id, Job.occupation, Job.title, Job.description)
                                .where(Job.id > last).order_by(Job.id).limit(chunk)).all()
            if not rows:
                return changes
            for job_id, stored, title, description in rows:
                now = resolve_occupation(stored, title, description)
                if now != stored:
                    changes.setdefault((stored, now), []).append(job_id)
            last = rows[-1][0]
