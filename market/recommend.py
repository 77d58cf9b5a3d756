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

from market.crypto import PersonalDataCipher
from market.models import HIRED, Application, Employer, Job, User, Worker
from market.postings.browse import open_on_clause
from market.workers.services import priority_groups
from matching.ranker import Ranker
from matching.types import Application as AppRecord
from matching.types import ModelVersionError, PastApplication, Posting, Scored, TrackRecord, WorkerProfile
from vocab import taxonomy

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


def track_record(session: Session) -> TrackRecord:
    """Applications and hires so far, per posting and per employer, counted in the database."""
    track = TrackRecord()
    hired = func.sum(case((Application.status == HIRED, 1), else_=0))
    rows = session.exec(select(Application.job_id, Job.employer_id, func.count(), hired)
                        .join(Job, Job.id == Application.job_id).group_by(Application.job_id, Job.employer_id))
    for job_id, employer_id, applications, hires in rows:
        track.posting_applications[str(job_id)] = int(applications)
        track.posting_hires[str(job_id)] = int(hires or 0)
        key = str(employer_id)
        track.employer_applications[key] = track.employer_applications.get(key, 0) + int(applications)
        track.employer_hires[key] = track.employer_hires.get(key, 0) + int(hires or 0)
    for employer_id, postings in session.exec(select(Job.employer_id, func.count()).group_by(Job.employer_id)):
        track.employer_postings[str(employer_id)] = int(postings)
    return track


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
        key = (today, tuple(stamp), tuple(apps))
        with self._lock:
            if key != self._index_key:
                jobs = list(session.exec(select(Job).join(Employer, Employer.id == Job.employer_id)
                                         .where(day_clause).order_by(Job.id)))
                self._track = track_record(session)
                self._index = Ranker.index([to_posting(j) for j in jobs], self._track)
                self._index_key = key
            self._checked_at = time.monotonic()
            return self._index, self._track

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
        scored = ranker.recommend(profile, index, k, history=history, as_of=today, track=track)
        blocked = ranker.blocked_by_certificate(profile, index, 5, history=history, as_of=today, track=track)
        wanted = {int(s.id) for s in scored} | {int(pid) for pid, _ in blocked}
        jobs = {j.id: j for j in session.exec(select(Job).where(Job.id.in_(wanted)))}
        return ([(jobs[int(s.id)], s) for s in scored],
                [(jobs[int(pid)], cert) for pid, cert in blocked])

    def candidates(self, session: Session, job: Job, *, k: int, today: date) -> list[tuple[Worker, Scored]]:
        """Discoverable workers for a posting, best first, with reasons safe to show its employer."""
        trades = {c for c in (job.occupation, taxonomy.guess_occupation(job.title, job.description)) if c}
        province = job.adcode[:2]
        pool_query = (select(Worker).join(User, User.id == Worker.user_id)
                      .where(Worker.discoverable.is_(True), User.active.is_(True), Worker.name != "")
                      .where(or_(*[cast(Worker.occupations, String).like(f'%"{t}"%') for t in trades]) if trades else True)
                      .where(or_(Worker.mobility == "cross", Worker.current_adcode.like(f"{province}%"),
                                 Worker.hometown_adcode.like(f"{province}%")))
                      .order_by(Worker.updated_at.desc()).limit(CANDIDATE_POOL))
        workers = {w.id: w for w in session.exec(pool_query)}
        if not workers:
            return []
        # Employers never learn priority groups: the profiles carry none.
        profiles = [to_profile(w) for w in workers.values()]
        track = self._track or track_record(session)
        scored = self.ranker().candidates(to_posting(job), profiles, k, as_of=today, track=track)
        return [(workers[int(s.id)], s) for s in scored]


def training_data(session: Session) -> tuple[list[Posting], list[WorkerProfile], list[AppRecord]]:
    """Every posting, worker and application in the database, as the ranker trains on them."""
    postings = [to_posting(j) for j in session.exec(select(Job))]
    workers = [to_profile(w) for w in session.exec(select(Worker))]
    apps = [AppRecord(str(a.worker_id), str(a.job_id), a.applied_at, a.status == HIRED)
            for a in session.exec(select(Application))]
    return postings, workers, apps

