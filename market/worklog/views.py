"""The work log over HTTP: the worker records days, the employer confirms or disputes them, both export."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from market import clock
from market.employers.services import employer_of
from market.errors import AppError, Forbidden, Invalid
from market.models import EMPLOYER, WORKER, Employer, User, Worker
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required
from market.workers.services import require_worker
from market.worklog import services

bp = Blueprint("worklog", __name__)


def _employer(user: User) -> Employer:
    employer = employer_of(db(), user)
    if employer is None:
        raise Forbidden("请先登记单位信息")
    return employer


def _rows(user: User, status: str | None = None) -> tuple[list[services.Row], bool]:
    if user.role == WORKER:
        return services.list_entries(db(), worker=require_worker(db(), user), status=status), False
    return services.list_entries(db(), employer=_employer(user), status=status), True


def _add(user: User, data: dict) -> services.WorkLogEntry:
    return services.add_entry(session=db(), worker=require_worker(db(), user), user=user, data=data, today=clock.today())


def _decide(user: User, entry_id: int, confirm: object, reason: object) -> None:
    entry = services.load_for_employer(db(), entry_id, user)
    services.decide(session=db(), entry=entry, user=user, confirm=confirm, reason=reason,
                    sms=current_app.extensions["market"].sms)


def _export(user: User, fmt: str) -> Response:
    rows, for_employer = _rows(user)
    stamp = clock.today().strftime("%Y%m%d")
    if fmt == "csv":
        body, mimetype = services.export_csv(rows, for_employer=for_employer), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = services.export_xlsx(rows, for_employer=for_employer)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Invalid({"format": "导出格式应为 csv 或 xlsx"})
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=worklog-{stamp}.{fmt}"})


# ---- API ----

@api.get("/worklog")
def api_worklog():
    user = api_user(WORKER, EMPLOYER)
    rows, for_employer = _rows(user, services.parse_status(request.args.get("status")))
    return ok({"items": [services.entry_public(r, for_employer=for_employer) for r in rows],
               "totals": services.totals(rows)})


@api.post("/worklog")
def api_add_worklog():
    user = api_user(WORKER)
    entry = _add(user, json_body())
    commit()
    return ok(services.entry_public(services.load_row(db(), entry)), 201)


@api.post("/worklog/<int:entry_id>/decision")
def api_decide_worklog(entry_id: int):
    user = api_user(EMPLOYER)
    data = json_body()
    _decide(user, entry_id, data.get("confirm"), data.get("reason"))
    commit()
    return ok(services.entry_public(services.load_row(db(), services.load_for_employer(db(), entry_id, user)),
                                    for_employer=True))


@api.get("/worklog/export")
def api_export_worklog():
    return _export(api_user(WORKER, EMPLOYER), (request.args.get("format") or "csv").strip())


# ---- Pages ----

@bp.route("/me/worklog", methods=["GET", "POST"])
@roles_required(WORKER)
def my_worklog_page():
    user = page_user()
    worker: Worker = require_worker(db(), user)
    form, errors, error, status = {}, {}, None, 200
    if request.method == "POST":
        try:
            _add(user, {k: request.form.get(k) for k in ("application_id", "work_date", "days", "hours", "note")})
            commit()
        except AppError as exc:
            db().rollback()
            form, errors, error, status = request.form, exc.fields, exc.message, exc.status
        else:
            flash("已记下，等单位确认")
            return redirect(url_for("worklog.my_worklog_page"))
    rows = services.list_entries(db(), worker=worker)
    return render_template("worklog/mine.html", items=[services.entry_public(r) for r in rows],
                           totals=services.totals(rows), jobs=services.hired_jobs(db(), worker), form=form,
                           errors=errors, error=error, today=clock.today().isoformat()), status


@bp.get("/employer/worklog")
@roles_required(EMPLOYER)
def employer_worklog_page():
    user = page_user()
    try:
        status = services.parse_status(request.args.get("status"))
    except AppError as exc:
        flash(exc.message)
        return redirect(url_for("worklog.employer_worklog_page"))
    rows = services.list_entries(db(), employer=_employer(user), status=status)
    return render_template("worklog/employer.html", items=[services.entry_public(r, for_employer=True) for r in rows],
                           totals=services.totals(rows), status=status, status_choices=services.STATUS_NAMES)


@bp.post("/employer/worklog/<int:entry_id>/decision")
@roles_required(EMPLOYER)
def employer_decide_page(entry_id: int):
    user = page_user()
    try:
        _decide(user, entry_id, request.form.get("confirm") == "1", request.form.get("reason"))
        commit()
    except AppError as exc:
        db().rollback()
        flash(f"这条记工没有改动：{exc.message}")
    else:
        flash("已确认，工人会在站内消息里看到" if request.form.get("confirm") == "1"
              else "已提出异议，工人会在站内消息里看到理由")
    return redirect(url_for("worklog.employer_worklog_page", status=request.form.get("back_status") or None))


@bp.get("/worklog/export.<fmt>")
@roles_required(WORKER, EMPLOYER)
def export_page(fmt: str):
    return _export(page_user(), fmt)
