"""The job index's life: create it, keep it fed, rebuild it without a dark moment, check it against the database.

All of these need the master key. Every write returns Meilisearch task uids; nothing here is fire-and-forget
(``reindex`` waits for its tasks, the outbox relay waits for or records the uids it gets).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .client import SearchApiError, SearchEngine
from .settings import index_settings

Progress = Callable[[int], None]


def ensure_index(engine: SearchEngine, *, timeout: float = 120.0) -> bool:
    """Create the live index with its settings if it is missing, else bring its settings up to date.

    Returns True when the index was created. Unchanged settings cost the server nothing.
    """
    created = False
    if engine.get_index() is None:
        try:
            engine.wait_for_task(engine.create_index(), timeout)
            created = True
        except SearchApiError as exc:  # another process created it first
            if exc.code != "index_already_exists":
                raise
    engine.wait_for_task(engine.update_settings(index_settings()), timeout)
    return created


def upsert_documents(engine: SearchEngine, documents: Iterable[Mapping[str, Any]]) -> int:
    """Add or replace documents in the live index; returns the task uid (the relay keeps it)."""
    return engine.add_documents(documents)


def delete_documents(engine: SearchEngine, ids: Iterable[int]) -> int:
    """Remove documents from the live index by posting id; returns the task uid."""
    return engine.delete_documents([int(i) for i in ids])


def _batches(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class ReindexResult:
    index_uid: str          # the live name, now holding the new documents
    built_as: str           # the staging name it was built under
    documents: int
    seconds: float
    started_at: float       # time.time() when reading documents began: replay writes made since then
    task_uids: list[int] = field(default_factory=list)


def staging_name(live: str) -> str:
    return f"{live}_{time.strftime('%Y%m%d%H%M%S')}{int(time.time() * 1000) % 1000:03d}"


def reindex(
    engine: SearchEngine,
    documents: Iterable[Mapping[str, Any]],
    *,
    batch_size: int = 5000,
    progress: Progress | None = None,
    indexed: Progress | None = None,
    timeout: float = 3600.0,
    settings: Mapping[str, Any] | None = None,
) -> ReindexResult:
    """Build a fresh index from ``documents`` and swap it in under the live name; delete the old one.

    ``progress(n)`` is called as each batch of n documents is sent, ``indexed(n)`` as the server finishes it.

    Searches keep hitting the old index until the atomic swap, then the new one: search never goes dark,
    and the search-only key (scoped to the live name) keeps working. Writes that the outbox relay sends
    to the live index while this runs land in the old index: replay the outbox from ``started_at`` (or
    run :func:`reconcile`) afterwards. On any failure the staging index is deleted and the live one is
    left as it was.
    """
    live = engine.index_uid
    staging = staging_name(live)
    started = time.time()
    clock = time.monotonic()
    engine.wait_for_task(engine.create_index(staging), 60)
    tasks: list[int] = []
    count = 0
    try:
        # Settings first: documents are then indexed once, with the final settings.
        tasks.append(engine.update_settings(settings or index_settings(), staging))
        engine.wait_for_task(tasks[-1], 120)
        sizes: list[int] = []
        for batch in _batches(documents, batch_size):
            tasks.append(engine.add_documents(batch, staging))
            sizes.append(len(batch))
            count += len(batch)
            if progress:
                progress(len(batch))
        # The server indexes the batches in order; waiting for each surfaces the first failure.
        deadline = time.monotonic() + timeout
        for uid, size in zip(tasks[1:], sizes, strict=True):
            engine.wait_for_task(uid, max(1.0, deadline - time.monotonic()))
            if indexed:
                indexed(size)
        if engine.get_index(live) is None:
            engine.wait_for_task(engine.create_index(live), 60)
        swap = engine.swap_indexes([(live, staging)])
        tasks.append(swap)
        engine.wait_for_task(swap, 120)
    except BaseException:
        _delete_quietly(engine, staging)
        raise
    # After the swap the staging name holds the old documents.
    tasks.append(engine.delete_index(staging))
    engine.wait_for_task(tasks[-1], 120)
    return ReindexResult(live, staging, count, time.monotonic() - clock, started, tasks)


def _delete_quietly(engine: SearchEngine, uid: str) -> None:
    try:
        engine.wait_for_task(engine.delete_index(uid), 30, raise_on_failure=False)
    except Exception:
        pass


def drop_leftover_indexes(engine: SearchEngine) -> list[str]:
    """Delete staging indexes (``<live>_<digits>``) that an interrupted reindex left behind."""
    pattern = re.compile(re.escape(engine.index_uid) + r"_\d{17}$")
    dropped = []
    for index in engine.list_indexes():
        if pattern.match(index["uid"]):
            engine.wait_for_task(engine.delete_index(index["uid"]), 60)
            dropped.append(index["uid"])
    return dropped


@dataclass
class Reconciliation:
    missing: list[int]   # in the database, not in the index: upsert
    stale: list[int]     # in both, with another version: upsert
    extra: list[int]     # in the index, not in the database (or no longer searchable): delete
    indexed: int         # documents read from the index

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def indexed_versions(engine: SearchEngine, *, page_size: int = 10_000) -> dict[int, str | None]:
    """``{id: version}`` of every document in the live index, read page by page."""
    out: dict[int, str | None] = {}
    offset = 0
    while True:
        page = engine.get_documents(fields=["id", "version"], limit=page_size, offset=offset)
        for doc in page["results"]:
            out[int(doc["id"])] = doc.get("version")
        offset += len(page["results"])
        if not page["results"] or offset >= page["total"]:
            return out


def reconcile(engine: SearchEngine, expected: Mapping[int, Any], *, page_size: int = 10_000) -> Reconciliation:
    """Compare the index with the database's ``{posting id: version}`` of the postings that should be there.

    ``version`` is what ``job_document`` stored: the posting's ``version``/``updated_at`` or the content
    fingerprint. Compared as strings. The caller repairs: upsert missing + stale, delete extra.
    """
    indexed = indexed_versions(engine, page_size=page_size)
    want = {int(k): (None if v is None else str(v)) for k, v in expected.items()}
    missing = sorted(i for i in want if i not in indexed)
    stale = sorted(i for i, v in want.items() if i in indexed and indexed[i] != v)
    extra = sorted(i for i in indexed if i not in want)
    return Reconciliation(missing, stale, extra, len(indexed))
