"""An employer registers its organisation and waits for staff to verify it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from market.employers import services
from market.errors import NotFound
from market.models import EMPLOYER
from market.places import form as place_form
from market.places import pages as place_pages
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required

bp = Blueprint("employers", __name__)


@api.post("/employers")
def api_register_employer():
    user = api_user(EMPLOYER)
    employer = services.register_employer(session=db(), user=user, data=json_body())
    commit()
    return ok(services.employer_public(employer), 201)


@api.get("/employers/me")
def api_my_employer():
    user = api_user(EMPLOYER)
    employer = services.employer_of(db(), user)
    if employer is None:
        raise NotFound("还没有登记单位")
    return ok(services.employer_public(employer))


@api.put("/employers/me")
def api_resubmit_employer():
    user = api_user(EMPLOYER)
    employer = services.employer_of(db(), user)
    if employer is None:
        raise NotFound("还没有登记单位")
    employer = services.resubmit(session=db(), user=user, employer=employer, data=json_body())
    commit()
    return ok(services.employer_public(employer))


@bp.post("/employer/resubmit")
@roles_required(EMPLOYER)
def resubmit_page():
    user = page_user()
    employer = services.employer_of(db(), user)
    if employer is None:
        return redirect(url_for("employers.register_page"))
    if place_form.STEP in request.form:
        return _status_page(employer, request.form, {}, stepped=request.form[place_form.STEP])
    saved = place_pages.save(request.form, PLACES, lambda data: services.resubmit(
        session=db(), user=user, employer=employer, data=data), required=PLACES)
    if saved.failure:
        exc = saved.failure
        return _status_page(services.employer_of(db(), user), request.form, exc.fields, error=exc.message,
                            status=exc.status, choices=saved.choices)
    flash("已重新提交，人社部门审核后会通过消息和短信告诉您结果")
    return redirect(url_for("employers.register_page"))


PLACES = {"adcode": "单位所在地"}


def _status_page(employer, form, errors: dict, *, error: str | None = None, status: int = 200,
                 choices: dict | None = None, stepped: str | None = None):
    """Where the registration stands, and the form to correct it: as saved, or as typed after a mistake."""
    public = services.employer_public(employer)
    posted = form if form else None
    place = place_form.pickers(posted, PLACES, public, stepped=stepped, choices=choices)["adcode"]
    return render_template("employer/status.html", employer=public, form=form or public, errors=errors,
                           error=error, place=place), status


def _register_form(form, errors: dict, *, error: str | None = None, status: int = 200,
                   choices: dict | None = None, stepped: bool = False):
    picker = place_form.picker(form, "adcode", stepped=stepped, candidates=(choices or {}).get("adcode"))
    return render_template("employer/register.html", form=form, errors=errors, error=error, place=picker), status


@bp.route("/employer/register", methods=["GET", "POST"])
@roles_required(EMPLOYER)
def register_page():
    user = page_user()
    existing = services.employer_of(db(), user)
    if existing is not None:
        return _status_page(existing, {}, {})
    if request.method == "GET":
        return _register_form({}, {})
    if place_form.STEP in request.form:
        return _register_form(request.form, {}, stepped=True)
    saved = place_pages.save(request.form, PLACES, lambda data: services.register_employer(
        session=db(), user=user, data=data), required=PLACES)
    if saved.failure:
        exc = saved.failure
        return _register_form(request.form, exc.fields, error=exc.message, status=exc.status, choices=saved.choices)
    flash("已提交，人社部门审核通过后即可发布岗位")
    return redirect(url_for("employers.register_page"))
