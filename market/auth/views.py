"""Sign-up, sign-in and password reset: pages with a session cookie, and the token API."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException

from market import clock
from market.auth import services
from market.clock import to_china
from market.errors import AppError
from market.extensions import limiter, login_manager
from market.models import EMPLOYER, PARTNER_ROLES, User
from market.web import api, commit, db, json_body, ok

bp = Blueprint("auth", __name__)
LOGIN_LIMIT = "10 per minute;50 per hour"
REGISTER_LIMIT = "5 per minute;30 per hour"


def _state():
    return current_app.extensions["market"]


class SessionUser(UserMixin):
    """Flask-Login's view of a user: the id carries the auth stamp, so a password change ends sessions."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.auth_stamp}"


@login_manager.user_loader
def _load(value: str):
    user_id, _, stamp = value.partition(":")
    user = db().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or user.auth_stamp != stamp:
        return None
    return SessionUser(user)


def _sign_in(user: User) -> None:
    session.clear()  # a fresh session at sign-in: nothing carried over from before (fixation)
    login_user(SessionUser(user))


# ---- API ----

@api.post("/auth/code")
@limiter.limit(REGISTER_LIMIT)
def api_request_code():
    data = json_body()
    services.request_code(session=db(), phone=data.get("phone"), purpose=data.get("purpose", "register"),
                          sms=_state().sms)
    commit()
    return ok({"sent": True})


@api.post("/auth/register")
@limiter.limit(REGISTER_LIMIT)
def api_register():
    data = json_body()
    user = services.register(session=db(), phone=data.get("phone"), code=data.get("code"),
                             password=data.get("password"), role=data.get("role", "worker"),
                             name=data.get("name", ""))
    commit()
    return ok({"id": user.id, "role": user.role, "token": services.issue_token(user, _state().settings.SECRET_KEY)}, 201)


@api.post("/auth/token")
@limiter.limit(LOGIN_LIMIT)
def api_token():
    data = json_body()
    user = services.authenticate(session=db(), phone=data.get("phone"), password=data.get("password"))
    return ok({"token": services.issue_token(user, _state().settings.SECRET_KEY), "role": user.role,
               "user_id": user.id})


@api.post("/auth/reset")
@limiter.limit(REGISTER_LIMIT)
def api_reset():
    data = json_body()
    user = services.reset_password(session=db(), phone=data.get("phone"), code=data.get("code"),
                                   password=data.get("password"))
    commit()
    return ok({"token": services.issue_token(user, _state().settings.SECRET_KEY)})


# ---- Pages ----

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():
    if request.method == "POST":
        try:
            user = services.authenticate(session=db(), phone=request.form.get("phone"),
                                         password=request.form.get("password"))
        except AppError as exc:
            return render_template("auth/login.html", error=exc.message, phone=request.form.get("phone", "")), 401
        _sign_in(user)
        target = request.args.get("next") or ""
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("postings.employer_jobs") if user.role == EMPLOYER else url_for("postings.home")
        return redirect(target)
    return render_template("auth/login.html")


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("postings.home"))


RESEND_AFTER_SECONDS = 60  # a resend is offered this long after a code was sent
_CODE_PAGES = {"auth.register": "auth/register.html", "auth.reset": "auth/reset.html"}


def _wait_context(seconds: int) -> dict:
    """A wait the page shows twice: a countdown (static/countdown.js) and, for a phone without script, the
    China time after which to try."""
    seconds = max(1, int(seconds))
    until = clock.now() + timedelta(seconds=seconds)
    return {"wait_seconds": seconds, "wait_until_ms": int(until.timestamp() * 1000),
            "wait_until_text": to_china(until).strftime("%H:%M:%S")}


def _code_then_form(template: str, purpose: str, finish):
    """Pages that first send a code to the phone, then take the code with the rest of the form."""
    form = request.form
    if request.method != "POST":
        return render_template(template, form={}, code_sent=False, errors={})
    code_sent = form.get("stage") == "code_sent" or form.get("step") != "code"
    try:
        if form.get("step") == "code":
            services.request_code(session=db(), phone=form.get("phone"), purpose=purpose, sms=_state().sms)
            commit()
            flash("验证码已发送，请查看短信" if getattr(_state().sms, "delivers", False)
                  else "验证码已生成，但短信通道未接通，短信未发送（请联系人社窗口）")
            return render_template(template, form=form, code_sent=True, errors={},
                                   **_wait_context(RESEND_AFTER_SECONDS))
        user = finish(form)
        commit()
    except AppError as exc:
        db().rollback()
        wait = _wait_context(getattr(exc, "retry_after", None) or RESEND_AFTER_SECONDS) if exc.status == 429 else {}
        return render_template(template, form=form, errors=exc.fields, error=exc.message,
                               code_sent=code_sent, **wait), exc.status
    _sign_in(user)
    return None


def _retry_after(exc: HTTPException) -> int:
    """Seconds until the limit that refused this request lets the next one through."""
    limit = getattr(limiter, "current_limit", None)
    reset_at = getattr(limit, "reset_at", None)
    if reset_at:
        return max(1, int(reset_at - time.time()) + 1)
    return int(getattr(exc, "retry_after", None) or RESEND_AFTER_SECONDS)


@bp.errorhandler(429)
def _too_many(exc: HTTPException):
    """Too many tries: the same form again, everything kept, saying when to try next (never a bare error)."""
    session_ = g.get("db")
    if session_ is not None:
        session_.rollback()
    seconds = _retry_after(exc)
    wait = _wait_context(seconds)
    message = f"操作太频繁，请在 {wait['wait_until_text']} 以后（约 {seconds} 秒后）再试"
    form = request.form
    headers = {"Retry-After": str(seconds)}
    if request.endpoint in _CODE_PAGES:
        code_sent = form.get("stage") == "code_sent" or form.get("step") not in (None, "code")
        return render_template(_CODE_PAGES[request.endpoint], form=form, errors={}, error=message,
                               code_sent=code_sent, **wait), 429, headers
    if request.endpoint == "auth.login":
        return render_template("auth/login.html", error=message, phone=form.get("phone", ""), **wait), 429, headers
    return render_template("error.html", message=message, fields={}, status=429), 429, headers


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(REGISTER_LIMIT, methods=["POST"])
def register():
    def finish(form):
        return services.register(session=db(), phone=form.get("phone"), code=form.get("code"),
                                 password=form.get("password"), role=form.get("role", "worker"),
                                 name=form.get("name", ""))

    page = _code_then_form("auth/register.html", "register", finish)
    if page is not None:
        return page
    if current_user.user.role == EMPLOYER:
        return redirect(url_for("employers.register_page"))
    if current_user.user.role in PARTNER_ROLES:
        return redirect(url_for("partners.partner_page"))
    return redirect(url_for("workers.profile_page"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(REGISTER_LIMIT, methods=["POST"])
def reset():
    def finish(form):
        return services.reset_password(session=db(), phone=form.get("phone"), code=form.get("code"),
                                       password=form.get("password"))

    page = _code_then_form("auth/reset.html", "reset", finish)
    if page is not None:
        return page
    flash("密码已设置")
    return redirect(url_for("postings.home"))
