"""The work log (记工): a hired worker records the days worked; the employer confirms or disputes each day
with a reason. Confirmed days are evidence (a wage complaint attaches them); both sides can export them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from market import clock
from market.audit import record
from market.errors import Conflict, FieldErrors, Forbidden, Invalid, NotFound
from market.models import (
    HIRED,
    WORKLOG_CONFIRMED,
    WORKLOG_DISPUTED,
    WORKLOG_PENDING,
    Application,
    Employer,
    Job,
    User,
    Worker,
    WorkLogEntry,
)
from market.notify import notify
from market.sms import SmsSender
from vocab.terms import WAGE_UNIT_NAMES

STATUS_NAMES = {WORKLOG_PENDING: "待单位确认", WORKLOG_CONFIRMED: "单位已确认", WORKLOG_DISPUTED: "单位有异议"}
MAX_BACK_DAYS = 366  # a day worked more than a year ago is for the labour inspectors, not for this log
MAX_NOTE = 200
MAX_REASON = 200
EXPORT_COLUMNS = ("日期", "单位", "岗位", "天数", "小时", "说明", "状态", "单位意见", "约定工资")


@dataclass
class Row:
    entry: WorkLogEntry
    job: Job
    employer: Employer
    worker: Worker


def hired_jobs(session: Session, worker: Worker) -> list[dict]:
    """The jobs the worker was hired for: the only ones a day can be recorded on."""
    rows = session.exec(select(Application, Job, Employer).join(Job, col(Job.id) == Application.job_id)
                        .join(Employer, col(Employer.id) == Job.employer_id)
                        .where(Application.worker_id == worker.id, Application.status == HIRED)
                        .order_by(col(Application.id).desc()))
    return [{"application_id": a.id, "job_id": j.id, "title": j.title, "employer_name": e.name} for a, j, e in rows]


def _number(errors: FieldErrors, raw: Any, field: str, message: str) -> float | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        errors.add(field, message)
        return None
    try:
        value = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        errors.add(field, message)
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinity
        errors.add(field, message)
        return None
    return value


def add_entry(*, session: Session, worker: Worker, user: User, data: dict, today: date) -> WorkLogEntry:
    """One day worked on a job the worker was hired for; each day once per job."""
    errors = FieldErrors()
    raw_app = data.get("application_id")
    app_id = int(raw_app) if isinstance(raw_app, int) and not isinstance(raw_app, bool) else (
        int(raw_app.strip()) if isinstance(raw_app, str) and raw_app.strip().isdecimal()
        and len(raw_app.strip()) <= 12 else None)
    application = session.get(Application, app_id) if app_id else None
    if application is None or application.worker_id != worker.id:
        errors.add("application_id", "请选择您被录用的岗位")
    elif application.status != HIRED:
        errors.add("application_id", "只能给被录用的岗位记工")

    raw_day = data.get("work_date")
    work_date = None
    if not isinstance(raw_day, str) or not raw_day.strip():
        errors.add("work_date", "请填写上工日期，如 2026-05-01")
    else:
        try:
            work_date = date.fromisoformat(raw_day.strip())
        except ValueError:
            errors.add("work_date", "上工日期格式应为 2026-05-01")
    if work_date is not None:
        if work_date > today:
            errors.add("work_date", "上工日期不能晚于今天")
        elif work_date < today - timedelta(days=MAX_BACK_DAYS):
            errors.add("work_date", "只能记一年以内的工；更早的欠薪请直接投诉")

    days = _number(errors, data.get("days"), "days", "天数应为 0.5 或 1")
    if days is None and "days" not in errors.fields:
        days = 1.0
    if days is not None and days not in (0.5, 1.0):
        errors.add("days", "天数应为 0.5（半天）或 1（一天）")
    hours = _number(errors, data.get("hours"), "hours", "小时数应为数字，如 8 或 10.5")
    if hours is not None and not 0 < hours <= 24:
        errors.add("hours", "一天的工时应在 0 到 24 小时之间")

    raw_note = data.get("note")
    if raw_note is not None and not isinstance(raw_note, str):
        errors.add("note", "说明应为文字")
        note = ""
    else:
        note = (raw_note or "").strip()
        errors.check(len(note) <= MAX_NOTE, "note", f"说明最多 {MAX_NOTE} 个字")
    errors.raise_if_any()
    assert application is not None and work_date is not None and days is not None
    if application.id is None or worker.id is None:
        raise NotFound("没有这条申请")

    same = session.exec(select(WorkLogEntry).where(WorkLogEntry.application_id == application.id,
                                                   WorkLogEntry.work_date == work_date)).first()
    if same is not None:
        raise Conflict(f"{work_date.isoformat()} 这天已经记过了", fields={"work_date": "这天已经记过了"})
    job = session.get(Job, application.job_id)
    if job is None or job.id is None:
        raise NotFound("没有这个岗位")
    entry = WorkLogEntry(application_id=application.id, worker_id=worker.id, job_id=job.id,
                         employer_id=job.employer_id, work_date=work_date, days=days, hours=hours, note=note)
    session.add(entry)
    session.flush()
    record(session, actor=user, action="worklog.add", target=("worklog", entry.id), job_id=job.id)
    return entry


def load_for_employer(session: Session, entry_id: int, user: User) -> WorkLogEntry:
    entry = session.get(WorkLogEntry, entry_id)
    if entry is None:
        raise NotFound("没有这条记工")
    employer = session.get(Employer, entry.employer_id)
    if employer is None or employer.owner_id != user.id:
        raise Forbidden("这不是您单位的记工")
    return entry


def decide(*, session: Session, entry: WorkLogEntry, user: User, confirm: Any, reason: Any,
           sms: SmsSender | None) -> WorkLogEntry:
    """The employer confirms a day (final: it is evidence from then on) or disputes it with a reason; a
    disputed day may still be confirmed later. The worker hears of either."""
    if not isinstance(confirm, bool):
        raise Invalid({"confirm": "请选择确认（true）或有异议（false）"})
    text = reason.strip() if isinstance(reason, str) else ""
    if reason is not None and not isinstance(reason, str):
        raise Invalid({"reason": "异议理由应为文字"})
    if not confirm:
        errors = FieldErrors()
        errors.check(bool(text), "reason", "有异议时请写明理由（会告知工人），如“当天没有上工”")
        errors.check(len(text) <= MAX_REASON, "reason", f"理由最多 {MAX_REASON} 个字")
        errors.raise_if_any()
    to_status = WORKLOG_CONFIRMED if confirm else WORKLOG_DISPUTED
    if entry.status == WORKLOG_CONFIRMED:
        if confirm:
            return entry
        raise Conflict("这天已经确认过，确认后不能再改为有异议", fields={"confirm": "已确认"})
    if entry.status == to_status and not confirm:
        raise Conflict("这天已经提过异议", fields={"confirm": "已有异议"})
    from_status = entry.status
    result = session.exec(update(WorkLogEntry).where(col(WorkLogEntry.id) == entry.id,
                                                     col(WorkLogEntry.status) == from_status)
                          .values(status=to_status, dispute_reason=None if confirm else text,
                                  decided_by=user.id, decided_at=clock.now())
                          .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("这条记工刚刚被处理过，请刷新后再看")
    session.refresh(entry)
    record(session, actor=user, action=f"worklog.{to_status}", target=("worklog", entry.id))
    worker = session.get(Worker, entry.worker_id)
    job = session.get(Job, entry.job_id)
    worker_user = session.get(User, worker.user_id) if worker is not None else None
    if job is None or worker_user is None:
        raise NotFound("没有这条记工")
    day = entry.work_date.isoformat()
    body = (f"「{job.title}」{day} 的记工单位已确认。" if confirm
            else f"「{job.title}」{day} 的记工单位有异议：{text}。如工资被拖欠，可在“欠薪投诉”里投诉。")
    notify(session, user=worker_user, app=None, body=body[:500], sms=sms)
    return entry


def list_entries(session: Session, *, worker: Worker | None = None, employer: Employer | None = None,
                 status: str | None = None, limit: int = 500) -> list[Row]:
    """Newest day first: one worker's log, or every day recorded on one employer's jobs."""
    if worker is None and employer is None:
        raise ValueError("a worker or an employer")
    clauses = []
    if worker is not None:
        clauses.append(WorkLogEntry.worker_id == worker.id)
    if employer is not None:
        clauses.append(WorkLogEntry.employer_id == employer.id)
    if status is not None:
        clauses.append(WorkLogEntry.status == status)
    rows = session.exec(select(WorkLogEntry, Job, Employer, Worker)
                        .join(Job, col(Job.id) == WorkLogEntry.job_id)
                        .join(Employer, col(Employer.id) == WorkLogEntry.employer_id)
                        .join(Worker, col(Worker.id) == WorkLogEntry.worker_id)
                        .where(*clauses)
                        .order_by(col(WorkLogEntry.work_date).desc(), col(WorkLogEntry.id).desc()).limit(limit))
    return [Row(*r) for r in rows]


def load_row(session: Session, entry: WorkLogEntry) -> Row:
    job, employer, worker = (session.get(Job, entry.job_id), session.get(Employer, entry.employer_id),
                             session.get(Worker, entry.worker_id))
    if job is None or employer is None or worker is None:
        raise NotFound("没有这条记工")
    return Row(entry, job, employer, worker)


def parse_status(raw: str | None) -> str | None:
    status = (raw or "").strip() or None
    if status is not None and status not in STATUS_NAMES:
        raise Invalid({"status": f"状态应为 {', '.join(STATUS_NAMES)} 之一"})
    return status


def agreed_wage(job: Job) -> dict:
    from market.postings.browse import wage_text

    return {"wage_min": job.wage_min, "wage_max": job.wage_max, "wage_unit": job.wage_unit,
            "text": wage_text(job.wage_min, job.wage_max, job.wage_unit)}


def entry_public(row: Row, *, for_employer: bool = False) -> dict:
    e = row.entry
    out = {
        "id": e.id, "application_id": e.application_id, "work_date": e.work_date.isoformat(), "days": e.days,
        "hours": e.hours, "note": e.note, "status": e.status, "status_name": STATUS_NAMES[e.status],
        "dispute_reason": e.dispute_reason,
        "job": {"id": row.job.id, "title": row.job.title},
        "employer": {"id": row.employer.id, "name": row.employer.name},
        "agreed_wage": agreed_wage(row.job),
    }
    if for_employer:
        out["worker"] = {"id": row.worker.id, "name": row.worker.name}  # never ID number or hometown
    return out


def totals(rows: list[Row]) -> dict:
    confirmed = [r.entry for r in rows if r.entry.status == WORKLOG_CONFIRMED]
    return {"entries": len(rows), "confirmed_entries": len(confirmed),
            "confirmed_days": sum(e.days for e in confirmed),
            "confirmed_hours": sum(e.hours or 0 for e in confirmed)}


def _table(rows: list[Row], *, for_employer: bool) -> tuple[list[str], list[list[Any]]]:
    header = (["工人"] if for_employer else []) + list(EXPORT_COLUMNS)
    body = []
    for r in rows:
        e = r.entry
        wage = agreed_wage(r.job)["text"]
        line = [e.work_date.isoformat(), r.employer.name, r.job.title, e.days,
                e.hours if e.hours is not None else "", e.note, STATUS_NAMES[e.status], e.dispute_reason or "", wage]
        body.append(([r.worker.name] if for_employer else []) + line)
    return header, body


def _safe_cell(value: Any) -> Any:
    """A spreadsheet never runs what a person typed: text that starts like a formula gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(rows: list[Row], *, for_employer: bool) -> bytes:
    header, body = _table(rows, for_employer=for_employer)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for line in body:
        writer.writerow([_safe_cell(v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read the Chinese


def export_xlsx(rows: list[Row], *, for_employer: bool) -> bytes:
    from openpyxl import Workbook

    header, body = _table(rows, for_employer=for_employer)
    book = Workbook()
    sheet = book.active
    sheet.title = "记工"
    sheet.append(header)
    for line in body:
        sheet.append([_safe_cell(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def evidence_for(session: Session, *, worker: Worker, employer_id: int, job_id: int | None) -> dict:
    """What a wage complaint attaches: the confirmed days on that employer's jobs (that job's only when
    one is named) and the wage agreed in the posting."""
    clauses = [WorkLogEntry.worker_id == worker.id, WorkLogEntry.employer_id == employer_id,
               WorkLogEntry.status == WORKLOG_CONFIRMED]
    if job_id is not None:
        clauses.append(WorkLogEntry.job_id == job_id)
    entries = list(session.exec(select(WorkLogEntry).where(*clauses).order_by(col(WorkLogEntry.work_date))))
    out: dict = {
        "work_log": [{"id": e.id, "job_id": e.job_id, "work_date": e.work_date.isoformat(), "days": e.days,
                      "hours": e.hours} for e in entries],
        "confirmed_days": sum(e.days for e in entries),
        "confirmed_hours": sum(e.hours or 0 for e in entries),
    }
    wage_job = session.get(Job, job_id) if job_id is not None else (
        session.get(Job, entries[-1].job_id) if entries else None)
    if wage_job is None:
        hired = session.exec(select(Job).join(Application, col(Application.job_id) == Job.id)
                             .where(Application.worker_id == worker.id, Application.status == HIRED,
                                    Job.employer_id == employer_id).order_by(col(Application.id).desc())).first()
        wage_job = hired
    if wage_job is not None:
        out["agreed_wage"] = agreed_wage(wage_job) | {"job_id": wage_job.id,
                                                      "unit_name": WAGE_UNIT_NAMES.get(wage_job.wage_unit, "")}
    return out
