"""Shared fixtures: an app on a fresh database (SQLite, or PostgreSQL via MARKET_TEST_DB), factories for
people and postings, and API clients signed in as them."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from market import clock, create_app
from market.db import make_engine, write_intent
from market.migrate import upgrade
from tests.livekit import Sse, fast

TEST_DB = os.environ.get("MARKET_TEST_DB") or ""
_counter = itertools.count(1)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """argon2 at its lightest: the tests check the flow, not the cost parameters."""
    from argon2 import PasswordHasher

    from market.auth import services

    original = services._hasher
    services._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    services._hasher = original


def _fresh_database_url(tmp_path_factory) -> str:
    if TEST_DB:
        return TEST_DB
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _fresh_database_url(tmp_path_factory)
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)  # the schema the migrations build, on SQLite and PostgreSQL alike
    engine.dispose()
    return url


def _truncate(engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def app(database_url: str, tmp_path):
    app = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SEARCH_ENABLED": False, "MODEL_DIR": str(tmp_path / "models"),
        "REDIS_URL": None,
    })
    yield app
    _truncate(app.extensions["market"].engine)
    app.extensions["market"].engine.dispose()


@pytest.fixture
def engine(app):
    return app.extensions["market"].engine


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def sms(app):
    return app.extensions["market"].sms


@pytest.fixture
def client(app):
    return app.test_client()


def unique_phone() -> str:
    return f"139{next(_counter) + os.getpid() % 1000 * 10000:08d}"


def uscc_with_check(body17: str) -> str:
    from market.identity import _USCC_CHARS, _USCC_WEIGHTS

    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return body17 + _USCC_CHARS[(31 - total % 31) % 31]


def id_number(region: str = "520502", birth: str = "19810412", seq: str | None = None) -> str:
    from market.identity import id_check_character

    seq = seq or f"{next(_counter) % 1000:03d}"
    first17 = region + birth + seq
    return first17 + id_check_character(first17)


class Api:
    """A JSON client signed in as one user."""

    def __init__(self, client, user, token: str | None):
        self.client, self.user, self.token = client, user, token

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def get(self, path: str, **kw):
        return self.client.get(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, json: dict | None = None, **kw):
        return self.client.post(path, json=json if json is not None else {}, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path: str, json: dict, **kw):
        return self.client.put(path, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path: str, json: dict, **kw):
        return self.client.patch(path, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, path: str, **kw):
        return self.client.delete(path, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def make_user(app, client):
    from market.auth.services import create_user, issue_token

    def make(role: str = "worker", *, name: str = "", password: str = "password123", **_) -> Api:
        engine = app.extensions["market"].engine
        with Session(engine, expire_on_commit=False) as s:
            write_intent(s)  # as every writer outside a request does: the relay may be writing too
            user = create_user(session=s, phone=unique_phone(), password=password, role=role,
                               name=name or {"worker": "王师傅", "employer": "招工单位", "admin": "人社窗口"}.get(role, "组织者"))
            s.commit()
            write_intent(s)
            token = issue_token(user, app.config["SECRET_KEY"], session=s, label="tests")
            s.commit()
        return Api(app.test_client(), user, token)

    return make


@pytest.fixture
def admin(make_user) -> Api:
    return make_user("admin")


@pytest.fixture
def make_employer(make_user, admin):
    """An employer account whose organisation staff have verified (unless verified=False)."""

    def make(*, verified: bool = True, adcode: str = "441900", name: str = "东莞市长安五金制品有限公司") -> Api:
        api = make_user("employer", name=name)
        body = f"91{adcode}MA{next(_counter):07d}"[:17]
        r = api.post("/api/v1/employers", {"name": name, "uscc": uscc_with_check(body), "adcode": adcode})
        assert r.status_code == 201, r.get_json()
        api.employer_id = r.get_json()["id"]
        if verified:
            r = admin.post(f"/api/v1/admin/employers/{api.employer_id}/decision", {"approve": True})
            assert r.status_code == 200, r.get_json()
        return api

    return make


def job_payload(**overrides) -> dict:
    today = clock.today()
    payload = {
        "title": "电焊工", "occupation": "welder", "description": "二保焊，持证上岗。", "adcode": "441900",
        "wage_min": 6000, "wage_max": 8000, "wage_unit": "month", "employment_type": "full_time",
        "headcount": 2, "benefits": ["包吃", "包住"], "closes_at": (today + timedelta(days=30)).isoformat(),
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def make_job(make_employer):
    def make(employer: Api | None = None, **overrides) -> dict:
        employer = employer or make_employer()
        r = employer.post("/api/v1/jobs", job_payload(**overrides))
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    return make


@pytest.fixture
def make_worker(make_user):
    def make(**profile) -> Api:
        api = make_user("worker", name=profile.get("name", "王师傅"))
        data = {"name": "王师傅", "current_adcode": "441900", "hometown_adcode": "520502",
                "occupations": [{"code": "welder", "years": 10}], "expected_wage": 6500,
                "preferred_type": "full_time", "mobility": "cross"} | profile
        r = api.put("/api/v1/me/profile", data)
        assert r.status_code == 200, r.get_json()
        api.worker_id = r.get_json()["id"]
        return api

    return make


@pytest.fixture
def today() -> date:
    return clock.today()


# ---- the live room (helpers in tests/livekit.py) ----

@pytest.fixture
def organiser(make_user):
    return make_user("organiser")


@pytest.fixture
def hub(app):
    hub = fast(app)
    yield hub
    hub.close()


@pytest.fixture
def watch(client, hub):
    """Opens a stream through the test client; closes every one at the end of the test."""
    opened = []

    def open_stream(session_id: int, headers: dict | None = None, query: str = "", expect: int = 200) -> Sse:
        r = client.get(f"/live/{session_id}/events{query}", headers=headers or {}, buffered=False)
        opened.append(r)
        assert r.status_code == expect, r.get_data()
        if expect == 200:
            assert r.mimetype == "text/event-stream"
            assert r.headers["Cache-Control"] == "no-cache"
        return Sse(r.response)

    yield open_stream
    for r in opened:
        r.close()
