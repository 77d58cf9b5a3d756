"""What every view shares: the request's database session, the API blueprint, JSON in and out, roles."""

from __future__ import annotations

import functools
import time
from typing import Any, TypeVar

import orjson
from flask import Blueprint, Flask, Response, abort, current_app, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user
from sqlmodel import Session

from market.api_schemas import Body, parse
from market.config import Settings
from market.db import write_intent
from market.errors import Forbidden, Invalid, Unauthorized
from market.models import User
from search.client import start_meter, stop_meter

BodyT = TypeVar("BodyT", bound=Body)
api = Blueprint("api", __name__, url_prefix="/api/v1")


def db() -> Session:
    """The request's session: one transaction, committed once by the view before it answers."""
    if "db" not in g:
        g.db = Session(current_app.extensions["market"].engine, expire_on_commit=False)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _locks_late():
            write_intent(g.db)  # SQLite: a request that will write holds the write lock from the start
    return g.db


def write_lock_late(view):
    """For a view whose service reads first and takes the write lock itself, only around its writes
    (``market.db.write_intent``): a burst of them then reads side by side instead of queueing for the lock."""
    view.write_lock_late = True
    return view


def _locks_late() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "write_lock_late", False)


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
        session.close()  # ends (rolls back) what the view did not commit, and returns the connection


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if data is None:
        if request.content_length:
            raise Invalid({"body": "请求内容不是有效的 JSON"})
        return {}
    if not isinstance(data, dict):
        raise Invalid({"body": "请求内容应为 JSON 对象"})
    return data


class FastJSONProvider(DefaultJSONProvider):
    """Flask's own JSON answers, byte for byte (keys sorted, compact, characters as UTF-8, a date as an HTTP
    date, a trailing newline), written by orjson: a page of twenty postings in a tenth of the time.

    What orjson would write otherwise goes to Flask's encoder: an integer beyond 64 bits or a key that is not
    a string (orjson refuses them), and a float under 0.0001 (Python writes 1e-05, orjson 0.00001; seen in
    the output as "0.0000"). Flask's encoder stays for indented output and for ``ensure_ascii``.
    """

    _OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        if self.ensure_ascii or not self.sort_keys or self.compact is False or \
                (self.compact is None and self._app.debug):
            return super().response(obj)
        try:
            body = orjson.dumps(obj, default=self.default, option=self._OPTIONS)
        except TypeError:  # orjson.JSONEncodeError
            return super().response(obj)
        if b"0.0000" in body:
            return super().response(obj)
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)


def json_model(model: type[BodyT]) -> BodyT:
    """The JSON body checked against its model in ``market.api_schemas`` (the rules the API document
    states), or a 422 naming each wrong field in Chinese."""
    return parse(model, json_body())


def json_checked(model: type[Body]) -> dict[str, Any]:
    """The JSON body as sent, once it passed its model: for services that read a dict (and that keep their own
    rules for the pages' forms)."""
    body = json_body()
    parse(model, body)
    return body


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


def confirmation(*, title: str, question: str, yes: str, back: str, details: list[str] | None = None,
                 fields: list[dict] | None = None):
    """For an action that cannot be undone: None once the person has said yes (``confirm=yes`` in the form),
    else a plain page that asks, carrying what was posted so the yes button repeats it (no script needed)."""
    from flask import render_template

    if request.form.get("confirm") == "yes":
        return None
    asked = {f["name"] for f in fields or []}
    hidden = {k: v for k, v in request.form.items() if k not in ("csrf_token", "confirm", *asked)}
    return render_template("confirm.html", title=title, question=question, details=details or [], yes=yes,
                           back=back, action=request.path, hidden=hidden,
                           fields=[f | {"value": request.form.get(f["name"], "")} for f in fields or []])


_COMPRESSIBLE = ("text/html", "text/css", "application/javascript", "text/javascript", "application/json",
                 "image/svg+xml")
_MIN_COMPRESS_BYTES = 512
# A static file is compressed once and kept: level 6. An answer made per request is compressed per request:
# level 1, a tenth of the time for a page of twenty postings (19.5 kB to 3.7 kB in 0.07 ms, where level 6
# takes 0.6 ms for 3.2 kB): the half kilobyte more costs a phone less than the wait did.
_STATIC_LEVEL = 6
_DYNAMIC_LEVEL = 1


_GZIPPED_FILES: dict[tuple[str, str], bytes] = {}  # (path, the file's own ETag) → its gzip, computed once


def _wants_gzip() -> bool:
    accepts = request.accept_encodings
    return bool(accepts["gzip"]) or "gzip" in accepts


def compress_and_validate(response):
    """After every response: gzip for HTML, CSS, scripts and JSON when the client takes it, and validators so
    a page or file the client already has comes back as 304 without a body. Streams (live events) pass."""
    if response.is_streamed and not response.direct_passthrough:
        return response
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    if response.mimetype not in _COMPRESSIBLE and not response.mimetype.startswith("text/") \
            or response.mimetype == "text/event-stream":
        return response
    response.vary.add("Accept-Encoding")
    if response.direct_passthrough:  # a static file, already with its ETag and Last-Modified
        response.cache_control.public = True
        file_tag = response.get_etag()[0]
        if not _wants_gzip() or not file_tag:
            return response
        key = (request.path, file_tag)
        source = response.response
        response.direct_passthrough = False
        if key in _GZIPPED_FILES:
            if hasattr(source, "close"):
                source.close()
            body = _GZIPPED_FILES[key]
        else:
            raw = response.get_data()
            if hasattr(source, "close"):
                source.close()
            if len(raw) < _MIN_COMPRESS_BYTES:
                return response.make_conditional(request)
            body = _gzip(raw, _STATIC_LEVEL)
            if len(_GZIPPED_FILES) > 256:
                _GZIPPED_FILES.clear()
            _GZIPPED_FILES[key] = body
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(file_tag + "-gz")
        return response.make_conditional(request)
    body = response.get_data()
    if len(body) >= _MIN_COMPRESS_BYTES and "Content-Encoding" not in response.headers and _wants_gzip():
        response.set_data(_gzip(body, _DYNAMIC_LEVEL))
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(_body_tag(response.get_data()))
    return response.make_conditional(request)


def _gzip(body: bytes, level: int) -> bytes:
    import gzip

    return gzip.compress(body, compresslevel=level, mtime=0)  # mtime 0: the same body gives the same bytes


def _body_tag(body: bytes) -> str:
    import hashlib

    return hashlib.blake2b(body, digest_size=12).hexdigest()
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


class ServerTiming:
    """WSGI middleware: every answer to a GET under /api/ carries ``Server-Timing: app;dur=…, engine;dur=…``,
    the app's milliseconds from taking the request to sending its headers and, of those, the milliseconds it
    waited on the search engine. The route's own work is the difference: measured on the server, where
    it happens, in production as in a benchmark, and nothing personal in it. Writes (a sign-in that answers
    alike whether a phone has an account) are not timed aloud.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not environ.get("PATH_INFO", "").startswith("/api/"):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        meter, token = start_meter()

        def timed(status, headers, exc_info=None):
            app_ms = (time.perf_counter() - started) * 1000
            headers.append(("Server-Timing", f"app;dur={app_ms:.3f}, engine;dur={meter[0] * 1000:.3f}"))
            return start_response(status, headers, exc_info)

        try:
            return self.wsgi_app(environ, timed)
        finally:
            stop_meter(token)
