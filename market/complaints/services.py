"""Wage complaints: filing one (against an employer, or a posting that names it), the bureau's queue, and
moving a complaint along while the worker hears of every step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, update
from sqlmodel import Session, col, select

from market import clock, validate
from market.audit import record
from market.errors import Conflict, FieldErrors, Invalid, NotFound
from market.models import (
    ADMIN,
    COMPLAINT_DISMISSED,
    COMPLAINT_FILED,
    COMPLAINT_IN_PROGRESS,
    COMPLAINT_OPEN_STATUSES,
    COMPLAINT_RESOLVED,
    JOB_TAKEN_DOWN,
    Application,
    ComplaintEvent,
    Employer,
    Job,
    User,
    WageComplaint,
    Worker,
)
from market.notify import notify
from market.outbox import enqueue_index
from market.postings.access import visible_to
from market.sms import SmsSender
from market.worklog.services import evidence_for

STATUS_NAMES = {COMPLAINT_FILED: "已提交，等待受理", COMPLAINT_IN_PROGRESS: "处理中",
                COMPLAINT_RESOLVED: "已解决", COMPLAINT_DISMISSED: "不予受理"}
# Where staff may move a complaint from where it is; resolved and dismissed are final.
MOVES = {
    COMPLAINT_FILED: (COMPLAINT_IN_PROGRESS, COMPLAINT_RESOLVED, COMPLAINT_DISMISSED),
    COMPLAINT_IN_PROGRESS: (COMPLAINT_RESOLVED, COMPLAINT_DISMISSED),
}
NOTE_REQUIRED = (COMPLAINT_RESOLVED, COMPLAINT_DISMISSED)

# The steps of a complaint's life, each kept in its history with its note. Accepting moves filed →
# in_progress; resolving and dismissing end it; the rest happen while it is being handled.
ACCEPT, ASSIGN, CONTACT, MEDIATE, ESCALATE_INSPECTION, ESCALATE_ARBITRATION, RESOLVE, DISMISS, NOTE = (
    "accept", "assign", "contact", "mediate", "escalate_inspection", "escalate_arbitration", "resolve", "dismiss",
    "note")
FILED = "filed"
ACTION_NAMES = {FILED: "提交投诉", ACCEPT: "受理", ASSIGN: "指派经办人", CONTACT: "联系当事人", MEDIATE: "调解",
                ESCALATE_INSPECTION: "移送劳动监察", ESCALATE_ARBITRATION: "引导申请劳动仲裁", RESOLVE: "办结",
                DISMISS: "不予受理", NOTE: "备注"}
STAGE_NAMES = {ACCEPT: "已受理", ASSIGN: "已指派", CONTACT: "已联系", MEDIATE: "调解中",
               ESCALATE_INSPECTION: "劳动监察处理中", ESCALATE_ARBITRATION: "劳动仲裁中"}
# Where each step leads (None: the status stays), and from which statuses it may be taken.
_STEP_STATUS = {ACCEPT: COMPLAINT_IN_PROGRESS, RESOLVE: COMPLAINT_RESOLVED, DISMISS: COMPLAINT_DISMISSED}
_STEP_FROM = {ACCEPT: (COMPLAINT_FILED,), ASSIGN: COMPLAINT_OPEN_STATUSES, NOTE: COMPLAINT_OPEN_STATUSES,
              CONTACT: (COMPLAINT_IN_PROGRESS,), MEDIATE: (COMPLAINT_IN_PROGRESS,),
              ESCALATE_INSPECTION: (COMPLAINT_IN_PROGRESS,), ESCALATE_ARBITRATION: (COMPLAINT_IN_PROGRESS,),
              RESOLVE: COMPLAINT_OPEN_STATUSES, DISMISS: COMPLAINT_OPEN_STATUSES}
_STEP_NEEDS_NOTE = (CONTACT, MEDIATE, ESCALATE_INSPECTION, ESCALATE_ARBITRATION, RESOLVE, DISMISS, NOTE)
# Deadlines (calendar days from the step): deciding to accept within 5 working days (劳动保障监察条例
# 第十五条), handling within 60 working days (第十八条), arbitration 45 days (劳动争议调解仲裁法 第四十三条).
ACCEPT_WITHIN_DAYS = 7
HANDLE_WITHIN_DAYS = 84
ARBITRATION_WITHIN_DAYS = 45
_STEP_DUE = {ACCEPT: HANDLE_WITHIN_DAYS, ESCALATE_INSPECTION: HANDLE_WITHIN_DAYS,
             ESCALATE_ARBITRATION: ARBITRATION_WITHIN_DAYS}
STATUS_STEP = {COMPLAINT_IN_PROGRESS: ACCEPT, COMPLAINT_RESOLVED: RESOLVE, COMPLAINT_DISMISSED: DISMISS}
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
    handler: User | None = None
    history: list[ComplaintEvent] = field(default_factory=list)
    actors: dict[int | None, str] = field(default_factory=dict)  # staff who took a step: their names, for staff


def accepted_count(session: Session, employer_id: int) -> int:
    """What a posting shows: complaints staff accepted (受理, in progress), not yet resolved or dismissed,
    filed by workers who applied to (or were hired by) this employer. Anyone may file; only these count."""
    applied = (select(Application.id).join(Job, col(Job.id) == Application.job_id)
               .where(Application.worker_id == WageComplaint.worker_id, Job.employer_id == employer_id))
    return session.exec(select(func.count()).select_from(WageComplaint).where(
        WageComplaint.employer_id == employer_id, WageComplaint.status == COMPLAINT_IN_PROGRESS,
        applied.exists())).one()


def refresh_employer_count(session: Session, employer_id: int) -> bool:
    """Recount the employer's accepted complaints; when the number changed, store it and queue every
    posting of the employer for the search index (the count travels in the document). True if changed."""
    employer = session.get(Employer, employer_id)
    count = accepted_count(session, employer_id)
    if employer is None or employer.open_wage_complaints == count:
        return False
    employer.open_wage_complaints = count
    session.add(employer)
    for job_id in session.exec(select(Job.id).where(Job.employer_id == employer_id, Job.status != JOB_TAKEN_DOWN)):
        enqueue_index(session, job_id)  # type: ignore[arg-type]  # a primary key read back is never NULL
    return True


def _positive_int(raw: Any, *, digits: int = 12) -> int | None:
    """A positive whole number from JSON or a form field (full-width digits too); None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        raw = int(text) if text.isdecimal() and len(text) <= digits else None
    return raw if isinstance(raw, int) and 0 < raw <= validate.MAX_INT else None


def _date(errors: FieldErrors, raw: Any, field: str, label: str) -> date | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        errors.add(field, f"请填写{label}，如 2026-05-01")
        return None
    return validate.day(text, field, label, errors=errors)


def _known_to(session: Session, job: Job, worker: Worker) -> bool:
    """A worker may name a posting that is published now, or one they applied to."""
    employer = session.get(Employer, job.employer_id)
    if employer is not None and visible_to(job, employer, None):
        return True
    return session.exec(select(Application.id).where(Application.worker_id == worker.id,
                                                     Application.job_id == job.id)).first() is not None


def _respondent(session: Session, errors: FieldErrors, data: dict,
                worker: Worker) -> tuple[Employer | None, Job | None]:
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
        if job is not None and not _known_to(session, job, worker):
            job = None  # an unpublished posting answers as one that does not exist: its title never leaks
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
    employer, job = _respondent(session, errors, data, worker)

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
    if worker.id is None:
        raise NotFound("没有求职资料")
    if employer.id is None:
        raise NotFound("没有这个单位")

    # A double tap, or the same form sent again: the complaint already on file, never a second one.
    same = session.exec(select(WageComplaint).where(
        WageComplaint.worker_id == worker.id, WageComplaint.employer_id == employer.id,
        WageComplaint.job_id == job.id if job else col(WageComplaint.job_id).is_(None),
        WageComplaint.amount_owed == amount, WageComplaint.period_start == start,
        WageComplaint.period_end == end, col(WageComplaint.status).in_(COMPLAINT_OPEN_STATUSES))).first()
    if same is not None:
        return same, False

    complaint = WageComplaint(worker_id=worker.id, employer_id=employer.id, job_id=job.id if job else None,
                              amount_owed=amount, period_start=start, period_end=end, description=description,
                              due_on=today + timedelta(days=ACCEPT_WITHIN_DAYS),
                              evidence=evidence_for(session, worker=worker, employer_id=employer.id,
                                                    job_id=job.id if job else None))
    session.add(complaint)
    session.flush()
    if complaint.id is None:
        raise NotFound("没有这件投诉")
    session.add(ComplaintEvent(complaint_id=complaint.id, actor_id=user.id, action=FILED, to_status=COMPLAINT_FILED,
                               note=f"投诉 {amount} 元（{start.isoformat()} 至 {end.isoformat()}）"))
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
                    overdue_on: date | None = None, handler_id: int | None = None,
                    limit: int = 50, offset: int = 0) -> tuple[int, list[Row]]:
    """Newest first: the whole queue (worker=None, for staff) or one worker's own complaints. With
    ``overdue_on``: only open complaints whose next step was due before that day, the longest overdue first."""
    clauses: list[ColumnElement[bool]] = []
    if worker is not None:
        clauses.append(col(WageComplaint.worker_id) == worker.id)
    if status is not None:
        clauses.append(col(WageComplaint.status) == status)
    if handler_id is not None:
        clauses.append(col(WageComplaint.handler_id) == handler_id)
    order: tuple[ColumnElement[Any], ...] = (col(WageComplaint.created_at).desc(), col(WageComplaint.id).desc())
    if overdue_on is not None:
        clauses += [col(WageComplaint.status).in_(COMPLAINT_OPEN_STATUSES), col(WageComplaint.due_on) < overdue_on]
        order = (col(WageComplaint.due_on).asc(), col(WageComplaint.id).asc())
    total = session.exec(select(func.count()).select_from(WageComplaint).where(*clauses)).one()
    rows = session.exec(
        select(WageComplaint, Employer, Job, Worker, User)  # type: ignore[call-overload]  # typed up to 4 entities
        .join(Employer, Employer.id == WageComplaint.employer_id)
        .outerjoin(Job, Job.id == WageComplaint.job_id)
        .join(Worker, Worker.id == WageComplaint.worker_id)
        .join(User, User.id == Worker.user_id)
        .where(*clauses)
        .order_by(*order)
        .offset(offset).limit(limit))
    out = [Row(*row) for row in rows]
    _attach(session, out)
    return total, out


def overdue_count(session: Session, today: date) -> int:
    return session.exec(select(func.count()).select_from(WageComplaint).where(
        col(WageComplaint.status).in_(COMPLAINT_OPEN_STATUSES), col(WageComplaint.due_on) < today)).one()


def _attach(session: Session, rows: list[Row]) -> None:
    """Each row's history (oldest step first) and handler, in two queries for the whole page."""
    if not rows:
        return
    ids = [r.complaint.id for r in rows]
    events: dict[int | None, list[ComplaintEvent]] = {i: [] for i in ids}
    for event in session.exec(select(ComplaintEvent).where(col(ComplaintEvent.complaint_id).in_(ids))
                              .order_by(col(ComplaintEvent.at), col(ComplaintEvent.id))):
        events[event.complaint_id].append(event)
    people = {r.complaint.handler_id for r in rows if r.complaint.handler_id}
    people |= {e.actor_id for history in events.values() for e in history if e.actor_id}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(people)))} if people else {}
    for r in rows:
        r.history = events[r.complaint.id]
        r.handler = users.get(r.complaint.handler_id)
        r.actors = {i: u.name for i, u in users.items() if u.role == ADMIN}


def load_row(session: Session, complaint: WageComplaint) -> Row:
    worker = session.get(Worker, complaint.worker_id)
    employer = session.get(Employer, complaint.employer_id)
    user = session.get(User, worker.user_id) if worker is not None else None
    if worker is None or employer is None or user is None:
        raise NotFound("没有这件投诉")
    row = Row(complaint, employer, session.get(Job, complaint.job_id) if complaint.job_id else None, worker, user)
    _attach(session, [row])
    return row


def visible_complaint(session: Session, complaint_id: int, user: User) -> WageComplaint | None:
    """Only the worker who filed it and staff ever see a complaint; to anyone else it does not exist."""
    complaint = session.get(WageComplaint, complaint_id)
    if complaint is None:
        return None
    if user.role == ADMIN:
        return complaint
    worker = session.get(Worker, complaint.worker_id)
    return complaint if worker is not None and worker.user_id == user.id else None


def staff_handlers(session: Session) -> list[User]:
    return list(session.exec(select(User).where(User.role == ADMIN, col(User.active).is_(True))
                             .order_by(col(User.id))))


def _event_public(e: ComplaintEvent, *, for_staff: bool, names: dict[int | None, str]) -> dict:
    out = {"action": e.action, "action_name": ACTION_NAMES.get(e.action, e.action), "from_status": e.from_status,
           "to_status": e.to_status, "note": e.note, "at": clock.to_china(e.at).isoformat(timespec="seconds"),
           "sms": {True: "已交短信平台发送", False: "已记录，短信未发送", None: "未发短信"}[e.sms_sent]}
    if for_staff:
        out["actor"] = names.get(e.actor_id or 0)
    return out


def complaint_public(row: Row, *, for_staff: bool, today: date | None = None) -> dict:
    """The worker reads their own complaint with its whole history; staff also get the worker's name and
    phone, to call them. Never the worker's ID number or hometown."""
    c = row.complaint
    today = today or clock.today()
    open_now = c.status in COMPLAINT_OPEN_STATUSES
    names = row.actors | {row.user.id: "投诉人"}
    out = {
        "id": c.id,
        "status": c.status,
        "status_name": STATUS_NAMES.get(c.status, c.status),
        "stage": c.stage,
        "stage_name": STAGE_NAMES.get(c.stage or "", ""),
        "employer": {"id": row.employer.id, "name": row.employer.name},
        "job": {"id": row.job.id, "title": row.job.title} if row.job else None,
        "amount_owed": c.amount_owed,
        "period_start": c.period_start.isoformat(),
        "period_end": c.period_end.isoformat(),
        "description": c.description,
        "note": c.resolution_note,
        "evidence": c.evidence or {},
        "handler": {"id": row.handler.id, "name": row.handler.name} if row.handler else None,
        "due_on": c.due_on.isoformat() if c.due_on and open_now else None,
        "overdue_days": (today - c.due_on).days if c.due_on and open_now and c.due_on < today else 0,
        "history": [_event_public(e, for_staff=for_staff, names=names) for e in row.history],
        "created_at": clock.to_china(c.created_at).isoformat(timespec="seconds"),
        "updated_at": clock.to_china(c.updated_at).isoformat(timespec="seconds"),
    }
    if for_staff:
        from market.workers.services import DELETED_NAME

        out["worker"] = {"id": row.worker.id, "name": row.worker.name or row.user.name or DELETED_NAME,
                         "phone": row.user.phone}
    return out


def _message(complaint: WageComplaint, employer: Employer, step: str, note: str, handler: User | None) -> str:
    about = f"您对「{employer.name}」的欠薪投诉（{complaint.amount_owed} 元）"
    if step == ACCEPT:
        body = f"{about}已由人社部门受理，正在处理，工作人员会打电话联系您。"
        if note:
            body += f"说明：{note}"
    elif step == RESOLVE:
        body = f"{about}已处理完毕：{note}"
    elif step == DISMISS:
        body = f"{about}不予受理：{note}。如有疑问请拨打 12333。"
    elif step == ASSIGN:
        body = f"{about}已由工作人员{handler.name if handler else ''}负责办理。"
    else:
        body = f"{about}有新进展（{ACTION_NAMES[step]}）：{note}"
    return body[:500]


def act(*, session: Session, complaint: WageComplaint, staff: User, step: str, note: Any,
        sms: SmsSender | None, today: date, handler_id: Any = None) -> ComplaintEvent | None:
    """Staff take one step on a complaint. Each step is kept with its note (nothing is overwritten), the
    worker hears of it (inbox, and SMS when a gateway is set up), and the employer's public count follows.
    A status step already taken changes nothing and answers the complaint's latest event (None if it has none)."""
    if complaint.id is None:
        raise NotFound("没有这件投诉")
    if step not in ACTION_NAMES or step == FILED:
        raise Invalid({"action": "操作应为 " + "、".join(f"{k}（{v}）" for k, v in ACTION_NAMES.items() if k != FILED)})
    text = note.strip() if isinstance(note, str) else ""
    errors = FieldErrors()
    if note is not None and not isinstance(note, str):
        errors.add("note", "处理说明应为文字")
    elif step in _STEP_NEEDS_NOTE:
        errors.check(bool(text), "note", "办结或不予受理时请写明处理结果或理由（会告知投诉人）"
                     if step in (RESOLVE, DISMISS) else f"请写明{ACTION_NAMES[step]}的情况（会告知投诉人）")
    errors.check(len(text) <= MAX_NOTE, "note", f"处理说明最多 {MAX_NOTE} 个字")
    handler = None
    if step == ASSIGN:
        hid = _positive_int(handler_id)
        handler = session.get(User, hid) if hid else None
        if handler is None or handler.role != ADMIN or not handler.active:
            errors.add("handler_id", "请选择一位人社工作人员作经办人")
    errors.raise_if_any()

    from_status = complaint.status
    to_status = _STEP_STATUS.get(step, from_status)
    if from_status not in _STEP_FROM[step]:
        if step in _STEP_STATUS and from_status == to_status:
            return session.exec(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint.id)
                                .order_by(col(ComplaintEvent.id).desc())).first()
        target = STATUS_NAMES[to_status] if step in _STEP_STATUS else ACTION_NAMES[step]
        raise Conflict(f"投诉已是“{STATUS_NAMES[from_status]}”，不能{'改为' if step in _STEP_STATUS else ''}“{target}”",
                       fields={"status": "不能这样改"})
    values: dict[str, Any] = {"updated_at": clock.now(), "handled_by": staff.id}
    if step in _STEP_STATUS:
        values["status"] = to_status
    if step in STAGE_NAMES:
        values["stage"] = step
    if step in _STEP_DUE:
        values["due_on"] = today + timedelta(days=_STEP_DUE[step])
    if step == ASSIGN and handler is not None:
        values["handler_id"] = handler.id
    elif step == ACCEPT and complaint.handler_id is None:
        values["handler_id"] = staff.id  # whoever accepts it handles it until someone is assigned
    if text and step in (ACCEPT, RESOLVE, DISMISS):
        values["resolution_note"] = text
    # Conditional on the status read above: two staff handling the same complaint cannot both move it.
    result = session.exec(update(WageComplaint)
                          .where(col(WageComplaint.id) == complaint.id, col(WageComplaint.status) == from_status)
                          .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("这件投诉刚刚被其他工作人员处理过，请刷新后再看", fields={"status": "已被处理"})
    session.refresh(complaint)
    row = load_row(session, complaint)
    delivered = sms is not None and getattr(sms, "delivers", False) and bool(row.user.phone and row.user.active)
    event = ComplaintEvent(complaint_id=complaint.id, actor_id=staff.id, action=step, from_status=from_status,
                           to_status=to_status, note=text or (f"经办人：{handler.name}" if handler else ""),
                           sms_sent=delivered if row.user.phone and sms is not None else None)
    session.add(event)
    record(session, actor=staff, action=f"complaint.{to_status if step in _STEP_STATUS else step}",
           target=("complaint", complaint.id), from_status=from_status)
    notify(session, user=row.user, app=None, body=_message(complaint, row.employer, step, text, handler), sms=sms)
    if to_status != from_status:
        refresh_employer_count(session, complaint.employer_id)
    return event


def change_status(*, session: Session, complaint: WageComplaint, staff: User, to_status: str, note: Any,
                  sms: SmsSender | None, today: date | None = None) -> WageComplaint:
    """The contract's status API: in_progress (accept), resolved or dismissed (filed may end at once)."""
    if to_status not in STATUS_STEP:
        raise Invalid({"status": "状态应为 in_progress（受理处理）、resolved（已解决）或 dismissed（不予受理）"})
    if complaint.status == to_status:
        return complaint
    if complaint.status not in COMPLAINT_OPEN_STATUSES:
        raise Conflict(f"投诉已是“{STATUS_NAMES[complaint.status]}”，不能改为“{STATUS_NAMES[to_status]}”",
                       fields={"status": "不能这样改"})
    act(session=session, complaint=complaint, staff=staff, step=STATUS_STEP[to_status], note=note, sms=sms,
        today=today or clock.today())
    return complaint


def applied_jobs(session: Session, worker: Worker) -> list[dict]:
    """The postings the worker applied to, newest first: the choices on the complaint form."""
    rows = session.exec(select(Job.id, Job.title, Employer.name)
                        .join(Application, col(Application.job_id) == Job.id)
                        .join(Employer, col(Employer.id) == Job.employer_id)
                        .where(Application.worker_id == worker.id)
                        .order_by(col(Application.id).desc()).limit(200))
    return [{"id": job_id, "title": title, "employer_name": name} for job_id, title, name in rows]
