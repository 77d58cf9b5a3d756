"""A worker reports a posting in one tap with a reason; staff see the reports per posting and close them.
Enough different workers reporting the same posting takes it off the site until staff have looked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from market import clock
from market.audit import record
from market.errors import FieldErrors, NotFound
from market.models import REPORT_HANDLED, REPORT_OPEN, Employer, Job, PostingReport, User
from market.postings.access import visible_to
from market.postings.services import hold_for_review

REASONS = {
    "fake_wage": "工资虚高、与实际不符",
    "fees": "要交押金、报名费等费用",
    "offsite_contact": "只让加微信/QQ 联系",
    "fake_job": "岗位不存在或是骗局",
    "discrimination": "歧视（性别、户籍、民族等）",
    "other": "其他问题",
}
MAX_NOTE = 200
# Distinct workers whose open reports take a posting off the site until staff look at it.
REPORTS_TO_HOLD = 3


@dataclass
class Reported:
    """One posting with its open reports, for staff."""

    job: Job
    employer: Employer
    reports: list[PostingReport]


def report(*, session: Session, job: Job, user: User, reason: object, note: object = None) -> tuple[PostingReport, bool]:
    """The report, and whether it is new (one report per worker and posting; a second tap changes nothing)."""
    errors = FieldErrors()
    if not isinstance(reason, str) or reason not in REASONS:
        errors.add("reason", "请选择举报原因：" + "、".join(REASONS.values()))
    text = note.strip() if isinstance(note, str) else ""
    if note is not None and not isinstance(note, str):
        errors.add("note", "补充说明应为文字")
    errors.check(len(text) <= MAX_NOTE, "note", f"补充说明最多 {MAX_NOTE} 个字")
    errors.raise_if_any()
    employer = session.get(Employer, job.employer_id)
    assert employer is not None  # the posting's foreign key
    if not visible_to(job, employer, None):
        raise NotFound("没有这个岗位")
    same = session.exec(select(PostingReport).where(PostingReport.job_id == job.id,
                                                    PostingReport.reporter_id == user.id)).first()
    if same is not None:
        return same, False
    assert isinstance(reason, str) and job.id is not None and user.id is not None  # checked above; stored rows
    entry = PostingReport(job_id=job.id, reporter_id=user.id, reason=reason, note=text)
    session.add(entry)
    session.flush()
    record(session, actor=user, action="job.report", target=("job", job.id), reason=reason)
    reporters = session.exec(select(func.count(func.distinct(PostingReport.reporter_id))).where(
        PostingReport.job_id == job.id, PostingReport.status == REPORT_OPEN)).one()
    if reporters >= REPORTS_TO_HOLD:
        hold_for_review(session, job, f"{reporters} 位求职者举报，待人社部门核实")
    return entry, True


def open_reports(session: Session, *, limit: int = 200) -> list[Reported]:
    """Postings with open reports, the most reported first."""
    rows = list(session.exec(select(PostingReport).where(PostingReport.status == REPORT_OPEN)
                             .order_by(col(PostingReport.id)).limit(5000)))
    by_job: dict[int, list[PostingReport]] = {}
    for r in rows:
        by_job.setdefault(r.job_id, []).append(r)
    if not by_job:
        return []
    found = {j.id: (j, e) for j, e in session.exec(select(Job, Employer).join(Employer, col(Employer.id) == Job.employer_id)
                                                    .where(col(Job.id).in_(by_job)))}
    out = [Reported(*found[i], reports) for i, reports in by_job.items() if i in found]
    out.sort(key=lambda r: (-len(r.reports), r.reports[0].id))
    return out[:limit]


def handle(*, session: Session, job: Job, staff: User) -> int:
    """Staff have looked at a posting's reports (and cleared or taken it down): they close. How many."""
    rows = list(session.exec(select(PostingReport).where(PostingReport.job_id == job.id,
                                                         PostingReport.status == REPORT_OPEN)))
    for r in rows:
        r.status = REPORT_HANDLED
        session.add(r)
    if rows:
        record(session, actor=staff, action="job.reports_handled", target=("job", job.id), count=len(rows))
    return len(rows)


def reported_public(item: Reported) -> dict:
    counts: dict[str, int] = {}
    for r in item.reports:
        counts[r.reason] = counts.get(r.reason, 0) + 1
    return {"job": {"id": item.job.id, "title": item.job.title, "status": item.job.status,
                    "review_status": item.job.review_status},
            "employer": {"id": item.employer.id, "name": item.employer.name},
            "reports": len(item.reports),
            "reasons": [{"reason": k, "reason_name": REASONS[k], "count": v} for k, v in counts.items()],
            "notes": [r.note for r in item.reports if r.note],
            "first_at": clock.to_china(item.reports[0].created_at).isoformat(timespec="seconds")}

