"""Live job fairs (直播带岗): an organiser opens a session, puts open jobs on air one after another, and ends it.

Every change a viewer must see is a ``LiveEvent`` written in the same transaction as the change; the hub
sends it to viewers after commit.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from market import clock
from market.applications import services as applications
from market.applications.services import STATUS_NAMES as APPLICATION_STATUS_NAMES
from market.audit import record
from market.db import write_intent
from market.errors import Conflict, Forbidden, Invalid, NotFound
from market.fairs.services import booths as fair_booths
from market.models import (
    ADMIN,
    EMPLOYER_VERIFIED,
    JOB_OPEN,
    JOB_TAKEN_DOWN,
    LIVE_ENDED,
    LIVE_ON_AIR,
    LIVE_SCHEDULED,
    ORGANISER,
    Application,
    Employer,
    Fair,
    Job,
    LiveAiring,
    LiveApplication,
    LiveEvent,
    LivePresence,
    LiveQueueItem,
    LiveSession,
    User,
    Worker,
)
from market.postings.browse import JobFilters, browse_db, job_public
from market.postings.services import effective_status, is_open_on
from market.recommend import RankerService
from market.workers.services import require_worker, worker_for_employer, worker_of

ON_AIR, ENDED = "on_air", "ended"
# A new viewer starts from the latest of these: what is on air now, or that the session is over.
STATE_EVENTS = (ON_AIR, ENDED)
STATUS_NAMES = {LIVE_SCHEDULED: "未开始", LIVE_ON_AIR: "直播中", LIVE_ENDED: "已结束"}
TITLE_MAX = 100
STREAM_URL_MAX = 500
QUEUE_MAX = 200
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


def _fair_id(session: Session, organiser: User, value: object) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise Invalid({"fair_id": "招聘会编号（fair_id）应为正整数"})
    fair = session.get(Fair, value)
    if fair is None:
        raise Invalid({"fair_id": f"没有编号为 {value} 的招聘会"})
    if organiser.role != ADMIN and fair.organiser_id != organiser.id:
        raise Forbidden("只能为自己组织的招聘会开直播")
    return fair.id


def _stream_url(value: object) -> str | None:
    if value in (None, ""):
        return None
    text = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(text)
    if len(text) > STREAM_URL_MAX or parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise Invalid({"stream_url": "直播视频地址应为 http:// 或 https:// 开头的网址（500 字以内）"})
    return text


def create_session(*, session: Session, organiser: User, title: object, fair_id: object = None,
                   stream_url: object = None) -> LiveSession:
    if organiser.role not in (ORGANISER, ADMIN) or organiser.id is None:
        raise Forbidden("只有招聘会组织者可以开直播")
    text = title.strip() if isinstance(title, str) else ""
    errors: dict[str, str] = {}
    if not text:
        errors["title"] = "请填写直播标题"
    elif len(text) > TITLE_MAX:
        errors["title"] = f"直播标题不能超过 {TITLE_MAX} 个字"
    try:
        url = _stream_url(stream_url)
    except Invalid as exc:
        errors.update(exc.fields)
    if errors:
        raise Invalid(errors)
    live = LiveSession(organiser_id=organiser.id, title=text, fair_id=_fair_id(session, organiser, fair_id),
                       stream_url=url)
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
    if live.id is None:
        raise NotFound("没有这场直播")
    if live.status == LIVE_ENDED:
        raise Conflict("这场直播已结束，不能再上播岗位", fields={"status": "直播已结束"})
    job = session.get(Job, job_id)
    if job is None or job.id is None:
        raise Invalid({"job_id": f"没有编号为 {job_id} 的岗位"})
    employer = session.get(Employer, job.employer_id)
    if employer is None or not (is_open_on(job, today, employer) and effective_status(job, today) == JOB_OPEN):
        raise Conflict("这个岗位今天不在招聘，不能上播",
                       fields={"job_id": "岗位已截止、暂停、招满或未通过审核"})
    now = clock.now()
    _close_airing(session, live, now)
    live.on_air_job_id = job.id
    live.status = LIVE_ON_AIR
    session.add(live)
    session.add(LiveAiring(session_id=live.id, job_id=job.id, started_at=now,
                           viewers=viewers_now(session, live.id)))
    item = session.exec(select(LiveQueueItem).where(LiveQueueItem.session_id == live.id,
                                                    LiveQueueItem.job_id == job.id)).first()
    if item is not None and item.aired_at is None:
        item.aired_at = now
        session.add(item)
    event = LiveEvent(session_id=live.id, event=ON_AIR, data={
        "job": job_public(job, employer, today=today)})
    session.add(event)
    session.flush()
    record(session, actor=actor, action="live.on_air", target=("live_session", live.id), job_id=job.id)
    return event


def end_session(*, session: Session, live: LiveSession, actor: User) -> LiveEvent | None:
    """Ends the session; ending it again changes nothing (None)."""
    if live.id is None:
        raise NotFound("没有这场直播")
    if live.status == LIVE_ENDED:
        return None
    live.status = LIVE_ENDED
    live.ended_at = clock.now()
    _close_airing(session, live, live.ended_at)
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
    return {"id": live.id, "title": live.title, "status": live.status, "fair_id": live.fair_id,
            "stream_url": live.stream_url,
            "status_name": STATUS_NAMES.get(live.status, live.status),
            "on_air_job": on_air_job(session, live, today=today),
            "created_at": live.created_at.isoformat(timespec="seconds"),
            "ended_at": live.ended_at.isoformat(timespec="seconds") if live.ended_at else None,
            "events_url": f"/live/{live.id}/events"}


def sessions_of(session: Session, user: User, limit: int = 50) -> list[LiveSession]:
    query = select(LiveSession).order_by(col(LiveSession.id).desc()).limit(limit)
    if user.role != ADMIN:
        query = query.where(LiveSession.organiser_id == user.id)
    return list(session.exec(query))


def start_cursor(session: Session, live: LiveSession, last_event_id: int | None) -> int:
    """Where a viewer's stream starts: after the id it last saw, or, for a new viewer, just before the
    latest on-air (or ended) event so it sees the current job at once."""
    if last_event_id is not None:
        return last_event_id
    latest = session.exec(select(func.max(LiveEvent.id)).where(
        LiveEvent.session_id == live.id, col(LiveEvent.event).in_(STATE_EVENTS))).one()
    return latest - 1 if latest else 0


def has_events_after(session: Session, live: LiveSession, cursor: int) -> bool:
    return session.exec(select(LiveEvent.id).where(LiveEvent.session_id == live.id, col(LiveEvent.id) > cursor)
                        .limit(1)).first() is not None


def parse_last_event_id(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _DIGITS.fullmatch(value) or int(value) > MAX_ID:
        raise Invalid({"last_event_id": "Last-Event-ID 应为事件编号（非负整数）"})
    return int(value)


# ---- who watches ----

PRESENCE_FRESH_SECONDS = 30


def viewers_now(session: Session, session_id: int) -> int:
    """Viewers of a session across every serving process (each writes its own count every few seconds)."""
    since = clock.now() - timedelta(seconds=PRESENCE_FRESH_SECONDS)
    total = session.exec(select(func.sum(LivePresence.viewers)).where(
        LivePresence.session_id == session_id, LivePresence.updated_at >= since)).one()
    return int(total or 0)


def _close_airing(session: Session, live: LiveSession, now: datetime) -> None:
    open_airing = session.exec(select(LiveAiring).where(LiveAiring.session_id == live.id,
                                                        col(LiveAiring.ended_at).is_(None))).all()
    for airing in open_airing:
        airing.ended_at = now
        session.add(airing)


# ---- the queue of postings to present ----

def _queue_items(session: Session, live: LiveSession) -> list[LiveQueueItem]:
    return list(session.exec(select(LiveQueueItem).where(LiveQueueItem.session_id == live.id)
                             .order_by(col(LiveQueueItem.position), col(LiveQueueItem.id))))


def queue_public(session: Session, live: LiveSession, *, today: date) -> list[dict]:
    items = _queue_items(session, live)
    jobs = ({j.id: j for j in session.exec(select(Job).where(col(Job.id).in_([i.job_id for i in items])))}
            if items else {})
    employers = {e.id: e for e in session.exec(select(Employer).where(
        col(Employer.id).in_({j.employer_id for j in jobs.values()})))} if jobs else {}
    out = []
    for item in items:
        job = jobs[item.job_id]
        employer = employers[job.employer_id]
        out.append({"job_id": job.id, "position": item.position, "aired": item.aired_at is not None,
                    "on_air": live.on_air_job_id == job.id,
                    "open": is_open_on(job, today, employer) and effective_status(job, today) == JOB_OPEN,
                    "job": job_public(job, employer, today=today, full=False)})
    return out


def add_to_queue(*, session: Session, live: LiveSession, actor: User, job_id: int, today: date) -> LiveQueueItem:
    """Adds a posting at the end of the queue; adding one already there changes nothing."""
    if live.id is None:
        raise NotFound("没有这场直播")
    if live.status == LIVE_ENDED:
        raise Conflict("这场直播已结束", fields={"status": "直播已结束"})
    items = _queue_items(session, live)
    for item in items:
        if item.job_id == job_id:
            return item
    if len(items) >= QUEUE_MAX:
        raise Invalid({"job_id": f"一场直播最多排 {QUEUE_MAX} 个岗位"})
    job = session.get(Job, job_id)
    if job is None or job.id is None:
        raise Invalid({"job_id": f"没有编号为 {job_id} 的岗位"})
    employer = session.get(Employer, job.employer_id)
    if not (is_open_on(job, today, employer) and effective_status(job, today) == JOB_OPEN):
        raise Conflict("这个岗位今天不在招聘，不能排进直播", fields={"job_id": "岗位已截止、暂停、招满或未通过审核"})
    item = LiveQueueItem(session_id=live.id, job_id=job.id, position=(items[-1].position + 1) if items else 0)
    session.add(item)
    session.flush()
    record(session, actor=actor, action="live.queue_add", target=("live_session", live.id), job_id=job.id)
    return item


def parse_job_ids(value: object) -> list[int]:
    if not isinstance(value, list):
        raise Invalid({"job_ids": "job_ids 应为岗位编号的列表，按上播顺序排列"})
    try:
        return [parse_job_id(v) for v in value]
    except Invalid:
        raise Invalid({"job_ids": "job_ids 里每一项都应为岗位编号（正整数）"}) from None


def reorder_queue(*, session: Session, live: LiveSession, actor: User, job_ids: list[int]) -> None:
    """The queue in the order given: exactly the postings it holds, each once."""
    items = {i.job_id: i for i in _queue_items(session, live)}
    if sorted(job_ids) != sorted(items):
        raise Invalid({"job_ids": "新顺序应包含队列里的每个岗位，各一次，不多不少"})
    for position, job_id in enumerate(job_ids):
        items[job_id].position = position
        session.add(items[job_id])
    record(session, actor=actor, action="live.queue_reorder", target=("live_session", live.id))


def move_in_queue(*, session: Session, live: LiveSession, actor: User, job_id: int, step: int) -> None:
    """One place up (step -1) or down (+1): what the console's arrows do."""
    order = [i.job_id for i in _queue_items(session, live)]
    if job_id not in order:
        raise NotFound("队列里没有这个岗位")
    at = order.index(job_id)
    to = max(0, min(len(order) - 1, at + step))
    order.insert(to, order.pop(at))
    reorder_queue(session=session, live=live, actor=actor, job_ids=order)


def remove_from_queue(*, session: Session, live: LiveSession, actor: User, job_id: int) -> None:
    item = session.exec(select(LiveQueueItem).where(LiveQueueItem.session_id == live.id,
                                                    LiveQueueItem.job_id == job_id)).first()
    if item is None:
        raise NotFound("队列里没有这个岗位")
    session.delete(item)
    record(session, actor=actor, action="live.queue_remove", target=("live_session", live.id), job_id=job_id)


def next_in_queue(session: Session, live: LiveSession) -> int:
    """The first posting of the queue not yet on air."""
    for item in _queue_items(session, live):
        if item.aired_at is None and item.job_id != live.on_air_job_id:
            return item.job_id
    raise Conflict("队列里的岗位都已上播过，请先添加岗位", fields={"queue": "没有待上播的岗位"})


def pickable_jobs(session: Session, live: LiveSession, *, q: str, today: date, limit: int = 20) -> list[dict]:
    """Open postings the organiser may add: found by words (title, trade, place), the newest first."""
    page = browse_db(session, JobFilters(q=q.strip()[:100], limit=limit), today=today)
    queued = {i.job_id for i in _queue_items(session, live)}
    return [hit | {"queued": hit["id"] in queued} for hit in page.hits]


def fair_picks(session: Session, live: LiveSession, *, today: date) -> dict:
    """The open postings the employers of the session's fair brought to their booths, booth by booth, each
    marked as queued (or on air): what the organiser of a fair's live room picks from with one tap."""
    if live.fair_id is None:
        raise Conflict("这场直播不属于招聘会，请按岗位名称或编号找岗位", fields={"from": "这场直播没有所属招聘会"})
    fair = session.get(Fair, live.fair_id)
    if fair is None:
        raise NotFound("没有这场招聘会")
    queued = {i.job_id for i in _queue_items(session, live)}
    items = [job_public(job, booth.employer, today=today, full=False)
             | {"booth": booth.signup.booth, "queued": job.id in queued, "on_air": job.id == live.on_air_job_id}
             for booth in fair_booths(session, fair) for job in booth.jobs
             if is_open_on(job, today, booth.employer) and effective_status(job, today) == JOB_OPEN]
    return {"fair": {"id": fair.id, "name": fair.name}, "items": items}


# ---- presence and counts (run by the hub's poller) ----

def write_presence(session: Session, process: str, viewers: dict[int, tuple[int, list[int]]]) -> None:
    """This process's viewers per session; a session's open airing keeps the most viewers it had."""
    rows = {r.session_id: r for r in session.exec(select(LivePresence).where(
        LivePresence.process == process, col(LivePresence.session_id).in_(list(viewers))))}
    now = clock.now()
    for session_id, (count, user_ids) in viewers.items():
        row = rows.get(session_id)
        if count == 0:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = LivePresence(session_id=session_id, process=process)
        row.viewers, row.user_ids, row.updated_at = count, user_ids, now
        session.add(row)
    session.flush()
    for session_id, (count, _) in viewers.items():
        if count:
            total = viewers_now(session, session_id)
            for airing in session.exec(select(LiveAiring).where(LiveAiring.session_id == session_id,
                                                                col(LiveAiring.ended_at).is_(None),
                                                                LiveAiring.viewers < total)):
                airing.viewers = total
                session.add(airing)


def signed_in_viewers(session: Session, session_id: int) -> list[int]:
    since = clock.now() - timedelta(seconds=PRESENCE_FRESH_SECONDS)
    ids: set[int] = set()
    for user_ids in session.exec(select(LivePresence.user_ids).where(
            LivePresence.session_id == session_id, LivePresence.updated_at >= since)):
        ids.update(user_ids or [])
    return sorted(ids)


def applications_by_job(session: Session, session_id: int) -> dict[int, int]:
    rows = session.exec(select(LiveApplication.job_id, func.count()).where(LiveApplication.session_id == session_id)
                        .group_by(col(LiveApplication.job_id)))
    return {job_id: n for job_id, n in rows}


def counts(session: Session, session_id: int) -> dict:
    """What viewers see change by the second: how many watch, and how many applied from the card."""
    live = session.get(LiveSession, session_id)
    per_job = applications_by_job(session, session_id)
    on_air = live.on_air_job_id if live else None
    return {"viewers": viewers_now(session, session_id), "applications": sum(per_job.values()),
            "on_air_job_id": on_air, "on_air_applications": per_job.get(on_air, 0) if on_air else 0}


# ---- applying from the on-air card ----

def card_job(session: Session, live_id: int, job_id: int) -> tuple[Job, Employer]:
    """The posting a viewer applies to from the card, one this session has put on air, with its employer:
    one query (the burst of a popular card runs this a thousand times in seconds)."""
    aired = select(LiveAiring.id).where(LiveAiring.session_id == live_id, LiveAiring.job_id == job_id).exists()
    row = session.exec(select(Job, Employer).join(Employer, col(Employer.id) == Job.employer_id)
                       .where(Job.id == job_id, aired)).first()
    if row is None:
        get_session(session, live_id)  # no such session: say so
        raise NotFound("这场直播没有上播过这个岗位")
    return row[0], row[1]


def apply_from_card(*, session: Session, live_id: int, user: User, job_id: int, idempotency_key: str | None,
                    fingerprint: str) -> tuple[Application, bool]:
    """One tap on the card: the same application as applying on the posting's page (once, whatever is
    retried), counted once for this session's report. Everything is read first, without SQLite's write
    lock; the lock is taken only for the inserts (a double tap that finds its application writes nothing)."""
    job, employer = card_job(session, live_id, job_id)
    app, created = applications.apply(session=session, worker=require_worker(session, user), user=user, job=job,
                                      employer=employer, idempotency_key=idempotency_key, fingerprint=fingerprint,
                                      before_write=lambda: write_intent(session))
    if created or session.exec(select(LiveApplication.id).where(  # a new application has no record yet
            LiveApplication.session_id == live_id, LiveApplication.application_id == app.id)).first() is None:
        assert job.id is not None and app.id is not None  # stored rows
        session.add(LiveApplication(session_id=live_id, job_id=job.id, application_id=app.id))
    return app, created


# ---- the organiser's console ----

def applied_status(session: Session, user: User, job_id: int) -> str | None:
    """The signed-in worker's application to the posting on air, by its Chinese status name."""
    worker = worker_of(session, user)
    if worker is None:
        return None
    app = session.exec(select(Application).where(Application.worker_id == worker.id,
                                                 Application.job_id == job_id)).first()
    return APPLICATION_STATUS_NAMES.get(app.status) if app is not None else None


def console(session: Session, live: LiveSession, *, ranker: RankerService, today: date) -> dict:
    """Viewers now, applications per posting, and for the posting on air the best-matched signed-in viewers
    and registered workers, each shown only as an employer may see them."""
    if live.id is None:
        raise NotFound("没有这场直播")
    per_job = applications_by_job(session, live.id)
    on_air = on_air_job(session, live, today=today)
    matched_viewers: list[dict] = []
    candidates: list[dict] = []
    if on_air is not None:
        job = session.get(Job, on_air["id"])
        if job is None:
            raise NotFound("没有这个岗位")
        viewer_ids = signed_in_viewers(session, live.id)
        workers = list(session.exec(select(Worker).join(User, col(User.id) == Worker.user_id).where(
            col(Worker.user_id).in_(viewer_ids), col(Worker.discoverable).is_(True), col(User.active).is_(True),
            Worker.name != ""))) if viewer_ids else []
        if workers:
            matched_viewers = [{"worker": worker_for_employer(w), "score": round(s.score, 4), "reasons": s.reasons}
                               for w, s in ranker.score_workers(session, job, workers, k=10, today=today)]
        candidates = [{"worker": worker_for_employer(w), "score": round(s.score, 4), "reasons": s.reasons}
                      for w, s in ranker.candidates(session, job, k=10, today=today)]
    return {"viewers": viewers_now(session, live.id), "applications": per_job,
            "applications_total": sum(per_job.values()), "on_air_job": on_air,
            "matched_viewers": matched_viewers, "candidates": candidates}
