"""Accounts: phone numbers verified by one-time codes, argon2 passwords, API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from market import clock
from market.audit import record
from market.db import after_commit
from market.errors import AppError, Conflict, Invalid, NotFound, Unauthorized
from market.identity import normalise_phone
from market.models import (
    EMPLOYER,
    PARTNER_ROLES,
    ROLES,
    SIGN_IN_API,
    SIGN_IN_WEB,
    STATION_STAFF,
    TRAINER,
    WORKER,
    OneTimeCode,
    SignIn,
    User,
    Worker,
)
from market.partners.services import open_account
from market.sms import SmsSender

_hasher = PasswordHasher()
CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
TOKEN_MAX_AGE = 30 * 24 * 3600
PURPOSES = ("register", "reset")
SELF_SERVICE_ROLES = (WORKER, EMPLOYER, TRAINER, STATION_STAFF)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: object, field: str = "password") -> str:
    if password is not None and not isinstance(password, str):  # a number or true from the API, never len()
        raise Invalid({field: f"密码（{field}）应为文字"})
    if not password or len(password) < 8:
        raise Invalid({field: "密码至少 8 位"})
    if len(password) > 128:
        raise Invalid({field: "密码太长（最多 128 位）"})
    return password


def _code_hash(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


def request_code(*, session: Session, phone: str, purpose: str, sms: SmsSender) -> None:
    """Send a 6-digit one-time code. Answers the same whether or not the phone has an account."""
    phone = normalise_phone(phone)
    if purpose not in PURPOSES:
        raise Invalid({"purpose": "用途应为 register（注册）或 reset（找回密码、认领账号）"})
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(OneTimeCode(phone=phone, purpose=purpose, code_hash=_code_hash(phone, code),
                            expires_at=clock.now() + CODE_TTL))
    after_commit(session, lambda: sms.send(phone, f"【零工市场】验证码 {code}，10 分钟内有效。请勿告诉他人。"))


def _consume_code(session: Session, phone: str, purpose: str, code: str | None) -> None:
    code = (code or "").strip()
    row = session.exec(
        select(OneTimeCode)
        .where(OneTimeCode.phone == phone, OneTimeCode.purpose == purpose, col(OneTimeCode.consumed_at).is_(None))
        .order_by(col(OneTimeCode.id).desc())
    ).first()
    if row is None or row.expires_at < clock.now() or row.attempts >= CODE_MAX_ATTEMPTS:
        raise Invalid({"code": "验证码已失效，请重新获取"})
    if not hmac.compare_digest(row.code_hash, _code_hash(phone, code)):
        # Counted even though the request fails: the attempt must survive the rollback.
        row.attempts += 1
        session.add(row)
        session.commit()
        raise Invalid({"code": "验证码不对"})
    row.consumed_at = clock.now()
    session.add(row)


def consume_code(session: Session, phone: str, purpose: str, code: str | None) -> None:
    """Spend the phone's latest code for ``purpose`` (other features' sign-up forms use it too)."""
    _consume_code(session, phone, purpose, code)


def _check_new_account(session: Session, phone: str, password: str | None, role: str,
                       roles: tuple[str, ...], role_message: str) -> str:
    phone = normalise_phone(phone)
    if role not in roles:
        raise Invalid({"role": role_message})
    check_password_rules(password)
    if session.exec(select(User).where(User.phone == phone)).first():
        raise Conflict("这个手机号已注册，请直接登录或找回密码", fields={"phone": "已注册"})
    return phone


def _new_account(session: Session, *, phone: str, password: str, role: str, name: str) -> User:
    user = User(phone=phone, role=role, name=(name or "").strip()[:60], password_hash=hash_password(password),
                phone_verified_at=clock.now(), auth_stamp=secrets.token_hex(8))
    session.add(user)
    session.flush()
    assert user.id is not None  # flushed
    if role == WORKER:
        session.add(Worker(user_id=user.id, name=user.name, registered_at=clock.today()))
    return user


def register(*, session: Session, phone: str, code: str | None, password: str | None, role: str,
             name: str = "") -> User:
    # The code first: only someone holding the phone learns whether it already has an account.
    _consume_code(session, normalise_phone(phone), "register", code)
    phone = _check_new_account(session, phone, password, role, SELF_SERVICE_ROLES,
                               "请选择身份：找工作（worker）、招工（employer）、培训机构（trainer）或零工驿站（station_staff）")
    assert password is not None  # _check_new_account checked it
    user = _new_account(session, phone=phone, password=password, role=role, name=name)
    if role in PARTNER_ROLES:  # works once the bureau's staff approved it
        open_account(session, user=user, approved=False)
    record(session, actor=user, action="user.register", target=("user", user.id), role=role)
    return user


def create_user(*, session: Session, phone: str, password: str, role: str, name: str = "",
                actor: User | None = None) -> User:
    """Staff and the command line: an account that can sign in at once (no code)."""
    phone = _check_new_account(session, phone, password, role, ROLES, f"身份应为 {', '.join(ROLES)} 之一")
    user = _new_account(session, phone=phone, password=password, role=role, name=name)
    if role in PARTNER_ROLES:  # made by an administrator: approved at once
        open_account(session, user=user, approved=True, actor=actor)
    record(session, actor=actor, action="user.create", target=("user", user.id), role=role)
    return user


WRONG_SIGN_IN = ("手机号或密码不对。忘了密码，或账号是导入、窗口代登记的还没认领："
                 "请用“忘记密码”验证手机号后设置密码")


def authenticate(*, session: Session, phone: str, password: str | None) -> User:
    """The same answer, in about the same time, whether the phone has no account, an unclaimed one or a
    wrong password: a password is hashed either way, so neither the message nor the delay tells."""
    wrong = Unauthorized(WRONG_SIGN_IN)
    try:
        phone = normalise_phone(phone)
    except AppError:
        _hasher.hash("timing-equaliser")
        raise wrong from None
    user = session.exec(select(User).where(User.phone == phone)).first()
    if user is None or not user.active or not user.claimed or not user.password_hash:
        _equalise(password)
        raise wrong
    try:
        _hasher.verify(user.password_hash, password if isinstance(password, str) else "")
    except (VerificationError, InvalidHashError):
        raise wrong from None
    return user


_DUMMY: dict[int, str] = {}


def _equalise(password: object) -> None:
    """Spend what checking a real password would spend (one argon2 verify with the current parameters)."""
    key = id(_hasher)
    if key not in _DUMMY:
        _DUMMY[key] = _hasher.hash(secrets.token_hex(8))
    try:
        _hasher.verify(_DUMMY[key], password if isinstance(password, str) else "")
    except (VerificationError, InvalidHashError):
        pass


def reset_password(*, session: Session, phone: str, code: str | None, password: str | None) -> User:
    """Forgotten password, and claiming an imported account: phone code, then a new password."""
    phone = normalise_phone(phone)
    password = check_password_rules(password)
    user = session.exec(select(User).where(User.phone == phone)).first()
    _consume_code(session, phone, "reset", code)
    if user is None or not user.active:
        raise Invalid({"phone": "这个手机号还没有注册"})
    user.password_hash = hash_password(password)
    user.phone_verified_at = user.phone_verified_at or clock.now()
    user.claimed = True
    user.auth_stamp = secrets.token_hex(8)
    session.add(user)
    record(session, actor=user, action="user.password_reset", target=("user", user.id))
    return user


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="api-token")


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_sign_in(*, session: Session, user: User, kind: str, label: str = "") -> str:
    """A browser session or an API token that can be listed and ended; returns its secret key."""
    assert kind in (SIGN_IN_WEB, SIGN_IN_API)
    key = secrets.token_urlsafe(24)
    assert user.id is not None  # a stored account
    session.add(SignIn(user_id=user.id, kind=kind, key_hash=_key_hash(key), label=(label or "")[:80]))
    return key


def live_sign_in(session: Session, user_id: int, key: str | None) -> SignIn | None:
    if not key or not isinstance(key, str):
        return None
    row = session.exec(select(SignIn).where(SignIn.key_hash == _key_hash(key))).first()
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        return None
    return row


def end_sign_in(*, session: Session, user_id: int, key: str | None) -> None:
    """Logout: this session (or token) stops working, even as a copy somewhere else."""
    row = live_sign_in(session, user_id, key)
    if row is not None:
        row.revoked_at = clock.now()
        session.add(row)


def sign_ins(session: Session, user: User) -> list[SignIn]:
    return list(session.exec(select(SignIn).where(SignIn.user_id == user.id, col(SignIn.revoked_at).is_(None))
                             .order_by(col(SignIn.id).desc())))


def revoke_sign_in(*, session: Session, user: User, sign_in_id: int) -> SignIn:
    row = session.get(SignIn, sign_in_id)
    if row is None or row.user_id != user.id:
        raise NotFound("没有这个登录记录")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.add(row)
        record(session, actor=user, action="user.sign_in_revoked", target=("sign_in", row.id), kind=row.kind)
    return row


def sign_in_public(row: SignIn, *, current_key: str | None = None) -> dict:
    return {"id": row.id, "kind": row.kind, "label": row.label, "created_at": row.created_at.astimezone(clock.CHINA).isoformat(),
            "current": bool(current_key) and row.key_hash == _key_hash(current_key or "")}


def issue_token(user: User, secret: str, *, session: Session | None = None, label: str = "") -> str:
    """An API token. Given the session it is recorded, so it is listed and can be revoked one by one;
    without one it lives until the password changes (tokens made by tools and tests)."""
    payload: dict = {"u": user.id, "s": user.auth_stamp}
    if session is not None:
        payload["k"] = start_sign_in(session=session, user=user, kind=SIGN_IN_API, label=label or "API")
    return _serializer(secret).dumps(payload)


def read_token(token: str, secret: str) -> dict | None:
    try:
        data = _serializer(secret).loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


def token_account(token: str, secret: str) -> int | None:
    """The account id a well-signed token names, without the database (rate limits key on it before the
    request has a user); user_from_token still decides whether it signs anyone in."""
    data = read_token(token, secret)
    user_id = data.get("u") if data is not None else None
    return user_id if isinstance(user_id, int) else None


def user_from_token(*, session: Session, token: str, secret: str) -> User | None:
    data = read_token(token, secret)
    if data is None or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or not user.active or user.auth_stamp != data.get("s"):
        return None
    if "k" in data and live_sign_in(session, data["u"], data["k"]) is None:  # data["u"] is user.id
        return None
    return user
