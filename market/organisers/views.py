"""Applying for an organiser account, and staff deciding on the applications."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from market.api_schemas import Decision
from market.auth.services import request_code
from market.errors import AppError, NotFound
from market.extensions import limiter
from market.models import ADMIN, OrganiserApplication
from market.organisers import services
from market.web import api, api_user, commit, db, json_body, json_model, ok, page_user, roles_required

bp = Blueprint("organisers", __name__)
APPLY_LIMIT = "10 per hour"


def _sms():
    return current_app.extensions["market"].sms


def _application(application_id: int) -> OrganiserApplication:
    application = db().get(OrganiserApplication, application_id)
    if application is None:
        raise NotFound("没有这份申请")
    return application


# ---- API ----

@api.post("/organiser-applications")
@limiter.limit(APPLY_LIMIT)
def api_organiser_apply():
    application = services.apply(session=db(), data=json_body())
    commit()
    return ok(services.application_public(application), 201)


@api.get("/admin/organiser-applications")
def api_organiser_applications():
    api_user(ADMIN)
    return ok({"items": [services.application_public(a) for a in services.pending(db())]})


@api.post("/admin/organiser-applications/<int:application_id>/decision")
def api_decide_organiser(application_id: int):
    staff = api_user(ADMIN)
    data = json_model(Decision)
    application = services.decide(session=db(), application=_application(application_id), staff=staff,
                                  approve=data.approve, note=data.note, sms=_sms())
    commit()
    return ok(services.application_public(application))


# ---- Pages ----

@bp.route("/organisers/apply", methods=["GET", "POST"])
@limiter.limit(APPLY_LIMIT, methods=["POST"])
def apply_page():
    form = request.form
    if request.method != "POST":
        return render_template("organisers/apply.html", form={}, errors={}, code_sent=False)
    try:
        if form.get("step") == "code":
            request_code(session=db(), phone=form.get("phone"), purpose="register", sms=_sms())
            commit()
            flash("验证码已发送，请查看短信")
            return render_template("organisers/apply.html", form=form, errors={}, code_sent=True)
        services.apply(session=db(), data=form)
        commit()
    except AppError as exc:
        return render_template("organisers/apply.html", form=form, errors=exc.fields, error=exc.message,
                               code_sent=form.get("step") != "code"), exc.status
    return render_template("organisers/applied.html", organisation=form.get("organisation", ""))


@bp.post("/admin/organisers/<int:application_id>/decision")
@roles_required(ADMIN)
def decide_page(application_id: int):
    services.decide(session=db(), application=_application(application_id), staff=page_user(),
                    approve=request.form.get("approve") == "1", note=request.form.get("note", ""), sms=_sms())
    commit()
    flash("已处理，申请人会收到短信")
    return redirect(url_for("admin.dashboard"))
