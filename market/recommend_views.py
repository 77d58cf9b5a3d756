"""Recommendations for workers and candidates for postings, over the API and as pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlmodel import select

from market import clock
from market.errors import Forbidden, Invalid, NotFound
from market.models import EMPLOYER, WORKER, Employer, Worker
from market.postings import browse
from market.postings.access import is_staff, own_job
from market.web import api, api_user, db, ok, page_user, roles_required
from market.workers.services import worker_for_employer, worker_of

bp = Blueprint("recommend", __name__)


def _k() -> int:
    raw = request.args.get("k", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        raise Invalid({"k": "k 应为 1 到 50 之间的整数"})
    return int(raw)


def _for_worker(worker: Worker, k: int) -> dict:
    state = current_app.extensions["market"]
    today = clock.today()
    scored, blocked = state.ranker.recommend(db(), worker, k=k, today=today, cipher=state.cipher)
    ids = {j.employer_id for j, _ in scored + blocked}
    employers = {e.id: e for e in db().exec(select(Employer).where(Employer.id.in_(ids)))}

    def public(job):
        return browse.job_public(job, employers[job.employer_id], today=today, full=False)

    return {
        "items": [{"job": public(job), "score": round(s.score, 4), "reasons": s.reasons} for job, s in scored],
        "needs_certificate": [{"job": public(job), "certificate": cert} for job, cert in blocked],
        "model": "trained" if state.ranker.has_model() else "fallback",
    }


@api.get("/workers/<int:worker_id>/recommendations")
def api_recommendations(worker_id: int):
    user = api_user()
    worker = db().get(Worker, worker_id)
    if worker is None:
        raise NotFound("没有这个求职者")
    if not (is_staff(user) or (user.role == WORKER and worker.user_id == user.id)):
        raise Forbidden("只能查看自己的推荐")
    return ok(_for_worker(worker, _k()))


@api.get("/jobs/<int:job_id>/candidates")
def api_candidates(job_id: int):
    user = api_user(EMPLOYER, "admin")
    job, _ = own_job(db(), job_id, user)
    state = current_app.extensions["market"]
    found = state.ranker.candidates(db(), job, k=_k(), today=clock.today())
    return ok({"items": [{"worker": worker_for_employer(w), "score": round(s.score, 4), "reasons": s.reasons}
                         for w, s in found]})


@bp.get("/me/recommendations")
@roles_required(WORKER)
def recommendations_page():
    worker = worker_of(db(), page_user())
    if worker is None:
        raise NotFound("没有求职资料")
    return render_template("worker/recommendations.html", **_for_worker(worker, 10))


@bp.get("/employer/jobs/<int:job_id>/candidates")
@roles_required(EMPLOYER)
def candidates_page(job_id: int):
    user = page_user()
    job, employer = own_job(db(), job_id, user)
    state = current_app.extensions["market"]
    found = state.ranker.candidates(db(), job, k=20, today=clock.today())
    return render_template("employer/candidates.html", job=browse.job_public(job, employer, today=clock.today()),
                           items=[{"worker": worker_for_employer(w), "reasons": s.reasons} for w, s in found])
