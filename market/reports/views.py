"""Reporting a posting: one tap on the posting's page (or the API); staff read the reports."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from market.errors import AppError, NotFound
from market.models import ADMIN, WORKER, Job
from market.reports import services
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required

bp = Blueprint("reports", __name__)


def _job(job_id: int) -> Job:
    job = db().get(Job, job_id)
    if job is None:
        raise NotFound("没有这个岗位")
    return job


@api.post("/jobs/<int:job_id>/reports")
def api_report_job(job_id: int):
    user = api_user(WORKER)
    data = json_body()
    entry, created = services.report(session=db(), job=_job(job_id), user=user, reason=data.get("reason"),
                                     note=data.get("note"))
    commit()
    return ok({"id": entry.id, "job_id": entry.job_id, "reason": entry.reason,
               "reason_name": services.REASONS[entry.reason]}, 201 if created else 200)


@api.get("/admin/reports")
def api_reports():
    api_user(ADMIN)
    return ok({"items": [services.reported_public(r) for r in services.open_reports(db())]})


@bp.post("/jobs/<int:job_id>/report")
@roles_required(WORKER)
def report_page(job_id: int):
    try:
        _, created = services.report(session=db(), job=_job(job_id), user=page_user(),
                                     reason=request.form.get("reason"), note=request.form.get("note"))
        commit()
    except NotFound:
        raise
    except AppError as exc:
        db().rollback()
        flash(exc.message)
    else:
        flash("已收到您的举报，人社部门会核实" if created else "您已经举报过这个岗位，人社部门会核实")
    return redirect(url_for("postings.job_page", job_id=job_id))
