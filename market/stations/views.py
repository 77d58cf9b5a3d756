"""Gig stations: the public directory, the station counter (assisted registration, matches, printed slip)
and the audited roster of registered workers."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from market import clock
from market.errors import Invalid
from market.models import ADMIN, STATION_STAFF
from market.places import form as place_form
from market.places import pages as place_pages
from market.stations import services
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required
from market.workers.services import worker_for_staff
from vocab import taxonomy
from vocab.certificates import SKILL_LEVELS

bp = Blueprint("stations", __name__)
COUNTER_ROLES = (STATION_STAFF, ADMIN)


def _state():
    return current_app.extensions["market"]


def _public_url(path: str) -> str:
    base = getattr(_state().settings, "PUBLIC_URL", None) or request.url_root
    return base.rstrip("/") + path


def _roster_filters(data: dict) -> dict:
    placed = data.get("placed")
    raw = data.get("registered_from") or ""
    try:
        since = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Invalid({"registered_from": "日期格式应为 2026-05-01"}) from None
    return {"occupation": data.get("occupation") or None, "registered_from": since,
            "placed": {"yes": True, "no": False, True: True, False: False}.get(placed)}


def _counter_data(form) -> dict:
    data = {k: form.get(k) for k in ("phone", "name") if form.get(k)}
    codes, years = form.getlist("occupation"), form.getlist("years")
    data["occupations"] = [{"code": c, "years": y or 0} for c, y in zip(codes, years, strict=False) if c]
    names, levels, numbers = form.getlist("cert_name"), form.getlist("cert_level"), form.getlist("cert_number")
    data["certificates"] = [{"name": n, "level": lv or None, "number": no or None}
                            for n, lv, no in zip(names, levels, numbers, strict=False) if n.strip()]
    if form.get("id_number"):
        data["id_number"] = form.get("id_number")
    data["sensitive_consent"] = form.get("sensitive_consent") == "on"
    return data


# ---- API ----

@api.get("/stations")
def api_stations():
    rows = services.directory(db(), adcode=request.args.get("adcode") or None)
    return ok({"items": [services.station_public(s) for s in rows]})


@api.post("/stations")
def api_create_station():
    staff = api_user(ADMIN)
    station = services.create_station(session=db(), staff=staff, data=json_body())
    commit()
    return ok(services.station_public(station), 201)


@api.get("/stations/<int:station_id>")
def api_station(station_id: int):
    return ok(services.station_public(services.get_station(db(), station_id)))


@api.post("/station/workers")
def api_assisted_register():
    staff = api_user(*COUNTER_ROLES)
    worker = services.assisted_register(session=db(), staff=staff, cipher=_state().cipher, data=json_body())
    commit()
    found = services.matches(session=db(), ranker=_state().ranker, worker=worker, cipher=_state().cipher,
                             today=clock.today())
    return ok({"worker": worker_for_staff(worker, _state().cipher), "matches": found}, 201)


@api.post("/station/roster")
def api_roster():
    """A POST: reading people's records is written to the audit trail."""
    staff = api_user(*COUNTER_ROLES)
    items = services.roster(session=db(), staff=staff, **_roster_filters(json_body()))
    commit()
    return ok({"items": items})


# ---- Pages ----

@bp.get("/stations")
def directory_page():
    adcode, errors, place = place_form.search_filter(request.args, "adcode", label="地区")
    rows = [] if errors else services.directory(db(), adcode=adcode)
    return render_template("stations/directory.html", stations=[services.station_public(s) for s in rows],
                           points=services.map_points(rows), place=place, errors=errors), 422 if errors else 200


STATION_PLACES = {"adcode": "驿站所在地"}
COUNTER_PLACES = {"current_adcode": "现在所在地", "hometown_adcode": "老家"}


def _station_form(form, errors: dict, *, error: str | None = None, status: int = 200, choices: dict | None = None,
                  stepped: str | None = None):
    place = place_form.pickers(form or None, STATION_PLACES, stepped=stepped, choices=choices)["adcode"]
    return render_template("stations/new.html", form=form, errors=errors, error=error, place=place,
                           choices=services.STATION_SERVICES), status


@bp.route("/admin/stations/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new_station_page():
    form = request.form
    if request.method == "POST" and place_form.STEP in form:
        return _station_form(form, {}, stepped=form[place_form.STEP])
    if request.method == "POST":
        saved = place_pages.save(form, STATION_PLACES, lambda data: services.create_station(
            session=db(), staff=page_user(), data=data | {"services": form.getlist("services")}), required=STATION_PLACES)
        if saved.failure:
            exc = saved.failure
            return _station_form(form, exc.fields, error=exc.message, status=exc.status, choices=saved.choices)
        flash("驿站已加入名录")
        return redirect(url_for("stations.directory_page"))
    return _station_form({}, {})


def _counter_form(form, errors: dict, *, error: str | None = None, status: int = 200, choices: dict | None = None,
                  stepped: str | None = None):
    pickers = place_form.pickers(form or None, COUNTER_PLACES, stepped=stepped, choices=choices)
    return render_template("stations/counter.html", occupations=list(taxonomy.occupations().values()),
                           levels=SKILL_LEVELS, form=form, errors=errors, error=error, pickers=pickers), status


@bp.route("/station/counter", methods=["GET", "POST"])
@roles_required(*COUNTER_ROLES)
def counter_page():
    staff = page_user()
    form = request.form
    if request.method == "POST" and place_form.STEP in form:
        return _counter_form(form, {}, stepped=form[place_form.STEP])
    if request.method == "POST":
        saved = place_pages.save(form, COUNTER_PLACES, lambda data: services.assisted_register(
            session=db(), staff=staff, cipher=_state().cipher,
            data=_counter_data(form) | {k: data[k] for k in COUNTER_PLACES if data[k]}))
        if saved.failure:
            exc = saved.failure
            return _counter_form(form, exc.fields, error=exc.message, status=exc.status, choices=saved.choices)
        flash("已登记。下面是为他找到的岗位，可以打印给他")
        return redirect(url_for("stations.slip_page", worker_id=saved.result.id))
    services._counter_staff(db(), staff)  # an account still waiting for approval is told so at once
    return _counter_form({}, {})


@bp.get("/station/workers/<int:worker_id>/slip")
@roles_required(*COUNTER_ROLES)
def slip_page(worker_id: int):
    worker = services.registered_worker(session=db(), staff=page_user(), worker_id=worker_id)
    printed = services.slip(session=db(), ranker=_state().ranker, worker=worker, cipher=_state().cipher,
                            today=clock.today())
    found = printed["matches"]
    for item in found:
        item["qr"] = services.qr_svg_uri(_public_url(url_for("postings.job_page", job_id=item["job"]["id"])))
    claim_qr = services.qr_svg_uri(_public_url(url_for("auth.reset")))
    return render_template("stations/slip.html", worker=worker, matches=found, claim_qr=claim_qr,
                           subsidies=printed["subsidies"],
                           today_text=clock.today().isoformat(),
                           trades=[taxonomy.name_of(o["code"]) for o in worker.occupations])


@bp.route("/station/roster", methods=["GET", "POST"])
@roles_required(*COUNTER_ROLES)
def roster_page():
    staff = page_user()
    items = None
    if request.method == "POST":
        items = services.roster(session=db(), staff=staff, **_roster_filters(request.form))
        commit()
    return render_template("stations/roster.html", items=items, form=request.form,
                           occupations=list(taxonomy.occupations().values()))
