"""Postings over HTTP: browsing and reading for everyone, managing for their employer."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlmodel import select

from market import clock, searchlog
from market.applications.services import application_public
from market.employers.services import employer_of
from market.errors import AppError, Forbidden, NotFound
from market.models import (
    EMPLOYER,
    REVIEW_FLAGGED,
    REVIEW_HELD,
    WORKER,
    Application,
    Employer,
    Job,
    User,
    Worker,
)
from market.postings import browse, services
from market.postings import pages as job_form
from market.postings.access import load_job, own_job, visible_to
from market.web import api, api_user, commit, confirmation, db, json_body, ok, page_user, roles_required
from market.workers.services import worker_for_employer, worker_of
from search.query import near_km
from search.suggest import did_you_mean, suggest
from vocab import regions, taxonomy
from vocab.terms import (
    BENEFITS,
    EMPLOYMENT_TYPES,
)

bp = Blueprint("postings", __name__)


def _near_the_viewer(filters: browse.JobFilters) -> None:
    """"附近" or "5公里内" in the query: around the signed-in worker's place, when no point was given."""
    km = near_km(filters.q)
    if km is None or filters.radius_km is not None:
        return
    if filters.lat is None:
        from flask import g
        from flask_login import current_user

        user = g.get("api_user") or (current_user.user if current_user.is_authenticated else None)
        worker = worker_of(db(), user) if user is not None and user.role == WORKER else None
        region = regions.get(worker.current_adcode) if worker is not None else None
        if region is None:
            return
        filters.lat, filters.lng = region.lat, region.lng
    filters.radius_km = km


def _search(filters: browse.JobFilters) -> browse.Page:
    _near_the_viewer(filters)
    gateway = current_app.extensions["market"].search
    today = clock.today()
    page = gateway.search(filters, today=today) if gateway is not None else None
    if page is None:
        page = browse.browse_db(db(), filters, today=today)
        page.degraded = True
    searchlog.record(q=filters.q, total=page.total, degraded=page.degraded, understood=page.understood)
    return page


def _did_you_mean(filters: browse.JobFilters, page: browse.Page) -> str | None:
    """For a search with words that found nothing: what the words start like, if that is something else."""
    if page.total or not filters.q:
        return None
    guess = did_you_mean(filters.q)
    return guess if guess and guess != filters.q.strip() else None


def _my_employer(user: User) -> Employer:
    employer = employer_of(db(), user)
    if employer is None:
        raise Forbidden("请先登记单位信息")
    return employer


def applicants(job: Job) -> list[dict]:
    rows = db().exec(select(Application, Worker, User).join(Worker, Worker.id == Application.worker_id)
                     .join(User, User.id == Worker.user_id).where(Application.job_id == job.id)
                     .order_by(Application.id))
    # The applicant's phone lets the employer call; nothing else beyond the employer's view of a worker.
    return [application_public(a) | {"worker": worker_for_employer(w, deleted=not u.active) | {"phone": u.phone}}
            for a, w, u in rows]


# ---- API ----

@api.get("/jobs")
def api_jobs():
    filters = browse.parse_filters(request.args, today=clock.today())
    page = _search(filters)
    return ok({"total": page.total, "hits": page.hits, "facets": page.facets, "degraded": page.degraded,
               "limit": filters.limit, "offset": filters.offset, "understood": page.understood,
               "did_you_mean": _did_you_mean(filters, page)})


@api.get("/suggest")
def api_suggest():
    q = (request.args.get("q") or "").strip()[:30]
    employers = services.employer_names_like(db(), q) if len(q) >= 2 else []
    return ok({"items": suggest(q, employers=employers)})


@api.get("/jobs/<int:job_id>")
def api_job(job_id: int):
    from flask import g

    job, employer = load_job(db(), job_id)
    if not visible_to(job, employer, g.get("api_user")):
        raise NotFound("没有这个岗位")
    return ok(browse.job_public(job, employer, today=clock.today()))


@api.post("/jobs")
def api_create_job():
    user = api_user(EMPLOYER)
    job = services.create_job(session=db(), employer=_my_employer(user), actor=user, data=json_body())
    commit()
    return ok(browse.job_public(job, db().get(Employer, job.employer_id), today=clock.today()), 201)


@api.patch("/jobs/<int:job_id>")
def api_update_job(job_id: int):
    user = api_user(EMPLOYER)
    job, employer = own_job(db(), job_id, user)
    services.update_job(session=db(), job=job, actor=user, data=json_body())
    commit()
    return ok(browse.job_public(job, employer, today=clock.today()))


@api.post("/jobs/<int:job_id>/status")
def api_job_status(job_id: int):
    user = api_user(EMPLOYER)
    job, employer = own_job(db(), job_id, user)
    services.change_status(session=db(), job=job, actor=user, action=json_body().get("action", ""))
    commit()
    return ok(browse.job_public(job, employer, today=clock.today()))


@api.get("/employer/jobs")
def api_my_jobs():
    user = api_user(EMPLOYER)
    employer = _my_employer(user)
    today = clock.today()
    return ok({"items": [browse.job_public(j, employer, today=today, full=False)
                         for j in services.jobs_of_employer(db(), employer.id)]})


@api.get("/jobs/<int:job_id>/applications")
def api_job_applications(job_id: int):
    user = api_user(EMPLOYER, "admin")
    job, _ = own_job(db(), job_id, user)
    return ok({"items": applicants(job)})


# ---- Pages ----

@bp.get("/")
def home():
    try:
        filters = browse.parse_filters(request.args, today=clock.today())
    except AppError as exc:
        filters = browse.JobFilters(open_on=clock.today())
        flash(exc.message)
    page = _search(filters)
    return render_template("jobs/list.html", page=page, filters=filters, did_you_mean=_did_you_mean(filters, page),
                           benefits=BENEFITS,
                           types=EMPLOYMENT_TYPES, occupations=taxonomy.occupations().values())


@bp.get("/jobs/<int:job_id>")
def job_page(job_id: int):
    from flask_login import current_user

    job, employer = load_job(db(), job_id)
    user = current_user.user if current_user.is_authenticated else None
    if not visible_to(job, employer, user):
        raise NotFound("没有这个岗位")
    mine = None
    if user is not None and user.role == "worker":
        worker = db().exec(select(Worker).where(Worker.user_id == user.id)).first()
        if worker:
            mine = db().exec(select(Application).where(Application.worker_id == worker.id,
                                                        Application.job_id == job.id)).first()
    from market.reports.services import REASONS

    return render_template("jobs/detail.html", job=browse.job_public(job, employer, today=clock.today()),
                           application=mine, report_reasons=REASONS)


@bp.get("/employer/jobs")
@roles_required(EMPLOYER)
def employer_jobs():
    user = page_user()
    employer = employer_of(db(), user)
    if employer is None:
        return redirect(url_for("employers.register_page"))
    today = clock.today()
    jobs = [browse.job_public(j, employer, today=today, full=False) for j in services.jobs_of_employer(db(), employer.id)]
    return render_template("employer/jobs.html", employer=employer, jobs=jobs)


@bp.route("/employer/jobs/new", methods=["GET", "POST"])
@roles_required(EMPLOYER)
def new_job():
    user = page_user()
    employer = _my_employer(user)
    if request.method == "POST":
        job, page = job_form.save(lambda data: services.create_job(session=db(), employer=employer, actor=user,
                                                                data=data))
        if page is not None:
            return page
        if job.review_status == REVIEW_HELD:
            flash(f"岗位已提交，人社部门复核后才会上线：{job.review_reason}")
        else:
            flash("岗位已发布" + ("（含年龄要求，人社部门会复核）" if job.review_status == REVIEW_FLAGGED else ""))
        return redirect(url_for("postings.employer_jobs"))
    return job_form.render({}, {})


@bp.route("/employer/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@roles_required(EMPLOYER)
def edit_job(job_id: int):
    user = page_user()
    job, _ = own_job(db(), job_id, user)
    if request.method == "POST":
        _, page = job_form.save(lambda data: services.update_job(session=db(), job=job, actor=user, data=data), job)
        if page is not None:
            return page
        flash("已保存")
        return redirect(url_for("postings.employer_jobs"))
    return job_form.render({f: getattr(job, f) for f in services.EDITABLE}, {}, job=job)


@bp.post("/employer/jobs/<int:job_id>/status")
@roles_required(EMPLOYER)
def job_status(job_id: int):
    user = page_user()
    job, _ = own_job(db(), job_id, user)
    if request.form.get("action") == "close":
        ask = confirmation(title="结束招聘", question=f"确定结束「{job.title}」的招聘吗？",
                           details=["结束后岗位从搜索里撤下，求职者不能再投递，也不能再恢复。"], yes="确定结束",
                           back=url_for("postings.employer_jobs"))
        if ask is not None:
            return ask
    services.change_status(session=db(), job=job, actor=user, action=request.form.get("action", ""))
    commit()
    flash("已更新")
    return redirect(url_for("postings.employer_jobs"))


@bp.get("/employer/jobs/<int:job_id>/applicants")
@roles_required(EMPLOYER)
def job_applicants(job_id: int):
    user = page_user()
    job, employer = own_job(db(), job_id, user)
    return render_template("employer/applicants.html", job=browse.job_public(job, employer, today=clock.today()),
                           items=applicants(job))


