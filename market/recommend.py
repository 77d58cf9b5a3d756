"""The site's side of matching: turns database rows into the ranker's plain profiles and postings, keeps
the open postings' matrices for the day, and loads the trained model (or the transparent fallback).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date
from pathlib import Path

from sqlalchemy import String, case, cast, func, or_
from sqlmodel import Session, select

from market.audit import record
from market.crypto import PersonalDataCipher
from market.errors import Conflict, NotFound
from market.models import (
    EMPLOYER_VERIFIED,
    HIRED,
    JOB_OPEN,
    Application,
    Employer,
    Job,
    Notification,
    User,
    Worker,
)
from market.notify import notify
from market.postings.browse import open_on_clause
from market.sms import SmsSender
from market.workers.services import priority_groups
from matching.ranker import Ranker
from matching.types import Application as AppRecord
from matching.types import ModelVersionError, PastApplication, Posting, Scored, TrackRecord, WorkerProfile
from vocab import regions, taxonomy

log = logging.getLogger("market.recommend")
CANDIDATE_POOL = 5000
# Recommendations may lag a posting change by this long; checking for changes costs two aggregate queries.
INDEX_RECHECK_SECONDS = 30.0


def to_posting(job: Job) -> Posting:
    return Posting(
        id=str(job.id), employer_id=str(job.employer_id), title=job.title, occupation=job.occupation,
        description=job.description, adcode=job.adcode, lat=job.lat, lng=job.lng, wage_min=job.wage_min,
        wage_max=job.wage_max, wage_unit=job.wage_unit, employment_type=job.employment_type,
        headcount=job.headcount, benefits=list(job.benefits or []), cert_required=job.cert_required,
        skill_level_required=job.skill_level_required, cooperation=job.cooperation, posted_at=job.posted_at,
        closes_at=job.closes_at)


def to_profile(worker: Worker, cipher: PersonalDataCipher | None = None) -> WorkerProfile:
    """The ranker's view of a worker. Priority groups only with the cipher: for the worker's own list."""
    groups = frozenset(priority_groups(worker, cipher)) if cipher is not None else frozenset()
    return WorkerProfile(
        id=str(worker.id), current_adcode=worker.current_adcode, hometown_adcode=worker.hometown_adcode,
        occupations=[(o["code"], int(o.get("years") or 0)) for o in worker.occupations or []],
        certificates=[(c["name"], c.get("level")) for c in worker.certificates or []],
        expected_wage=worker.expected_wage, preferred_type=worker.preferred_type, mobility=worker.mobility,
        birth_date=worker.birth_date, priority_groups=groups, labour_brand=worker.labour_brand,
        discoverable=worker.discoverable)


def track_record(session: Session, today: date) -> TrackRecord:
    """Applications and hires before ``today``, per posting and per employer, counted in the database: the
    record as it stood at the start of the day, the same snapshot ``matching.offline`` ranks with."""
    track = TrackRecord()
    hired = func.sum(case((Application.status == HIRED, 1), else_=0))
    rows = session.exec(select(Application.job_id, Job.employer_id, func.count(), hired)
                        .join(Job, Job.id == Application.job_id).where(Application.applied_at < today)
                        .group_by(Application.job_id, Job.employer_id))
    for job_id, employer_id, applications, hires in rows:
        track.posting_applications[str(job_id)] = int(applications)
        track.posting_hires[str(job_id)] = int(hires or 0)
        key = str(employer_id)
        track.employer_applications[key] = track.employer_applications.get(key, 0) + int(applications)
        track.employer_hires[key] = track.employer_hires.get(key, 0) + int(hires or 0)
    for employer_id, postings in session.exec(select(Job.employer_id, func.count()).where(Job.posted_at < today)
                                              .group_by(Job.employer_id)):
        track.employer_postings[str(employer_id)] = int(postings)
    track.employer_complaints.update(employer_complaints(session))
    return track


def employer_complaints(session: Session) -> dict[str, int]:
    """The ranker's ``employer_complaints``: the accepted, still open wage complaints kept on each employer
    (the number every posting shows), for employers that have any."""
    rows = session.exec(select(Employer.id, Employer.open_wage_complaints).where(Employer.open_wage_complaints > 0))
    return {str(employer_id): int(count) for employer_id, count in rows}


class RankerService:
    """One per app. The model is loaded once; the open postings' index is rebuilt when postings change."""

    def __init__(self, model_dir: str):
        self.model_dir = Path(model_dir)
        self._lock = threading.Lock()
        self._ranker: Ranker | None = None
        self.refusal: str | None = None  # why a saved model was not used
        self._index_key: tuple | None = None
        self._index = None
        self._track: TrackRecord | None = None
        self._checked_at = 0.0

    def ranker(self) -> Ranker:
        with self._lock:
            if self._ranker is None:
                self._ranker = self._load()
            return self._ranker

    def _load(self) -> Ranker:
        if not any(self.model_dir.glob("ranker-v*.joblib")):
            return Ranker.fallback()
        try:
            ranker = Ranker.load(self.model_dir)
        except ModelVersionError as exc:
            self.refusal = str(exc)
            log.error("saved ranker refused, using the transparent score instead: %s", exc)
            return Ranker.fallback()
        log.info("ranker loaded: %s", ranker.metadata.get("artifact"))
        return ranker

    def reload(self) -> None:
        with self._lock:
            self._ranker = None
            self.refusal = None

    def has_model(self) -> bool:
        return not self.ranker().is_fallback

    def open_index(self, session: Session, today: date):
        """The ranker's matrices for the postings open today (kept until postings or applications change)."""
        day_clause = open_on_clause(today)
        with self._lock:
            if (self._index is not None and self._index_key and self._index_key[0] == today
                    and time.monotonic() - self._checked_at < INDEX_RECHECK_SECONDS):
                return self._index, self._track
        stamp = session.exec(select(func.count(), func.max(Job.updated_at)).select_from(Job)
                             .join(Employer, Employer.id == Job.employer_id).where(day_clause)).one()
        apps = session.exec(select(func.count(), func.max(Application.updated_at))).one()
        # An employer's accepted complaints change the feature without touching a posting.
        record = session.exec(select(func.coalesce(func.sum(Employer.open_wage_complaints), 0),
                                     func.count()).where(Employer.open_wage_complaints > 0)).one()
        key = (today, tuple(stamp), tuple(apps), tuple(record))
        with self._lock:
            if key != self._index_key:
                jobs = list(session.exec(select(Job).join(Employer, Employer.id == Job.employer_id)
                                         .where(day_clause).order_by(Job.id)))
                self._track = track_record(session, today)
                self._index = Ranker.index([to_posting(j) for j in jobs], self._track)
                self._index_key = key
            self._checked_at = time.monotonic()
            return self._index, self._track

    def warm(self, engine, today: date) -> float:
        """Load the model and build today's index before anyone asks, so the first recommendation after a
        start does not pay for either; returns the seconds it took. Called by each serving process."""
        from market.db import session_scope

        started = time.monotonic()
        self.ranker()
        with session_scope(engine) as session:
            self.open_index(session, today)
        return time.monotonic() - started

    def history(self, session: Session, worker: Worker) -> list[PastApplication]:
        rows = session.exec(select(Application, Job).join(Job, Job.id == Application.job_id)
                            .where(Application.worker_id == worker.id))
        return [PastApplication(to_posting(j), a.applied_at, a.status == HIRED) for a, j in rows]

    def recommend(self, session: Session, worker: Worker, *, k: int, today: date,
                  cipher: PersonalDataCipher) -> tuple[list[tuple[Job, Scored]], list[tuple[Job, str]]]:
        """The worker's top ``k`` open postings with reasons, and postings a missing certificate keeps
        closed to them (with the certificate's name)."""
        index, track = self.open_index(session, today)
        profile = to_profile(worker, cipher)
        history = self.history(session, worker)
        ranker = self.ranker()
        # Every posting applied to stays out, today's applications too (they are not history until tomorrow).
        applied = {a.posting.id for a in history}
        scored = ranker.recommend(profile, index, k, history=history, as_of=today, track=track, exclude=applied)
        blocked = ranker.blocked_by_certificate(profile, index, 5, history=history, as_of=today, track=track,
                                                exclude=applied)
        wanted = {int(s.id) for s in scored} | {int(pid) for pid, _ in blocked}
        jobs = {j.id: j for j in session.exec(select(Job).where(Job.id.in_(wanted)))}
        return ([(jobs[int(s.id)], s) for s in scored],
                [(jobs[int(pid)], cert) for pid, cert in blocked])

    def score_workers(self, session: Session, job: Job, workers: list[Worker], *, k: int,
                      today: date) -> list[tuple[Worker, Scored]]:
        """These workers for this posting, best first, scored with the day's track record (the one the open
        index keeps). Employers never learn priority groups: the profiles carry none."""
        by_id = {w.id: w for w in workers}
        _, track = self.open_index(session, today)
        scored = self.ranker().candidates(to_posting(job), [to_profile(w) for w in workers], k, as_of=today,
                                          track=track)
        return [(by_id[int(s.id)], s) for s in scored]

    def candidates(self, session: Session, job: Job, *, k: int, today: date) -> list[tuple[Worker, Scored]]:
        """Discoverable workers for a posting, best first, with reasons safe to show its employer."""
        return self.candidates_explained(session, job, k=k, today=today)[0]

    def candidates_explained(self, session: Session, job: Job, *, k: int,
                             today: date) -> tuple[list[tuple[Worker, Scored]], str | None]:
        """The candidates, and when there are none, why not, in words the employer can act on."""
        employer = session.get(Employer, job.employer_id)
        if employer is None or employer.status != EMPLOYER_VERIFIED:
            return [], "单位通过审核后，岗位才会向求职者展示，也才有推荐人选。"
        if job.status != JOB_OPEN or not job.posted_at <= today < job.closes_at:
            return [], "这个岗位现在不在招（已暂停、已下架或已截止），重新开放后才有推荐人选。"
        trades = {c for c in (job.occupation, taxonomy.guess_occupation(job.title, job.description)) if c}
        province = job.adcode[:2]
        pool_query = (select(Worker).join(User, User.id == Worker.user_id)
                      .where(Worker.discoverable.is_(True), User.active.is_(True), Worker.name != "")
                      .where(or_(*[cast(Worker.occupations, String).like(f'%"{t}"%') for t in trades]) if trades else True)
                      .where(or_(Worker.mobility == "cross", Worker.current_adcode.like(f"{province}%"),
                                 Worker.hometown_adcode.like(f"{province}%")))
                      .order_by(Worker.updated_at.desc()).limit(CANDIDATE_POOL))
        workers = {w.id: w for w in session.exec(pool_query)}
        trade = "、".join(taxonomy.name_of(t) for t in sorted(trades)) or "这个工种"
        place = regions.full_name(job.adcode[:2] + "0000") or "本省"
        if not workers:
            return [], (f"{place}还没有登记为{trade}、愿意被单位找到的求职者，愿意跨省的也没有。"
                        "岗位照常展示，有人登记后这里就会出现；也可以报名招聘会或直播带岗。")
        found = self.score_workers(session, job, list(workers.values()), k=k, today=today)
        if found:
            return found, None
        if job.cert_required:
            return [], (f"有 {len(workers)} 位{trade}愿意被找到，但都没有登记岗位要求的“{job.cert_required}”。"
                        "如果这个证不是必须的，可以在岗位里去掉。")
        return [], f"有 {len(workers)} 位{trade}愿意被找到，但他们只在本地找工作，离岗位太远。"


def invitation_text(job: Job, employer: Employer) -> str:
    return f"“{employer.name}”看了您的资料，邀请您投递岗位“{job.title}”（岗位编号 {job.id}），在“岗位”里搜索或打开 /jobs/{job.id} 查看。"


def invite_to_apply(*, session: Session, job: Job, employer: Employer, worker: Worker, actor: User,
                    today: date, sms: SmsSender | None) -> bool:
    """An employer asks a recommended worker to apply: a message in the worker's inbox (and an SMS).
    Once per posting and worker; False when they had been invited already."""
    if employer.status != EMPLOYER_VERIFIED or job.status != JOB_OPEN or not job.posted_at <= today < job.closes_at:
        raise Conflict("岗位在招时才能邀请求职者投递", fields={"job": "不在招"})
    user = session.get(User, worker.user_id)
    if not worker.discoverable or user is None or not user.active:
        raise NotFound("没有这位求职者")
    if session.exec(select(Application.id).where(Application.job_id == job.id,
                                                 Application.worker_id == worker.id)).first():
        raise Conflict("这位求职者已经投递过这个岗位", fields={"worker_id": "已投递"})
    body = invitation_text(job, employer)
    if session.exec(select(Notification.id).where(Notification.user_id == user.id, Notification.body == body)).first():
        return False
    notify(session, user=user, app=None, body=body, sms=sms)
    record(session, actor=actor, action="job.invite", target=("job", job.id), worker_id=worker.id)
    return True


def invited_workers(session: Session, job: Job, employer: Employer) -> set[int]:
    """Workers already invited to ``job`` (their user ids)."""
    body = invitation_text(job, employer)
    return set(session.exec(select(Notification.user_id).where(Notification.body == body)))


def training_data(session: Session) -> tuple[list[Posting], list[WorkerProfile], list[AppRecord]]:
    """Every posting, worker and application in the database, as the ranker trains on them (with
    ``employer_complaints(session)`` for the employers' record)."""
    postings = [to_posting(j) for j in session.exec(select(Job).order_by(Job.id))]
    workers = [to_profile(w) for w in session.exec(select(Worker).order_by(Worker.id))]
    apps = [AppRecord(str(a.worker_id), str(a.job_id), a.applied_at, a.status == HIRED)
            for a in session.exec(select(Application).order_by(Application.id))]
    return postings, workers, apps

