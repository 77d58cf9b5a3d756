"""Applications: one tap to apply (once, whatever is retried), the employer's decisions, the worker's inbox."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from market import clock, validate
from market.audit import record
from market.errors import AppError, Conflict, FieldErrors, Forbidden, Invalid
from market.models import (
    APPLIED,
    FINAL_STATUSES,
    HIRED,
    INTERVIEW,
    JOB_OPEN,
    NOT_HIRED,
    VIEWED,
    WITHDRAWN,
    Application,
    ApplicationEvent,
    Employer,
    IdempotencyRecord,
    Job,
    User,
    Worker,
)
from market.notify import notify
from market.outbox import touch
from market.postings import services as postings
from market.sms import SmsSender

STATUS_NAMES = {APPLIED: "已投递", VIEWED: "单位已查看", INTERVIEW: "邀请面试", HIRED: "已录用",
                NOT_HIRED: "未录用", WITHDRAWN: "已撤回"}
# What the employer may move an application to, from where it is.
EMPLOYER_MOVES = {
    APPLIED: (VIEWED, INTERVIEW, HIRED, NOT_HIRED),
    VIEWED: (INTERVIEW, HIRED, NOT_HIRED),
    INTERVIEW: (INTERVIEW, HIRED, NOT_HIRED),
}


class IdempotencyMismatch(AppError):
    status = 422
    code = "idempotency_key_reused"


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def apply(*, session: Session, worker: Worker, user: User, job: Job, employer: Employer,
          idempotency_key: str | None = None, fingerprint: str = "",
          before_write: Callable[[], None] | None = None) -> tuple[Application, bool]:
    """The worker's application to ``job`` and whether it was made now (False: it already existed).
    ``before_write`` runs once the reads are done and the application is to be written (the caller takes
    the write lock there); a racing copy that wrote first meanwhile is caught by the unique constraints."""
    key = (idempotency_key or "").strip()[:100] or None
    seen = None
    if key:
        seen = session.exec(select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key)).first()
        if seen is not None:
            if seen.request_hash != fingerprint:
                raise IdempotencyMismatch("同一个 Idempotency-Key 不能用于不同的请求内容",
                                          fields={"Idempotency-Key": "已用于另一个请求"})
            existing = session.get(Application, seen.resource_id)
            if existing is not None:
                return existing, False

    assert worker.id is not None and job.id is not None  # stored rows
    existing = _find(session, worker.id, job.id)
    if existing is not None and existing.status != WITHDRAWN:
        _remember(session, user, key, fingerprint, existing)
        return existing, False

    today = clock.today()
    if not postings.is_open_on(job, today, employer) or postings.effective_status(job, today) != JOB_OPEN:
        raise Conflict("这个岗位已停止招聘", fields={"job_id": "已停止招聘"})
    if not worker.name:
        raise Invalid({"name": "投递前请先在“我的资料”里填写姓名"})
    if before_write is not None:
        before_write()

    if existing is not None:  # applying again after withdrawing: the same application, back in the queue
        _move(session, existing, APPLIED, actor=user)
        _remember(session, user, key, fingerprint, existing)
        return existing, False

    application = Application(worker_id=worker.id, job_id=job.id, status=APPLIED, applied_at=today)
    try:
        with session.begin_nested():  # a double click racing this one hits the unique constraint
            session.add(application)
            session.flush()
    except IntegrityError:
        raced = _find(session, worker.id, job.id)
        if raced is None:
            raise
        return raced, False
    assert application.id is not None  # flushed
    session.add(ApplicationEvent(application_id=application.id, from_status=None, to_status=APPLIED,
                                 actor_id=user.id))
    # The key was looked up above: unseen then, a twin that records it meanwhile fails the commit on the
    # unique constraint (and the caller's retry finds it).
    _remember(session, user, key, fingerprint, application, unseen=seen is None)
    record(session, actor=user, action="application.create", target=("application", application.id))
    return application, True


def _find(session: Session, worker_id: int, job_id: int) -> Application | None:
    return session.exec(select(Application).where(
        Application.worker_id == worker_id, Application.job_id == job_id)).first()


def _remember(session: Session, user: User, key: str | None, fingerprint: str, app: Application, *,
              unseen: bool = False) -> None:
    if key and (unseen or not session.exec(select(IdempotencyRecord.id).where(
            IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key)).first()):
        assert user.id is not None  # a stored account
        session.add(IdempotencyRecord(user_id=user.id, key=key, request_hash=fingerprint, resource_id=app.id))


def _move(session: Session, app: Application, to_status: str, *, actor: User) -> None:
    assert app.id is not None  # a stored application
    session.add(ApplicationEvent(application_id=app.id, from_status=app.status, to_status=to_status,
                                 actor_id=actor.id))
    app.status = to_status
    app.updated_at = clock.now()
    session.add(app)


def withdraw(*, session: Session, app: Application, worker: Worker, user: User) -> Application:
    if app.worker_id != worker.id:
        raise Forbidden()
    if app.status == WITHDRAWN:
        return app
    if app.status in FINAL_STATUSES:
        raise Conflict(f"申请已是“{STATUS_NAMES[app.status]}”，不能撤回")
    _move(session, app, WITHDRAWN, actor=user)
    record(session, actor=user, action="application.withdraw", target=("application", app.id))
    return app


def decide(*, session: Session, app: Application, job: Job, actor: User, worker_user: User | None,
           to_status: str, interview_at: str | None = None, interview_place: str | None = None,
           sms: SmsSender | None = None) -> Application:
    """The employer moves an application on; the worker hears of it in the inbox and by SMS."""
    allowed = EMPLOYER_MOVES.get(app.status, ())
    if not isinstance(to_status, str) or to_status not in STATUS_NAMES or to_status in (APPLIED, WITHDRAWN):
        raise Invalid({"status": "状态应为 viewed（已查看）、interview（面试）、hired（录用）或 not_hired（不录用）"})
    if to_status not in allowed:
        if app.status == to_status:
            return app
        raise Conflict(f"申请已是“{STATUS_NAMES[app.status]}”，不能改为“{STATUS_NAMES[to_status]}”",
                       fields={"status": "不能这样改"})
    if to_status == INTERVIEW:
        errors = FieldErrors()
        when = None
        when = validate.moment(interview_at, "interview_at", "面试时间", errors=errors)
        if when is not None and when.tzinfo is None:  # people give times in China's time
            when = when.replace(tzinfo=clock.CHINA)
        place = (interview_place if isinstance(interview_place, str) else "").strip()
        errors.check(bool(place), "interview_place", "请填写面试地点")
        errors.raise_if_any()
        app.interview_at, app.interview_place = when, place[:200]
    if to_status == HIRED:
        # One statement, so two hires racing for the last place cannot both win.
        result = session.exec(update(Job).where(col(Job.id) == job.id, col(Job.hired_count) < Job.headcount)
                                 .values(hired_count=Job.hired_count + 1))
        if result.rowcount != 1:
            raise Conflict(f"已录满（招 {job.headcount} 人），不能再录用", fields={"status": "已录满"})
        session.refresh(job)
        if job.hired_count >= job.headcount:
            postings.close(session, job, today=clock.today())
        else:
            touch(session, job)
    _move(session, app, to_status, actor=actor)
    record(session, actor=actor, action=f"application.{to_status}", target=("application", app.id))
    if worker_user is not None:
        notify(session, user=worker_user, app=app, body=status_message(app, job), sms=sms)
    return app


def status_message(app: Application, job: Job) -> str:
    title = f"「{job.title}」"
    if app.status == VIEWED:
        return f"您投递的{title}，单位已查看。"
    if app.status == INTERVIEW:
        when = clock.to_china(app.interview_at).strftime("%m月%d日 %H:%M") if app.interview_at else ""
        return f"您投递的{title}，单位邀请您面试：时间 {when}，地点 {app.interview_place}。"
    if app.status == HIRED:
        return f"恭喜！您投递的{title}已被录用，请留意单位的电话。"
    if app.status == NOT_HIRED:
        return f"您投递的{title}这次没有被录用，看看其他岗位吧。"
    return f"您投递的{title}状态更新为：{STATUS_NAMES.get(app.status, app.status)}。"


def application_public(app: Application, job: Job | None = None) -> dict:
    out: dict = {
        "id": app.id, "job_id": app.job_id, "worker_id": app.worker_id, "status": app.status,
        "status_name": STATUS_NAMES.get(app.status, app.status), "applied_at": app.applied_at.isoformat(),
        "interview_at": clock.to_china(app.interview_at).isoformat(timespec="minutes") if app.interview_at else None,
        "interview_place": app.interview_place,
    }
    if job is not None:
        out["job"] = {"id": job.id, "title": job.title}
    return out
