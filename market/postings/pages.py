"""The posting form of the site: one for the employer's own postings and for postings made at a fair's
booth. It reads the form (places by name or picker), renders it as typed with the bad fields marked, and
saves it through a service call, so every page that posts a job behaves the same."""

from __future__ import annotations

from flask import render_template, request

from market.errors import AppError
from market.models import Job
from market.places import form as place_form
from market.postings import services
from market.web import commit, db
from vocab import taxonomy
from vocab.certificates import SKILL_LEVELS
from vocab.terms import (
    BENEFITS,
    EMPLOYMENT_TYPE_NAMES,
    EMPLOYMENT_TYPES,
    MEAL_NAMES,
    MEALS,
    PAY_CYCLE_NAMES,
    PAY_CYCLES,
    SHIFT_PATTERN_NAMES,
    SHIFT_PATTERNS,
)

JOB_PLACES = {"adcode": "工作地点"}


def read() -> tuple[dict, dict[str, str], dict[str, list[dict]]]:
    data = {k: v for k, v in request.form.items() if k in services.EDITABLE}
    data["benefits"] = request.form.getlist("benefits")
    places, errors, choices = place_form.read_all(request.form, JOB_PLACES)
    data["adcode"] = places["adcode"] or ""
    return data, errors, choices


def render(form, errors: dict, *, job: Job | None = None, error: str | None = None, status: int = 200,
           choices: dict | None = None, stepped: bool = False, heading: str | None = None):
    """The posting form, as typed (a posted form) or as saved (a dict), the bad fields marked."""
    posted = form is request.form
    picker = place_form.picker(form if posted else None, "adcode", None if posted else form.get("adcode"),
                               stepped=stepped, candidates=(choices or {}).get("adcode"))
    return render_template("employer/job_form.html", form=form, errors=errors, error=error, job=job, place=picker,
                           heading=heading, **options()), status


def save(call, job: Job | None = None, *, heading: str | None = None):
    """Posts the form through ``call``; on any mistake the form comes back as typed, the field marked."""
    if place_form.STEP in request.form:
        return None, render(request.form, {}, job=job, stepped=True, heading=heading)
    data, place_errors, choices = read()
    try:
        saved = place_form.checked(place_errors, lambda: call(data))
        commit()
    except AppError as exc:
        db().rollback()
        return None, render(request.form, exc.fields, job=job, error=exc.message, status=exc.status,
                             choices=choices, heading=heading)
    return saved, None


def options() -> dict:
    """What the posting form offers, from the vocabulary."""
    return {"benefits": BENEFITS, "types": EMPLOYMENT_TYPES, "occupations": list(taxonomy.occupations().values()),
            "certificates": taxonomy.certificates(), "type_names": EMPLOYMENT_TYPE_NAMES,
            "skill_levels": SKILL_LEVELS,
            "cooperations": taxonomy.cooperation_names(), "pay_cycles": PAY_CYCLES,
            "pay_cycle_names": PAY_CYCLE_NAMES, "shift_patterns": SHIFT_PATTERNS,
            "shift_pattern_names": SHIFT_PATTERN_NAMES, "meal_choices": MEALS, "meal_names": MEAL_NAMES}
