"""Partner accounts: the partner's own page and API, and the bureau's approval of them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from market.api_schemas import Decision
from market.errors import NotFound
from market.models import ADMIN, PARTNER_ROLES
from market.partners import services
from market.places import form as place_form
from market.places import pages as place_pages
from market.web import api, api_user, commit, db, json_body, json_model, ok, page_user, roles_required

bp = Blueprint("partners", __name__)


@api.get("/partners/me")
def api_partner_me():
    user = api_user(*PARTNER_ROLES)
    account = services.account_of(db(), user)
    if account is None:
        raise NotFound("还没有机构资料")
    return ok(services.public(account))


@api.put("/partners/me")
def api_partner_apply():
    user = api_user(*PARTNER_ROLES)
    account = services.apply(session=db(), user=user, data=json_body())
    commit()
    return ok(services.public(account))


@api.get("/admin/partners")
def api_pending_partners():
    api_user(ADMIN)
    return ok({"items": [services.public(a) for a in services.pending(db())]})


@api.post("/admin/partners/<int:account_id>/decision")
def api_decide_partner(account_id: int):
    staff = api_user(ADMIN)
    data = json_model(Decision)
    account = services.decide(session=db(), staff=staff, account_id=account_id, approve=data.approve, note=data.note)
    commit()
    return ok(services.public(account))


@bp.route("/partner", methods=["GET", "POST"])
@roles_required(*PARTNER_ROLES)
def partner_page():
    user = page_user()
    account = services.account_of(db(), user)
    form = request.form
    if request.method == "POST" and place_form.STEP in form:
        return _partner_form(account, form, {}, stepped=form[place_form.STEP])
    if request.method == "POST":
        saved = place_pages.save(form, PLACES, lambda data: services.apply(session=db(), user=user, data=data))
        if saved.failure:
            exc = saved.failure
            return _partner_form(services.account_of(db(), user), form, exc.fields, error=exc.message,
                                 status=exc.status, choices=saved.choices)
        flash("机构资料已提交，等待人社部门审核")
        return redirect(url_for("partners.partner_page"))
    return _partner_form(account, {}, {})


PLACES = {"adcode": "所在地"}


def _partner_form(account, form, errors: dict, *, error: str | None = None, status: int = 200,
                  choices: dict | None = None, stepped: str | None = None):
    public = account and services.public(account)
    place = place_form.pickers(form or None, PLACES, public or {}, stepped=stepped, choices=choices)["adcode"]
    return render_template("partners/partner.html", account=public, form=form, errors=errors, error=error,
                           place=place), status


@bp.get("/admin/partners")
@roles_required(ADMIN)
def pending_page():
    return render_template("partners/pending.html", items=[services.public(a) for a in services.pending(db())])


@bp.post("/admin/partners/<int:account_id>/decision")
@roles_required(ADMIN)
def decide_page(account_id: int):
    services.decide(session=db(), staff=page_user(), account_id=account_id,
                    approve=request.form.get("approve") == "1", note=request.form.get("note", ""))
    commit()
    flash("已处理")
    return redirect(url_for("partners.pending_page"))
