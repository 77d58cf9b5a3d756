"""Wage complaints over HTTP: the worker files and follows theirs, the bureau's staff work the queue."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from market import clock
from market.complaints import services
from market.errors import AppError, Invalid, NotFound
from market.models import ADMIN, WORKER, User, WageComplaint, Worker
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required
from market.workers.services import require_worker, worker_of

bp = Blueprint("complaints", __name__)


def _worker(user: User) -> Worker:
    return require_worker(db(), user)


def _complaint(complaint_id: int) -> WageComplaint:
    complaint = db().get(WageComplaint, complaint_id)
    if complaint is None:
        raise NotFound("没有这件投诉")
    return complaint


def _file(user: User, data: dict) -> tuple[WageComplaint, bool]:
    complaint, created = services.file_complaint(session=db(), worker=_worker(user), user=user, data=data,
                                                 today=clock.today())
    commit()
    return complaint, created


def _change_status(staff: User, complaint_id: int, data: dict) -> WageComplaint:
    complaint = services.change_status(session=db(), complaint=_complaint(complaint_id), staff=staff,
                                       to_status=str(data.get("status") or ""), note=data.get("note") or "",
                                       sms=current_app.extensions["market"].sms)
    commit()
    return complaint


# ---- API ----

@api.post("/complaints")
def api_file_complaint():
    user = api_user(WORKER)
    complaint, created = _file(user, json_body())
    return ok(services.complaint_public(services.load_row(db(), complaint), for_staff=False),
              201 if created else 200)


@api.get("/complaints")
def api_complaints():
    user = api_user(WORKER, ADMIN)
    status = services.parse_status_filter(request.args.get("status"))
    limit, offset = services.parse_page(request.args)
    staff = user.role == ADMIN
    worker = None if staff else worker_of(db(), user)
    if not staff and worker is None:
        return ok({"total": 0, "items": [], "limit": limit, "offset": offset})
    total, rows = services.list_complaints(db(), worker=worker, status=status, limit=limit, offset=offset)
    return ok({"total": total, "items": [services.complaint_public(r, for_staff=staff) for r in rows],
               "limit": limit, "offset": offset})


@api.post("/complaints/<int:complaint_id>/status")
def api_complaint_status(complaint_id: int):
    staff = api_user(ADMIN)
    complaint = _change_status(staff, complaint_id, json_body())
    return ok(services.complaint_public(services.load_row(db(), complaint), for_staff=True))


# ---- Pages ----

def _form_data(form) -> dict:
    """The page offers the postings applied to, or a posting number typed in: one of them."""
    picked, typed = (form.get("job_id") or "").strip(), (form.get("other_job_id") or "").strip()
    if picked and typed and picked != typed:
        raise Invalid({"job_id": "请只选一个岗位：从列表里选，或者填写岗位编号"})
    return {"job_id": picked or typed, "amount_owed": form.get("amount_owed"),
            "period_start": form.get("period_start"), "period_end": form.get("period_end"),
            "description": form.get("description")}


@bp.route("/me/complaints", methods=["GET", "POST"])
@roles_required(WORKER)
def my_complaints_page():
    user = page_user()
    worker = _worker(user)
    form, errors, error, status = {}, {}, None, 200
    if request.method == "POST":
        try:
            _, created = _file(user, _form_data(request.form))
        except AppError as exc:
            db().rollback()
            form, errors, error, status = request.form, exc.fields, exc.message, exc.status
        else:
            flash("投诉已提交，人社部门会尽快联系您" if created else "这件投诉您已经提交过，正在等待处理")
            return redirect(url_for("complaints.my_complaints_page"))
    _, rows = services.list_complaints(db(), worker=worker, limit=services.MAX_LIMIT)
    return render_template("complaints/mine.html", items=[services.complaint_public(r, for_staff=False) for r in rows],
                           jobs=services.applied_jobs(db(), worker), form=form, errors=errors, error=error,
                           today=clock.today().isoformat(), max_amount=services.MAX_AMOUNT), status


@bp.get("/admin/complaints")
@roles_required(ADMIN)
def queue_page():
    try:
        status = services.parse_status_filter(request.args.get("status"))
        limit, offset = services.parse_page(request.args)
    except AppError as exc:
        flash(exc.message)
        return redirect(url_for("complaints.queue_page"))
    total, rows = services.list_complaints(db(), status=status, limit=limit, offset=offset)
    return render_template("complaints/queue.html", items=[services.complaint_public(r, for_staff=True) for r in rows],
                           total=total, status=status, limit=limit, offset=offset,
                           status_choices=services.STATUS_NAMES)


@bp.post("/admin/complaints/<int:complaint_id>/status")
@roles_required(ADMIN)
def change_status_page(complaint_id: int):
    back = url_for("complaints.queue_page", status=request.form.get("back_status") or None)
    try:
        complaint = _change_status(page_user(), complaint_id, request.form)
    except NotFound:
        raise
    except AppError as exc:
        db().rollback()
        flash(f"第 {complaint_id} 号投诉没有改动：{exc.message}")
        return redirect(back)
    flash(f"第 {complaint.id} 号投诉已改为：{services.STATUS_NAMES[complaint.status]}，已通知投诉人")
    return redirect(back)
