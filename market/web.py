"""What every view shares: the request's database session, the API blueprint, JSON in and out, roles."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, jsonify, request
from flask_login import current_user
from sqlmodel import Session

from market.config import Settings
from market.db import write_intent
from market.errors import Forbidden, Invalid, Unauthorized
from market.models import User

api = Blueprint("api", __name__, url_prefix="/api/v1")


def db() -> Session:
    """The request's session: one transaction, committed once by the view before it answers."""
    if "db" not in g:
        g.db = Session(current_app.extensions["market"].engine, expire_on_commit=False)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            write_intent(g.db)  # SQLite: a request that will write holds the write lock from the start
    return g.db


def commit() -> None:
    session = db()
    dirty = session.info.pop("search_dirty", False)
    session.commit()
    gateway = current_app.extensions["market"].search
    if dirty and gateway is not None:
        gateway.kick()


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.rollback()
        session.close()


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None:
        if request.content_length:
            raise Invalid({"body": "请求内容不是有效的 JSON"})
        return {}
    if not isinstance(data, dict):
        raise Invalid({"body": "请求内容应为 JSON 对象"})
    return data


def ok(payload: Any, status: int = 200):
    return jsonify(payload), status


def api_user(*roles: str) -> User:
    """The API caller, from the bearer token only (cookies never authenticate API calls)."""
    user = g.get("api_user")
    if user is None:
        raise Unauthorized("请先登录（缺少或无效的访问令牌）")
    if roles and user.role not in roles:
        raise Forbidden()
    return user


def page_user(*roles: str) -> User:
    if not current_user.is_authenticated:
        abort(401)
    user = current_user.user
    if roles and user.role not in roles:
        raise Forbidden()
    return user


def roles_required(*roles: str):
    """For pages: sign-in required, and one of ``roles``."""

    def wrap(view):
        @functools.wraps(view)
        def inner(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.extensions["market"].login_manager.unauthorized()
            if roles and current_user.user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        return inner

    return wrap


def content_security_policy(stream_origins: list[str]) -> str:
    media = " ".join(["'self'", "blob:", *stream_origins])
    frames = " ".join(stream_origins) or "'none'"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",  # scripts are files under /static; no inline script, no eval
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        f"media-src {media}",
        f"frame-src {frames}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def register_security_headers(app: Flask, settings: Settings) -> None:
    """On every response: a CSP without inline script, no framing by other sites, no MIME sniffing, a
    referrer that never carries a path off the site, and HSTS in production."""
    policy = content_security_policy(settings.STREAM_ORIGINS)
    production = settings.APP_ENV == "production"

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
