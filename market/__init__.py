"""Gig Market (零工市场): the Flask site and JSON API."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from market.config import ROOT, Settings
from market.crypto import PersonalDataCipher
from market.sms import SmsSender


@dataclass
class MarketState:
    """What the app is wired with, on ``app.extensions["market"]``: one per app, nothing global."""

    settings: Settings
    engine: Engine
    cipher: PersonalDataCipher
    sms: SmsSender
    login_manager: Any = None
    search: Any = None  # market.search_index.SearchGateway when search is enabled
    ranker: Any = None  # market.recommend.RankerService
    policies: Any = None  # market.policies.index.PolicyIndex when search is enabled
    limits: Any = None  # market.ratelimit.RateLimiter


def create_app(overrides: dict[str, Any] | None = None):
    from flask import Flask, g, request

    from market import errors_http, extensions
    from market.auth.services import user_from_token
    from market.db import make_engine
    from market.sms import make_sender
    from market.web import close_db, db

    settings = Settings.from_env()
    for key, value in (overrides or {}).items():
        setattr(settings, key, value)
    settings.check()

    from market.validate import IdConverter

    app = Flask(__name__, static_folder=str(ROOT / "static"), static_url_path="/static")
    app.url_map.converters["int"] = IdConverter  # before any route: ids past the column's range are 404
    app.config.update(
        SECRET_KEY=settings.SECRET_KEY,
        TESTING=settings.TESTING,
        WTF_CSRF_ENABLED=settings.WTF_CSRF_ENABLED,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.APP_ENV == "production",
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.APP_ENV == "production",
        RATELIMIT_ENABLED=settings.RATELIMIT_ENABLED,
        RATELIMIT_STORAGE_URI=settings.REDIS_URL or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # Flask-Limiter's own limits fail open to memory when Redis does not answer, never to a 500.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SEND_FILE_MAX_AGE_DEFAULT=3600,  # static files: an hour, then revalidated by ETag / Last-Modified
    )
    from market.web import FastJSONProvider
    app.json = FastJSONProvider(app)
    app.json.ensure_ascii = False
    if settings.TRUSTED_PROXIES:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.TRUSTED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.logger.setLevel(logging.INFO)

    state = MarketState(
        settings=settings,
        engine=make_engine(settings.DATABASE_URL),
        cipher=PersonalDataCipher(settings.PII_KEY),
        sms=make_sender(settings.SMS_BACKEND, settings),
        login_manager=extensions.login_manager,
    )
    app.extensions["market"] = state
    from market.ratelimit import RateLimiter
    state.limits = RateLimiter(settings.REDIS_URL, enabled=settings.RATELIMIT_ENABLED)

    extensions.login_manager.init_app(app)
    from market.fairs.views import allow_sheet_uploads
    app.before_request(allow_sheet_uploads)  # before the CSRF check reads a (large) job sheet's form
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)

    from market import search_index
    if settings.SEARCH_ENABLED:
        state.search = search_index.SearchGateway.from_settings(settings)
        if state.search is not None:
            from market.policies.index import PolicyIndex
            from search.policies import index_name

            state.policies = PolicyIndex(state.search.admin, index_name(settings.MEILI_INDEX))

    from market import recommend
    state.ranker = recommend.RankerService(settings.MODEL_DIR)

    from market.admin.views import bp as admin_bp
    from market.applications.views import bp as applications_bp
    from market.auth.views import bp as auth_bp
    from market.brands.views import bp as brands_bp
    from market.complaints.views import bp as complaints_bp
    from market.employers.views import bp as employers_bp
    from market.fairs.views import bp as fairs_bp
    from market.health import bp as health_bp
    from market.openapi import bp as openapi_bp
    from market.organisers.views import bp as organisers_bp
    from market.partners.views import bp as partners_bp
    from market.policies.views import bp as policies_bp
    from market.postings.views import bp as postings_bp
    from market.recommend_views import bp as recommend_bp
    from market.reports.views import bp as reports_bp
    from market.stations.views import bp as stations_bp
    from market.stats.views import bp as stats_bp
    from market.subsidies.views import bp as subsidies_bp
    from market.training.views import bp as training_bp
    from market.web import api
    from market.workers.views import bp as workers_bp
    from market.worklog.views import bp as worklog_bp

    for blueprint in (auth_bp, postings_bp, applications_bp, workers_bp, employers_bp, admin_bp, health_bp,
                      openapi_bp, recommend_bp, complaints_bp, stats_bp, organisers_bp, partners_bp, training_bp,
                      stations_bp, subsidies_bp, policies_bp, brands_bp, worklog_bp, reports_bp,
                      fairs_bp):
        app.register_blueprint(blueprint)

    import market.places.views  # noqa: F401  (its routes live on the API blueprint)
    from market.live.views import init_app as init_live
    init_live(app)  # before the API blueprint is registered: its API routes live on `api`

    extensions.csrf.exempt(api)  # the API authenticates by bearer token only, never by cookie
    app.register_blueprint(api)
    errors_http.register(app)
    from market.web import register_security_headers
    register_security_headers(app, settings)

    @app.before_request
    def _bounded_input() -> None:
        from market.validate import check_json_body, check_no_nul

        if b"%00" in request.query_string or b"\x00" in request.query_string:
            check_no_nul(request.args)
        if request.is_json:
            check_json_body(request.get_data(cache=True))
        elif request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                               "multipart/form-data"):
            check_no_nul(request.form)  # the form's fields; an uploaded workbook may hold any byte

    @app.before_request
    def _api_token() -> None:
        if request.path.startswith("/api/"):
            header = request.headers.get("Authorization", "")
            if header.startswith("Bearer "):
                g.api_user = user_from_token(session=db(), token=header[7:].strip(), secret=settings.SECRET_KEY)

    if state.search is not None:
        @app.before_request
        def _relay() -> None:
            # Started in the process that serves (each gunicorn worker), never at import or in a master.
            state.search.start_relay(state.engine)

    app.teardown_appcontext(close_db)
    from market.web import compress_and_validate
    app.after_request(compress_and_validate)

    if not settings.TESTING:
        from market.searchlog import open_log
        open_log(settings.SEARCH_LOG)

    from market.web import ServerTiming
    app.wsgi_app = ServerTiming(app.wsgi_app)

    from market.cli import register_cli
    register_cli(app)
    from market.pages import register_template_helpers
    register_template_helpers(app)
    return app


def warm(app) -> None:
    """Ready a serving process before it takes requests: the ranker's model and today's index of open
    postings (gunicorn's post_worker_init calls this in every worker). A failure is logged, never fatal:
    the first recommendation then builds what it needs."""
    import logging

    from market import clock

    state = app.extensions["market"]
    try:
        seconds = state.ranker.warm(state.engine, clock.today())
    except Exception:
        logging.getLogger("market.recommend").exception("warming the ranker failed; it will build on first use")
        return
    logging.getLogger("market.recommend").info("ranker warmed in %.2f s", seconds)
