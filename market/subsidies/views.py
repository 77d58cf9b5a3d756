"""Subsidy eligibility: the contract's API for the worker or staff, and the worker's own page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from market.errors import Forbidden, NotFound
from market.models import WORKER, Worker
from market.postings.access import is_staff
from market.subsidies import services
from market.web import api, api_user, db, ok, page_user, roles_required
from market.workers.services import require_worker

bp = Blueprint("subsidies", __name__)


def _cipher():
    return current_app.extensions["market"].cipher


@api.get("/workers/<int:worker_id>/eligibility")
def api_eligibility(worker_id: int):
    user = api_user()
    worker = db().get(Worker, worker_id)
    if worker is None:
        raise NotFound("没有这个求职者")
    if not (is_staff(user) or (user.role == WORKER and worker.user_id == user.id)):
        raise Forbidden("只有本人或人社工作人员可以查看")
    return ok({"items": services.eligibility(session=db(), worker=worker, cipher=_cipher())})


@bp.get("/me/eligibility")
@roles_required(WORKER)
def eligibility_page():
    worker = require_worker(db(), page_user())
    items = services.eligibility(session=db(), worker=worker, cipher=_cipher())
    return render_template("subsidies/eligibility.html", items=items,
                           consented=worker.sensitive_consent_at is not None)
