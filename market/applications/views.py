"""Applying, withdrawing and deciding, as pages and as API."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from market import notify
from market.applications import services
from market.db import write_intent
from market.errors import NotFound
from market.models import EMPLOYER, WORKER, Application, Job, User, Worker
from market.postings.access import load_job, own_job
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required
from market.workers.services import require_worker, worker_of

bp = Blueprint("applications", __name__)


def _worker(user: User) -> Worker:
    return require_worker(db(), user)


def _apply(user: User, job_id: int, key: str | None, body: dict):
    """Applies and commits. Two copies of one tap racing each other: the loser's commit fails on the
    unique constraints (or SQLite's write lock), and its second try finds the winner's application."""
    fingerprint = services.request_fingerprint({"job_id": job_id, **body})

    def attempt():
        job, employer = load_job(db(), job_id)
        result = services.apply(session=db(), worker=_worker(user), user=user, job=job, employer=employer,
                                idempotency_key=key, fingerprint=fingerprint)
        commit()
        return result

    try:
        return attempt()
    except (IntegrityError, OperationalError):
        db().rollback()
        write_intent(db())  # the request's write lock ended with the rollback: take it again
        return attempt()


def _own_application(app_id: int, user: User) -> Application:
    app = db().get(Application, app_id)
    if app is None:
        raise NotFound("没有这条申请")
    worker = worker_of(db(), user)
    if worker is None or app.worker_id != worker.id:
        raise NotFound("没有这条申请")
    return app


def _decide(user: User, app_id: int, data: dict) -> Application:
    app = db().get(Application, app_id)
    if app is None:
        raise NotFound("没有这条申请")
    job, _ = own_job(db(), app.job_id, user)
    worker = db().get(Worker, app.worker_id)
    return services.decide(session=db(), app=app, job=job, actor=user,
                           worker_user=db().get(User, worker.user_id), to_status=data.get("status", ""),
                           interview_at=data.get("interview_at"), interview_place=data.get("interview_place"),
                           sms=current_app.extensions["market"].sms)


def my_applications(worker: Worker) -> list[dict]:
    rows = db().exec(select(Application, Job).join(Job, Job.id == Application.job_id)
                     .where(Application.worker_id == worker.id).order_by(Application.id.desc()))
    return [services.application_public(a, j) for a, j in rows]


# ---- API ----

@api.post("/jobs/<int:job_id>/applications")
def api_apply(job_id: int):
    user = api_user(WORKER)
    app, created = _apply(user, job_id, request.headers.get("Idempotency-Key"), json_body())
    return ok(services.application_public(app), 201 if created else 200)


@api.get("/me/applications")
def api_my_applications():
    user = api_user(WORKER)
    return ok({"items": my_applications(_worker(user))})


@api.get("/applications/<int:app_id>")
def api_application(app_id: int):
    user = api_user()
    app = db().get(Application, app_id)
    if app is None:
        raise NotFound("没有这条申请")
    if user.role == WORKER:
        app = _own_application(app_id, user)
    else:
        own_job(db(), app.job_id, user)
    return ok(services.application_public(app))


@api.post("/applications/<int:app_id>/withdraw")
def api_withdraw(app_id: int):
    user = api_user(WORKER)
    app = services.withdraw(session=db(), app=_own_application(app_id, user), worker=_worker(user), user=user)
    commit()
    return ok(services.application_public(app))


@api.post("/applications/<int:app_id>/status")
def api_decide(app_id: int):
    user = api_user(EMPLOYER)
    app = _decide(user, app_id, json_body())
    commit()
    return ok(services.application_public(app))


@api.get("/me/notifications")
def api_notifications():
    user = api_user()
    return ok({"items": [notify.notification_public(n) for n in notify.inbox(db(), user)]})


@api.post("/me/notifications/read")
def api_notifications_read():
    user = api_user()
    marked = notify.mark_read(db(), user)
    commit()
    return ok({"marked": marked})


# ---- Pages ----

@bp.post("/jobs/<int:job_id>/apply")
@roles_required(WORKER)
def apply_page(job_id: int):
    user = page_user()
    # The form carries a key made when the page was drawn: a double tap posts it twice, one application.
    app, created = _apply(user, job_id, request.form.get("idempotency_key"), {})
    flash("投递成功，单位会尽快查看" if created else "您已投递过这个岗位")
    return redirect(url_for("postings.job_page", job_id=job_id))


@bp.get("/me/applications")
@roles_required(WORKER)
def my_applications_page():
    user = page_user()
    return render_template("worker/applications.html", items=my_applications(_worker(user)))


@bp.post("/me/applications/<int:app_id>/withdraw")
@roles_required(WORKER)
def withdraw_page(app_id: int):
    user = page_user()
    services.withdraw(session=db(), app=_own_application(app_id, user), worker=_worker(user), user=user)
    commit()
    flash("已撤回")
    return redirect(url_for("applications.my_applications_page"))


@bp.post("/employer/applications/<int:app_id>/status")
@roles_required(EMPLOYER)
def decide_page(app_id: int):
    user = page_user()
    app = _decide(user, app_id, request.form)
    commit()
    flash(f"已更新为：{services.STATUS_NAMES[app.status]}")
    return redirect(url_for("postings.job_applicants", job_id=app.job_id))


@bp.get("/me/inbox")
@roles_required()
def inbox_page():
    return render_template("inbox.html", items=notify.inbox(db(), page_user()))


@bp.post("/me/inbox/read")
@roles_required()
def inbox_read_page():
    notify.mark_read(db(), page_user())
    commit()
    return redirect(url_for("applications.inbox_page"))
