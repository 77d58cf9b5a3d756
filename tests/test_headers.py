"""Every response carries the security headers; production refuses weak settings and sends HSTS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from market import create_app
from market.config import ConfigError

TEMPLATES = Path(__file__).resolve().parent.parent / "market" / "templates"
STRONG = "k3Y-" + "x7Qm2" * 8


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/jobs", "/healthz", "/api/v1/jobs/99999",
                                  "/static/site.css", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    r = client.get(path)
    r.close()
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in r.headers  # development is plain http on loopback


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
            # A JSON data block (the numbers a chart draws) is never run, so the CSP has no say over it.
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        if re.search(r"\son[a-z]+\s*=", html) or "javascript:" in html:
            offenders.append(f"{path.relative_to(TEMPLATES)}: inline event handler")
    assert offenders == []


def test_session_cookie_is_httponly_and_samesite(make_user, client):
    user = make_user("worker")
    r = client.post("/login", data={"phone": user.user.phone, "password": "password123"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _production(database_url, **overrides):
    return create_app({"APP_ENV": "production", "DATABASE_URL": database_url, "SECRET_KEY": STRONG,
                       "PII_KEY": "c2VjcmV0LXBpaS1rZXktZm9yLXRlc3RzLW9ubHktMzI=", "SMS_BACKEND": "none",
                       "SEARCH_ENABLED": False, "RATELIMIT_ENABLED": False, "TESTING": True,
                       "SEARCH_LOG": "", "REDIS_URL": None} | overrides)


def test_production_sends_hsts_and_secure_cookies(database_url, make_user):
    app = _production(database_url)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
        r = app.test_client().get("/", base_url="https://jobs.example")
        assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.extensions["market"].engine.dispose()


@pytest.mark.parametrize("overrides", [{"SECRET_KEY": "x"}, {"SECRET_KEY": "a" * 64},
                                       {"SECRET_KEY": "dev-secret-change-me"}, {"SMS_BACKEND": "log"},
                                       {"SMS_BACKEND": "memory"}])
def test_production_refuses_short_keys_and_the_log_sms_backend(database_url, overrides):
    with pytest.raises(ConfigError):
        _production(database_url, **overrides)


def test_stream_origins_are_allowed_for_media_and_frames_only(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SEARCH_ENABLED": False, "SEARCH_LOG": "",
                      "STREAM_ORIGINS": ["https://live.example.com"], "REDIS_URL": None,
                      "MODEL_DIR": str(tmp_path)})
    try:
        csp = app.test_client().get("/healthz").headers["Content-Security-Policy"]
        assert "media-src 'self' blob: https://live.example.com" in csp
        assert "frame-src https://live.example.com" in csp
        assert "script-src 'self';" in csp
    finally:
        app.extensions["market"].engine.dispose()
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": database_url, "STREAM_ORIGINS": ["http://plain.example"]})


def test_api_reads_say_their_server_time_and_sign_ins_and_pages_do_not(client, make_user):
    from bench.search import server_timing

    listed = client.get("/api/v1/jobs")  # search off: the database answers, the engine is never asked
    timing = server_timing(listed.headers)
    assert listed.status_code == 200 and timing["engine"] == 0 < timing["app"] < 5000, listed.headers
    assert server_timing(client.get("/api/v1/jobs/99999").headers)["app"] > 0  # a 404 is timed too
    # A sign-in answers alike, in about the same time, with or without an account: it says no time aloud.
    user = make_user()
    signed_in = client.post("/api/v1/auth/token", json={"phone": user.user.phone, "password": "wrong-password"})
    assert signed_in.status_code in (400, 401) and "Server-Timing" not in signed_in.headers
    assert "Server-Timing" not in client.get("/").headers
