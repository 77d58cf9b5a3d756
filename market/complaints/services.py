"""Wage complaints: filing one (against an employer, or a posting that names it), the bureau's queue, and
moving a complaint along while the worker hears of every step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from market import clock
from market.audit import record
from market.errors import Conflict, FieldErrors, Invalid
from market.models import (
    COMPLAINT_DISMISSED,
    COMPLAINT_FILED,
    COMPLAINT_IN_PROGRESS,
    COMPLAINT_OPEN_STATUSES,
    COMPLAINT_RESOLVED,
    Application,
    Employer,
    Job,
    User,
    WageComplaint,
    Worker,
)
from market.notify import notify
from market.sms import SmsSender

STATUS_NAMES = {COMPLAINT_FILED: "已提交，等待受理", COMPLAINT_IN_PROGRESS: "处理中",
                COMPLAINT_RESOLVED: "已解决", COMPLAINT_DISMISSED: "不予受理"}
# Where staff may move a complaint from where it is; resolved and dismissed are final.
MOVES = {
    COMPLAINT_FILED: (COMPLAINT_IN_PROGRESS, COMPLAINT_RESOLVED, COMPLAINT_DISMISSED),
    COMPLAINT_IN_PROGRESS: (COMPLAINT_RESOLVED, COMPLAINT_DISMISSED),
}
NOTE_REQUIRED = (COMPLAINT_RESOLVED, COMPLAINT_DISMISSED)
MAX_AMOUNT = 1_000_000  # yuan: far above any one worker's arrears, low enough to catch a slip of the finger
MAX_DESCRIPTION = 2000
MAX_NOTE = 300  # the note goes into an SMS and a 500-character inbox message
MAX_LIMIT = 100


@dataclass
class Row:
    """A complaint with what the lists show beside it."""

    complaint: WageComplaint
    employer: Employer
    job: Job | None
    worker: Worker
    user: User


def open_count(session: Session, employer_id: int) -> int:
    """The employer's complaints filed and not yet resolved or dismissed."""
    return session.exec(select(func.count()).select_from(WageComplaint).where(
        WageComplaint.employer_id == employer_id, WageComplaint.status.in_(COMPLAINT_OPEN_STATUSES))).one()


def open_counts(session: Session, employer_ids: set[int]) -> dict[int, int]:
    """Open complaints for several employers at once (a page of postings): one grouped query."""
    if not employer_ids:
        return {}
    rows = session.exec(select(WageComplaint.employer_id, func.count()).where(
        WageComplaint.employer_id.in_(employer_ids), WageComplaint.status.in_(COMPLAINT_OPEN_STATUSES))
        .group_by(WageComplaint.employer_id))
    return dict(rows.all())


def _positive_int(raw: Any, *, digits: int = 12) -> int | None:
    """A positive whole number from JSON or a form field (full-width digits too); None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        raw = int(text) if text.isdecimal() and len(text) <= digits else None
    return raw if isinstance(raw, int) and raw > 0 else None


def _date(errors: FieldErrors, raw: Any, field: str, label: str) -> date | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        errors.add(field, f"请填写{label}，如 2026-05-01")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.add(field, f"{label}格式应为 2026-05-01")
        return None


def _respondent(session: Session, errors: FieldErrors, data: dict) -> tuple[Employer | None, Job | None]:
    """Exactly one of employer_id and job_id; a posting names its employer."""
    raw_employer, raw_job = data.get("employer_id"), data.get("job_id")
    has_employer, has_job = raw_employer not in (None, ""), raw_job not in (None, "")
    if has_employer and has_job:
        errors.add("job_id", "单位（employer_id）和岗位（job_id）只填一个")
        return None, None
    if not has_employer and not has_job:
        errors.add("employer_id", "请选择被投诉的单位（employer_id）或岗位（job_id）")
        return None, None
    if has_job:
        job_id = _positive_int(raw_job)
        job = session.get(Job, job_id) if job_id else None
        if job is None:
            errors.add("job_id", "没有这个编号的岗位" if job_id else "岗位编号（job_id）应为正整数")
            return None, None
        return session.get(Employer, job.employer_id), job
    employer_id = _positive_int(raw_employer)
    employer = session.get(Employer, employer_id) if employer_id else None
    if employer is None:
        errors.add("employer_id", "没有这个编号的单位" if employer_id else "单位编号（employer_id）应为正整数")
    return employer, None


def file_complaint(*, session: Session, worker: Worker, user: User, data: dict,
                   today: date) -> tuple[WageComplaint, bool]:
    """The complaint and whether it was filed now (False: the same open complaint was already on file)."""
    if not worker.name:
        raise Invalid({"name": "投诉前请先在“我的资料”里填写真实姓名，便于人社部门联系您"})
    errors = FieldErrors()
    employer, job = _respondent(session, errors, data)

    raw_amount = data.get("amount_owed")
    amount = _positive_int(raw_amount)
    if raw_amount in (None, ""):
        errors.add("amount_owed", "请填写被拖欠的工资金额（元）")
    else:
        errors.check(amount is not None and amount <= MAX_AMOUNT, "amount_owed",
                     f"欠薪金额应为 1 到 {MAX_AMOUNT} 之间的整数（元）")

    start = _date(errors, data.get("period_start"), "period_start", "欠薪开始日期")
    end = _date(errors, data.get("period_end"), "period_end", "欠薪结束日期")
    if start and end:
        errors.check(start <= end, "period_end", "欠薪结束日期不能早于开始日期")
    if end:
        errors.check(end <= today, "period_end", "欠薪结束日期不能晚于今天")

    raw_description = data.get("description")
    if raw_description is not None and not isinstance(raw_description, str):
        errors.add("description", "情况说明应为文字")
        description = ""
    else:
        description = (raw_description or "").strip()
        errors.check(len(description) <= MAX_DESCRIPTION, "description",
                     f"情况说明最多 {MAX_DESCRIPTION} 个字（现在 {len(description)} 个字）")
    errors.raise_if_any()
    assert employer is not None and amount is not None and start is not None and end is not None

    # A double tap, or the same form sent again: the complaint already on file, never a second one.
    same = session.exec(select(WageComplaint).where(
        WageComplaint.worker_id == worker.id, WageComplaint.employer_id == employer.id,
        WageComplaint.job_id == job.id if job else WageComplaint.job_id.is_(None),
        WageComplaint.amount_owed == amount, WageComplaint.period_start == start,
        WageComplaint.period_end == end, WageComplaint.status.in_(COMPLAINT_OPEN_STATUSES))).first()
    if same is not None:
        return same, False

    complaint = WageComplaint(worker_id=worker.id, employer_id=employer.id, job_id=job.id if job else None,
                              amount_owed=amount, period_start=start, period_end=end, description=description)
    session.add(complaint)
    session.flush()
    record(session, actor=user, action="complaint.file", target=("complaint", complaint.id),
           employer_id=employer.id, job_id=job.id if job else None)
    return complaint, True


def parse_status_filter(raw: str | None) -> str | None:
    status = (raw or "").strip() or None
    if status is not None and status not in STATUS_NAMES:
        raise Invalid({"status": f"状态应为 {', '.join(STATUS_NAMES)} 之一"})
    return status


def parse_page(args: Any) -> tuple[int, int]:
    errors = FieldErrors()
    values = {}
    for name, default, low, high, message in (
            ("limit", 50, 1, MAX_LIMIT, f"每页条数应为 1 到 {MAX_LIMIT} 之间的整数"),
            ("offset", 0, 0, 10**9, "偏移应为不小于 0 的整数")):
        raw = (args.get(name) or "").strip()
        value = default
        if raw:
            value = int(raw) if raw.isdecimal() and len(raw) <= 10 else -1
        values[name] = value
        errors.check(low <= value <= high, name, message)
    errors.raise_if_any()
    return values["limit"], values["offset"]


def list_complaints(session: Session, *, worker: Worker | None = None, status: str | None = None,
                    limit: int = 50, offset: int = 0) -> tuple[int, list[Row]]:
    """Newest first: the whole queue (worker=None, for staff) or one worker's own complaints."""
    clauses = []
    if worker is not None:
        clauses.append(WageComplaint.worker_id == worker.id)
    if status is not None:
        clauses.append(WageComplaint.status == status)
    total = session.exec(select(func.count()).select_from(WageComplaint).where(*clauses)).one()
    rows = session.exec(
        select(WageComplaint, Employer, Job, Worker, User)
        .join(Employer, Employer.id == WageComplaint.employer_id)
        .outerjoin(Job, Job.id == WageComplaint.job_id)
        .join(Worker, Worker.id == WageComplaint.worker_id)
        .join(User, User.id == Worker.user_id)
        .where(*clauses)
        .order_by(WageComplaint.created_at.desc(), WageComplaint.id.desc())
        .offset(offset).limit(limit))
    return total, [Row(*row) for row in rows]


def load_row(session: Session, complaint: WageComplaint) -> Row:
    worker = session.get(Worker, complaint.worker_id)
    return Row(complaint, session.get(Employer, complaint.employer_id),
               session.get(Job, complaint.job_id) if complaint.job_id else None,
               worker, session.get(User, worker.user_id))


def complaint_public(row: Row, *, for_staff: bool) -> dict:
    """The worker reads their own complaint; staff also get the worker's name and phone, to call them.
    Never the worker's ID number or hometown."""
    c = row.complaint
    out = {
        "id": c.id,
        "status": c.status,
        "status_name": STATUS_NAMES.get(c.status, c.status),
        "employer": {"id": row.employer.id, "name": row.employer.name},
        "job": {"id": row.job.id, "title": row.job.title} if row.job else None,
        "amount_owed": c.amount_owed,
        "period_start": c.period_start.isoformat(),
        "period_end": c.period_end.isoformat(),
        "description": c.description,
        "note": c.resolution_note,
        "created_at": clock.to_china(c.created_at).isoformat(timespec="seconds"),
        "updated_at": clock.to_china(c.updated_at).isoformat(timespec="seconds"),
    }
    if for_staff:
        out["worker"] = {"id": row.worker.id, "name": row.worker.name or row.user.name, "phone": row.user.phone}
    return out


def _message(complaint: WageComplaint, employer: Employer, note: str) -> str:
    about = f"您对「{employer.name}」的欠薪投诉（{complaint.amount_owed} 元）"
    if complaint.status == COMPLAINT_IN_PROGRESS:
        body = f"{about}已由人社部门受理，正在处理，工作人员会打电话联系您。"
        if note:
            body += f"说明：{note}"
    elif complaint.status == COMPLAINT_RESOLVED:
        body = f"{about}已处理完毕：{note}"
    else:
        body = f"{about}不予受理：{note}。如有疑问请拨打 12333。"
    return body[:500]


def change_status(*, session: Session, complaint: WageComplaint, staff: User, to_status: str, note: str,
                  sms: SmsSender | None) -> WageComplaint:
    """Staff move a complaint on (filed → in_progress → resolved or dismissed; filed may end at once).
    The worker hears of it in the inbox and by SMS."""
    if to_status not in (COMPLAINT_IN_PROGRESS, COMPLAINT_RESOLVED, COMPLAINT_DISMISSED):
        raise Invalid({"status": "状态应为 in_progress（受理处理）、resolved（已解决）或 dismissed（不予受理）"})
    note = (note or "").strip() if isinstance(note, str) else ""
    errors = FieldErrors()
    if to_status in NOTE_REQUIRED:
        errors.check(bool(note), "note", "办结或不予受理时请写明处理结果或理由（会告知投诉人）")
    errors.check(len(note) <= MAX_NOTE, "note", f"处理说明最多 {MAX_NOTE} 个字")
    errors.raise_if_any()

    from_status = complaint.status
    if to_status not in MOVES.get(from_status, ()):
        if from_status == to_status:
            return complaint
        raise Conflict(f"投诉已是“{STATUS_NAMES[from_status]}”，不能改为“{STATUS_NAMES[to_status]}”",
                       fields={"status": "不能这样改"})
    # Conditional on the status read above: two staff handling the same complaint cannot both move it.
    values: dict[str, Any] = {"status": to_status, "handled_by": staff.id, "updated_at": clock.now()}
    if note:
        values["resolution_note"] = note
    result = session.execute(update(WageComplaint)
                             .where(WageComplaint.id == complaint.id, WageComplaint.status == from_status)
                             .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("这件投诉刚刚被其他工作人员处理过，请刷新后再看", fields={"status": "已被处理"})
    session.refresh(complaint)
    record(session, actor=staff, action=f"complaint.{to_status}", target=("complaint", complaint.id),
           from_status=from_status)
    row = load_row(session, complaint)
    notify(session, user=row.user, app=None, body=_message(complaint, row.employer, note), sms=sms)
    return complaint


def applied_jobs(session: Session, worker: Worker) -> list[dict]:
    """The postings the worker applied to, newest first: the choices on the complaint form."""
    rows = session.exec(select(Job.id, Job.title, Employer.name)
                        .join(Application, Application.job_id == Job.id)
                        .join(Employer, Employer.id == Job.employer_id)
                        .where(Application.worker_id == worker.id)
                        .order_by(Application.id.desc()).limit(200))
    return [{"id": job_id, "title": title, "employer_name": name} for job_id, title, name in rows]
