"""The search outbox's writer: a posting change and the row that tells search about it commit together.

The relay (``market.search_index``) reads these rows after commit and pushes the documents.
"""

from __future__ import annotations

from sqlmodel import Session

from market import clock
from market.errors import NotFound
from market.models import OUTBOX_UPSERT, Job, SearchOutbox


def enqueue_index(session: Session, job_id: int, op: str = OUTBOX_UPSERT) -> None:
    """The search index follows the database: the outbox row commits with the change it describes."""
    session.add(SearchOutbox(job_id=job_id, op=op))
    session.info["search_dirty"] = True  # the view wakes the relay once this commits


def touch(session: Session, job: Job) -> None:
    """A posting changed: bump its version (reconciliation compares it) and queue its document."""
    if job.id is None:
        raise NotFound("没有这个岗位")
    job.version += 1
    job.updated_at = clock.now()
    session.add(job)
    enqueue_index(session, job.id)
