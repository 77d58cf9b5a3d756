"""Statistics for the labour bureau: the flows API and a page with the same table."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from market import clock
from market.errors import AppError
from market.models import ADMIN
from market.stats import services
from market.web import api, api_user, db, ok, roles_required

bp = Blueprint("stats", __name__)


@api.get("/stats/flows")
def api_flows():
    api_user(ADMIN)
    start, end = services.parse_period(request.args.get("from"), request.args.get("to"))
    return ok({"from": start.isoformat(), "to": end.isoformat(),
               "flows": services.flows(db(), start=start, end=end),
               "suppressed_below": services.SUPPRESSED_BELOW})


@bp.get("/admin/stats")
@roles_required(ADMIN)
def stats_page():
    today = clock.today()
    raw_from = request.args.get("from") or date(today.year, 1, 1).isoformat()
    raw_to = request.args.get("to") or today.isoformat()
    rows, errors, error, status = [], {}, None, 200
    try:
        start, end = services.parse_period(raw_from, raw_to)
    except AppError as exc:
        errors, error, status = exc.fields, exc.message, exc.status
    else:
        rows = [row | {"from_name": services.province_name(row["from_province"]),
                       "to_name": services.province_name(row["to_province"])}
                for row in services.flows(db(), start=start, end=end)]
    return render_template("stats/flows.html", rows=rows, raw_from=raw_from, raw_to=raw_to, errors=errors,
                           error=error, suppressed_below=services.SUPPRESSED_BELOW), status
