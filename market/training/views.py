"""Training courses: the list anyone can search, sign-up for workers, an institution's own courses."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from market.errors import AppError, Invalid
from market.models import TRAINER, WORKER
from market.places import form as place_form
from market.places import pages as place_pages
from market.training import services
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required
from market.workers.services import require_worker
from vocab import taxonomy
from vocab.certificates import SKILL_LEVELS

bp = Blueprint("training", __name__)


def _filters(args) -> dict:
    raw = args.get("from") or ""
    try:
        on = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Invalid({"from": "日期格式应为 2026-05-01"}) from None
    return {"occupation": args.get("occupation") or None, "adcode": args.get("adcode") or None,
            "on_or_after": on, "q": args.get("q") or None}


@api.get("/courses")
def api_courses():
    rows = services.search_courses(session=db(), **_filters(request.args))
    return ok({"items": [services.course_public(db(), c) for c in rows]})


@api.post("/courses")
def api_create_course():
    user = api_user(TRAINER)
    course = services.create_course(session=db(), institution=user, data=json_body())
    commit()
    return ok(services.course_public(db(), course), 201)


@api.get("/courses/<int:course_id>")
def api_course(course_id: int):
    return ok(services.course_public(db(), services.get_course(db(), course_id)))


@api.post("/courses/<int:course_id>/signups")
def api_sign_up(course_id: int):
    user = api_user(WORKER)
    worker = require_worker(db(), user)
    signup, created = services.sign_up(session=db(), worker=worker, course=services.get_course(db(), course_id))
    commit()
    return ok({"id": signup.id, "course_id": course_id, "worker_id": worker.id}, 201 if created else 200)


@api.get("/courses/<int:course_id>/signups")
def api_trainees(course_id: int):
    user = api_user(TRAINER)
    return ok({"items": services.trainees(session=db(), institution=user,
                                          course=services.get_course(db(), course_id))})


@api.get("/me/courses")
def api_my_courses():
    worker = require_worker(db(), api_user(WORKER))
    return ok({"items": [services.course_public(db(), c) for c in services.courses_of_worker(db(), worker)]})


# ---- Pages ----

@bp.get("/courses")
def courses_page():
    adcode, errors, place = place_form.search_filter(request.args, "adcode", label="地点")
    rows: list = []
    try:
        filters = _filters(request.args) | {"adcode": adcode}
        if not errors:
            rows = services.search_courses(session=db(), **filters)
    except AppError as exc:
        errors |= exc.fields
    return render_template("training/courses.html", courses=[services.course_public(db(), c) for c in rows],
                           args=request.args, occupations=list(taxonomy.occupations().values()), place=place,
                           errors=errors, error="；".join(errors.values()) or None), 422 if errors else 200


@bp.get("/courses/<int:course_id>")
def course_page(course_id: int):
    return render_template("training/course.html", course=services.course_public(db(), services.get_course(db(), course_id)))


@bp.post("/courses/<int:course_id>/signup")
@roles_required(WORKER)
def sign_up_page(course_id: int):
    worker = require_worker(db(), page_user())
    try:
        _, created = services.sign_up(session=db(), worker=worker, course=services.get_course(db(), course_id))
        commit()
    except AppError as exc:
        db().rollback()
        flash(exc.message)
        return redirect(url_for("training.course_page", course_id=course_id))
    flash("报名成功，开课前请留意短信通知" if created else "您已经报过名了")
    return redirect(url_for("training.course_page", course_id=course_id))


@bp.route("/trainer/courses", methods=["GET", "POST"])
@roles_required(TRAINER)
def my_courses_page():
    user = page_user()
    form = request.form if request.method == "POST" else {}
    errors, error, status, choices = {}, None, 200, {}
    stepped = form.get(place_form.STEP)
    if request.method == "POST" and not stepped:
        saved = place_pages.save(form, COURSE_PLACES, lambda data: services.create_course(
            session=db(), institution=user, data=data), required=COURSE_PLACES)
        if saved.failure is None:
            flash("课程已发布")
            return redirect(url_for("training.my_courses_page"))
        errors, error, status, choices = saved.failure.fields, saved.failure.message, saved.failure.status, \
            saved.choices
    courses = [services.course_public(db(), c) for c in services.courses_of_institution(db(), user)]
    place = place_form.pickers(form or None, COURSE_PLACES, stepped=stepped, choices=choices)["adcode"]
    return render_template("training/mine.html", courses=courses, form=form, errors=errors, error=error,
                           place=place, occupations=list(taxonomy.occupations().values()),
                           levels=SKILL_LEVELS), status


COURSE_PLACES = {"adcode": "培训地点"}
