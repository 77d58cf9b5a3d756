"""The policy centre: search and read policy documents, staff publish them."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from market.api_schemas import PolicyRequest
from market.models import ADMIN
from market.places import form as place_form
from market.places import pages as place_pages
from market.policies import services
from market.web import api, api_user, commit, db, json_checked, ok, page_user, roles_required
from search.policies import HIGHLIGHT_POST, HIGHLIGHT_PRE

bp = Blueprint("policies", __name__)


def _index():
    return current_app.extensions["market"].policies


def marked(text: str | None) -> Markup:
    """Escaped text with the engine's matches in <mark>: what staff typed is never markup."""
    return Markup(str(escape(text or "")).replace(HIGHLIGHT_PRE, "<mark>").replace(HIGHLIGHT_POST, "</mark>"))



def _find(args) -> dict:
    return services.find(session=db(), index=_index(), q=args.get("q"), province=args.get("province") or None,
                         rule=args.get("rule") or None)


@api.get("/policies")
def api_policies():
    found = _find(request.args)
    for item in found["items"]:  # the API speaks plain text plus <mark> in *_html, escaped first
        for key in ("title_marked", "snippet_marked"):
            item[key.replace("_marked", "_html")] = str(marked(item.pop(key)))
        item["measures_html"] = [str(marked(m)) for m in item.pop("measures_marked")]
    return ok(found)


@api.post("/policies")
def api_publish_policy():
    staff = api_user(ADMIN)
    policy = services.publish(session=db(), staff=staff, data=json_checked(PolicyRequest), index=_index())
    commit()
    return ok(services.policy_public(policy), 201)


@api.get("/policies/<int:policy_id>")
def api_policy(policy_id: int):
    return ok(services.policy_public(services.get_policy(db(), policy_id)))


@bp.get("/policies")
def search_page():
    found = _find(request.args)
    return render_template("policies/search.html", found=found, args=request.args, marked=marked,
                           rule_names=services.rule_names())


@bp.get("/policies/<int:policy_id>")
def policy_page(policy_id: int):
    return render_template("policies/policy.html", policy=services.policy_public(services.get_policy(db(), policy_id)),
                           rule_names=services.rule_names())


@bp.route("/admin/policies/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def publish_page():
    form = request.form
    if request.method == "POST" and place_form.STEP in form:
        return _publish_form(form, {}, stepped=form[place_form.STEP])
    if request.method == "POST":
        saved = place_pages.save(form, PLACES, lambda data: services.publish(
            session=db(), staff=page_user(), data=data, index=_index()))
        if saved.failure:
            exc = saved.failure
            return _publish_form(form, exc.fields, error=exc.message, status=exc.status, choices=saved.choices)
        flash("政策文件已发布")
        return redirect(url_for("policies.policy_page", policy_id=saved.result.id))
    return _publish_form({}, {})


PLACES = {"region_adcode": "适用地区"}


def _publish_form(form, errors: dict, *, error: str | None = None, status: int = 200, choices: dict | None = None,
                  stepped: str | None = None):
    place = place_form.pickers(form or None, PLACES, stepped=stepped, choices=choices)["region_adcode"]
    return render_template("policies/new.html", form=form, errors=errors, error=error, place=place,
                           rule_names=services.rule_names()), status
