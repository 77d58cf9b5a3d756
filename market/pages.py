"""Template helpers shared by every page."""

from __future__ import annotations

import secrets

from flask import Flask
from flask_login import current_user

from market.applications.services import STATUS_NAMES
from market.clock import to_china
from vocab import regions, taxonomy
from vocab.terms import EMPLOYMENT_TYPE_NAMES


def register_template_helpers(app: Flask) -> None:
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
