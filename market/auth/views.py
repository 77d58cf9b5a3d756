"""Sign-up, sign-in and password reset: pages with a session cookie, and the token API."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user

from market import clock, validate
from market.api_schemas import TokenRequest
from market.auth import services
from market.clock import to_china
from market.errors import AppError
from market.extensions import login_manager
from market.identity import normalise_phone
from market.models import EMPLOYER, PARTNER_ROLES, SIGN_IN_WEB, User
from market.ratelimit import Rule
from market.web import api, api_user, commit, db, json_body, json_model, ok, roles_required

bp = Blueprint("auth", __name__)

# Per address: generous (a fair's crowd shares one Wi-Fi). Per phone number (one account): strict.
SIGN_IN_PER_ADDRESS = (600, 600)       # attempts per 10 minutes
SIGN_IN_FAILURES_PER_PHONE = (5, 900)  # wrong passwords per 15 minutes
CODES_PER_ADDRESS = (200, 600)
CODES_PER_PHONE = ((1, 60), (5, 3600))
CODE_CHECKS_PER_ADDRESS = (600, 600)   # registrations and resets tried
CODE_CHECKS_PER_PHONE = (10, 3600)


def _limits():
    return current_app.extensions["market"].limits


def _phone_key(raw: object) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        return normalise_phone(text)
    except AppError:
        return "".join(ch for ch in text if ch.isdigit())[-11:] or "-"


def _address_rule(name: str, limit: tuple[int, int]) -> Rule:
    return Rule(f"{name}:ip:{request.remote_addr or '-'}", *limit)


def _sign_in_guarded(phone: object, password: object) -> User:
    """Sign-in with its limits: many tries per address, few wrong passwords per phone."""
    limits = _limits()
    failures = Rule(f"signin:fail:{_phone_key(phone)}", *SIGN_IN_FAILURES_PER_PHONE)
    limits.hit([_address_rule("signin", SIGN_IN_PER_ADDRESS)], message="登录尝试太频繁，请稍后再试")
    limits.check([failures], message="这个手机号密码错误次数太多，请稍后再试或用“忘记密码”")
    try:
        user = services.authenticate(session=db(), phone=phone, password=password)
    except AppError:
        limits.hit([failures], message="这个手机号密码错误次数太多，请稍后再试或用“忘记密码”")
        raise
    limits.clear([failures])
    return user


def _code_sent_guarded(phone: object, purpose: object) -> None:
    key = _phone_key(phone)
    _limits().hit([_address_rule("code", CODES_PER_ADDRESS)]
                  + [Rule(f"code:phone:{key}", *limit) for limit in CODES_PER_PHONE],
                  message="验证码发送太频繁，请稍后再试")
    services.request_code(session=db(), phone=phone, purpose=purpose, sms=_state().sms)


def _code_checked(phone: object) -> None:
    _limits().hit([_address_rule("codecheck", CODE_CHECKS_PER_ADDRESS),
                   Rule(f"codecheck:phone:{_phone_key(phone)}", *CODE_CHECKS_PER_PHONE)],
                  message="尝试太频繁，请稍后再试")


def _state():
    return current_app.extensions["market"]


class SessionUser(UserMixin):
    """Flask-Login's view of a user: the id carries the auth stamp, so a password change ends sessions."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.auth_stamp}"


SESSION_KEY = "sign_in"


@login_manager.user_loader
def _load(value: str):
    user_id, _, stamp = value.partition(":")
    user = db().get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
    if user is None or not user.active or user.auth_stamp != stamp:
        return None
    # The cookie names a sign-in the server still holds: after logout a copy of it signs no one in.
    if services.live_sign_in(db(), user.id, session.get(SESSION_KEY)) is None:
        return None
    return SessionUser(user)


def _label() -> str:
    return (request.user_agent.string or "浏览器")[:80]


def _sign_in(user: User) -> None:
    session.clear()  # a fresh session at sign-in: nothing carried over from before (fixation)
    key = services.start_sign_in(session=db(), user=user, kind=SIGN_IN_WEB, label=_label())
    commit()
    session[SESSION_KEY] = key
    login_user(SessionUser(user))


def _issue(user: User) -> str:
    data = request.get_json(silent=True) if request.is_json else None
    label = data.get("label") if isinstance(data, dict) else None
    label = label if isinstance(label, str) and label.strip() else (request.user_agent.string or "API")
    return services.issue_token(user, _state().settings.SECRET_KEY, session=db(), label=label[:80])


# ---- API ----

@api.post("/auth/code")
def api_request_code():
    data = json_body()
    _code_sent_guarded(data.get("phone"), data.get("purpose", "register"))
    commit()
    return ok({"sent": True})


@api.post("/auth/register")
def api_register():
    data = json_body()
    _code_checked(data.get("phone"))
    user = services.register(session=db(), phone=data.get("phone"), code=data.get("code"),
                             password=data.get("password"), role=data.get("role", "worker"),
                             name=data.get("name", ""))
    token = _issue(user)
    commit()
    return ok({"id": user.id, "role": user.role, "token": token}, 201)


@api.post("/auth/token")
def api_token():
    data = json_model(TokenRequest)
    user = _sign_in_guarded(data.phone, data.password)
    token = _issue(user)
    commit()
    return ok({"token": token, "role": user.role, "user_id": user.id})


@api.post("/auth/reset")
def api_reset():
    data = json_body()
    _code_checked(data.get("phone"))
    user = services.reset_password(session=db(), phone=data.get("phone"), code=data.get("code"),
                                   password=data.get("password"))
    token = _issue(user)
    commit()
    return ok({"token": token})


def _current_token_key() -> str | None:
    header = request.headers.get("Authorization", "")
    data = services.read_token(header[7:].strip(), _state().settings.SECRET_KEY) if header.startswith("Bearer ") else None
    return (data or {}).get("k")


@api.get("/me/sign-ins")
def api_sign_ins():
    user = api_user()
    key = _current_token_key()
    return ok({"items": [services.sign_in_public(row, current_key=key) for row in services.sign_ins(db(), user)]})


@api.delete("/me/sign-ins/<int:sign_in_id>")
def api_revoke_sign_in(sign_in_id: int):
    user = api_user()
    row = services.revoke_sign_in(session=db(), user=user, sign_in_id=sign_in_id)
    commit()
    return ok(services.sign_in_public(row) | {"revoked": True})


@api.post("/auth/logout")
def api_logout():
    user = api_user()
    services.end_sign_in(session=db(), user_id=user.id, key=_current_token_key())
    commit()
    return ok({"signed_out": True})


# ---- Pages ----

@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        try:
            user = _sign_in_guarded(request.form.get("phone"), request.form.get("password"))
        except AppError as exc:
            status = 429 if exc.status == 429 else 401
            return render_template("auth/login.html", error=exc.message, phone=request.form.get("phone", "")), status
        _sign_in(user)
        target = validate.local_path(request.args.get("next"))
        if target is None:
            target = url_for("postings.employer_jobs") if user.role == EMPLOYER else url_for("postings.home")
        return redirect(target)
    return render_template("auth/login.html")


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_sign_in(session=db(), user_id=current_user.user.id, key=session.get(SESSION_KEY))
        commit()
    logout_user()
    session.clear()
    return redirect(url_for("postings.home"))


RESEND_AFTER_SECONDS = 60  # a resend is offered this long after a code was sent


def _wait_context(seconds: int) -> dict:
    """A wait the page shows twice: a countdown (static/countdown.js) and, for a phone without script, the
    China time after which to try."""
    seconds = max(1, int(seconds))
    until = clock.now() + timedelta(seconds=seconds)
    return {"wait_seconds": seconds, "wait_until_ms": int(until.timestamp() * 1000),
            "wait_until_text": to_china(until).strftime("%H:%M:%S")}


@bp.get("/me/security")
@roles_required()
def security_page():
    user = current_user.user
    rows = [services.sign_in_public(row, current_key=session.get(SESSION_KEY)) for row in services.sign_ins(db(), user)]
    return render_template("auth/security.html", sign_ins=rows)


@bp.post("/me/security/<int:sign_in_id>/revoke")
@roles_required()
def revoke_page(sign_in_id: int):
    services.revoke_sign_in(session=db(), user=current_user.user, sign_in_id=sign_in_id)
    commit()
    flash("已退出该设备的登录")
    return redirect(url_for("auth.security_page"))


def _code_then_form(template: str, purpose: str, finish):
    """Pages that first send a code to the phone, then take the code with the rest of the form."""
    form = request.form
    if request.method != "POST":
        return render_template(template, form={}, code_sent=False, errors={})
    code_sent = form.get("stage") == "code_sent" or form.get("step") != "code"
    try:
        if form.get("step") == "code":
            _code_sent_guarded(form.get("phone"), purpose)
            commit()
            flash("验证码已发送，请查看短信" if getattr(_state().sms, "delivers", False)
                  else "验证码已生成，但短信通道未接通，短信未发送（请联系人社窗口）")
            return render_template(template, form=form, code_sent=True, errors={},
                                   **_wait_context(RESEND_AFTER_SECONDS))
        _code_checked(form.get("phone"))
        user = finish(form)
        commit()
    except AppError as exc:
        db().rollback()
        if exc.status == 429:  # a limit per phone or address: the form kept, and when to try again
            seconds = int(getattr(exc, "retry_after", None) or RESEND_AFTER_SECONDS)
            wait = _wait_context(seconds)
            message = f"操作太频繁，请在 {wait['wait_until_text']} 以后（约 {seconds} 秒后）再试"
            return render_template(template, form=form, errors=exc.fields, error=message, code_sent=code_sent,
                                   **wait), 429, {"Retry-After": str(seconds)}
        return render_template(template, form=form, errors=exc.fields, error=exc.message,
                               code_sent=code_sent), exc.status
    _sign_in(user)
    return None


@bp.route("/register", methods=["GET", "POST"])
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
def reset():
    def finish(form):
        return services.reset_password(session=db(), phone=form.get("phone"), code=form.get("code"),
                                       password=form.get("password"))

    page = _code_then_form("auth/reset.html", "reset", finish)
    if page is not None:
        return page
    flash("密码已设置")
    return redirect(url_for("postings.home"))
