"""Statistics for the labour bureau: the flows API, an API per statistic, a page per statistic with a chart
and a table, and each as an Excel workbook. Staff only; every figure is aggregated."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request

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


def _report(slug: str, raw_from: str | None, raw_to: str | None, raw_by: str | None) -> services.Report:
    stat = services.STATISTICS[slug]
    start, end = services.parse_period(raw_from, raw_to)
    by = services.parse_choice(raw_by, stat.groups)
    return services.report(db(), slug=slug, start=start, end=end, by=by)


def _api_view(slug: str):
    def view():
        api_user(ADMIN)
        rep = _report(slug, request.args.get("from"), request.args.get("to"), request.args.get("by"))
        return ok(rep.as_json())

    view.__name__ = f"api_stats_{slug}"
    return view


for _slug in services.STATISTICS:
    if _slug != "flows":  # the flows keep the contract's shape above
        api.add_url_rule(f"/stats/{_slug}", view_func=_api_view(_slug), methods=["GET"])


def _defaults() -> tuple[str, str]:
    today = clock.today()
    return (request.args.get("from") or date(today.year, 1, 1).isoformat(),
            request.args.get("to") or today.isoformat())


def _page(slug: str):
    if slug not in services.STATISTICS:
        abort(404)
    stat = services.STATISTICS[slug]
    raw_from, raw_to = _defaults()
    raw_by = request.args.get("by") or next(iter(stat.groups))
    rep, errors, error, status = None, {}, None, 200
    try:
        rep = _report(slug, raw_from, raw_to, raw_by)
    except AppError as exc:
        errors, error, status = exc.fields, exc.message, exc.status
    return render_template("stats/report.html", stat=stat, rep=rep, statistics=services.STATISTICS,
                           raw_from=raw_from, raw_to=raw_to, raw_by=raw_by, errors=errors, error=error,
                           suppressed_below=services.SUPPRESSED_BELOW), status


@bp.get("/admin/stats")
@roles_required(ADMIN)
def stats_page():
    return _page("flows")


@bp.get("/admin/stats/<slug>")
@roles_required(ADMIN)
def statistic_page(slug: str):
    return _page(slug)


@bp.get("/admin/stats/<slug>.xlsx")
@roles_required(ADMIN)
def statistic_workbook(slug: str):
    if slug not in services.STATISTICS:
        abort(404)
    raw_from, raw_to = _defaults()
    try:
        rep = _report(slug, raw_from, raw_to, request.args.get("by"))
    except AppError as exc:
        return _page(slug)[0], exc.status
    name = f"{slug}-{rep.start.isoformat()}-{rep.end.isoformat()}.xlsx"
    return Response(services.workbook(rep),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
