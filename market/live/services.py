"""Live job fairs (直播带岗): an organiser opens a session, puts open jobs on air one after another, and ends it.

Every change a viewer must see is a ``LiveEvent`` written in the same transaction as the change; the hub
sends it to viewers after commit.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from market import clock
from market.audit import record
from market.errors import Conflict, Forbidden, Invalid, NotFound
from market.models import (
    ADMIN,
    EMPLOYER_VERIFIED,
    JOB_OPEN,
    JOB_TAKEN_DOWN,
    LIVE_ENDED,
    LIVE_ON_AIR,
    LIVE_SCHEDULED,
    ORGANISER,
    Employer,
    Job,
    LiveEvent,
    LiveSession,
    User,
)
from market.postings.browse import job_public
from market.postings.services import effective_status, is_open_on

ON_AIR, ENDED = "on_air", "ended"
# A new viewer starts from the latest of these: what is on air now, or that the session is over.
STATE_EVENTS = (ON_AIR, ENDED)
STATUS_NAMES = {LIVE_SCHEDULED: "未开始", LIVE_ON_AIR: "直播中", LIVE_ENDED: "已结束"}
TITLE_MAX = 100
MAX_ID = 2**31 - 1  # ids are INTEGER columns
_DIGITS = re.compile(r"[0-9]{1,10}")


def may_control(live: LiveSession, user: User) -> bool:
    return user.role == ADMIN or (user.role == ORGANISER and live.organiser_id == user.id)


def get_session(session: Session, session_id: int, *, for_update: bool = False) -> LiveSession:
    # Locking the session row makes a session's events commit in id order (PostgreSQL), which is what lets
    # a viewer resume from the last id it saw.
    live = session.get(LiveSession, session_id, with_for_update=for_update or None)
    if live is None:
        raise NotFound("没有这场直播")
    return live


def controlled_session(session: Session, session_id: int, user: User) -> LiveSession:
    live = get_session(session, session_id, for_update=True)
    if not may_control(live, user):
        raise Forbidden("只有这场直播的组织者可以操作")
    return live


def create_session(*, session: Session, organiser: User, title: object) -> LiveSession:
    if organiser.role not in (ORGANISER, ADMIN):
        raise Forbidden("只有招聘会组织者可以开直播")
    text = title.strip() if isinstance(title, str) else ""
    if not text:
        raise Invalid({"title": "请填写直播标题"})
    if len(text) > TITLE_MAX:
        raise Invalid({"title": f"直播标题不能超过 {TITLE_MAX} 个字"})
    live = LiveSession(organiser_id=organiser.id, title=text)
    session.add(live)
    session.flush()
    record(session, actor=organiser, action="live.create", target=("live_session", live.id))
    return live


def parse_job_id(value: object) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise Invalid({"job_id": "请填写要上播的岗位编号（job_id，正整数）"})
    return value




def put_on_air(*, session: Session, live: LiveSession, actor: User, job_id: int, today: date) -> LiveEvent:
    """The job must be open today: published by a verified employer, not paused, closed or full."""
    if live.status == LIVE_ENDED:
        raise Conflict("这场直播已结束，不能再上播岗位", fields={"status": "直播已结束"})
    job = session.get(Job, job_id)
    if job is None:
        raise Invalid({"job_id": f"没有编号为 {job_id} 的岗位"})
    employer = session.get(Employer, job.employer_id)
    if not (is_open_on(job, today, employer) and effective_status(job, today) == JOB_OPEN):
        raise Conflict("这个岗位今天不在招聘，不能上播",
                       fields={"job_id": "岗位已截止、暂停、招满或未通过审核"})
    live.on_air_job_id = job.id
    live.status = LIVE_ON_AIR
    session.add(live)
    event = LiveEvent(session_id=live.id, event=ON_AIR, data={
        "job": job_public(job, employer, today=today)})
    session.add(event)
    session.flush()
    record(session, actor=actor, action="live.on_air", target=("live_session", live.id), job_id=job.id)
    return event


def end_session(*, session: Session, live: LiveSession, actor: User) -> LiveEvent | None:
    """Ends the session; ending it again changes nothing (None)."""
    if live.status == LIVE_ENDED:
        return None
    live.status = LIVE_ENDED
    live.ended_at = clock.now()
    live.on_air_job_id = None
    session.add(live)
    event = LiveEvent(session_id=live.id, event=ENDED,
                      data={"session_id": live.id, "ended_at": live.ended_at.isoformat(timespec="seconds")})
    session.add(event)
    session.flush()
    record(session, actor=actor, action="live.end", target=("live_session", live.id))
    return event


def on_air_job(session: Session, live: LiveSession, *, today: date) -> dict | None:
    """The job on air now, as anyone may read it (nothing when it has since been taken down)."""
    if live.on_air_job_id is None:
        return None
    job = session.get(Job, live.on_air_job_id)
    employer = session.get(Employer, job.employer_id) if job else None
    if job is None or employer is None or employer.status != EMPLOYER_VERIFIED or job.status == JOB_TAKEN_DOWN:
        return None
    return job_public(job, employer, today=today)


def session_public(session: Session, live: LiveSession, *, today: date) -> dict:
    return {"id": live.id, "title": live.title, "status": live.status,
            "status_name": STATUS_NAMES.get(live.status, live.status),
            "on_air_job": on_air_job(session, live, today=today),
            "created_at": live.created_at.isoformat(timespec="seconds"),
            "ended_at": live.ended_at.isoformat(timespec="seconds") if live.ended_at else None,
            "events_url": f"/live/{live.id}/events"}


def sessions_of(session: Session, user: User, limit: int = 50) -> list[LiveSession]:
    query = select(LiveSession).order_by(LiveSession.id.desc()).limit(limit)
    if user.role != ADMIN:
        query = query.where(LiveSession.organiser_id == user.id)
    return list(session.exec(query))


def start_cursor(session: Session, live: LiveSession, last_event_id: int | None) -> int:
    """Where a viewer's stream starts: after the id it last saw, or, for a new viewer, just before the
    latest on-air (or ended) event so it sees the current job at once."""
    if last_event_id is not None:
        return last_event_id
    latest = session.exec(select(func.max(LiveEvent.id)).where(
        LiveEvent.session_id == live.id, LiveEvent.event.in_(STATE_EVENTS))).one()
    return latest - 1 if latest else 0


def has_events_after(session: Session, live: LiveSession, cursor: int) -> bool:
    return session.exec(select(LiveEvent.id).where(LiveEvent.session_id == live.id, LiveEvent.id > cursor)
                        .limit(1)).first() is not None


def parse_last_event_id(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _DIGITS.fullmatch(value) or int(value) > MAX_ID:
        raise Invalid({"last_event_id": "Last-Event-ID 应为事件编号（非负整数）"})
    return int(value)
