"""Security headers on every response: a Content-Security-Policy without inline script, no framing by
other sites, no MIME sniffing, a referrer that never carries a path off the site, and HSTS in production."""

from __future__ import annotations

from flask import Flask, Response

from market.config import Settings


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


def register(app: Flask, settings: Settings) -> None:
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
