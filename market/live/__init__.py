"""Live job fairs (直播带岗): organisers put open jobs on air; viewers follow a Server-Sent Events stream."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """One hub per app: it holds this process's open streams and, with Redis, starts its listener when the
    first viewer arrives (in the serving process, never at import)."""
    from market.live.hub import LiveHub
    from market.live.views import bp

    state = app.extensions["market"]
    app.extensions["live"] = LiveHub(state.engine, state.settings.REDIS_URL)
    app.register_blueprint(bp)
