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
# Partners of the bureau: a training institution lists courses, station staff work a gig station's counter.
TRAINER, STATION_STAFF = "trainer", "station_staff"
ROLES = (WORKER, EMPLOYER, ORGANISER, ADMIN, TRAINER, STATION_STAFF)
PARTNER_ROLES = (TRAINER, STATION_STAFF)
STAFF_ROLES = (ADMIN,)

# Employer verification
EMPLOYER_PENDING, EMPLOYER_REVIEW, EMPLOYER_VERIFIED, EMPLOYER_REJECTED = (
    "pending", "manual_review", "verified", "rejected")

# Posting lifecycle
JOB_OPEN, JOB_PAUSED, JOB_CLOSED, JOB_TAKEN_DOWN = "open", "paused", "closed", "taken_down"
# Staff review of a posting: a flagged one stays live and waits for a look; cleared after it.
REVIEW_OK, REVIEW_FLAGGED, REVIEW_CLEARED = "ok", "flagged", "cleared"
# Held: a fraud signal keeps the posting off the site until staff have looked (cleared) or taken it down.
REVIEW_HELD = "held"

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
    # Wage complaints staff accepted (受理) and not yet closed, from workers who applied or worked here:
    # kept here (and in every posting's search document) so no list counts them per request.
    open_wage_complaints: int = 0


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
    # The life cycle beyond the status: who handles it, the step it is at, by when the next step is due,
    # and what the platform knew when it was filed (confirmed work log, agreed wage).
    handler_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    stage: str | None = Field(default=None, max_length=20)
    due_on: date | None = Field(default=None, index=True)
    evidence: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


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


# ---- siterecs ----
# A person asks for an organiser account (job fairs, live sessions); staff decide. The account is made only
# on approval, with the password the applicant set when applying.
ORGANISER_PENDING, ORGANISER_APPROVED, ORGANISER_REFUSED = "pending", "approved", "refused"


class OrganiserApplication(SQLModel, table=True):
    __tablename__ = "organiser_applications"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=11, index=True)
    name: str = Field(max_length=60)
    password_hash: str = Field(max_length=200)
    organisation: str = Field(max_length=100)
    adcode: str = Field(max_length=6)
    purpose: str = Field(default="", max_length=500)
    status: str = Field(default=ORGANISER_PENDING, max_length=16, index=True)
    review_note: str | None = Field(default=None, max_length=200)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)


# ---- services ----
# Skills, subsidies, policy, labour brands and gig stations (零工驿站).


class WorkerCertificate(SQLModel, table=True):
    """A certificate a worker holds: the catalogue's name (vocab.certificates), its level and its number."""

    __tablename__ = "worker_certificate"

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    # The catalogue's official name when the typed name is known to it, else None (the typed name stays).
    code: str | None = Field(default=None, max_length=60, index=True)
    name: str = Field(max_length=60)
    level: int | None = None  # vocab.certificates.SKILL_LEVELS: 5 初级工 … 1 高级技师
    number: str | None = Field(default=None, max_length=40)
    position: int = 0


# A partner's account (training institution, station staff) works only once the bureau approved it.
PARTNER_PENDING, PARTNER_APPROVED, PARTNER_REJECTED = "pending", "approved", "rejected"


class PartnerAccount(SQLModel, table=True):
    __tablename__ = "partner_accounts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True, index=True)
    role: str = Field(max_length=16)
    organisation: str = Field(max_length=100)
    adcode: str | None = Field(default=None, max_length=6)
    station_id: int | None = Field(default=None, foreign_key="gig_stations.id", index=True)
    status: str = Field(default=PARTNER_PENDING, max_length=16, index=True)
    note: str | None = Field(default=None, max_length=200)
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)

# ---- rights ----
# Work log (记工): the worker records each day worked on a job they were hired for; the employer confirms
# or disputes it with a reason. Confirmed entries are evidence in a wage complaint.
WORKLOG_PENDING, WORKLOG_CONFIRMED, WORKLOG_DISPUTED = "pending", "confirmed", "disputed"


class WorkLogEntry(SQLModel, table=True):
    __tablename__ = "work_log_entries"
    __table_args__ = (UniqueConstraint("application_id", "work_date", name="uq_work_log_application_day"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    job_id: int = Field(foreign_key="jobs.id", index=True)
    employer_id: int = Field(foreign_key="employers.id", index=True)
    work_date: date = Field(index=True)
    days: float = 1.0
    hours: float | None = None
    note: str = Field(default="", max_length=200)
    status: str = Field(default=WORKLOG_PENDING, max_length=12, index=True)
    dispute_reason: str | None = Field(default=None, max_length=200)
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)


COURSE_OPEN, COURSE_CANCELLED = "open", "cancelled"


class TrainingCourse(SQLModel, table=True):
    __tablename__ = "training_courses"

    id: int | None = Field(default=None, primary_key=True)
    institution_id: int = Field(foreign_key="users.id", index=True)
    title: str = Field(max_length=100)
    occupation: str = Field(max_length=40, index=True)
    level: int | None = None  # the skill level the course prepares for
    adcode: str = Field(max_length=6, index=True)
    province_adcode: str = Field(max_length=6, index=True)
    city_adcode: str | None = Field(default=None, max_length=6, index=True)
    address: str = Field(default="", max_length=200)
    starts_on: date = Field(index=True)
    ends_on: date
    seats: int
    fee_yuan: int = 0
    subsidy_yuan: int | None = None  # 培训补贴 a trainee may claim after finishing
    description: str = Field(default="", max_length=2000)
    status: str = Field(default=COURSE_OPEN, max_length=16, index=True)
    created_at: datetime = Field(default_factory=now)


class CourseSignup(SQLModel, table=True):
    __tablename__ = "course_signups"
    __table_args__ = (UniqueConstraint("course_id", "worker_id", name="uq_course_signup"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="training_courses.id", index=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    created_at: datetime = Field(default_factory=now)


class PolicyDocument(SQLModel, table=True):
    """A policy document staff published; its measures are the parts a worker can act on."""

    __tablename__ = "policy_documents"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    issuer: str = Field(default="", max_length=200)
    doc_number: str = Field(default="", max_length=60)
    region_adcode: str | None = Field(default=None, max_length=6, index=True)
    issued_on: date | None = None
    body: str = Field(default="", max_length=40000)
    # [{"text": ..., "for_workers": bool, "rule": subsidy rule key or None}]
    measures: list[dict] = _json_column()
    published_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=now, index=True)


BRAND_CLAIMED, BRAND_CONFIRMED, BRAND_REJECTED = "claimed", "confirmed", "rejected"


class BrandClaim(SQLModel, table=True):
    __tablename__ = "labour_brand_claims"
    __table_args__ = (UniqueConstraint("worker_id", "brand", name="uq_brand_claim"),)

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    brand: str = Field(max_length=40, index=True)
    status: str = Field(default=BRAND_CLAIMED, max_length=16, index=True)
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=now)


class GigStation(SQLModel, table=True):
    __tablename__ = "gig_stations"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    adcode: str = Field(max_length=6, index=True)
    address: str = Field(default="", max_length=200)
    lat: float | None = None
    lng: float | None = None
    hours: str = Field(default="", max_length=100)
    services: list[str] = _json_column()
    phone: str = Field(default="", max_length=20)
    created_at: datetime = Field(default_factory=now)


class StationRegistration(SQLModel, table=True):
    """Who registered a worker at a station's counter (实名制动态管理 reads this)."""

    __tablename__ = "station_registrations"

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id", unique=True, index=True)
    station_id: int | None = Field(default=None, foreign_key="gig_stations.id", index=True)
    staff_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(default_factory=now, index=True)


class ComplaintEvent(SQLModel, table=True):
    """Every step of a wage complaint with its note, oldest first: nothing is overwritten."""

    __tablename__ = "complaint_events"

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="wage_complaints.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=20)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str = Field(default="", max_length=500)
    # Whether the worker's SMS went to a gateway (True), only to a log (False) or nowhere (None).
    sms_sent: bool | None = None
    at: datetime = Field(default_factory=now, index=True)


REPORT_OPEN, REPORT_HANDLED = "open", "handled"


class PostingReport(SQLModel, table=True):
    """A worker's one-tap report of a posting that looks wrong (fraud, fees, fake wage ...)."""

    __tablename__ = "posting_reports"
    __table_args__ = (UniqueConstraint("job_id", "reporter_id", name="uq_posting_report_job_reporter"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="jobs.id", index=True)
    reporter_id: int = Field(foreign_key="users.id", index=True)
    reason: str = Field(max_length=20)
    note: str = Field(default="", max_length=200)
    status: str = Field(default=REPORT_OPEN, max_length=12, index=True)
    created_at: datetime = Field(default_factory=now, index=True)


# ---- fairs ----
# An employer's place at a fair: asked for by the employer (or made by the organiser), approved by the organiser.
SIGNUP_PENDING, SIGNUP_APPROVED, SIGNUP_REJECTED = "pending", "approved", "rejected"


class FairSignup(SQLModel, table=True):
    __tablename__ = "fair_signups"
    __table_args__ = (UniqueConstraint("fair_id", "employer_id", name="uq_fair_signup_employer"),)

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fairs.id", index=True)
    employer_id: int = Field(foreign_key="employers.id", index=True)
    status: str = Field(default=SIGNUP_PENDING, max_length=16, index=True)
    booth: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=now)
    decided_at: datetime | None = None


class FairJob(SQLModel, table=True):
    """A posting offered at a fair (by its employer, at that employer's booth)."""

    __tablename__ = "fair_jobs"
    __table_args__ = (UniqueConstraint("fair_id", "job_id", name="uq_fair_job"),)

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fairs.id", index=True)
    job_id: int = Field(foreign_key="jobs.id", index=True)
    created_at: datetime = Field(default_factory=now)


class FairRegistration(SQLModel, table=True):
    """A worker coming to a fair; ``code`` is what they show at the gate, checked in once."""

    __tablename__ = "fair_registrations"
    __table_args__ = (UniqueConstraint("fair_id", "worker_id", name="uq_fair_registration_worker"),
                      UniqueConstraint("fair_id", "code", name="uq_fair_registration_code"))

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fairs.id", index=True)
    worker_id: int = Field(foreign_key="workers.id", index=True)
    code: str = Field(max_length=12)
    registered_at: datetime = Field(default_factory=now)
    checked_in_at: datetime | None = None
    checked_in_by: int | None = Field(default=None, foreign_key="users.id")


# ---- hardening ----

SIGN_IN_WEB, SIGN_IN_API = "web", "api"


class SignIn(SQLModel, table=True):
    """One signed-in browser session or one API token: listed under the account, ended at logout or when
    its owner revokes it. Only a hash of its key is stored."""

    __tablename__ = "sign_ins"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(max_length=8)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    label: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=now)
    revoked_at: datetime | None = None


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
