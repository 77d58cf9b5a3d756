"""Live job fairs over HTTP: the organiser's API and console, the viewer's page, card and event stream."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError

from market import clock
from market.api_schemas import JobIdRequest, LiveSessionRequest
from market.applications import services as applications
from market.auth.services import token_account
from market.db import after_commit, write_intent
from market.errors import AppError, Forbidden, Invalid
from market.extensions import limiter
from market.live import questions, report, services
from market.live.hub import LiveHub
from market.models import ADMIN, LIVE_ENDED, ORGANISER, WORKER, LiveEvent, LiveSession, User
from market.web import (
    api,
    api_user,
    commit,
    confirmation,
    db,
    json_body,
    json_model,
    ok,
    page_user,
    roles_required,
    write_lock_late,
)

bp = Blueprint("live", __name__)

# Per account, and per address (many accounts behind one address: a family's phone, a village's Wi-Fi).
APPLY_LIMIT_ACCOUNT = "10 per minute"
APPLY_LIMIT_ADDRESS = "120 per minute"
QUESTION_LIMIT_ACCOUNT = "3 per minute;20 per hour"
QUESTION_LIMIT_ADDRESS = "30 per minute"


def hub() -> LiveHub:
    return current_app.extensions["live"]


def _account_key() -> str:
    """The caller's account for a rate limit: the bearer token's (read without the database: the limit runs
    before the request signs anyone in), or the signed-in page user's; else the address."""
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/") and header.startswith("Bearer "):
        account = token_account(header[7:].strip(), current_app.config["SECRET_KEY"])
        if account is not None:
            return f"account:{account}"
    elif current_user.is_authenticated:
        return f"account:{current_user.user.id}"
    return f"address:{get_remote_address()}"


def _publish_after_commit(event: LiveEvent | None) -> None:
    if event is None:
        return
    live_hub, session_id, event_id = hub(), event.session_id, event.id
    after_commit(db(), lambda: live_hub.publish(session_id, event_id))


def _controlled(user: User, session_id: int) -> LiveSession:
    return services.controlled_session(db(), session_id, user)


def _readable(user: User, session_id: int) -> LiveSession:
    """The session for a read by its organiser (or staff), without a lock."""
    live = services.get_session(db(), session_id)
    if not services.may_control(live, user):
        raise Forbidden("只有这场直播的组织者可以查看")
    return live


def _on_air(user: User, session_id: int, raw_job_id: object) -> tuple[LiveSession, LiveEvent]:
    live = _controlled(user, session_id)
    event = services.put_on_air(session=db(), live=live, actor=user, job_id=services.parse_job_id(raw_job_id),
                                today=clock.today())
    _publish_after_commit(event)
    commit()
    return live, event


def _next(user: User, session_id: int) -> tuple[LiveSession, LiveEvent]:
    live = _controlled(user, session_id)
    event = services.put_on_air(session=db(), live=live, actor=user, job_id=services.next_in_queue(db(), live),
                                today=clock.today())
    _publish_after_commit(event)
    commit()
    return live, event


def _end(user: User, session_id: int) -> tuple[LiveSession, LiveEvent | None]:
    live = _controlled(user, session_id)
    event = services.end_session(session=db(), live=live, actor=user)
    _publish_after_commit(event)
    commit()
    return live, event


def _queue_change(user: User, session_id: int, change: str, **kw) -> LiveSession:
    live = _controlled(user, session_id)
    if change == "add":
        services.add_to_queue(session=db(), live=live, actor=user, job_id=services.parse_job_id(kw["job_id"]),
                              today=clock.today())
    elif change == "reorder":
        services.reorder_queue(session=db(), live=live, actor=user, job_ids=services.parse_job_ids(kw["job_ids"]))
    elif change == "move":
        services.move_in_queue(session=db(), live=live, actor=user, job_id=kw["job_id"], step=kw["step"])
    else:
        services.remove_from_queue(session=db(), live=live, actor=user, job_id=kw["job_id"])
    commit()
    return live


def _apply_from_card(user: User, session_id: int, raw_job_id: object, key: str | None):
    """One tap on the card (see ``services.apply_from_card``). Two copies of one tap racing each other: the
    loser's insert or commit fails on the unique constraints, and its second try finds the winner's."""
    job_id = services.parse_job_id(raw_job_id)
    fingerprint = applications.request_fingerprint({"job_id": job_id, "live_session_id": session_id})

    def attempt():
        result = services.apply_from_card(session=db(), live_id=session_id, user=user, job_id=job_id,
                                          idempotency_key=key, fingerprint=fingerprint)
        commit()
        return result

    try:
        return attempt()
    except (IntegrityError, OperationalError):
        db().rollback()
        write_intent(db())
        return attempt()


def _ask(user: User, session_id: int, body: object) -> None:
    live = services.get_session(db(), session_id)
    questions.ask(session=db(), live=live, user=user, body=body)
    commit()


def _moderate(user: User, session_id: int, question_id: int, data) -> LiveEvent | None:
    live = _controlled(user, session_id)
    question = questions.get_question(db(), live, question_id)
    event = questions.moderate(session=db(), live=live, actor=user, question=question, action=data.get("action"),
                               answer=data.get("answer"), pinned=data.get("pinned"))
    _publish_after_commit(event)
    commit()
    return event


def _console(live: LiveSession) -> dict:
    ranker = current_app.extensions["market"].ranker
    return services.console(db(), live, ranker=ranker, today=clock.today()) | {"viewers_here": hub().viewers(live.id)}


# ---- API ----

@api.post("/live/sessions")
def api_create_session():
    user = api_user(ORGANISER, ADMIN)
    data = json_model(LiveSessionRequest)
    live = services.create_session(session=db(), organiser=user, title=data.title, fair_id=data.fair_id,
                                   stream_url=data.stream_url)
    commit()
    return ok(services.session_public(db(), live, today=clock.today()), 201)


@api.get("/live/sessions/<int:session_id>")
def api_session(session_id: int):
    live = services.get_session(db(), session_id)
    return ok(services.session_public(db(), live, today=clock.today()))


@api.post("/live/sessions/<int:session_id>/on-air")
def api_on_air(session_id: int):
    user = api_user(ORGANISER, ADMIN)
    live, event = _on_air(user, session_id, json_model(JobIdRequest).job_id)
    return ok(services.session_public(db(), live, today=clock.today()) | {"event_id": event.id})


@api.post("/live/sessions/<int:session_id>/next")
def api_live_next(session_id: int):
    user = api_user(ORGANISER, ADMIN)
    live, event = _next(user, session_id)
    return ok(services.session_public(db(), live, today=clock.today()) | {"event_id": event.id})


@api.post("/live/sessions/<int:session_id>/end")
def api_end(session_id: int):
    user = api_user(ORGANISER, ADMIN)
    live, event = _end(user, session_id)
    return ok(services.session_public(db(), live, today=clock.today())
              | {"event_id": event.id if event else None})


def _queue_answer(live: LiveSession, status: int = 200):
    return ok({"items": services.queue_public(db(), live, today=clock.today())}, status)


@api.get("/live/sessions/<int:session_id>/queue")
def api_live_queue(session_id: int):
    return _queue_answer(_readable(api_user(ORGANISER, ADMIN), session_id))


@api.post("/live/sessions/<int:session_id>/queue")
def api_queue_add(session_id: int):
    user = api_user(ORGANISER, ADMIN)
    return _queue_answer(_queue_change(user, session_id, "add", job_id=json_body().get("job_id")), 201)


@api.put("/live/sessions/<int:session_id>/queue")
def api_queue_reorder(session_id: int):
    user = api_user(ORGANISER, ADMIN)
    return _queue_answer(_queue_change(user, session_id, "reorder", job_ids=json_body().get("job_ids")))


@api.delete("/live/sessions/<int:session_id>/queue/<int:job_id>")
def api_queue_remove(session_id: int, job_id: int):
    user = api_user(ORGANISER, ADMIN)
    return _queue_answer(_queue_change(user, session_id, "remove", job_id=job_id))


@api.get("/live/sessions/<int:session_id>/pick")
def api_live_pick(session_id: int):
    live = _readable(api_user(ORGANISER, ADMIN), session_id)
    if _pick_from_fair():
        return ok(services.fair_picks(db(), live, today=clock.today()))
    return ok({"items": services.pickable_jobs(db(), live, q=request.args.get("q", ""), today=clock.today())})


def _pick_from_fair() -> bool:
    """``?from=fair``: the fair's postings rather than a search by words."""
    source = request.args.get("from", "").strip()
    if source not in ("", "fair"):
        raise Invalid({"from": "from 只能为 fair（从所属招聘会的岗位里挑）或不填"})
    return source == "fair"


@api.post("/live/sessions/<int:session_id>/applications")
@write_lock_late
@limiter.limit(APPLY_LIMIT_ACCOUNT, key_func=_account_key)
@limiter.limit(APPLY_LIMIT_ADDRESS)
def api_live_apply(session_id: int):
    user = api_user(WORKER)
    app, created = _apply_from_card(user, session_id, json_body().get("job_id"),
                                    request.headers.get("Idempotency-Key"))
    return ok(applications.application_public(app), 201 if created else 200)


@api.get("/live/sessions/<int:session_id>/questions")
def api_live_questions(session_id: int):
    live = services.get_session(db(), session_id)
    user = g.get("api_user")
    if user is not None and services.may_control(live, user):
        return ok({"items": questions.console_questions(db(), live)})
    return ok({"items": questions.visible_questions(db(), live)})


@api.post("/live/sessions/<int:session_id>/questions")
@limiter.limit(QUESTION_LIMIT_ACCOUNT, key_func=_account_key)
@limiter.limit(QUESTION_LIMIT_ADDRESS)
def api_live_ask(session_id: int):
    user = api_user()
    _ask(user, session_id, json_body().get("body"))
    return ok({"status": "pending", "message": "问题已提交，主持人审核后会公开"}, 201)


@api.post("/live/sessions/<int:session_id>/questions/<int:question_id>")
def api_live_moderate(session_id: int, question_id: int):
    user = api_user(ORGANISER, ADMIN)
    event = _moderate(user, session_id, question_id, json_body())
    live = services.get_session(db(), session_id)
    item = questions.question_public(questions.get_question(db(), live, question_id))
    return ok({"question": item, "event_id": event.id if event else None})


@api.get("/live/sessions/<int:session_id>/console")
def api_live_console(session_id: int):
    live = _readable(api_user(ORGANISER, ADMIN), session_id)
    return ok(_console(live))


@api.get("/live/sessions/<int:session_id>/report")
def api_live_report(session_id: int):
    live = _readable(api_user(ORGANISER, ADMIN), session_id)
    return ok(report.report_public(db(), live))


def _xlsx(live: LiveSession) -> Response:
    body = report.workbook(live, report.session_report(db(), live))
    response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="live-{live.id}-report.xlsx"'
    return response


@api.get("/live/sessions/<int:session_id>/report.xlsx")
def api_report_xlsx(session_id: int):
    return _xlsx(_readable(api_user(ORGANISER, ADMIN), session_id))


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
    # A signed-in worker watching may be matched to the posting on air (the organiser sees only what an
    # employer may). The request's database session closes when the view returns.
    viewer = current_user.user.id if current_user.is_authenticated and current_user.user.role == WORKER else None
    response = Response(hub().stream(session_id, cursor, viewer), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx would otherwise hold events back in its buffer
    return response


# ---- The viewer's page ----

def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _watch_context(live: LiveSession) -> dict:
    today = clock.today()
    public = services.session_public(db(), live, today=today)
    user = current_user.user if current_user.is_authenticated else None
    applied = None
    if user is not None and user.role == WORKER and public["on_air_job"]:
        applied = services.applied_status(db(), user, public["on_air_job"]["id"])
    return {"live": public, "questions": questions.visible_questions(db(), live), "applied": applied,
            "question_max": questions.QUESTION_MAX}


@bp.get("/live/<int:session_id>")
def watch_page(session_id: int):
    live = services.get_session(db(), session_id)
    return render_template("live/watch.html", **_watch_context(live))


@bp.post("/live/<int:session_id>/apply")
@write_lock_late
@limiter.limit(APPLY_LIMIT_ACCOUNT, key_func=_account_key)
@limiter.limit(APPLY_LIMIT_ADDRESS)
@roles_required(WORKER)
def watch_apply(session_id: int):
    user = page_user()
    try:
        _, created = _apply_from_card(user, session_id, request.form.get("job_id"),
                                      request.form.get("idempotency_key"))
    except AppError as exc:
        if exc.status in (403, 404) or _wants_json():
            raise
        db().rollback()
        flash(exc.message)
        return redirect(url_for("live.watch_page", session_id=session_id))
    message = "投递成功，单位会尽快联系您" if created else "您已投递过这个岗位"
    if _wants_json():  # the card's script: stay on the page, keep the stream
        return ok({"created": created, "message": message}, 201 if created else 200)
    flash(message)
    return redirect(url_for("live.watch_page", session_id=session_id))


@bp.post("/live/<int:session_id>/questions")
@limiter.limit(QUESTION_LIMIT_ACCOUNT, key_func=_account_key)
@limiter.limit(QUESTION_LIMIT_ADDRESS)
@roles_required()
def watch_ask(session_id: int):
    user = page_user()
    try:
        _ask(user, session_id, request.form.get("body"))
    except AppError as exc:
        if exc.status in (403, 404) or _wants_json():
            raise
        db().rollback()
        live = services.get_session(db(), session_id)
        return render_template("live/watch.html", **_watch_context(live), error=exc.message,
                               errors=exc.fields, form=request.form), exc.status
    if _wants_json():
        return ok({"status": "pending", "message": "问题已提交，主持人审核后会公开"}, 201)
    flash("问题已提交，主持人审核后会公开")
    return redirect(url_for("live.watch_page", session_id=session_id))


# ---- The organiser's pages ----

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
            live = services.create_session(session=db(), organiser=user, title=request.form.get("title"),
                                           fair_id=request.form.get("fair_id"),
                                           stream_url=request.form.get("stream_url"))
            commit()
        except AppError as exc:
            if exc.status in (403, 404):
                raise
            db().rollback()
            return _organiser_page(user, status=exc.status, error=exc.message, errors=exc.fields,
                                   form=request.form)
        flash(f"已创建直播：{live.title}")
        return redirect(url_for("live.console_page", session_id=live.id))
    return _organiser_page(user)


def _console_page(user: User, session_id: int, *, status: int = 200, **context):
    live = _readable(user, session_id)
    today = clock.today()
    q = request.args.get("q", "").strip()
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render_template(
        "live/console.html", live=services.session_public(db(), live, today=today),
        queue=services.queue_public(db(), live, today=today), q=q,
        picks=services.pickable_jobs(db(), live, q=q, today=today) if q else [],
        fair_picks=services.fair_picks(db(), live, today=today)
        if live.fair_id is not None and live.status != LIVE_ENDED else None,
        questions=questions.console_questions(db(), live), console=_console(live), **context), status


@bp.get("/organiser/live/<int:session_id>")
@roles_required(ORGANISER, ADMIN)
def console_page(session_id: int):
    return _console_page(page_user(), session_id)[0]


def _console_action(session_id: int, action, done: str, anchor: str | None = None):
    """Runs an organiser's form action; a refusal shows the console again with the message. ``anchor``:
    where the console opens again (the list the organiser is working through, not the page's top)."""
    user = page_user()
    try:
        action(user)
    except AppError as exc:
        if exc.status == 403:
            raise
        db().rollback()
        return _console_page(user, session_id, status=exc.status, error=exc.message, errors=exc.fields,
                             form=request.form)
    flash(done)
    return redirect(url_for("live.console_page", session_id=session_id, _anchor=anchor))


@bp.post("/organiser/live/<int:session_id>/on-air")
@roles_required(ORGANISER, ADMIN)
def organiser_on_air(session_id: int):
    return _console_action(session_id, lambda u: _on_air(u, session_id, request.form.get("job_id")), "已上播")


@bp.post("/organiser/live/<int:session_id>/next")
@roles_required(ORGANISER, ADMIN)
def organiser_next(session_id: int):
    return _console_action(session_id, lambda u: _next(u, session_id), "已上播下一个岗位")


@bp.post("/organiser/live/<int:session_id>/end")
@roles_required(ORGANISER, ADMIN)
def organiser_end(session_id: int):
    ask = confirmation(title="结束直播", question="确定结束这场直播吗？",
                       details=["结束后观众看不到新的岗位，这场直播不能再开始。"], yes="确定结束",
                       back=url_for("live.console_page", session_id=session_id))
    if ask is not None:
        return ask
    return _console_action(session_id, lambda u: _end(u, session_id), "直播已结束")


@bp.post("/organiser/live/<int:session_id>/queue")
@roles_required(ORGANISER, ADMIN)
def organiser_queue_add(session_id: int):
    anchor = "fair-picks" if request.form.get("from") == "fair" else None
    return _console_action(session_id, lambda u: _queue_change(u, session_id, "add",
                                                               job_id=request.form.get("job_id")), "已加入队列",
                           anchor)


@bp.post("/organiser/live/<int:session_id>/queue/<int:job_id>/<any(up, down, remove):change>")
@roles_required(ORGANISER, ADMIN)
def organiser_queue_change(session_id: int, job_id: int, change: str):
    if change == "remove":
        return _console_action(session_id, lambda u: _queue_change(u, session_id, "remove", job_id=job_id),
                               "已移出队列")
    step = -1 if change == "up" else 1
    return _console_action(session_id, lambda u: _queue_change(u, session_id, "move", job_id=job_id, step=step),
                           "已调整顺序")


@bp.post("/organiser/live/<int:session_id>/questions/<int:question_id>")
@roles_required(ORGANISER, ADMIN)
def organiser_moderate(session_id: int, question_id: int):
    return _console_action(session_id, lambda u: _moderate(u, session_id, question_id, request.form), "已处理")


@bp.get("/organiser/live/<int:session_id>/report")
@roles_required(ORGANISER, ADMIN)
def report_page(session_id: int):
    live = _readable(page_user(), session_id)
    rows = report.session_report(db(), live)
    return render_template("live/report.html", live=services.session_public(db(), live, today=clock.today()),
                           rows=rows, totals=report.totals(rows), scale=report.chart_scale(rows))


@bp.get("/organiser/live/<int:session_id>/report.xlsx")
@roles_required(ORGANISER, ADMIN)
def report_xlsx(session_id: int):
    return _xlsx(_readable(page_user(), session_id))


def init_app(app: Flask) -> None:
    """One hub per app: it holds this process's open streams and starts its poller (and, with Redis, its
    listener) when the first viewer arrives (in the serving process, never at import)."""
    state = app.extensions["market"]
    live_hub = LiveHub(state.engine, state.settings.REDIS_URL)
    if os.environ.get("LIVE_POLL_INTERVAL"):  # seconds between the poller's looks at the database
        live_hub.poll_interval = float(os.environ["LIVE_POLL_INTERVAL"])
    live_hub.counts_source = services.counts
    live_hub.presence_sink = services.write_presence
    app.extensions["live"] = live_hub
    app.register_blueprint(bp)
