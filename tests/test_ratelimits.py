"""Rate limits by phone number as well as address, shared through Redis, failing open when Redis is down;
sign-in answers alike for phones with and without accounts."""

from __future__ import annotations

import os
import time

import pytest

from market import create_app
from market.auth import services
from tests.conftest import unique_phone

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/6"
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except Exception:
        pytest.skip(f"no Redis at {REDIS_URL}")
    for key in client.scan_iter("gm:rl:*"):
        client.delete(key)
    return client


def _limited_app(database_url, tmp_path, redis_url=None):
    return create_app({"DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "SEARCH_ENABLED": False,
                       "MODEL_DIR": str(tmp_path), "REDIS_URL": redis_url, "SEARCH_LOG": ""})


@pytest.fixture
def limited(database_url, tmp_path, app):
    limited = _limited_app(database_url, tmp_path)
    yield limited
    limited.extensions["market"].engine.dispose()


def _token(client, phone, password="wrong-password", addr="10.0.0.1"):
    return client.post("/api/v1/auth/token", json={"phone": phone, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_wrong_passwords_from_many_addresses_stop_at_five_per_phone(limited, make_user):
    user = make_user("worker")
    client = limited.test_client()
    statuses = [_token(client, user.user.phone, addr=f"10.0.0.{i}").status_code for i in range(10)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    r = _token(client, user.user.phone, password="password123", addr="10.9.9.9")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    # Another person's phone is not held up by it.
    other = make_user("worker")
    assert _token(client, other.user.phone, password="password123").status_code == 200


def test_a_crowd_on_one_wifi_can_all_sign_in(limited, make_user):
    client = limited.test_client()
    people = [make_user("worker") for _ in range(3)]
    wrong = [_token(client, unique_phone(), addr="192.168.1.1").status_code for _ in range(60)]
    assert 429 not in wrong  # sixty people mistyping at the fair, one address
    assert all(_token(client, p.user.phone, password="password123", addr="192.168.1.1").status_code == 200
               for p in people)


def test_codes_to_one_phone_are_spaced_out(limited):
    client = limited.test_client()
    phone = unique_phone()
    first = client.post("/api/v1/auth/code", json={"phone": phone, "purpose": "register"},
                        environ_base={"REMOTE_ADDR": "10.1.0.1"})
    assert first.status_code == 200
    again = [client.post("/api/v1/auth/code", json={"phone": phone, "purpose": "register"},
                         environ_base={"REMOTE_ADDR": f"10.1.0.{i}"}).status_code for i in range(2, 16)]
    assert set(again) == {429}
    assert len([m for m in limited.extensions["market"].sms.sent if m[0] == phone]) == 1
    assert client.post("/api/v1/auth/code", json={"phone": unique_phone(), "purpose": "register"}
                       ).status_code == 200


def test_limits_are_shared_through_redis_by_every_process(database_url, tmp_path, make_user):
    _redis_or_skip()
    first, second = (_limited_app(database_url, tmp_path, REDIS_URL) for _ in range(2))
    try:
        user = make_user("worker")
        a, b = first.test_client(), second.test_client()
        statuses = [_token(a if i % 2 else b, user.user.phone, addr=f"10.2.0.{i}").status_code for i in range(8)]
        assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
        assert a.get("/healthz").get_json()["checks"]["redis"] == "ok"
    finally:
        for app in (first, second):
            app.extensions["market"].engine.dispose()


def test_redis_down_fails_open_to_local_limits_never_500(database_url, tmp_path, make_user):
    app = _limited_app(database_url, tmp_path, DEAD_REDIS)
    try:
        client = app.test_client()
        user = make_user("worker")
        assert _token(client, user.user.phone, password="password123").status_code == 200
        phone = unique_phone()
        assert client.post("/api/v1/auth/code", json={"phone": phone, "purpose": "register"}).status_code == 200
        code = app.extensions["market"].sms.last_to(phone).split("验证码 ")[1][:6]
        r = client.post("/api/v1/auth/register", json={"phone": phone, "code": code, "password": "password123"})
        assert r.status_code == 201
        assert client.post("/api/v1/auth/code", json={"phone": user.user.phone, "purpose": "reset"}
                           ).status_code == 200
        assert client.post("/api/v1/auth/reset", json={"phone": user.user.phone, "code": "000000",
                                                       "password": "password456"}).status_code == 422
        for page in ("/login", "/register", "/reset"):
            assert client.post(page, data={"phone": user.user.phone, "password": "x"}).status_code < 500
        # Still limited, in this process.
        other = make_user("worker")
        statuses = [_token(client, other.user.phone).status_code for _ in range(7)]
        assert statuses[:5] == [401] * 5 and statuses[-1] == 429
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["checks"]["redis"] == "unreachable"
        assert health.get_json()["status"] == "degraded"
    finally:
        app.extensions["market"].engine.dispose()


def test_sign_in_answers_alike_for_unknown_unclaimed_and_wrong(client, make_user, session):
    from market.models import User

    known = make_user("worker")
    unclaimed = make_user("worker")
    row = session.get(User, unclaimed.user.id)
    row.claimed, row.password_hash = False, None
    session.add(row)
    session.commit()
    answers = {phone: client.post("/api/v1/auth/token", json={"phone": phone, "password": "password999"})
               for phone in (known.user.phone, unclaimed.user.phone, unique_phone())}
    assert {r.status_code for r in answers.values()} == {401}
    assert len({r.get_json()["error"]["message"] for r in answers.values()}) == 1


def test_sign_in_takes_about_as_long_for_a_phone_without_an_account(client, make_user, monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr(services, "_hasher", PasswordHasher())  # the production cost
    known = make_user("worker")

    def timed(phone: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            client.post("/api/v1/auth/token", json={"phone": phone, "password": "wrong-password"})
            best = min(best, time.perf_counter() - start)
        return best

    timed(unique_phone())  # warm up (the dummy hash is made once)
    with_account, without = timed(known.user.phone), timed(unique_phone())
    assert 0.5 < without / with_account < 2.0, (with_account, without)


def test_registration_does_not_tell_without_the_code(client, make_user):
    known = make_user("worker")
    answers = [client.post("/api/v1/auth/register", json={"phone": phone, "code": "123456",
                                                         "password": "password123"})
               for phone in (known.user.phone, unique_phone())]
    assert [r.status_code for r in answers] == [422, 422]
    assert answers[0].get_json()["error"] == answers[1].get_json()["error"]
