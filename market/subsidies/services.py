"""What a worker may claim: the profile's facts read for the subsidy rules (market/subsidies/rules.py)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from market.crypto import PersonalDataCipher
from market.models import HIRED, Application, CourseSignup, GigStation, Job, TrainingCourse, Worker
from market.policies.services import policy_for_rules
from market.skills.certificates import held
from market.subsidies import rules
from market.workers.services import id_number, priority_groups
from vocab import regions


def facts(session: Session, worker: Worker, cipher: PersonalDataCipher) -> rules.Facts:
    rows = held(session, worker)
    certificates = ([(r.name, r.level, r.number) for r in rows] if rows else
                    [(c["name"], c.get("level"), c.get("number")) for c in worker.certificates or []])
    hometown, from_id = worker.hometown_adcode, False
    if not hometown and worker.sensitive_consent_at is not None:
        number = id_number(worker, cipher)  # 户籍地: the ID number's first six digits
        if number and regions.is_real(number[:6]):
            hometown, from_id = number[:6], True
    groups = frozenset(priority_groups(worker, cipher)) if worker.sensitive_consent_at is not None else None
    courses = [rules.Course(c.title, c.subsidy_yuan, c.adcode, c.ends_on.isoformat()) for c in session.exec(
        select(TrainingCourse).join(CourseSignup, col(CourseSignup.course_id) == TrainingCourse.id)
        .where(CourseSignup.worker_id == worker.id))]
    hires = list(session.exec(select(Job.adcode).join(Application, col(Application.job_id) == Job.id)
                              .where(Application.worker_id == worker.id, Application.status == HIRED)))
    return rules.Facts(hometown_adcode=hometown, current_adcode=worker.current_adcode, certificates=certificates,
                       priority_groups=groups, courses=courses, hire_adcodes=hires, hometown_from_id=from_id)


def eligibility(*, session: Session, worker: Worker, cipher: PersonalDataCipher) -> list[dict]:
    """The contract's items, and the nearest gig station where the worker can ask in person."""
    items = rules.evaluate(facts(session, worker, cipher))
    documents = policy_for_rules(session)
    for item in items:
        item["policy_id"] = documents.get(item["key"])
    station = nearest_station(session, worker)
    if station is not None:
        for item in items:
            item["where"] += f"；也可以先到{station.name}（{station.address or regions.full_name(station.adcode)}）咨询"
    return items


def nearest_station(session: Session, worker: Worker) -> GigStation | None:
    place = worker.current_adcode or worker.hometown_adcode
    if not place:
        return None
    for prefix in (place, place[:4], place[:2]):
        station = session.exec(select(GigStation).where(GigStation.adcode.startswith(prefix))
                               .order_by(col(GigStation.id))).first()
        if station is not None:
            return station
    return None
