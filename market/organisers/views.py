"""Applying for an organiser account, and staff deciding on the applications."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from market.api_schemas import Decision
from market.auth.services import request_code
from market.errors import AppError, NotFound
from market.extensions import limiter
from market.models import ADMIN, OrganiserApplication
from market.organisers import services
from market.places import form as place_form
from market.places import pages as place_pages
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
        return _apply_form({}, {}, code_sent=False)
    if place_form.STEP in form:
        return _apply_form(form, {}, code_sent=bool(form.get("code_sent")), stepped=form[place_form.STEP])
    if form.get("step") == "code":
        try:
            request_code(session=db(), phone=form.get("phone"), purpose="register", sms=_sms())
            commit()
        except AppError as exc:
            return _apply_form(form, exc.fields, error=exc.message, code_sent=False, status=exc.status)
        flash("验证码已发送，请查看短信")
        return _apply_form(form, {}, code_sent=True)
    saved = place_pages.save(form, PLACES, lambda data: services.apply(session=db(), data=data),
                             required=PLACES)
    if saved.failure:
        exc = saved.failure
        return _apply_form(form, exc.fields, error=exc.message, code_sent=True, status=exc.status,
                           choices=saved.choices)
    return render_template("organisers/applied.html", organisation=form.get("organisation", ""))


PLACES = {"adcode": "机构所在地"}


def _apply_form(form, errors: dict, *, code_sent: bool, error: str | None = None, status: int = 200,
                choices: dict | None = None, stepped: str | None = None):
    place = place_form.pickers(form or None, PLACES, stepped=stepped, choices=choices)["adcode"]
    return render_template("organisers/apply.html", form=form, errors=errors, error=error, code_sent=code_sent,
                           place=place), status


@bp.post("/admin/organisers/<int:application_id>/decision")
@roles_required(ADMIN)
def decide_page(application_id: int):
    services.decide(session=db(), application=_application(application_id), staff=page_user(),
                    approve=request.form.get("approve") == "1", note=request.form.get("note", ""), sms=_sms())
    commit()
    flash("已处理，申请人会收到短信")
    return redirect(url_for("admin.dashboard"))
