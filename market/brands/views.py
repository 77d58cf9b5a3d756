"""Labour-brand pages and API: the brand, its workers and postings; workers claim, staff confirm."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from market.api_schemas import BrandDecision
from market.brands import services
from market.errors import AppError
from market.models import ADMIN, EMPLOYER, WORKER
from market.web import api, api_user, commit, db, json_model, ok, page_user, roles_required
from market.workers.services import require_worker, worker_of
from vocab import taxonomy

bp = Blueprint("brands", __name__)


def _sees_workers(user) -> bool:
    return user is not None and user.role in (EMPLOYER, ADMIN)


@api.get("/brands")
def api_brands():
    return ok({"items": [services.brand_public(b) for b in taxonomy.labour_brands()]})


@api.get("/brands/<name>")
def api_brand(name: str):
    brand = services.get_brand(name)
    count, shown = services.carriers(db(), brand)
    out = services.brand_public(brand) | {"workers_count": count,
                                          "postings": services.postings(db(), brand)}
    if _sees_workers(g.get("api_user")):
        out["workers"] = shown
    return ok(out)


@api.post("/brands/<name>/claim")
def api_claim(name: str):
    worker = require_worker(db(), api_user(WORKER))
    row, created = services.claim(session=db(), worker=worker, brand_name=name)
    commit()
    return ok(services.claim_public(row), 201 if created else 200)


@api.get("/admin/brand-claims")
def api_brand_claims():
    api_user(ADMIN)
    return ok({"items": [services.claim_public(c, w) for c, w in services.pending(db())]})


@api.post("/admin/brand-claims/<int:claim_id>/decision")
def api_decide_claim(claim_id: int):
    staff = api_user(ADMIN)
    row = services.decide(session=db(), staff=staff, claim_id=claim_id, confirm=json_model(BrandDecision).confirm)
    commit()
    return ok(services.claim_public(row))


# ---- Pages ----

@bp.get("/brands")
def brands_page():
    return render_template("brands/list.html", brands=[services.brand_public(b) for b in taxonomy.labour_brands()])


@bp.get("/brands/<name>")
def brand_page(name: str):
    brand = services.get_brand(name)
    user = current_user.user if current_user.is_authenticated else None
    count, shown = services.carriers(db(), brand)
    mine = None
    if user is not None and user.role == WORKER:
        worker = worker_of(db(), user)
        mine = next((c for c in services.claims_of(db(), worker) if c["brand"] == name), None) if worker else None
    return render_template("brands/brand.html", brand=services.brand_public(brand), count=count,
                           workers=shown if _sees_workers(user) else None,
                           postings=services.postings(db(), brand), mine=mine)


@bp.post("/brands/<name>/claim")
@roles_required(WORKER)
def claim_page(name: str):
    worker = require_worker(db(), page_user())
    try:
        services.claim(session=db(), worker=worker, brand_name=name)
        commit()
        flash("已提交，人社工作人员确认后会显示在品牌页上")
    except AppError as exc:
        db().rollback()
        flash(exc.message)
    return redirect(url_for("brands.brand_page", name=name))


@bp.get("/admin/brand-claims")
@roles_required(ADMIN)
def claims_page():
    return render_template("brands/claims.html", items=[services.claim_public(c, w) for c, w in services.pending(db())])


@bp.post("/admin/brand-claims/<int:claim_id>/decision")
@roles_required(ADMIN)
def decide_page(claim_id: int):
    services.decide(session=db(), staff=page_user(), claim_id=claim_id, confirm=request.form.get("confirm") == "1")
    commit()
    flash("已处理")
    return redirect(url_for("brands.claims_page"))
