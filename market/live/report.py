"""After a live session: per posting, how many watched while it was on air, applied from the card, were
invited to an interview and were hired; as rows for the page and as an Excel workbook."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from market.models import (
    HIRED,
    INTERVIEW,
    Application,
    ApplicationEvent,
    Employer,
    Job,
    LiveAiring,
    LiveApplication,
    LiveQueueItem,
    LiveSession,
)

COLUMNS = (("job_id", "岗位编号"), ("title", "岗位"), ("employer", "单位"), ("airings", "上播次数"),
           ("views", "观看人数"), ("applications", "直播投递"), ("interviews", "邀请面试"), ("hires", "录用"))


@dataclass
class PostingReport:
    job_id: int
    title: str
    employer: str
    airings: int = 0
    views: int = 0
    applications: int = 0
    interviews: int = 0
    hires: int = 0


def session_report(session: Session, live: LiveSession) -> list[PostingReport]:
    """Every posting the session aired or queued, in the order it first went on air (then the queue's).

    views: the most viewers watching during each airing, added over its airings; applications: made from
    this session's card; interviews: those of them the employer ever invited (or hired); hires: hired."""
    rows: dict[int, PostingReport] = {}
    order: list[int] = []
    aired = session.exec(select(LiveAiring).where(LiveAiring.session_id == live.id).order_by(LiveAiring.id)).all()
    queued = session.exec(select(LiveQueueItem.job_id).where(LiveQueueItem.session_id == live.id)
                          .order_by(LiveQueueItem.position, LiveQueueItem.id)).all()
    for job_id in [a.job_id for a in aired] + list(queued):
        if job_id not in rows:
            order.append(job_id)
            rows[job_id] = PostingReport(job_id=job_id, title="", employer="")
    if not rows:
        return []
    for job, employer in session.exec(select(Job, Employer).join(Employer, Employer.id == Job.employer_id)
                                      .where(Job.id.in_(order))):
        rows[job.id].title, rows[job.id].employer = job.title, employer.name
    for airing in aired:
        rows[airing.job_id].airings += 1
        rows[airing.job_id].views += airing.viewers
    apps = session.exec(select(LiveApplication.job_id, Application.id, Application.status)
                        .join(Application, Application.id == LiveApplication.application_id)
                        .where(LiveApplication.session_id == live.id)).all()
    app_ids = [a for _, a, _ in apps]
    invited = set(session.exec(select(ApplicationEvent.application_id).where(
        ApplicationEvent.application_id.in_(app_ids), ApplicationEvent.to_status == INTERVIEW))) if app_ids else set()
    for job_id, app_id, status in apps:
        row = rows.setdefault(job_id, PostingReport(job_id=job_id, title="", employer=""))
        row.applications += 1
        if app_id in invited or status in (INTERVIEW, HIRED):
            row.interviews += 1
        if status == HIRED:
            row.hires += 1
    return [rows[j] for j in order]


def totals(rows: list[PostingReport]) -> dict[str, int]:
    return {name: sum(getattr(r, name) for r in rows) for name in ("views", "applications", "interviews", "hires")}


def chart_scale(rows: list[PostingReport]) -> int:
    """The largest number a bar shows (at least 1), so the plain HTML bars are drawn to one scale."""
    return max([1] + [max(r.views, r.applications, r.interviews, r.hires) for r in rows])


def report_public(session: Session, live: LiveSession) -> dict:
    rows = session_report(session, live)
    return {"session_id": live.id, "title": live.title, "items": [asdict(r) for r in rows], "totals": totals(rows)}


def workbook(live: LiveSession, rows: list[PostingReport]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "直播效果"
    sheet.append([f"{live.title}（直播编号 {live.id}）"])
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([getattr(row, name) for name, _ in COLUMNS])
    total = totals(rows)
    sheet.append(["合计", None, None, sum(r.airings for r in rows)] + [total[n] for n in ("views", "applications",
                                                                                     "interviews", "hires")])
    for letter, width in zip("ABCDEFGH", (10, 28, 30, 10, 10, 10, 10, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def aired_count(session: Session, live: LiveSession) -> int:
    return session.exec(select(func.count()).select_from(LiveAiring).where(LiveAiring.session_id == live.id)).one()
