"""Live job fairs over HTTP: the organiser's API and page, and the viewer's page and event stream."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request, url_for

from market import clock
from market.db import after_commit
from market.errors import AppError
from market.live import services
from market.live.hub import LiveHub
from market.models import ADMIN, LIVE_ENDED, ORGANISER, LiveEvent, LiveSession, User
from market.web import api, api_user, commit, db, json_body, ok, page_user, roles_required

bp = Blueprint("live", __name__)


def hub() -> LiveHub:
    return current_app.extensions["live"]


def _publish_after_commit(event: LiveEvent | None) -> None:
    if event is None:
        return
    live_hub, session_id, event_id = hub(), event.session_id, event.id
    after_commit(db(), lambda: live_hub.publish(session_id, event_id))


def _on_air(user: User, session_id: int, raw_job_id: object) -> tuple[LiveSession, LiveEvent]:
    live = services.controlled_session(db(), session_id, user)
    event = services.put_on_air(session=db(), live=live, actor=user, job_id=services.parse_job_id(raw_job_id),
                                today=clock.today())
    _publish_after_commit(event)
    commit()
    return live, event


def _end(user: User, session_id: int) -> tuple[LiveSession, LiveEvent | None]:
    live = services.controlled_session(db(), session_id, user)
    event = services.end_session(session=db(), live=live, actor=user)
    _publish_after_commit(event)
    commit()
    return live, event


# ---- API ----

@api.post("/live/sessions")
def api_create_session():
    user = api_user(ORGANISER, ADMIN)
    live = services.create_session(session=db(), organiser=user, title=json_body().get("title"))
    commit()
    return ok(services.session_public(db(), live, today=clock.today()), 201)


@api.get("/live/sessions/<int:session_id>")
def api_session(session_id: int):
    live = services.get_session(db(), session_id)
    return ok(services.session_public(db(), live, today=clock.today()))


@api.post("/live/sessions/<int:session_id>/on-air")
def api_on_air(session_id: int):
    user = api_user(ORGANISER, ADMIN)
    live, event = _on_air(user, session_id, json_body().get("job_id"))
    return ok(services.session_public(db(), live, today=clock.today()) | {"event_id": event.id})


@api.post("/live/sessions/<int:session_id>/end")
def api_end(session_id: int):
    user = api_user(ORGANISER, ADMIN)
    live, event = _end(user, session_id)
    return ok(services.session_public(db(), live, today=clock.today())
              | {"event_id": event.id if event else None})


# ---- The event stream ----

@bp.get("/live/<int:session_id>/events")
def events(session_id: int):
    """Server-Sent Events for anyone watching. ``Last-Event-ID`` (or ``?last_event_id=`` for clients that
    cannot set headers) resumes after that event; without it the stream opens on the current job."""
    last_event_id = services.parse_last_event_id(
        request.headers.get("Last-Event-ID") or request.args.get("last_event_id"))
    live = services.get_session(db(), session_id)
    cursor = services.start_cursor(db(), live, last_event_id)
    if live.status == LIVE_ENDED and not services.has_events_after(db(), live, cursor):
        # The viewer has seen the end: 204 tells a browser's EventSource to stop reconnecting.
        return Response(status=204)
    # The request's database session closes when the view returns; the stream reads in short sessions.
    response = Response(hub().stream(session_id, cursor), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx would otherwise hold events back in its buffer
    return response


# ---- Pages ----

@bp.get("/live/<int:session_id>")
def watch_page(session_id: int):
    live = services.get_session(db(), session_id)
    return render_template("live/watch.html", live=services.session_public(db(), live, today=clock.today()))


def _organiser_page(user: User, *, status: int = 200, **context):
    today = clock.today()
    sessions = [services.session_public(db(), s, today=today) for s in services.sessions_of(db(), user)]
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render_template("live/organiser.html", sessions=sessions, **context), status


@bp.route("/organiser/live", methods=["GET", "POST"])
@roles_required(ORGANISER, ADMIN)
def organiser_page():
    user = page_user()
    if request.method == "POST":
        try:
            live = services.create_session(session=db(), organiser=user, title=request.form.get("title"))
            commit()
        except AppError as exc:
            db().rollback()
            return _organiser_page(user, status=exc.status, error=exc.message, errors=exc.fields,
                                   form=request.form)
        flash(f"已创建直播：{live.title}")
        return redirect(url_for("live.organiser_page"))
    return _organiser_page(user)


@bp.post("/organiser/live/<int:session_id>/on-air")
@roles_required(ORGANISER, ADMIN)
def organiser_on_air(session_id: int):
    user = page_user()
    try:
        _, event = _on_air(user, session_id, request.form.get("job_id"))
    except AppError as exc:
        if exc.status in (403, 404):
            raise
        db().rollback()
        return _organiser_page(user, status=exc.status, error=exc.message, errors=exc.fields,
                               error_session=session_id, form=request.form)
    flash(f"已上播：{event.data['job']['title']}")
    return redirect(url_for("live.organiser_page"))


@bp.post("/organiser/live/<int:session_id>/end")
@roles_required(ORGANISER, ADMIN)
def organiser_end(session_id: int):
    user = page_user()
    _end(user, session_id)
    flash("直播已结束")
    return redirect(url_for("live.organiser_page"))


def init_app(app: Flask) -> None:
    """One hub per app: it holds this process's open streams and, with Redis, starts its listener when the
    first viewer arrives (in the serving process, never at import)."""
    state = app.extensions["market"]
    app.extensions["live"] = LiveHub(state.engine, state.settings.REDIS_URL)
    app.register_blueprint(bp)
