"""Accounts: phone numbers verified by one-time codes, argon2 passwords, API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, select

from market import clock
from market.audit import record
from market.db import after_commit
from market.errors import AppError, Conflict, Invalid, Unauthorized
from market.identity import normalise_phone
from market.models import EMPLOYER, ROLES, WORKER, OneTimeCode, User, Worker
from market.sms import SmsSender

_hasher = PasswordHasher()
CODE_TTL = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
TOKEN_MAX_AGE = 30 * 24 * 3600
PURPOSES = ("register", "reset")
SELF_SERVICE_ROLES = (WORKER, EMPLOYER)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str | None, field: str = "password") -> str:
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
        .where(OneTimeCode.phone == phone, OneTimeCode.purpose == purpose, OneTimeCode.consumed_at.is_(None))
        .order_by(OneTimeCode.id.desc())
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
    if role == WORKER:
        session.add(Worker(user_id=user.id, name=user.name, registered_at=clock.today()))
    return user


def register(*, session: Session, phone: str, code: str | None, password: str | None, role: str,
             name: str = "") -> User:
    phone = _check_new_account(session, phone, password, role, SELF_SERVICE_ROLES,
                               "请选择身份：找工作（worker）或招工（employer）")
    _consume_code(session, phone, "register", code)
    user = _new_account(session, phone=phone, password=password, role=role, name=name)
    record(session, actor=user, action="user.register", target=("user", user.id), role=role)
    return user


def create_user(*, session: Session, phone: str, password: str, role: str, name: str = "",
                actor: User | None = None) -> User:
    """Staff and the command line: an account that can sign in at once (no code)."""
    phone = _check_new_account(session, phone, password, role, ROLES, f"身份应为 {', '.join(ROLES)} 之一")
    user = _new_account(session, phone=phone, password=password, role=role, name=name)
    record(session, actor=actor, action="user.create", target=("user", user.id), role=role)
    return user


def authenticate(*, session: Session, phone: str, password: str | None) -> User:
    wrong = Unauthorized("手机号或密码不对")
    try:
        phone = normalise_phone(phone)
    except AppError:
        raise wrong from None
    user = session.exec(select(User).where(User.phone == phone)).first()
    if user is None or not user.active:
        _hasher.hash("timing-equaliser")
        raise wrong
    if not user.claimed or not user.password_hash:
        raise Unauthorized("这个账号还没有认领：请用“忘记密码”验证手机号并设置密码")
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        raise wrong from None
    return user


def reset_password(*, session: Session, phone: str, code: str | None, password: str | None) -> User:
    """Forgotten password, and claiming an imported account: phone code, then a new password."""
    phone = normalise_phone(phone)
    check_password_rules(password)
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


def issue_token(user: User, secret: str) -> str:
    return _serializer(secret).dumps({"u": user.id, "s": user.auth_stamp})


def token_account(token: str, secret: str) -> int | None:
    """The account id a well-signed token names, without the database (rate limits key on it before the
    request has a user); user_from_token still decides whether it signs anyone in."""
    try:
        data = _serializer(secret).loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    user_id = data.get("u") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def user_from_token(*, session: Session, token: str, secret: str) -> User | None:
    try:
        data = _serializer(secret).loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    user = session.get(User, data.get("u"))
    if user is None or not user.active or user.auth_stamp != data.get("s"):
        return None
    return user

