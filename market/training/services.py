"""Training courses listed by approved institutions, found by trade, place and date, and workers' sign-ups."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from market import clock
from market.audit import record
from market.errors import Conflict, FieldErrors, Forbidden, NotFound
from market.models import COURSE_OPEN, TRAINER, CourseSignup, PartnerAccount, TrainingCourse, User, Worker
from market.partners.services import require_approved
from vocab import regions, taxonomy
from vocab.certificates import SKILL_LEVELS


def _int(errors: FieldErrors, data: dict, field: str, label: str, *, low: int, high: int,
         required: bool = True) -> int | None:
    raw = data.get(field)
    if raw in (None, ""):
        if required:
            errors.add(field, f"请填写{label}")
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors.add(field, f"{label}应为整数")
        return None
    if not low <= value <= high:
        errors.add(field, f"{label}应在 {low} 到 {high} 之间")
        return None
    return value


def _date(errors: FieldErrors, data: dict, field: str, label: str) -> date | None:
    raw = data.get(field)
    try:
        return date.fromisoformat(str(raw))
    except (TypeError, ValueError):
        errors.add(field, f"{label}应为日期，如 2026-05-01")
        return None


def create_course(*, session: Session, institution: User, data: dict, today: date | None = None) -> TrainingCourse:
    require_approved(session, institution, TRAINER)
    today = today or clock.today()
    errors = FieldErrors()
    title = str(data.get("title") or "").strip()
    errors.check(2 <= len(title) <= 100, "title", "请填写课程名称（2 到 100 个字）")
    occupation = str(data.get("occupation") or "").strip()
    errors.check(taxonomy.get(occupation) is not None, "occupation", "工种不在工种目录里，请从列表中选择")
    level = _int(errors, data, "level", "培训等级", low=1, high=5, required=False)
    adcode = str(data.get("adcode") or "").strip()
    region = regions.get(adcode)
    errors.check(region is not None, "adcode", "培训地点的行政区划代码不存在")
    starts_on = _date(errors, data, "starts_on", "开课日期")
    ends_on = _date(errors, data, "ends_on", "结课日期")
    if starts_on and starts_on < today:
        errors.add("starts_on", "开课日期不能早于今天")
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", "结课日期不能早于开课日期")
    seats = _int(errors, data, "seats", "招生人数", low=1, high=1000)
    fee = _int(errors, data, "fee_yuan", "学费（元）", low=0, high=100000, required=False) or 0
    subsidy = _int(errors, data, "subsidy_yuan", "培训补贴（元）", low=0, high=100000, required=False)
    address = str(data.get("address") or "").strip()
    errors.check(len(address) <= 200, "address", "详细地址最多 200 个字")
    description = str(data.get("description") or "").strip()
    errors.check(len(description) <= 2000, "description", "课程介绍最多 2000 个字")
    errors.raise_if_any()
    # raise_if_any raised otherwise; institution is a stored account
    assert region is not None and starts_on is not None and ends_on is not None and seats is not None
    assert institution.id is not None
    course = TrainingCourse(institution_id=institution.id, title=title, occupation=occupation, level=level,
                            adcode=adcode, province_adcode=region.province_adcode, city_adcode=region.city_adcode,
                            address=address, starts_on=starts_on, ends_on=ends_on, seats=seats, fee_yuan=fee,
                            subsidy_yuan=subsidy, description=description)
    session.add(course)
    session.flush()
    record(session, actor=institution, action="course.create", target=("course", course.id))
    return course


def search_courses(*, session: Session, occupation: str | None = None, adcode: str | None = None,
                   on_or_after: date | None = None, q: str | None = None, limit: int = 50) -> list[TrainingCourse]:
    """Open courses that have not started before ``on_or_after`` (default today), by trade and place
    (a province, city or county adcode)."""
    stmt = select(TrainingCourse).where(TrainingCourse.status == COURSE_OPEN,
                                        TrainingCourse.starts_on >= (on_or_after or clock.today()))
    if occupation:
        stmt = stmt.where(TrainingCourse.occupation == occupation)
    region = regions.get(adcode) if adcode else None
    if region is not None:
        column = {regions.PROVINCE: TrainingCourse.province_adcode, regions.CITY: TrainingCourse.city_adcode,
                  regions.COUNTY: TrainingCourse.adcode}[region.level]
        stmt = stmt.where(column == region.adcode)
    if q and q.strip():
        words = q.strip()
        codes = set(taxonomy.occupations_in(words))
        codes |= {code for code, names in taxonomy.trade_words().items() if any(n and n in words for n in names)}
        stmt = stmt.where(col(TrainingCourse.title).contains(words) | col(TrainingCourse.occupation).in_(sorted(codes) or ["-"]))
    return list(session.exec(stmt.order_by(col(TrainingCourse.starts_on), col(TrainingCourse.id)).limit(limit)))


def get_course(session: Session, course_id: int) -> TrainingCourse:
    course = session.get(TrainingCourse, course_id)
    if course is None:
        raise NotFound("没有这个培训课程")
    return course


def signed_up_count(session: Session, course_id: int) -> int:
    return session.exec(select(func.count()).select_from(CourseSignup)
                        .where(CourseSignup.course_id == course_id)).one()


def sign_up(*, session: Session, worker: Worker, course: TrainingCourse,
            today: date | None = None) -> tuple[CourseSignup, bool]:
    """The worker's place on the course: (sign-up, created). Signing up again returns the first one."""
    assert course.id is not None and worker.id is not None  # stored rows
    existing = session.exec(select(CourseSignup).where(CourseSignup.course_id == course.id,
                                                       CourseSignup.worker_id == worker.id)).first()
    if existing is not None:
        return existing, False
    if course.status != COURSE_OPEN or course.starts_on < (today or clock.today()):
        raise Conflict("这个课程已经开课或停止报名")
    if signed_up_count(session, course.id) >= course.seats:
        raise Conflict("这个课程已经报满了")
    signup = CourseSignup(course_id=course.id, worker_id=worker.id)
    session.add(signup)
    session.flush()
    record(session, actor=None, action="course.sign_up", target=("course", course.id), worker_id=worker.id)
    return signup, True


def courses_of_worker(session: Session, worker: Worker) -> list[TrainingCourse]:
    return list(session.exec(select(TrainingCourse).join(CourseSignup, col(CourseSignup.course_id) == TrainingCourse.id)
                             .where(CourseSignup.worker_id == worker.id).order_by(col(TrainingCourse.starts_on))))


def courses_of_institution(session: Session, institution: User) -> list[TrainingCourse]:
    return list(session.exec(select(TrainingCourse).where(TrainingCourse.institution_id == institution.id)
                             .order_by(col(TrainingCourse.starts_on).desc())))


def trainees(*, session: Session, institution: User, course: TrainingCourse) -> list[dict]:
    """The institution's own course only: names of who signed up (no identifiers)."""
    if course.institution_id != institution.id:
        raise Forbidden("这不是本机构的课程")
    rows = session.exec(select(Worker).join(CourseSignup, col(CourseSignup.worker_id) == Worker.id)
                        .where(CourseSignup.course_id == course.id).order_by(col(CourseSignup.id)))
    return [{"worker_id": w.id, "name": w.name} for w in rows]


def course_public(session: Session, course: TrainingCourse) -> dict:
    assert course.id is not None  # a stored course
    institution = session.exec(select(PartnerAccount.organisation)
                               .where(PartnerAccount.user_id == course.institution_id)).first()
    taken = signed_up_count(session, course.id)
    return {"id": course.id, "title": course.title, "occupation": course.occupation,
            "occupation_name": taxonomy.name_of(course.occupation), "level": course.level,
            "level_name": SKILL_LEVELS.get(course.level) if course.level else None,
            "adcode": course.adcode, "place": regions.full_name(course.adcode), "address": course.address,
            "starts_on": course.starts_on.isoformat(), "ends_on": course.ends_on.isoformat(),
            "seats": course.seats, "seats_left": max(0, course.seats - taken), "fee_yuan": course.fee_yuan,
            "subsidy_yuan": course.subsidy_yuan, "description": course.description,
            "institution": institution or "", "status": course.status}
