"""The labour bureau's desk: verify employers, review flagged postings, take postings down, register
workers at the counter, read the audit trail."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlmodel import select

from market import audit, clock
from market.api_schemas import Decision
from market.employers import services as employers
from market.errors import AppError, Invalid, NotFound
from market.models import (
    ADMIN,
    EMPLOYER_PENDING,
    EMPLOYER_REVIEW,
    JOB_TAKEN_DOWN,
    REVIEW_FLAGGED,
    REVIEW_HELD,
    Employer,
    Job,
)
from market.organisers import services as organisers
from market.places import form as place_form
from market.postings import browse
from market.postings import services as postings
from market.reports import services as reports
from market.web import (
    api,
    api_user,
    commit,
    confirmation,
    db,
    json_body,
    json_model,
    ok,
    page_user,
    roles_required,
)
from market.workers import services as workers

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _sms():
    return current_app.extensions["market"].sms


def _employer(employer_id: int) -> Employer:
    employer = db().get(Employer, employer_id)
    if employer is None:
        raise NotFound("没有这个单位")
    return employer


def _job(job_id: int) -> Job:
    job = db().get(Job, job_id)
    if job is None:
        raise NotFound("没有这个岗位")
    return job


def pending_employers() -> list[Employer]:
    return list(db().exec(select(Employer).where(Employer.status.in_((EMPLOYER_PENDING, EMPLOYER_REVIEW)))
                          .order_by(Employer.id).limit(200)))


def flagged_jobs() -> list[dict]:
    rows = db().exec(select(Job, Employer).join(Employer, Employer.id == Job.employer_id)
                     .where(Job.review_status.in_((REVIEW_HELD, REVIEW_FLAGGED)), Job.status != JOB_TAKEN_DOWN)
                     .order_by(Job.review_status.desc(), Job.id.desc()).limit(200))  # held ('held' > 'flagged') first
    today = clock.today()
    return [browse.job_public(j, e, today=today, full=False)
            | {"review_reason": j.review_reason, "review_status": j.review_status} for j, e in rows]


def _audit_filters() -> tuple[int | None, str | None]:
    actor = request.args.get("actor", "").strip()
    action = request.args.get("action", "").strip()
    if actor and not actor.isdigit():
        raise Invalid({"actor": "操作人应为用户编号"})
    if action and action not in audit.ACTION_NAMES and action not in {a.split(".")[0] for a in audit.ACTION_NAMES}:
        raise Invalid({"action": "没有这种操作"})
    return (int(actor) if actor else None), (action or None)


# ---- API ----

@api.get("/admin/employers")
def api_pending_employers():
    api_user(ADMIN)
    return ok({"items": [employers.employer_public(e) for e in pending_employers()]})


@api.post("/admin/employers/<int:employer_id>/decision")
def api_decide_employer(employer_id: int):
    staff = api_user(ADMIN)
    data = json_model(Decision)
    employer = employers.decide(session=db(), employer=_employer(employer_id), staff=staff, approve=data.approve,
                                note=data.note, sms=_sms())
    commit()
    return ok(employers.employer_public(employer))


@api.get("/admin/jobs/flagged")
def api_flagged():
    api_user(ADMIN)
    return ok({"items": flagged_jobs()})


@api.post("/admin/jobs/<int:job_id>/take-down")
def api_take_down(job_id: int):
    staff = api_user(ADMIN)
    job = postings.take_down(session=db(), job=_job(job_id), staff=staff, reason=json_body().get("reason", ""),
                             sms=_sms())
    reports.handle(session=db(), job=job, staff=staff)
    commit()
    return ok({"id": job.id, "status": job.status})


@api.post("/admin/jobs/<int:job_id>/clear")
def api_clear(job_id: int):
    staff = api_user(ADMIN)
    job = postings.clear_flag(session=db(), job=_job(job_id), staff=staff)
    reports.handle(session=db(), job=job, staff=staff)
    commit()
    return ok({"id": job.id, "review_status": job.review_status})


@api.post("/admin/workers")
def api_counter_register():
    staff = api_user(ADMIN)
    worker = workers.register_at_counter(session=db(), staff=staff, cipher=current_app.extensions["market"].cipher,
                                         data=json_body())
    commit()
    return ok(workers.worker_for_staff(worker, current_app.extensions["market"].cipher), 201)


@api.get("/admin/audit")
def api_audit():
    api_user(ADMIN)
    actor, action = _audit_filters()
    return ok({"items": audit.trail(db(), actor_id=actor, action=action)})


# ---- Pages ----

@bp.get("/")
@roles_required(ADMIN)
def dashboard():
    return render_template("admin/dashboard.html", employers=[employers.employer_public(e) for e in pending_employers()],
                           jobs=flagged_jobs(), audit=audit.trail(db(), limit=20),
                           organisers=[organisers.application_public(a) for a in organisers.pending(db())],
                           reported=[reports.reported_public(r) for r in reports.open_reports(db())])


@bp.get("/audit")
@roles_required(ADMIN)
def audit_page():
    try:
        actor, action = _audit_filters()
    except AppError as exc:
        return render_template("admin/audit.html", items=[], actors=audit.actors(db()), actions=audit.ACTION_NAMES,
                               actor=None, action=None, error=exc.message), exc.status
    return render_template("admin/audit.html", items=audit.trail(db(), actor_id=actor, action=action),
                           actors=audit.actors(db()), actions=audit.ACTION_NAMES, actor=actor, action=action)


@bp.post("/employers/<int:employer_id>/decision")
@roles_required(ADMIN)
def decide_employer(employer_id: int):
    employers.decide(session=db(), employer=_employer(employer_id), staff=page_user(),
                     approve=request.form.get("approve") == "1", note=request.form.get("note", ""), sms=_sms())
    commit()
    flash("已处理")
    return redirect(url_for("admin.dashboard"))


@bp.post("/jobs/<int:job_id>/take-down")
@roles_required(ADMIN)
def take_down(job_id: int):
    job = _job(job_id)
    ask = confirmation(title="下架岗位", question=f"确定下架「{job.title}」吗？",
                       details=["下架后岗位立即从搜索和岗位页撤下，单位会收到通知。"],
                       fields=[{"name": "reason", "label": "下架原因（单位会看到）", "required": True}],
                       yes="确定下架", back=url_for("admin.dashboard"))
    if ask is not None:
        return ask
    job = postings.take_down(session=db(), job=job, staff=page_user(), reason=request.form.get("reason", ""),
                             sms=_sms())
    reports.handle(session=db(), job=job, staff=page_user())
    commit()
    flash("已下架")
    return redirect(url_for("admin.dashboard"))


@bp.post("/jobs/<int:job_id>/clear")
@roles_required(ADMIN)
def clear(job_id: int):
    job = postings.clear_flag(session=db(), job=_job(job_id), staff=page_user())
    reports.handle(session=db(), job=job, staff=page_user())
    commit()
    flash("已复核")
    return redirect(url_for("admin.dashboard"))


COUNTER_PLACES = {"current_adcode": "现在所在地", "hometown_adcode": "老家"}


def _counter_form(form, errors: dict, *, error: str | None = None, status: int = 200,
                  choices: dict | None = None, stepped: str | None = None):
    pickers = {f: place_form.picker(form, f, stepped=stepped == f, candidates=(choices or {}).get(f))
               for f in COUNTER_PLACES}
    return render_template("admin/counter.html", form=form, errors=errors, error=error, pickers=pickers), status


@bp.route("/workers/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def counter_register():
    if request.method == "GET":
        return _counter_form({}, {})
    form = request.form
    if place_form.STEP in form:
        return _counter_form(form, {}, stepped=form[place_form.STEP])
    places, place_errors, choices = place_form.read_all(form, COUNTER_PLACES)
    data = {k: form.get(k) for k in ("phone", "name") if form.get(k)} | places
    if form.get("id_number"):
        data["id_number"] = form.get("id_number")
    data["sensitive_consent"] = form.get("sensitive_consent") == "on"
    try:
        place_form.checked(place_errors, lambda: workers.register_at_counter(
            session=db(), staff=page_user(), cipher=current_app.extensions["market"].cipher, data=data))
        commit()
    except AppError as exc:
        db().rollback()
        return _counter_form(form, exc.fields, error=exc.message, status=exc.status, choices=choices)
    flash("已登记。本人可用手机号通过“忘记密码”认领账号")
    return redirect(url_for("admin.counter_register"))
