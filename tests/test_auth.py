"""Accounts are phone numbers: one-time codes, passwords, tokens, sessions, rate limits, CSRF."""

import re

import pytest

from market import create_app


def _code(sms, phone):
    return re.search(r"验证码 (\d{6})", sms.last_to(phone)).group(1)


def test_register_with_phone_code_then_sign_in(client, sms):
    r = client.post("/api/v1/auth/code", json={"phone": "＋86 138 0013 8000", "purpose": "register"})
    assert r.status_code == 200
    code = _code(sms, "13800138000")
    r = client.post("/api/v1/auth/register", json={"phone": "13800138000", "code": code, "password": "hanjie2026",
                                                   "role": "worker", "name": "张师傅"})
    assert r.status_code == 201 and r.get_json()["role"] == "worker"
    token = client.post("/api/v1/auth/token", json={"phone": "13800138000", "password": "hanjie2026"}).get_json()["token"]
    me = client.get("/api/v1/me/profile", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["name"] == "张师傅"


def test_wrong_or_reused_code_is_refused_and_nothing_is_created(client, sms, session):
    from sqlmodel import func, select

    from market.models import User

    client.post("/api/v1/auth/code", json={"phone": "13800138001", "purpose": "register"})
    r = client.post("/api/v1/auth/register", json={"phone": "13800138001", "code": "000000", "password": "abcdefgh1"})
    assert r.status_code == 422 and "code" in r.get_json()["error"]["fields"]
    assert session.exec(select(func.count()).select_from(User)).one() == 0
    code = _code(sms, "13800138001")
    assert client.post("/api/v1/auth/register", json={"phone": "13800138001", "code": code,
                                                      "password": "abcdefgh1"}).status_code == 201
    r = client.post("/api/v1/auth/register", json={"phone": "13800138001", "code": code, "password": "abcdefgh1"})
    assert r.status_code == 422 and "code" in r.get_json()["error"]["fields"]  # a used code proves nothing
    client.post("/api/v1/auth/code", json={"phone": "13800138001", "purpose": "register"})
    r = client.post("/api/v1/auth/register", json={"phone": "13800138001", "code": _code(sms, "13800138001"),
                                                   "password": "abcdefgh1"})
    assert r.status_code == 409  # with a fresh code, the phone's holder learns it has an account


def test_code_stops_working_after_too_many_wrong_tries(client, sms):
    client.post("/api/v1/auth/code", json={"phone": "13800138002", "purpose": "register"})
    code = _code(sms, "13800138002")
    for _ in range(5):
        client.post("/api/v1/auth/register", json={"phone": "13800138002", "code": "999999", "password": "abcdefgh1"})
    r = client.post("/api/v1/auth/register", json={"phone": "13800138002", "code": code, "password": "abcdefgh1"})
    assert r.status_code == 422 and "失效" in r.get_json()["error"]["fields"]["code"]


def test_wrong_password_and_password_reset_ends_old_tokens(make_user, client, sms):
    user = make_user("worker")
    phone = user.user.phone
    assert client.post("/api/v1/auth/token", json={"phone": phone, "password": "nope-nope"}).status_code == 401
    client.post("/api/v1/auth/code", json={"phone": phone, "purpose": "reset"})
    r = client.post("/api/v1/auth/reset", json={"phone": phone, "code": _code(sms, phone), "password": "brand-new-pass"})
    assert r.status_code == 200
    assert user.get("/api/v1/me/profile").status_code == 401  # the old token died with the old password
    assert client.post("/api/v1/auth/token", json={"phone": phone, "password": "brand-new-pass"}).status_code == 200


def test_session_is_renewed_at_sign_in(make_user, client):
    user = make_user("worker", password="password123")
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    r = client.post("/login", data={"phone": user.user.phone, "password": "password123"})
    assert r.status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s.get("_user_id")


@pytest.fixture
def strict_app(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory",
                      "SEARCH_ENABLED": False, "RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True,
                      "MODEL_DIR": str(tmp_path), "REDIS_URL": None})
    yield app
    app.extensions["market"].engine.dispose()


def test_forms_without_csrf_token_are_refused(strict_app, make_user):
    user = make_user("worker", password="password123")
    client = strict_app.test_client()
    r = client.post("/login", data={"phone": user.user.phone, "password": "password123"})
    assert r.status_code == 400 and "页面已过期" in r.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"phone": user.user.phone, "password": "password123", "csrf_token": token})
    assert r.status_code == 302


def test_sign_in_is_rate_limited_with_retry_after(strict_app):
    client = strict_app.test_client()
    statuses = [client.post("/api/v1/auth/token", json={"phone": "13800138009", "password": "x" * 8}).status_code
                for _ in range(7)]
    assert statuses[:5] == [401] * 5  # five wrong passwords per phone number, then a pause
    assert statuses[-1] == 429
    r = client.post("/api/v1/auth/token", json={"phone": "13800138009", "password": "x" * 8})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert r.get_json()["error"]["code"] == "rate_limited"


def test_bad_json_gets_a_clear_4xx(client):
    r = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert r.status_code == 422 and "JSON" in r.get_json()["error"]["message"]
