"""Postings: the rules a vacancy or gig must meet, and its life from posted to closed."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from market import clock, validate
from market.audit import record
from market.errors import Conflict, FieldErrors, Forbidden, Invalid
from market.models import (
    EMPLOYER_VERIFIED,
    JOB_CLOSED,
    JOB_OPEN,
    JOB_PAUSED,
    JOB_TAKEN_DOWN,
    REVIEW_CLEARED,
    REVIEW_FLAGGED,
    REVIEW_HELD,
    REVIEW_OK,
    Employer,
    Job,
    User,
)
from market.notify import notify
from market.outbox import enqueue_index, touch
from market.postings import rules
from market.postings.rules import Screening, below_minimum_wage, screen
from market.sms import SmsSender
from vocab import certificates, regions, taxonomy
from vocab.terms import (
    BENEFITS,
    EMPLOYMENT_TYPES,
    HOURS_PER_DAY_MAX,
    MEAL_NAMES,
    MEALS,
    PAY_CYCLE_NAMES,
    PAY_CYCLES,
    SHIFT_PATTERN_NAMES,
    SHIFT_PATTERNS,
    WAGE_UNITS,
    WORKING_AGE_MAX,
    WORKING_AGE_MIN,
    benefit_mask,
    monthly,
)
from vocab.trades import resolve_occupation

MAX_OPEN_DAYS = 180
EDITABLE = ("title", "occupation", "description", "adcode", "address", "lat", "lng", "wage_min", "wage_max",
            "wage_unit", "employment_type", "headcount", "benefits", "cert_required", "skill_level_required",
            "cooperation", "posted_at", "closes_at", "pay_cycle", "couple_rooms", "shift_pattern", "hours_per_day",
            "work_hours", "meals", "age_min", "age_max")
# Asked in every live stream; an age limit given here wins over one read from the text.
TERMS = ("pay_cycle", "couple_rooms", "shift_pattern", "hours_per_day", "work_hours", "meals", "age_min", "age_max")
_YES, _NO = ("true", "1", "yes", "有", "提供", "是", "on"), ("false", "0", "no", "无", "没有", "不提供", "否")


# A wage or headcount past these is a typing slip; past an INTEGER column it would fail the database.
MAX_WAGE = 1_000_000
MAX_HEADCOUNT = 100_000


def _int(errors: FieldErrors, data: dict, field: str, label: str, *, required: bool = True) -> int | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请填写{label}")
        return None
    return validate.integer(value, field, label, low=-validate.MAX_INT, errors=errors)


def _date(errors: FieldErrors, data: dict, field: str, label: str) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    return validate.day(value, field, label, errors=errors)


def _float(errors: FieldErrors, data: dict, field: str, label: str) -> float | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors.add(field, f"{label}（{field}）应为数字")
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        errors.add(field, f"{label}（{field}）应为数字")
        return None
    return number


def _str(errors: FieldErrors, data: dict, field: str, label: str) -> str:
    value = data.get(field)
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return "" if value is None else str(value)
    if not isinstance(value, str):
        errors.add(field, f"{label}（{field}）应为文字")
        return ""
    return value


def clean(data: dict[str, Any], *, today: date, current: Job | None = None) -> dict[str, Any]:
    """Validates a whole posting (an edit is merged over the current one first) and returns clean fields."""
    # An age limit typed as numbers is the posting's; without one, the text's own words say it.
    explicit_age = any(data.get(f) not in (None, "") for f in ("age_min", "age_max"))
    # A change that does not mention the age keeps the limit the posting has, unless the text names one.
    kept_age = (current.age_min, current.age_max) if current is not None and not (
        {"age_min", "age_max"} & set(data)) else (None, None)
    if current is not None:
        merged = {f: getattr(current, f) for f in EDITABLE}
        merged.update({k: v for k, v in data.items() if k in EDITABLE})
        data = merged
    errors = FieldErrors()
    out: dict[str, Any] = {}

    title = _str(errors, data, "title", "岗位名称").strip()
    if errors.check(bool(title), "title", "请填写岗位名称"):
        errors.check(len(title) <= 60, "title", "岗位名称最多 60 个字")
    out["title"] = title
    description = _str(errors, data, "description", "岗位描述").strip()
    errors.check(len(description) <= 4000, "description", "岗位描述最多 4000 个字")
    out["description"] = description

    occupation = _str(errors, data, "occupation", "工种") or None
    if occupation and taxonomy.get(occupation) is None:
        errors.add("occupation", "工种不在工种目录里，请从列表中选择")
    # The trade the posting recruits for, as search reads it: a trade named in the title wins over a
    # declared one it contradicts (employers pick the wrong one), so browsing and search agree.
    out["occupation"] = resolve_occupation(occupation, title, description)

    adcode = _str(errors, data, "adcode", "工作地点").strip()
    region = regions.get(adcode)
    if not adcode:
        errors.add("adcode", "请选择工作地点（省、市、区县）")
    elif region is None or region.level == regions.PROVINCE:
        errors.add("adcode", "工作地点的行政区划代码不存在，请选择到市或区县")
    out["adcode"] = adcode
    out["address"] = _str(errors, data, "address", "详细地址").strip()[:200] or (regions.full_name(adcode) if region else "")
    lat, lng = _float(errors, data, "lat", "纬度"), _float(errors, data, "lng", "经度")
    if lat is not None and not (3 <= lat <= 54):
        errors.add("lat", "纬度不在中国境内")
    if lng is not None and not (73 <= lng <= 136):
        errors.add("lng", "经度不在中国境内")
    if (lat is None or lng is None) and region is not None:
        lat, lng = region.lat, region.lng
    out["lat"], out["lng"] = lat, lng

    wage_min = _int(errors, data, "wage_min", "最低工资")
    wage_max = _int(errors, data, "wage_max", "最高工资")
    if wage_min is not None and wage_min <= 0:
        errors.add("wage_min", "工资应大于 0（不能只写“面议”）")
    if wage_max is not None and wage_max <= 0:
        errors.add("wage_max", "工资应大于 0（不能只写“面议”）")
    for field, value in (("wage_min", wage_min), ("wage_max", wage_max)):
        if value is not None and value > MAX_WAGE:
            errors.add(field, f"工资（{field}）最多 {MAX_WAGE} 元")
    if wage_min is not None and wage_max is not None and 0 < wage_max < wage_min:
        errors.add("wage_max", "最高工资不能低于最低工资")
    unit = data.get("wage_unit")
    if unit not in WAGE_UNITS:
        errors.add("wage_unit", "请选择工资单位：按月、按天、按小时或计件")
    out.update(wage_min=wage_min, wage_max=wage_max, wage_unit=unit)

    employment_type = data.get("employment_type")
    if employment_type not in EMPLOYMENT_TYPES:
        errors.add("employment_type", "请选择用工类型：全职、日结零工、季节工、计件或劳务派遣")
    out["employment_type"] = employment_type

    headcount = _int(errors, data, "headcount", "招聘人数")
    if headcount is not None and headcount > MAX_HEADCOUNT:
        errors.add("headcount", f"招聘人数最多 {MAX_HEADCOUNT} 人")
    if headcount is not None and headcount < 1:
        errors.add("headcount", "招聘人数至少 1 人")
    if headcount is not None and current is not None and headcount < current.hired_count:
        errors.add("headcount", f"已录用 {current.hired_count} 人，招聘人数不能再少")
    out["headcount"] = headcount

    benefits = data.get("benefits") or []
    if isinstance(benefits, str):
        benefits = [b for b in benefits.replace("，", ",").split(",") if b.strip()]
    unknown = [b for b in benefits if b not in BENEFITS]
    if unknown:
        errors.add("benefits", f"福利只能从列表中选择：{'、'.join(BENEFITS)}")
    out["benefits"] = [b for b in BENEFITS if b in benefits]

    cert = data.get("cert_required") or None
    if isinstance(cert, str) and cert not in taxonomy.certificates():
        cert = certificates.canonical(cert.strip()) or cert  # 叉车证 → its official name
    if cert and cert not in taxonomy.certificates() and certificates.get(cert) is None:
        errors.add("cert_required", "持证要求只能从特种作业等法定证书列表中选择")
    out["cert_required"] = cert
    level = _int(errors, data, "skill_level_required", "技能等级", required=False)
    if level is not None and level not in range(1, 6):
        errors.add("skill_level_required", "技能等级应为 5（初级工）到 1（高级技师）")
    out["skill_level_required"] = level
    cooperation = data.get("cooperation") or None
    if cooperation and cooperation not in taxonomy.cooperation_names():
        errors.add("cooperation", "劳务协作项目不在列表里")
    out["cooperation"] = cooperation

    posted_at = _date(errors, data, "posted_at", "发布日期") or (current.posted_at if current else today)
    closes_at = _date(errors, data, "closes_at", "截止日期")
    if closes_at is None and "closes_at" not in errors:
        closes_at = posted_at + timedelta(days=30)
    if closes_at is not None:
        if closes_at <= posted_at:
            errors.add("closes_at", "截止日期应晚于发布日期")
        elif current is None and closes_at <= today:
            errors.add("closes_at", "截止日期应晚于今天")
        elif (closes_at - posted_at).days > MAX_OPEN_DAYS:
            errors.add("closes_at", f"招聘期最长 {MAX_OPEN_DAYS} 天")
    out["posted_at"], out["closes_at"] = posted_at, closes_at

    out.update(_terms(errors, data))
    screening = screen(title, description)
    for field, reason in screening.refusals.items():
        errors.add(field, reason)
    low = below_minimum_wage(wage_min=out.get("wage_min"), wage_max=out.get("wage_max"), wage_unit=out.get("wage_unit"),
                             employment_type=out.get("employment_type"), adcode=out.get("adcode"))
    if low:
        errors.add("wage_min", low)
    age_min, age_max = out.pop("age_min"), out.pop("age_max")
    errors.raise_if_any()
    if not explicit_age:
        age_min, age_max = screening.age_min, screening.age_max
        if age_min is None and age_max is None:
            age_min, age_max = kept_age
    out["age_min"], out["age_max"] = age_min, age_max
    out["_flag"] = Screening({}, age_min, age_max).flag_reason
    return out


def _choice(errors: FieldErrors, data: dict, field: str, allowed: tuple[str, ...], names: dict[str, str],
            label: str) -> str | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = value.strip()
        by_name = {n: code for code, n in names.items()}
        value = by_name.get(value, value)  # 日结 as well as daily
    if value not in allowed:
        errors.add(field, f"{label}只能是：{'、'.join(names[c] for c in allowed)}")
        return None
    return value


def _terms(errors: FieldErrors, data: dict) -> dict[str, Any]:
    out: dict[str, Any] = {
        "pay_cycle": _choice(errors, data, "pay_cycle", PAY_CYCLES, PAY_CYCLE_NAMES, "结算方式"),
        "shift_pattern": _choice(errors, data, "shift_pattern", SHIFT_PATTERNS, SHIFT_PATTERN_NAMES, "班次"),
        "meals": _choice(errors, data, "meals", MEALS, MEAL_NAMES, "吃饭"),
    }
    rooms = data.get("couple_rooms")
    if isinstance(rooms, str):
        text = rooms.strip().lower()
        rooms = None if not text else True if text in _YES else False if text in _NO else rooms
    if rooms is not None and not isinstance(rooms, bool):
        errors.add("couple_rooms", "夫妻房应为 true（有）或 false（没有）")
        rooms = None
    out["couple_rooms"] = rooms
    hours = _int(errors, data, "hours_per_day", "每天工作小时数", required=False)
    if hours is not None and not 1 <= hours <= HOURS_PER_DAY_MAX:
        errors.add("hours_per_day", f"每天工作小时数应在 1 到 {HOURS_PER_DAY_MAX} 之间")
    out["hours_per_day"] = hours
    work_hours = data.get("work_hours")
    work_hours = work_hours.strip() if isinstance(work_hours, str) else None if work_hours is None else str(work_hours)
    if work_hours and len(work_hours) > 40:
        errors.add("work_hours", "上下班时间最多 40 个字，如 8:00-20:00")
    out["work_hours"] = work_hours or None
    age_min = _int(errors, data, "age_min", "最小年龄", required=False)
    age_max = _int(errors, data, "age_max", "最大年龄", required=False)
    for field, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not WORKING_AGE_MIN <= value <= WORKING_AGE_MAX:
            errors.add(field, f"年龄应在 {WORKING_AGE_MIN} 到 {WORKING_AGE_MAX} 周岁之间")
    if age_min is not None and age_max is not None and age_max < age_min:
        errors.add("age_max", "最大年龄不能小于最小年龄")
    out["age_min"], out["age_max"] = age_min, age_max
    return out


def _apply(job: Job, fields: dict[str, Any]) -> None:
    flag = fields.pop("_flag", None)
    for key, value in fields.items():
        setattr(job, key, value)
    region = regions.get(job.adcode)
    job.province_adcode = regions.province_adcode_of(job.adcode)
    job.city_adcode = region.city_adcode if region else None
    job.benefit_mask = benefit_mask(job.benefits)
    job.wage_monthly_max = monthly(job.wage_max, job.wage_unit)
    if job.review_status == REVIEW_HELD:
        return  # held for a fraud signal: only staff let it out
    if flag and job.review_status != REVIEW_CLEARED:
        job.review_status, job.review_reason = REVIEW_FLAGGED, flag
    elif not flag and job.review_status == REVIEW_FLAGGED:
        job.review_status, job.review_reason = REVIEW_OK, None


def _local_wages(session: Session, job: Job, today: date) -> tuple[list[int], str]:
    """Top monthly wages of the other postings open today for the same trade in the same city (or the
    province when the city has too few), and the place's name."""
    base = [col(Job.occupation) == job.occupation, col(Job.wage_monthly_max).is_not(None), col(Job.status) == JOB_OPEN,
            col(Job.review_status) != REVIEW_HELD, col(Job.posted_at) <= today, col(Job.closes_at) > today]
    if job.id is not None:
        base.append(col(Job.id) != job.id)
    for column, code in ((Job.city_adcode, job.city_adcode), (Job.province_adcode, job.province_adcode)):
        if not code:
            continue
        wages = [w for w in session.exec(select(Job.wage_monthly_max).where(*base, column == code).limit(5000))
                 if w is not None]  # none are: the query asks for a wage
        if len(wages) >= rules.WAGE_MEDIAN_MIN_POSTINGS:
            return wages, regions.full_name(code)
    return [], ""


def _as_aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.now().tzinfo)


def fraud_reasons(session: Session, *, job: Job, employer: Employer, new: bool) -> list[str]:
    """Why a posting must wait for staff before it goes live: a wage far above the local median for its
    trade, contact by WeChat/QQ only, or one of a burst of postings from a new account."""
    reasons = []
    if job.occupation:
        local, place = _local_wages(session, job, clock.today())
        reason = rules.wage_outlier(job.wage_monthly_max, local, place=place, trade=taxonomy.name_of(job.occupation))
        if reason:
            reasons.append(reason)
    reason = rules.offsite_contact(job.title, job.description)
    if reason:
        reasons.append(reason)
    if new:
        now = clock.now()
        age = (now - _as_aware(employer.created_at)).days
        recent = session.exec(select(func.count()).select_from(Job).where(
            Job.employer_id == employer.id, Job.created_at >= now - timedelta(hours=rules.BURST_HOURS))).one()
        reason = rules.burst(recent + 1, age)
        if reason:
            reasons.append(reason)
    return reasons


def _hold(job: Job, reasons: list[str]) -> None:
    job.review_status = REVIEW_HELD
    job.review_reason = "；".join(reasons)[:200]


def hold_for_review(session: Session, job: Job, reason: str) -> bool:
    """Take a live posting off the site until staff have looked (workers' reports do this). True if held now."""
    if job.review_status == REVIEW_HELD or job.status == JOB_TAKEN_DOWN:
        return False
    _hold(job, [reason])
    touch(session, job)
    return True


def _hold_the_burst(session: Session, employer: Employer, reason: str) -> None:
    """The postings of a burst wait together: the earlier ones of the same day are held too."""
    since = clock.now() - timedelta(hours=rules.BURST_HOURS)
    for other in session.exec(select(Job).where(Job.employer_id == employer.id, Job.created_at >= since,
                                                col(Job.review_status).in_((REVIEW_OK, REVIEW_FLAGGED)))):
        _hold(other, [reason])
        touch(session, other)


def create_job(*, session: Session, employer: Employer, actor: User, data: dict[str, Any]) -> Job:
    if employer.status != EMPLOYER_VERIFIED:
        raise Forbidden("单位通过人社部门审核后才能发布岗位")
    fields = clean(data, today=clock.today())
    assert employer.id is not None  # a stored employer
    job = Job(employer_id=employer.id, wage_monthly_max=0, province_adcode="", **{
        k: v for k, v in fields.items() if not k.startswith("_")})
    _apply(job, fields)
    reasons = fraud_reasons(session, job=job, employer=employer, new=True)
    if reasons:
        _hold(job, reasons)
        burst = next((r for r in reasons if r.startswith("新注册单位")), None)
        if burst:
            _hold_the_burst(session, employer, burst)
    session.add(job)
    session.flush()
    assert job.id is not None  # flushed
    enqueue_index(session, job.id)
    record(session, actor=actor, action="job.create", target=("job", job.id),
           flagged=job.review_reason)
    return job


def update_job(*, session: Session, job: Job, actor: User, data: dict[str, Any]) -> Job:
    if job.status == JOB_TAKEN_DOWN:
        raise Conflict("岗位已被人社部门下架，不能修改")
    fields = clean(data, today=clock.today(), current=job)
    _apply(job, fields)
    if job.review_status != REVIEW_HELD:
        employer = session.get(Employer, job.employer_id)
        assert employer is not None  # the posting's foreign key
        reasons = fraud_reasons(session, job=job, employer=employer, new=False)
        # What staff cleared stays cleared; a new signal (an edit that adds a WeChat id) holds it again.
        if reasons and not (job.review_status == REVIEW_CLEARED and "；".join(reasons)[:200] == job.review_reason):
            _hold(job, reasons)
    touch(session, job)
    record(session, actor=actor, action="job.update", target=("job", job.id), flagged=job.review_reason)
    return job


def close(session: Session, job: Job, *, today: date) -> None:
    """Closed from today on: the posting stays in history as open until yesterday."""
    job.status = JOB_CLOSED
    job.closes_at = min(job.closes_at, today)
    touch(session, job)


def change_status(*, session: Session, job: Job, actor: User, action: str) -> Job:
    today = clock.today()
    if job.status == JOB_TAKEN_DOWN:
        raise Conflict("岗位已被人社部门下架")
    if action == "pause":
        if effective_status(job, today) != JOB_OPEN:
            raise Conflict("只有招聘中的岗位可以暂停")
        job.status = JOB_PAUSED
    elif action == "resume":
        if job.status != JOB_PAUSED:
            raise Conflict("只有暂停中的岗位可以恢复")
        if job.closes_at <= today:
            raise Conflict("岗位已过截止日期，请先修改截止日期")
        job.status = JOB_OPEN
    elif action == "close":
        if job.status == JOB_CLOSED:
            return job
        close(session, job, today=today)
    else:
        raise Invalid({"action": "操作应为 pause（暂停）、resume（恢复）或 close（关闭）"})
    touch(session, job)
    record(session, actor=actor, action=f"job.{action}", target=("job", job.id))
    return job


def take_down(*, session: Session, job: Job, staff: User, reason: str, sms: SmsSender | None = None) -> Job:
    """Staff take a posting down with the reason; its employer learns why in the inbox and by SMS."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "请写明下架原因"})
    job.status = JOB_TAKEN_DOWN
    job.review_reason = reason[:200]
    touch(session, job)
    record(session, actor=staff, action="job.take_down", target=("job", job.id), reason=reason[:200])
    employer = session.get(Employer, job.employer_id)
    owner = session.get(User, employer.owner_id) if employer and employer.owner_id else None
    if owner is not None:
        notify(session, user=owner, app=None, sms=sms,
               body=f"您的岗位“{job.title}”已被人社部门下架，原因：{reason[:200]}。如有疑问请拨打 12333。")
    return job


def clear_flag(*, session: Session, job: Job, staff: User) -> Job:
    job.review_status = REVIEW_CLEARED
    touch(session, job)
    record(session, actor=staff, action="job.review_cleared", target=("job", job.id))
    return job


def effective_status(job: Job, today: date) -> str:
    if job.status in (JOB_OPEN,) and (job.closes_at <= today or job.hired_count >= job.headcount):
        return JOB_CLOSED
    return job.status


def is_open_on(job: Job, day: date, employer: Employer | None = None) -> bool:
    if job.status in (JOB_PAUSED, JOB_TAKEN_DOWN) or job.review_status == REVIEW_HELD:
        return False
    if employer is not None and employer.status != EMPLOYER_VERIFIED:
        return False
    return job.posted_at <= day < job.closes_at


def jobs_of_employer(session: Session, employer_id: int) -> list[Job]:
    return list(session.exec(select(Job).where(Job.employer_id == employer_id).order_by(col(Job.id).desc())))


def employer_names_like(session: Session, text: str, *, limit: int = 3) -> list[str]:
    """Names of verified employers that contain ``text``, for search suggestions."""
    pattern = "%" + text.replace("\\", "").replace("%", "").replace("_", "") + "%"
    rows = session.exec(select(Employer.name).where(Employer.status == EMPLOYER_VERIFIED,
                                                    col(Employer.name).like(pattern)).order_by(col(Employer.name)).limit(limit))
    return list(rows)
