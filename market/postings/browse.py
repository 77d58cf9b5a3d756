"""Browsing open jobs: the query parameters of GET /api/v1/jobs, the database path, and a job's public shape.

The database path answers when the search engine cannot (and is the reference the engine is checked
against): exact totals, every page reachable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from market import validate
from market.errors import FieldErrors
from market.models import EMPLOYER_VERIFIED, JOB_PAUSED, JOB_TAKEN_DOWN, REVIEW_HELD, Employer, Job
from market.postings.rules import describe_age
from market.postings.services import effective_status
from vocab import regions, taxonomy
from vocab.terms import (
    BENEFITS,
    EMPLOYMENT_TYPE_NAMES,
    EMPLOYMENT_TYPES,
    MEAL_NAMES,
    PAY_CYCLE_NAMES,
    SHIFT_PATTERN_NAMES,
    WAGE_UNIT_NAMES,
    benefit_mask,
)

# The terms viewers of a live fair ask about (Job columns and search document fields of the same names).
TERM_FIELDS = ("pay_cycle", "couple_rooms", "shift_pattern", "hours_per_day", "work_hours", "meals", "age_min",
               "age_max")

SORTS = ("relevance", "newest", "wage", "distance")
MAX_LIMIT = 100
MAX_OFFSET = 10**9
MAX_WAGE = 10**7


@dataclass
class JobFilters:
    q: str = ""
    open_on: date | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    occupation: str | None = None
    employment_type: str | None = None
    wage_min: int | None = None
    benefits: list[str] = field(default_factory=list)
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0


@dataclass
class Page:
    total: int
    hits: list[dict]
    facets: dict = field(default_factory=dict)
    degraded: bool = False
    # The query as search read it, when it read pinyin, traditional characters or a slip as words.
    understood: str | None = None


def _adcode(errors: FieldErrors, args, name: str, level: str, label: str) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    region = regions.get(value)
    if region is None or region.level != level:
        errors.add(name, f"{label}应为 6 位行政区划代码，如 {'520000' if level == 'province' else '520100' if level == 'city' else '520102'}")
        return None
    return value


def parse_filters(args, *, today: date) -> JobFilters:
    errors = FieldErrors()
    # The first value of each parameter, read from a plain dict: a MultiDict answers a missing key by raising
    # (and catching) a 400 error inside get(), a dozen times for a search that names two parameters.
    first = args.to_dict() if isinstance(args, MultiDict) else args
    f = JobFilters(q=(first.get("q") or "").strip()[:100])
    raw_day = (first.get("open_on") or "").strip()
    f.open_on = validate.day(raw_day, "open_on", "日期", errors=errors) if raw_day else today
    f.province = _adcode(errors, first, "province", regions.PROVINCE, "省份")
    f.city = _adcode(errors, first, "city", regions.CITY, "城市")
    f.county = _adcode(errors, first, "county", regions.COUNTY, "区县")
    occupation = (first.get("occupation") or "").strip() or None
    if occupation and taxonomy.get(occupation) is None:
        errors.add("occupation", "工种代码不在工种目录里")
    f.occupation = occupation
    etype = (first.get("employment_type") or "").strip() or None
    if etype and etype not in EMPLOYMENT_TYPES:
        errors.add("employment_type", f"用工类型应为 {', '.join(EMPLOYMENT_TYPES)} 之一")
    f.employment_type = etype
    if (first.get("wage_min") or "").strip():
        f.wage_min = validate.query_int(first, "wage_min", "最低月薪", default=0, high=MAX_WAGE, errors=errors)
    f.limit = validate.query_int(first, "limit", "每页条数", default=f.limit, low=1, high=MAX_LIMIT, errors=errors)
    f.offset = validate.query_int(first, "offset", "偏移", default=0, high=MAX_OFFSET, errors=errors)
    for name, label in (("lat", "纬度"), ("lng", "经度"), ("radius_km", "半径（公里）")):
        raw = (first.get(name) or "").strip()
        if raw:
            try:
                value = float(raw)
            except ValueError:
                value = None
            if value is None or not math.isfinite(value):
                errors.add(name, f"{label}应为数字")
            else:
                setattr(f, name, value)
    if f.wage_min is not None and f.wage_min < 0:
        errors.add("wage_min", "最低月薪不能是负数")
    benefits = [b for value in args.getlist("benefits") for b in value.replace("，", ",").split(",") if b]
    if any(b not in BENEFITS for b in benefits):
        errors.add("benefits", f"福利只能是：{'、'.join(BENEFITS)}")
    f.benefits = benefits
    if (f.lat is None) != (f.lng is None):
        errors.add("lat" if f.lat is None else "lng", "经纬度要一起给")
    if f.radius_km is not None and (f.lat is None or f.radius_km <= 0 or f.radius_km > 2000):
        errors.add("radius_km", "按距离找需要经纬度，半径在 0 到 2000 公里之间")
    sort = (first.get("sort") or "relevance").strip()
    if sort not in SORTS:
        errors.add("sort", f"排序应为 {', '.join(SORTS)} 之一")
    elif sort == "distance" and f.lat is None:
        errors.add("sort", "按距离排序需要经纬度 lat、lng")
    f.sort = sort
    if not 1 <= f.limit <= MAX_LIMIT:
        errors.add("limit", f"每页条数应在 1 到 {MAX_LIMIT} 之间")
    if f.offset < 0:
        errors.add("offset", "偏移不能是负数")
    errors.raise_if_any()
    return f


def wage_text(wage_min: int | None, wage_max: int | None, wage_unit: str | None) -> str:
    unit = WAGE_UNIT_NAMES.get(wage_unit or "", "")
    if wage_min == wage_max:
        return f"{wage_min}{unit}"
    return f"{wage_min}-{wage_max}{unit}"


def terms_public(get: Any) -> dict[str, Any]:
    """The posting's terms with their Chinese names; ``get(name)`` reads a field (a row's or a document's)."""
    values = {name: get(name) for name in TERM_FIELDS}
    hours, rooms = values["hours_per_day"], values["couple_rooms"]
    shift = SHIFT_PATTERN_NAMES.get(values["shift_pattern"] or "")
    shift_text = "，".join(p for p in (shift, f"每天 {hours} 小时" if hours else None, values["work_hours"]) if p)
    return values | {
        "pay_cycle_name": PAY_CYCLE_NAMES.get(values["pay_cycle"] or ""),
        "shift_pattern_name": shift,
        "shift_text": shift_text or None,
        "meals_name": MEAL_NAMES.get(values["meals"] or ""),
        "couple_rooms_text": None if rooms is None else ("有夫妻房" if rooms else "无夫妻房"),
        "age_requirement": describe_age(values["age_min"], values["age_max"])
        if (values["age_min"] or values["age_max"]) else None,
    }


def job_public(job: Job, employer: Employer, *, today: date, full: bool = True) -> dict[str, Any]:
    """A posting as it leaves the building; the employer's accepted complaints are the count kept on the
    employer (market.complaints.services.refresh_employer_count), never counted here."""
    out: dict[str, Any] = {
        "id": job.id,
        "external_id": job.external_id,
        "title": job.title,
        "employer": {"id": employer.id, "name": employer.name, "verified": employer.status == EMPLOYER_VERIFIED,
                     "open_wage_complaints": employer.open_wage_complaints or 0},
        "occupation": job.occupation,
        "occupation_name": taxonomy.name_of(job.occupation),
        "adcode": job.adcode,
        "place": regions.full_name(job.adcode),
        "address": job.address,
        "lat": job.lat,
        "lng": job.lng,
        "wage_min": job.wage_min,
        "wage_max": job.wage_max,
        "wage_unit": job.wage_unit,
        "wage_text": wage_text(job.wage_min, job.wage_max, job.wage_unit),
        "employment_type": job.employment_type,
        "employment_type_name": EMPLOYMENT_TYPE_NAMES.get(job.employment_type, ""),
        "headcount": job.headcount,
        "benefits": job.benefits,
        "cert_required": job.cert_required,
        "skill_level_required": job.skill_level_required,
        "cooperation": job.cooperation,
        "posted_at": job.posted_at.isoformat(),
        "closes_at": job.closes_at.isoformat(),
        "status": effective_status(job, today),
    }
    out.update(terms_public(lambda name: getattr(job, name)))
    if job.review_status == REVIEW_HELD:  # only its employer and staff ever see a held posting
        out["status"] = "held"
        out["held_reason"] = job.review_reason
    if full:
        out["description"] = job.description
        out["hired_count"] = job.hired_count
    return out


def open_on_clause(day: date):
    return and_(Job.posted_at <= day, Job.closes_at > day, Job.status.not_in((JOB_PAUSED, JOB_TAKEN_DOWN)),
                Job.review_status != REVIEW_HELD, Employer.status == EMPLOYER_VERIFIED)


def _text_clause(term: str):
    codes = taxonomy.occupations_in(term)
    words = {term}
    for code in codes:
        words.update(taxonomy.get(code).aliases)
    like = [or_(Job.title.contains(w), Job.description.contains(w), Job.address.contains(w)) for w in words]
    if codes:
        like.append(Job.occupation.in_(codes))
    places = regions.lookup_name(term)
    for region in places:
        column = {regions.PROVINCE: Job.province_adcode, regions.CITY: Job.city_adcode}.get(region.level, Job.adcode)
        like.append(column == region.adcode)
    return or_(*like)


def browse_db(session: Session, f: JobFilters, *, today: date) -> Page:
    day = f.open_on or today
    clauses = [open_on_clause(day)]
    if f.province:
        clauses.append(Job.province_adcode == f.province)
    if f.city:
        clauses.append(Job.city_adcode == f.city)
    if f.county:
        clauses.append(Job.adcode == f.county)
    if f.occupation:
        clauses.append(Job.occupation == f.occupation)
    if f.employment_type:
        clauses.append(Job.employment_type == f.employment_type)
    if f.wage_min is not None:
        clauses.append(Job.wage_monthly_max >= f.wage_min)
    if f.benefits:
        mask = benefit_mask(f.benefits)
        clauses.append(Job.benefit_mask.op("&")(mask) == mask)
    for term in f.q.split():
        clauses.append(_text_clause(term))
    if f.radius_km is not None:
        # A bounding box in SQL; the exact circle is checked below.
        dlat = f.radius_km / 111.0
        dlng = f.radius_km / (111.0 * max(0.1, math.cos(math.radians(f.lat))))
        clauses += [Job.lat.between(f.lat - dlat, f.lat + dlat), Job.lng.between(f.lng - dlng, f.lng + dlng)]

    base = select(Job, Employer).join(Employer, Employer.id == Job.employer_id).where(*clauses)
    if f.radius_km is not None or f.sort == "distance":
        rows = list(session.exec(base))
        scored = [(regions.distance_km(f.lat, f.lng, j.lat, j.lng), j, e) for j, e in rows if j.lat is not None]
        if f.radius_km is not None:
            scored = [s for s in scored if s[0] <= f.radius_km]
        if f.sort == "distance":
            scored.sort(key=lambda s: (s[0], -s[1].id))
        else:
            scored.sort(key=lambda s: (s[1].posted_at, s[1].id), reverse=True)
        total = len(scored)
        window = scored[f.offset:f.offset + f.limit]
        hits = [job_public(j, e, today=today, full=False) | {"distance_km": round(d, 1)} for d, j, e in window]
        return Page(total=total, hits=hits)

    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    if f.sort == "wage":
        order = (Job.wage_monthly_max.desc().nulls_last(), Job.posted_at.desc(), Job.id.desc())
    else:
        order = (Job.posted_at.desc(), Job.id.desc())
    rows = session.exec(base.order_by(*order).offset(f.offset).limit(f.limit))
    return Page(total=total, hits=[job_public(j, e, today=today, full=False) for j, e in rows])
