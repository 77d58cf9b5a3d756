"""Job fairs (招聘会): the organiser's fair, employers' booths and postings, workers' registration and check-in."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from market import clock
from market.audit import record
from market.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from market.models import (
    ADMIN,
    EMPLOYER,
    EMPLOYER_VERIFIED,
    FAIR_KIND_NAMES,
    FAIR_KINDS,
    JOB_OPEN,
    JOB_TAKEN_DOWN,
    ORGANISER,
    SIGNUP_APPROVED,
    SIGNUP_PENDING,
    SIGNUP_REJECTED,
    Application,
    Employer,
    Fair,
    FairJob,
    FairRegistration,
    FairSignup,
    Job,
    User,
    Worker,
)
from market.postings import services as postings
from market.postings.access import is_staff
from vocab import places, regions

SIGNUP_STATUS_NAMES = {SIGNUP_PENDING: "待审核", SIGNUP_APPROVED: "已通过", SIGNUP_REJECTED: "未通过"}
MAX_FAIR_DAYS = 92
# Check-in codes: no 0/O or 1/I, so a code read aloud or typed from a phone screen is not mistaken.
_CODE_CHARS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_CODE_LENGTH = 6


Row = TypeVar("Row", bound=SQLModel)


def _insert_once(session: Session, row: Row, find: Callable[[], Row | None]) -> tuple[Row, bool]:
    """Adds ``row``, unless a request racing this one just added the same (its unique constraint says so):
    then that one. True when this call added it."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raced = find()
        if raced is None:
            raise
        return raced, False
    return row, True


def _stored_ids(fair: Fair, other: Employer | Job | Worker) -> tuple[int, int]:
    """The ids of the fair and of the employer, posting or worker at it. Both are rows read from the
    database; one never stored has no id, and to the fair it does not exist."""
    if fair.id is None:
        raise NotFound("没有这场招聘会")
    if other.id is None:
        raise NotFound()
    return fair.id, other.id


# ---- The fair ----

def _parse_date(errors: FieldErrors, data: dict, field: str, label: str) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        errors.add(field, f"请填写{label}")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, f"{label}应为日期，如 2026-03-01")
        return None


def _kind(value: Any) -> str | None:
    value = str(value or "").strip()
    if value in FAIR_KINDS:
        return value
    by_name = {name: code for code, name in FAIR_KIND_NAMES.items()}
    return by_name.get(value)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "是"}
    return bool(value)


def clean_fair(data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    name = str(data.get("name") or "").strip()
    if errors.check(bool(name), "name", "请填写招聘会名称"):
        errors.check(len(name) <= 100, "name", "招聘会名称最多 100 个字")
    kind = _kind(data.get("kind"))
    errors.check(kind is not None, "kind", "招聘会类型应为：" + "、".join(FAIR_KIND_NAMES.values()))
    starts_on = _parse_date(errors, data, "starts_on", "开始日期")
    ends_on = _parse_date(errors, data, "ends_on", "结束日期")
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors.add("ends_on", "结束日期不能早于开始日期")
        elif (ends_on - starts_on).days > MAX_FAIR_DAYS:
            errors.add("ends_on", f"一场招聘会最长 {MAX_FAIR_DAYS} 天")
    online = _bool(data.get("online"))
    adcode = str(data.get("adcode") or "").strip() or None
    if adcode is not None and not regions.is_real(adcode):
        errors.add("adcode", "举办地的行政区划代码不存在")
    if not online and adcode is None:
        errors.add("adcode", "现场招聘会请填写举办地")
    address = str(data.get("address") or "").strip()
    errors.check(len(address) <= 200, "address", "详细地址最多 200 个字")
    groups = data.get("target_groups") or []
    if isinstance(groups, str):
        groups = [g for g in groups.replace("，", "、").replace(",", "、").split("、")]
    if not isinstance(groups, list):
        errors.add("target_groups", "面向人群应为列表")
        groups = []
    groups = [str(g).strip()[:20] for g in groups if str(g).strip()][:10]
    description = str(data.get("description") or "").strip()
    errors.check(len(description) <= 2000, "description", "介绍最多 2000 个字")
    errors.raise_if_any()
    return {"name": name, "kind": kind, "starts_on": starts_on, "ends_on": ends_on, "online": online,
            "adcode": adcode, "address": address, "target_groups": groups, "description": description}


def create_fair(*, session: Session, organiser: User, data: dict[str, Any]) -> Fair:
    if organiser.role not in (ORGANISER, ADMIN) or organiser.id is None:
        raise Forbidden("只有招聘会组织者可以创建招聘会")
    fair = Fair(organiser_id=organiser.id, **clean_fair(data))
    session.add(fair)
    session.flush()
    record(session, actor=organiser, action="fair.create", target=("fair", fair.id))
    return fair


def get_fair(session: Session, fair_id: int) -> Fair:
    fair = session.get(Fair, fair_id)
    if fair is None:
        raise NotFound("没有这场招聘会")
    return fair


def runs(fair: Fair, user: User | None) -> bool:
    return user is not None and (fair.organiser_id == user.id or is_staff(user))


def owned_fair(session: Session, fair_id: int, user: User) -> Fair:
    """The fair, if ``user`` organises it (or is staff)."""
    fair = get_fair(session, fair_id)
    if not runs(fair, user):
        raise Forbidden("这不是您组织的招聘会")
    return fair


def list_fairs(session: Session, *, adcode: str | None = None, on: date | None = None,
               organiser: User | None = None, limit: int = 100) -> list[Fair]:
    """Fairs held in a place (a province, city or county and everything inside it) and open on a day."""
    query = select(Fair)
    if adcode:
        region = regions.get(adcode)
        if region is None:
            raise Invalid({"adcode": "地点的行政区划代码不存在"})
        prefix = {regions.PROVINCE: adcode[:2], regions.CITY: adcode[:4]}.get(region.level, adcode)
        query = query.where(col(Fair.adcode).like(prefix + "%"))
    if on is not None:
        query = query.where(Fair.starts_on <= on, Fair.ends_on >= on)
    if organiser is not None:
        query = query.where(Fair.organiser_id == organiser.id)
    return list(session.exec(query.order_by(col(Fair.starts_on), col(Fair.id)).limit(limit)))


def parse_list_query(args: Any) -> tuple[str | None, date | None]:
    """``adcode`` may be a code or a place's name; ``on`` an ISO date."""
    errors = FieldErrors()
    place = str(args.get("adcode") or args.get("place") or "").strip()
    adcode = None
    if place:
        found = places.resolve(place)
        if found.region is not None:
            adcode = found.region.adcode
        elif found.ambiguous:
            errors.add("adcode", f"“{place}”有好几个地方：" + "、".join(places.label(r) for r in found.candidates)
                       + "，请写明省市")
        else:
            errors.add("adcode", f"没有找到地点“{place}”")
    on = None
    if args.get("on"):
        try:
            on = date.fromisoformat(str(args.get("on")).strip())
        except ValueError:
            errors.add("on", "日期应为 2026-03-01 这样的格式")
    errors.raise_if_any()
    return adcode, on


# ---- Booths: employers' sign-ups and their postings ----

def signup_of(session: Session, fair_id: int, employer_id: int) -> FairSignup | None:
    return session.exec(select(FairSignup).where(FairSignup.fair_id == fair_id,
                                                 FairSignup.employer_id == employer_id)).first()


def sign_up(*, session: Session, fair: Fair, employer: Employer, actor: User) -> FairSignup:
    """An employer asks for a booth; asking again returns the same sign-up."""
    if employer.status != EMPLOYER_VERIFIED:
        raise Forbidden("单位通过人社部门审核后才能报名招聘会")
    if fair.ends_on < clock.today():
        raise Conflict("这场招聘会已经结束")
    fair_id, employer_id = _stored_ids(fair, employer)
    signup = signup_of(session, fair_id, employer_id)
    if signup is not None:
        return signup
    signup, added = _insert_once(session, FairSignup(fair_id=fair_id, employer_id=employer_id),
                                 lambda: signup_of(session, fair_id, employer_id))
    if added:
        record(session, actor=actor, action="fair.sign_up", target=("fair", fair.id), employer=employer.id)
    return signup


def admit(*, session: Session, fair: Fair, employer: Employer, actor: User) -> FairSignup:
    """The organiser brings an employer in (a job sheet sent for it): signed up and approved at once."""
    if employer.status != EMPLOYER_VERIFIED:
        raise Forbidden("单位通过人社部门审核后才能参加招聘会")
    fair_id, employer_id = _stored_ids(fair, employer)
    signup = signup_of(session, fair_id, employer_id)
    if signup is None:
        signup, _ = _insert_once(session, FairSignup(fair_id=fair_id, employer_id=employer_id),
                                 lambda: signup_of(session, fair_id, employer_id))
    if signup.status != SIGNUP_APPROVED:
        signup.status, signup.decided_at = SIGNUP_APPROVED, clock.now()
        session.flush()
        record(session, actor=actor, action="fair.admit", target=("fair", fair.id), employer=employer.id)
    return signup


def _booth(session: Session, fair: Fair, signup: FairSignup, booth: Any) -> str | None:
    booth = str(booth or "").strip() or None
    if booth is None:
        return None
    if len(booth) > 20:
        raise Invalid({"booth": "展位号最多 20 个字"})
    taken = session.exec(select(FairSignup).where(FairSignup.fair_id == fair.id, FairSignup.booth == booth,
                                                  FairSignup.id != signup.id)).first()
    if taken is not None:
        raise Conflict(f"展位号 {booth} 已分给别的单位", fields={"booth": "展位号已被占用"})
    return booth


def decide(*, session: Session, fair: Fair, signup_id: int, actor: User, approve: bool,
           booth: Any = None) -> FairSignup:
    signup = session.get(FairSignup, signup_id)
    if signup is None or signup.fair_id != fair.id:
        raise NotFound("没有这条报名")
    if approve:
        signup.booth = _booth(session, fair, signup, booth) or signup.booth
    signup.status = SIGNUP_APPROVED if approve else SIGNUP_REJECTED
    signup.decided_at = clock.now()
    record(session, actor=actor, action="fair.approve" if approve else "fair.reject", target=("fair", fair.id),
           employer=signup.employer_id)
    return signup


def set_booth(*, session: Session, fair: Fair, signup_id: int, actor: User, booth: Any) -> FairSignup:
    signup = session.get(FairSignup, signup_id)
    if signup is None or signup.fair_id != fair.id:
        raise NotFound("没有这条报名")
    signup.booth = _booth(session, fair, signup, booth)
    record(session, actor=actor, action="fair.booth", target=("fair", fair.id), employer=signup.employer_id)
    return signup


def approved_signup(session: Session, fair: Fair, employer: Employer) -> FairSignup:
    signup = signup_of(session, *_stored_ids(fair, employer))
    if signup is None:
        raise Forbidden("贵单位还没有报名这场招聘会")
    if signup.status != SIGNUP_APPROVED:
        raise Forbidden("贵单位的报名还在等组织者审核" if signup.status == SIGNUP_PENDING else "贵单位的报名未通过")
    return signup


def _attach(session: Session, fair: Fair, job: Job) -> bool:
    fair_id, job_id = _stored_ids(fair, job)

    def find() -> FairJob | None:
        return session.exec(select(FairJob).where(FairJob.fair_id == fair_id, FairJob.job_id == job_id)).first()

    if find() is not None:
        return False
    return _insert_once(session, FairJob(fair_id=fair_id, job_id=job_id), find)[1]


def attach_job(*, session: Session, fair: Fair, employer: Employer, actor: User, job_id: Any) -> Job:
    """An existing posting of the employer's, offered at its booth."""
    approved_signup(session, fair, employer)
    try:
        job = session.get(Job, int(str(job_id).strip()))
    except ValueError:
        job = None
    if job is None or job.employer_id != employer.id:
        raise Invalid({"job_id": "请选择贵单位自己的岗位"})
    if postings.effective_status(job, clock.today()) != JOB_OPEN:
        raise Conflict("只有招聘中的岗位可以带到招聘会", fields={"job_id": "岗位不在招聘中"})
    if _attach(session, fair, job):
        record(session, actor=actor, action="fair.attach", target=("fair", fair.id), job=job.id)
    return job


def detach_job(*, session: Session, fair: Fair, employer: Employer, actor: User, job_id: int) -> None:
    approved_signup(session, fair, employer)
    row = session.exec(select(FairJob).join(Job, col(Job.id) == FairJob.job_id).where(
        FairJob.fair_id == fair.id, FairJob.job_id == job_id, Job.employer_id == employer.id)).first()
    if row is None:
        raise NotFound("这个岗位不在贵单位的展位上")
    session.delete(row)
    record(session, actor=actor, action="fair.detach", target=("fair", fair.id), job=job_id)


def post_at_fair(*, session: Session, fair: Fair, employer: Employer, actor: User, data: dict[str, Any]) -> Job:
    """A new posting made on the spot: the same rules as any posting, offered at the booth at once."""
    approved_signup(session, fair, employer)
    if not data.get("closes_at"):
        data = data | {"closes_at": fair.ends_on}
    job = postings.create_job(session=session, employer=employer, actor=actor, data=data)
    _attach(session, fair, job)
    return job


def attach_imported(session: Session, fair: Fair, job: Job, offered: set[int]) -> None:
    """A job sheet's posting at the fair; ``offered`` holds the fair's posting ids, kept up to date."""
    fair_id, job_id = _stored_ids(fair, job)
    if job_id not in offered:
        session.add(FairJob(fair_id=fair_id, job_id=job_id))
        offered.add(job_id)


def offered_job_ids(session: Session, fair: Fair) -> set[int]:
    return set(session.exec(select(FairJob.job_id).where(FairJob.fair_id == fair.id)))


# ---- What a fair shows ----

@dataclass
class Booth:
    signup: FairSignup
    employer: Employer
    jobs: list[Job]


def booths(session: Session, fair: Fair, *, everyone: bool = False) -> list[Booth]:
    """Approved employers with the fair's postings the public may see (every sign-up when ``everyone``)."""
    query = select(FairSignup, Employer).join(Employer, col(Employer.id) == FairSignup.employer_id).where(
        FairSignup.fair_id == fair.id)
    if not everyone:
        query = query.where(FairSignup.status == SIGNUP_APPROVED, Employer.status == EMPLOYER_VERIFIED)
    rows = list(session.exec(query.order_by(col(FairSignup.booth), col(FairSignup.id))))
    jobs = list(session.exec(select(Job).join(FairJob, col(FairJob.job_id) == Job.id).where(
        FairJob.fair_id == fair.id, Job.status != JOB_TAKEN_DOWN).order_by(col(Job.id))))
    by_employer: dict[int, list[Job]] = {}
    for job in jobs:
        by_employer.setdefault(job.employer_id, []).append(job)
    out = [Booth(s, e, by_employer.get(s.employer_id, []) if s.status == SIGNUP_APPROVED else []) for s, e in rows]
    out.sort(key=lambda b: (b.signup.booth is None, _booth_key(b.signup.booth), b.signup.id))
    return out


def _booth_key(booth: str | None) -> tuple:
    text = booth or ""
    digits = "".join(c for c in text if c.isdigit())
    return (text.rstrip("0123456789"), int(digits) if digits else 0, text)


def booth_of(session: Session, fair: Fair, employer_id: int) -> Booth:
    for booth in booths(session, fair):
        if booth.employer.id == employer_id:
            return booth
    raise NotFound("这个单位没有参加这场招聘会")


def fair_public(fair: Fair) -> dict[str, Any]:
    return {"id": fair.id, "name": fair.name, "kind": fair.kind, "kind_name": FAIR_KIND_NAMES.get(fair.kind, ""),
            "starts_on": fair.starts_on.isoformat(), "ends_on": fair.ends_on.isoformat(), "online": fair.online,
            "adcode": fair.adcode, "place": regions.full_name(fair.adcode), "address": fair.address,
            "target_groups": list(fair.target_groups), "description": fair.description}


def fair_detail(session: Session, fair: Fair) -> dict[str, Any]:
    items = booths(session, fair)
    return fair_public(fair) | {
        "employers": [{"id": b.employer.id, "name": b.employer.name, "booth": b.signup.booth,
                       "jobs": [j.id for j in b.jobs]} for b in items],
        "jobs": [j.id for b in items for j in b.jobs],
    }


# ---- Workers: registration and check-in ----

def _new_code(session: Session, fair_id: int) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_CHARS) for _ in range(_CODE_LENGTH))
        if session.exec(select(FairRegistration.id).where(FairRegistration.fair_id == fair_id,
                                                          FairRegistration.code == code)).first() is None:
            return code


def registration_of(session: Session, fair_id: int, worker_id: int) -> FairRegistration | None:
    return session.exec(select(FairRegistration).where(FairRegistration.fair_id == fair_id,
                                                       FairRegistration.worker_id == worker_id)).first()


def register(*, session: Session, fair: Fair, worker: Worker) -> FairRegistration:
    """A worker says they are coming; registering again returns the same registration and code."""
    if fair.ends_on < clock.today():
        raise Conflict("这场招聘会已经结束")
    fair_id, worker_id = _stored_ids(fair, worker)
    registration = registration_of(session, fair_id, worker_id)
    if registration is None:
        # A racing registration of the same worker wins; a code drawn twice at once (1 in 10⁹) fails the request.
        registration, _ = _insert_once(
            session, FairRegistration(fair_id=fair_id, worker_id=worker_id, code=_new_code(session, fair_id)),
            lambda: registration_of(session, fair_id, worker_id))
    return registration


def _on_now(fair: Fair) -> None:
    today = clock.today()
    if today < fair.starts_on:
        raise Conflict(f"招聘会 {fair.starts_on.isoformat()} 开始，当天才能签到")
    if today > fair.ends_on:
        raise Conflict("这场招聘会已经结束")


def check_in_self(*, session: Session, fair: Fair, worker: Worker, user: User) -> FairRegistration:
    """The worker scanned the fair's code on site: registered if they had not, and checked in."""
    _on_now(fair)
    registration = register(session=session, fair=fair, worker=worker)
    if registration.checked_in_at is None:
        registration.checked_in_at, registration.checked_in_by = clock.now(), user.id
    return registration


def normalise_code(code: Any) -> str:
    return "".join(str(code or "").split()).upper()[:12]


def check_in_code(*, session: Session, fair: Fair, code: Any, actor: User) -> tuple[FairRegistration, bool]:
    """The organiser reads a worker's own code at the gate. True when this is their first check-in."""
    _on_now(fair)
    text = normalise_code(code)
    if not text:
        raise Invalid({"code": "请输入求职者的签到码"})
    registration = session.exec(select(FairRegistration).where(FairRegistration.fair_id == fair.id,
                                                               FairRegistration.code == text)).first()
    if registration is None:
        raise NotFound(f"签到码 {text} 不是这场招聘会的")
    if registration.checked_in_at is not None:
        return registration, False
    registration.checked_in_at, registration.checked_in_by = clock.now(), actor.id
    return registration, True


def registration_for_code(session: Session, fair: Fair, code: Any) -> FairRegistration | None:
    return session.exec(select(FairRegistration).where(FairRegistration.fair_id == fair.id,
                                                       FairRegistration.code == normalise_code(code))).first()


# ---- The organiser's dashboard ----

@dataclass
class BoothCounts:
    employer_id: int
    employer: str
    booth: str | None
    status: str
    jobs: int
    applications: int
    from_registered: int


@dataclass
class Dashboard:
    registrations: int
    checked_in: int
    booths: list[BoothCounts]

    @property
    def applications(self) -> int:
        return sum(b.applications for b in self.booths)

    def as_dict(self) -> dict[str, Any]:
        return {"registrations": self.registrations, "checked_in": self.checked_in,
                "applications": self.applications,
                "booths": [b.__dict__ for b in self.booths]}


def dashboard(session: Session, fair: Fair) -> Dashboard:
    """Registrations and check-ins of the fair; per booth, its postings and the applications they have had
    (all of them, and those from workers registered for the fair)."""
    registrations = session.exec(select(func.count()).select_from(FairRegistration).where(
        FairRegistration.fair_id == fair.id)).one()
    checked_in = session.exec(select(func.count()).select_from(FairRegistration).where(
        FairRegistration.fair_id == fair.id, col(FairRegistration.checked_in_at).is_not(None))).one()
    signups = list(session.exec(select(FairSignup, Employer).join(Employer, col(Employer.id) == FairSignup.employer_id)
                                .where(FairSignup.fair_id == fair.id)))
    jobs = dict(session.exec(select(Job.employer_id, func.count()).join(FairJob, col(FairJob.job_id) == Job.id)
                             .where(FairJob.fair_id == fair.id).group_by(col(Job.employer_id))).all())
    applied = dict(session.exec(
        select(Job.employer_id, func.count()).join(FairJob, col(FairJob.job_id) == Job.id)
        .join(Application, col(Application.job_id) == Job.id).where(FairJob.fair_id == fair.id)
        .group_by(col(Job.employer_id))).all())
    registered = dict(session.exec(
        select(Job.employer_id, func.count()).join(FairJob, col(FairJob.job_id) == Job.id)
        .join(Application, col(Application.job_id) == Job.id)
        .join(FairRegistration, (col(FairRegistration.worker_id) == Application.worker_id)
              & (col(FairRegistration.fair_id) == fair.id))
        .where(FairJob.fair_id == fair.id).group_by(col(Job.employer_id))).all())
    rows = [BoothCounts(s.employer_id, e.name, s.booth, s.status, jobs.get(s.employer_id, 0),
                        applied.get(s.employer_id, 0), registered.get(s.employer_id, 0)) for s, e in signups]
    rows.sort(key=lambda b: (b.booth is None, _booth_key(b.booth), b.employer))
    return Dashboard(registrations, checked_in, rows)


def fairs_of_employer(session: Session, employer: Employer) -> list[tuple[Fair, FairSignup]]:
    return list(session.exec(select(Fair, FairSignup).join(FairSignup, col(FairSignup.fair_id) == Fair.id)
                             .where(FairSignup.employer_id == employer.id).order_by(col(Fair.starts_on).desc())))


def registrations_of(session: Session, worker: Worker) -> list[tuple[Fair, FairRegistration]]:
    return list(session.exec(select(Fair, FairRegistration)
                             .join(FairRegistration, col(FairRegistration.fair_id) == Fair.id)
                             .where(FairRegistration.worker_id == worker.id).order_by(col(Fair.starts_on).desc())))


def employer_may_send_sheet(session: Session, fair: Fair, user: User, employer: Employer | None) -> Employer:
    """The employer whose postings a sheet an employer sends becomes: its own, signed up and approved."""
    if user.role != EMPLOYER or employer is None:
        raise Forbidden("只有本场组织者或已报名的单位可以上传岗位表")
    approved_signup(session, fair, employer)
    return employer
