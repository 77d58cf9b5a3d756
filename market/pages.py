"""Template helpers shared by every page."""

from __future__ import annotations

import secrets

from flask import Flask, g, url_for
from flask_login import current_user

from market.applications.services import STATUS_NAMES
from market.clock import to_china
from vocab import regions, taxonomy
from vocab.terms import EMPLOYMENT_TYPE_NAMES


def job_href(job_id: int) -> str:
    """The posting page's address, as url_for builds it, without building it again for every card of a list:
    the request's prefix once (``/jobs/``, under whatever root the site is mounted), then the id."""
    prefix = g.get("_job_href")
    if prefix is None:
        prefix = g._job_href = url_for("postings.job_page", job_id=1).removesuffix("1")
    return f"{prefix}{int(job_id)}"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["job_href"] = job_href

    @app.context_processor
    def _helpers() -> dict:
        user = current_user.user if current_user.is_authenticated else None
        return {
            "me_user": user,
            "place_name": regions.full_name,
            "occupation_name": taxonomy.name_of,
            "status_names": STATUS_NAMES,
            "type_names": EMPLOYMENT_TYPE_NAMES,
            "new_key": lambda: secrets.token_urlsafe(12),
            "china_time": lambda dt: to_china(dt).strftime("%m-%d %H:%M") if dt else "",
        }
