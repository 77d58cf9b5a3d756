"""Sign-up, sign-in and password reset: pages with a session cookie, and the token API."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user

from market.auth import services
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


def _code_then_form(template: str, purpose: str, finish):
    """Pages that first send a code to the phone, then take the code with the rest of the form."""
    form = request.form
    if request.method != "POST":
        return render_template(template, form={}, code_sent=False)
    try:
        if form.get("step") == "code":
            services.request_code(session=db(), phone=form.get("phone"), purpose=purpose, sms=_state().sms)
            commit()
            flash("验证码已发送，请查看短信")
            return render_template(template, form=form, code_sent=True)
        user = finish(form)
        commit()
    except AppError as exc:
        return render_template(template, form=form, errors=exc.fields, error=exc.message,
                               code_sent=form.get("step") != "code"), exc.status
    _sign_in(user)
    return None


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
