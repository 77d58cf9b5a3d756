"""The marketplace's tables. Public shapes (what leaves the building) live in each feature's schemas.

Kept in one module so Alembic and the app see one metadata and nothing imports the app to get a table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.clock import now

# Roles
WORKER, EMPLOYER, ORGANISER, ADMIN = "worker", "employer", "organiser", "admin"
ROLES = (WORKER, EMPLOYER, ORGANISER, ADMIN)
STAFF_ROLES = (ADMIN,)

# Employer verification
EMPLOYER_PENDING, EMPLOYER_REVIEW, EMPLOYER_VERIFIED, EMPLOYER_REJECTED = (
    "pending", "manual_review", "verified", "rejected")

# Posting lifecycle
JOB_OPEN, JOB_PAUSED, JOB_CLOSED, JOB_TAKEN_DOWN = "open", "paused", "closed", "taken_down"
# Staff review of a posting: a flagged one stays live and waits for a look; cleared after it.
REVIEW_OK, REVIEW_FLAGGED, REVIEW_CLEARED = "ok", "flagged", "cleared"

# Application lifecycle
APPLIED, VIEWED, INTERVIEW, HIRED, NOT_HIRED, WITHDRAWN = (
    "applied", "viewed", "interview", "hired", "not_hired", "withdrawn")
FINAL_STATUSES = (HIRED, NOT_HIRED, WITHDRAWN)



def _json_column() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    phone: str | None = Field(default=None, max_length=11, unique=True, index=True)
    password_hash: str | None = None
    role: str = Field(max_length=16, index=True)
    name: str = Field(default="", max_length=60)
    phone_verified_at: datetime | None = None
    # Imported people hold an account they have not claimed yet: no sign-in until phone code + password.
    claimed: bool = True
    active: bool = True
    # Rotated on password change and account deletion: every token and session issued before dies.
    auth_stamp: str = Field(default="", max_length=32)
    created_at: datetime = Field(default_factory=now)


class Employer(SQLModel, table=True):
    __tablename__ = "employers"

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    owner_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    name: str = Field(max_length=100)
    uscc: str = Field(max_length=18, unique=True, index=True)
    uscc_checksum_ok: bool = True
    adcode: str = Field(max_length=6)
    category: str | None = Field(default=None, max_length=40)
    size: int | None = None
    status: str = Field(default=EMPLOYER_PENDING, max_length=16, index=True)
    review_note: str | None = Field(default=None, max_length=200)
    cooperation: str | None = Field(default=None, max_length=20)
    verified_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)


class Worker(SQLModel, table=True):
    __tablename__ = "workers"

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    user_id: int = Field(foreign_key="users.id", unique=True, index=True)
    name: str = Field(default="", max_length=60)
    # Sensitive personal information (PIPL Art. 28): ciphertext only, plus a keyed hash for uniqueness.
    id_number_cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    id_number_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    priority_groups_cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    sensitive_consent_at: datetime | None = None
    birth_date: date | None = None
    hometown_adcode: str | None = Field(default=None, max_length=6, index=True)
    current_adcode: str | None = Field(default=None, max_length=6, index=True)
    occupations: list[dict] = _json_column()
    certificates: list[dict] = _json_column()
    expected_wage: int | None = None
    preferred_type: str = Field(default="any", max_length=16)
    mobility: str = Field(default="province", max_length=16)
    labour_brand: str | None = Field(default=None, max_length=40)
    discoverable: bool = True
    registered_at: date | None = None
    updated_at: datetime = Field(default_factory=now)


class Job(SQLModel, table=True):
    __tablename__ = "jobs"

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=40, unique=True, index=True)
    employer_id: int = Field(foreign_key="employers.id", index=True)
    title: str = Field(max_length=60)
    occupation: str | None = Field(default=None, max_length=40, index=True)
    description: str = Field(default="", max_length=4000)
    adcode: str = Field(max_length=6, index=True)
    province_adcode: str = Field(max_length=6, index=True)
    city_adcode: str | None = Field(default=None, max_length=6, index=True)
    address: str = Field(default="", max_length=200)
    lat: float | None = None
    lng: float | None = None
    wage_min: int
    wage_max: int
    wage_unit: str = Field(max_length=8)
    # The upper wage as a month's pay (vocab.terms.monthly): what wage filters compare with; none for
    # a piece rate, which no monthly figure describes.
    wage_monthly_max: int | None = Field(default=None, index=True)
    employment_type: str = Field(max_length=16, index=True)
    headcount: int
    hired_count: int = 0
    benefits: list[str] = _json_column()
    # The benefits as bits (vocab.terms.BENEFITS), so "has all of these" is one integer test on any database.
    benefit_mask: int = Field(default=0, index=True)
    cert_required: str | None = Field(default=None, max_length=60)
    skill_level_required: int | None = None
    cooperation: str | None = Field(default=None, max_length=20)
    age_min: int | None = None
    age_max: int | None = None
    # What viewers ask in every live stream, as terms (vocab.terms): how pay comes, rooms for couples, the
    # shift pattern and hours, meals. None: the posting does not say.
    pay_cycle: str | None = Field(default=None, max_length=16)
    couple_rooms: bool | None = None
    shift_pattern: str | None = Field(default=None, max_length=16)
    hours_per_day: int | None = None
    work_hours: str | None = Field(default=None, max_length=40)
    meals: str | None = Field(default=None, max_length=16)
    review_status: str = Field(default=REVIEW_OK, max_length=16, index=True)
    review_reason: str | None = Field(default=None, max_length=200)
    status: str = Field(default=JOB_OPEN, max_length=16, index=True)
    posted_at: date = Field(index=True)
    closes_at: date = Field(index=True)
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    # Bumped on every change: the search index and the reconciliation compare it.
    version: int = 1


class Application(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("worker_id", "job_id", name="uq_application_worker_job"),)

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    job_id: int = Field(foreign_key="jobs.id", index=True)
    status: str = Field(default=APPLIED, max_length=16, index=True)
    applied_at: date = Field(index=True)
    interview_at: datetime | None = None
    interview_place: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class ApplicationEvent(SQLModel, table=True):
    __tablename__ = "application_events"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    at: datetime = Field(default_factory=now)


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    key: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    resource_id: int | None = None
    created_at: datetime = Field(default_factory=now)


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="applications.id")
    body: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=now)
    read_at: datetime | None = None


class OneTimeCode(SQLModel, table=True):
    __tablename__ = "one_time_codes"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=11, index=True)
    purpose: str = Field(max_length=16)
    code_hash: str = Field(max_length=64)
    attempts: int = 0
    expires_at: datetime
    consumed_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    action: str = Field(max_length=40, index=True)
    target_type: str = Field(max_length=20)
    target_id: int | None = None
    # Never personal identifiers: ids and short plain reasons only.
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=now, index=True)


OUTBOX_UPSERT, OUTBOX_DELETE = "upsert", "delete"
OUTBOX_PENDING, OUTBOX_SENDING, OUTBOX_FAILED, OUTBOX_DONE = "pending", "sending", "failed", "done"


class SearchOutbox(SQLModel, table=True):
    """Postings whose search document must change, written in the same transaction as the change."""

    __tablename__ = "search_outbox"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(index=True)
    op: str = Field(default=OUTBOX_UPSERT, max_length=8)
    status: str = Field(default=OUTBOX_PENDING, max_length=12, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=now, index=True)
    task_uid: int | None = None
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=now)
    done_at: datetime | None = None


# Wage complaints (一点举报 全市联动): filed by a worker, handled by the bureau.
COMPLAINT_FILED, COMPLAINT_IN_PROGRESS, COMPLAINT_RESOLVED, COMPLAINT_DISMISSED = (
    "filed", "in_progress", "resolved", "dismissed")
COMPLAINT_OPEN_STATUSES = (COMPLAINT_FILED, COMPLAINT_IN_PROGRESS)


class WageComplaint(SQLModel, table=True):
    __tablename__ = "wage_complaints"

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    employer_id: int = Field(foreign_key="employers.id", index=True)
    job_id: int | None = Field(default=None, foreign_key="jobs.id")
    amount_owed: int
    period_start: date
    period_end: date
    description: str = Field(default="", max_length=2000)
    status: str = Field(default=COMPLAINT_FILED, max_length=16, index=True)
    resolution_note: str | None = Field(default=None, max_length=500)
    handled_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now, index=True)
    updated_at: datetime = Field(default_factory=now)


# Live job fairs (直播带岗): an organiser's session puts jobs on air; viewers follow an event stream.
LIVE_SCHEDULED, LIVE_ON_AIR, LIVE_ENDED = "scheduled", "live", "ended"


class LiveSession(SQLModel, table=True):
    __tablename__ = "live_sessions"

    id: int | None = Field(default=None, primary_key=True)
    organiser_id: int = Field(foreign_key="users.id", index=True)
    title: str = Field(max_length=100)
    status: str = Field(default=LIVE_SCHEDULED, max_length=16)
    on_air_job_id: int | None = Field(default=None, foreign_key="jobs.id")
    created_at: datetime = Field(default_factory=now)
    ended_at: datetime | None = None
    # A session may belong to a fair, and carries the video's address on whatever platform streams it.
    fair_id: int | None = Field(default=None, foreign_key="fairs.id", index=True)
    stream_url: str | None = Field(default=None, max_length=500)


class LiveEvent(SQLModel, table=True):
    """Every event a session sends, kept so a viewer who reconnects gets what they missed, in order."""

    __tablename__ = "live_events"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_sessions.id", index=True)
    event: str = Field(max_length=20)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=now)


# Job fairs (招聘会): 春风行动, 民营企业招聘周, 送岗位下乡, special fairs; on site, online, or both with live rooms.
FAIR_KINDS = ("spring_breeze", "private_enterprise_week", "jobs_to_villages", "special")
FAIR_KIND_NAMES = {"spring_breeze": "春风行动", "private_enterprise_week": "民营企业招聘周",
                   "jobs_to_villages": "送岗位下乡", "special": "专场招聘会"}


class Fair(SQLModel, table=True):
    __tablename__ = "fairs"

    id: int | None = Field(default=None, primary_key=True)
    organiser_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=32, index=True)
    starts_on: date = Field(index=True)
    ends_on: date = Field(index=True)
    online: bool = False
    # On site: where (a county or city adcode and the street address).
    adcode: str | None = Field(default=None, max_length=6, index=True)
    address: str = Field(default="", max_length=200)
    # Who the fair is for (脱贫人口, 大龄, 返乡, a cooperation pair…), shown and used to invite.
    target_groups: list[str] = _json_column()
    description: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=now)


# ---- live ----

# A live question's life: waiting for the organiser, shown to everyone, or hidden.
QUESTION_PENDING, QUESTION_APPROVED, QUESTION_HIDDEN = "pending", "approved", "hidden"


class LiveQueueItem(SQLModel, table=True):
    """A posting the organiser means to present, in the order of ``position``."""

    __tablename__ = "live_queue_items"
    __table_args__ = (UniqueConstraint("session_id", "job_id", name="uq_live_queue_session_job"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_sessions.id", index=True)
    job_id: int = Field(foreign_key="jobs.id")
    position: int = 0
    aired_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)


class LiveAiring(SQLModel, table=True):
    """One stretch of a posting on air: when, and the most viewers who watched it (the report's views)."""

    __tablename__ = "live_airings"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_sessions.id", index=True)
    job_id: int = Field(foreign_key="jobs.id")
    started_at: datetime = Field(default_factory=now)
    ended_at: datetime | None = None
    viewers: int = 0


class LiveApplication(SQLModel, table=True):
    """An application made from a session's on-air card (the report counts these)."""

    __tablename__ = "live_applications"
    __table_args__ = (UniqueConstraint("session_id", "application_id", name="uq_live_application"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_sessions.id", index=True)
    job_id: int = Field(foreign_key="jobs.id")
    application_id: int = Field(foreign_key="applications.id")
    created_at: datetime = Field(default_factory=now)


class LiveQuestion(SQLModel, table=True):
    __tablename__ = "live_questions"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_sessions.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    job_id: int | None = Field(default=None, foreign_key="jobs.id")
    body: str = Field(max_length=200)
    status: str = Field(default=QUESTION_PENDING, max_length=16)
    answer: str | None = Field(default=None, max_length=500)
    pinned: bool = False
    created_at: datetime = Field(default_factory=now)


class LivePresence(SQLModel, table=True):
    """How many viewers one serving process holds for a session, written every few seconds, so every
    process can tell the organiser how many watch in all (with or without Redis)."""

    __tablename__ = "live_presence"
    __table_args__ = (UniqueConstraint("session_id", "process", name="uq_live_presence"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_sessions.id", index=True)
    process: str = Field(max_length=64)
    viewers: int = 0
    # Signed-in viewers' user ids (a few hundred at most), for the organiser's best-matched viewers.
    user_ids: list[int] = _json_column()
    updated_at: datetime = Field(default_factory=now)
