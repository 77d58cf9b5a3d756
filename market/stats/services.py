"""Labour flows: applications and hires from the workers' home provinces to the postings' provinces.

Cells with few applications are left out, so no one can be picked out of a table of small numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from market import validate
from market.errors import FieldErrors
from market.models import HIRED, Application, Job, Worker
from vocab import regions

SUPPRESSED_BELOW = 5
MAX_SPAN = timedelta(days=3 * 366)


def parse_period(raw_from: str | None, raw_to: str | None) -> tuple[date, date]:
    """Both dates included; at most about three years."""
    errors = FieldErrors()
    bounds: dict[str, date] = {}
    for field, raw, label in (("from", raw_from, "开始日期"), ("to", raw_to, "结束日期")):
        text = (raw or "").strip()
        if not text:
            errors.add(field, f"请填写{label}（{field}），如 2026-01-01")
            continue
        day = validate.day(text, field, label, errors=errors)
        if day is not None:
            bounds[field] = day
    if len(bounds) == 2:
        start, end = bounds["from"], bounds["to"]
        if start > end:
            errors.add("to", "结束日期（to）不能早于开始日期（from）")
        elif end - start > MAX_SPAN:
            errors.add("to", "统计区间最长 3 年，请缩短")
    errors.raise_if_any()
    return bounds["from"], bounds["to"]


def flows(session: Session, *, start: date, end: date) -> list[dict]:
    """One GROUP BY in SQL; the same statement on SQLite and PostgreSQL. Busiest routes first."""
    from_province = func.substr(Worker.hometown_adcode, 1, 2)
    to_province = func.substr(Job.province_adcode, 1, 2)
    applications = func.count(Application.id)
    hires = func.sum(case((Application.status == HIRED, 1), else_=0))
    rows = session.exec(
        select(from_province, to_province, applications, hires)
        .select_from(Application)
        .join(Worker, Worker.id == Application.worker_id)
        .join(Job, Job.id == Application.job_id)
        .where(Application.applied_at >= start, Application.applied_at <= end,
               Worker.hometown_adcode.is_not(None), Worker.hometown_adcode != "")
        .group_by(from_province, to_province)
        .having(applications >= SUPPRESSED_BELOW)
        .order_by(applications.desc(), from_province, to_province))
    return [{"from_province": f, "to_province": t, "applications": int(n), "hires": int(h or 0)}
            for f, t, n, h in rows]


def province_name(code: str) -> str:
    region = regions.get(f"{code}0000")
    return region.name if region else code
