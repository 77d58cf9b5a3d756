"""GET /healthz: is the database answering, is search answering."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from market.web import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    state = current_app.extensions["market"]
    checks: dict[str, str] = {}
    try:
        db().execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    if state.search is None:
        checks["search"] = "disabled"
    else:
        checks["search"] = "ok" if state.search.healthy() else "unreachable"
    checks["ranker"] = "model" if state.ranker is not None and state.ranker.has_model() else "fallback"
    status = "ok" if checks["database"] == "ok" and checks["search"] in ("ok", "disabled") else "degraded"
    return jsonify({"status": status, "checks": checks}), 200 if checks["database"] == "ok" else 503
