"""Who may see and change a posting: the checks every feature's views share."""

from __future__ import annotations

from sqlmodel import Session, col, select

from market.errors import Forbidden, NotFound
from market.models import (
    EMPLOYER,
    EMPLOYER_VERIFIED,
    JOB_TAKEN_DOWN,
    REVIEW_HELD,
    STAFF_ROLES,
    Employer,
    Job,
    User,
)


def is_staff(user: User | None) -> bool:
    return user is not None and user.role in STAFF_ROLES


def load_job(session: Session, job_id: int) -> tuple[Job, Employer]:
    """The posting and its employer, in one query (every posting page and route starts here)."""
    row = session.exec(select(Job, Employer).join(Employer, col(Employer.id) == Job.employer_id)
                       .where(Job.id == job_id)).first()
    if row is None:
        raise NotFound("没有这个岗位")
    return row[0], row[1]


def visible_to(job: Job, employer: Employer, user: User | None) -> bool:
    """Anyone may read a published posting; unpublished ones (and ones held for review) only their
    employer and staff."""
    if employer.status == EMPLOYER_VERIFIED and job.status != JOB_TAKEN_DOWN and job.review_status != REVIEW_HELD:
        return True
    return user is not None and (is_staff(user) or employer.owner_id == user.id)


def own_job(session: Session, job_id: int, user: User) -> tuple[Job, Employer]:
    """The posting, if ``user`` is its employer or staff."""
    job, employer = load_job(session, job_id)
    if not (is_staff(user) or (user.role == EMPLOYER and employer.owner_id == user.id)):
        raise Forbidden("这不是您单位的岗位")
    return job, employer
