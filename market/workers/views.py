"""A worker's own profile (pages and API), and who may read a worker at all."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlmodel import select

from market.errors import AppError, Forbidden, NotFound
from market.models import EMPLOYER, WORKER, Application, Employer, Job, User, Worker
from market.postings.access import is_staff
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required
from market.workers import services
from vocab import taxonomy
from vocab.terms import (
    COLLECTED_PRIORITY_GROUPS,
    MOBILITIES,
    MOBILITY_NAMES,
    PREFERRED_TYPE_NAMES,
    PREFERRED_TYPES,
)

bp = Blueprint("workers", __name__)


def _cipher():
    return current_app.extensions["market"].cipher


def _me(user: User) -> Worker:
    worker = services.worker_of(db(), user)
    if worker is None:
        raise NotFound("没有求职资料")
    return worker


def worker_view_for(user: User, worker: Worker) -> dict:
    """The worker sees everything; staff see the ID number masked; an employer sees an applicant to its
    own posting without identifiers; nobody else sees anything."""
    if user.role == WORKER and worker.user_id == user.id:
        return services.worker_for_self(worker, _cipher())
    if is_staff(user):
        return services.worker_for_staff(worker, _cipher())
    if user.role == EMPLOYER:
        applied = db().exec(select(Application.id).join(Job, Job.id == Application.job_id)
                            .join(Employer, Employer.id == Job.employer_id)
                            .where(Application.worker_id == worker.id, Employer.owner_id == user.id)).first()
        if applied is not None:
            return services.worker_for_employer(worker)
    raise Forbidden()


@api.get("/me/profile")
def api_profile():
    user = api_user(WORKER)
    return ok(services.worker_for_self(_me(user), _cipher()))


@api.put("/me/profile")
def api_update_profile():
    user = api_user(WORKER)
    worker = services.update_profile(session=db(), worker=_me(user), cipher=_cipher(), data=json_body())
    commit()
    return ok(services.worker_for_self(worker, _cipher()))


@api.delete("/me")
def api_delete_me():
    user = api_user()
    services.delete_account(session=db(), user=user, worker=services.worker_of(db(), user))
    commit()
    return ok({"deleted": True})


@api.get("/workers/<int:worker_id>")
def api_worker(worker_id: int):
    user = api_user()
    worker = db().get(Worker, worker_id)
    if worker is None:
        raise NotFound("没有这个求职者")
    return ok(worker_view_for(user, worker))


def _profile_form() -> dict:
    form = request.form
    data: dict = {k: form.get(k) for k in ("name", "current_adcode", "hometown_adcode", "expected_wage",
                                            "preferred_type", "mobility") if k in form}
    codes = form.getlist("occupation")
    years = form.getlist("years")
    data["occupations"] = [{"code": c, "years": y or 0} for c, y in zip(codes, years, strict=False) if c]
    certs = [c.strip() for c in (form.get("certificates") or "").replace("，", ",").split(",") if c.strip()]
    data["certificates"] = [{"name": c} for c in certs]
    data["discoverable"] = form.get("discoverable") == "on"
    if form.get("sensitive_consent") == "on":
        data["sensitive_consent"] = True
    elif form.get("withdraw_consent") == "on":
        data["sensitive_consent"] = False
    if form.get("id_number"):
        data["id_number"] = form.get("id_number")
    if form.get("sensitive_consent") == "on" or form.getlist("priority_groups"):
        data["priority_groups"] = form.getlist("priority_groups")
    return data


@bp.route("/me/profile", methods=["GET", "POST"])
@roles_required(WORKER)
def profile_page():
    user = page_user()
    worker = _me(user)
    choices = {"occupations": list(taxonomy.occupations().values()), "mobility": MOBILITIES,
               "mobility_names": MOBILITY_NAMES, "types": PREFERRED_TYPES,
               "type_names": PREFERRED_TYPE_NAMES, "priority_groups": COLLECTED_PRIORITY_GROUPS}
    if request.method == "POST":
        try:
            services.update_profile(session=db(), worker=worker, cipher=_cipher(), data=_profile_form())
            commit()
        except AppError as exc:
            db().rollback()
            return render_template("worker/profile.html", me=services.worker_for_self(_me(user), _cipher()),
                                   errors=exc.fields, error=exc.message, **choices), exc.status
        flash("资料已保存")
        return redirect(url_for("workers.profile_page"))
    return render_template("worker/profile.html", me=services.worker_for_self(worker, _cipher()), errors={},
                           **choices)


@bp.post("/me/delete")
@roles_required()
def delete_page():
    from flask_login import logout_user

    user = page_user()
    services.delete_account(session=db(), user=user, worker=services.worker_of(db(), user))
    commit()
    logout_user()
    flash("账号和个人信息已删除")
    return redirect(url_for("postings.home"))
