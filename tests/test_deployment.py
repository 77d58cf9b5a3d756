"""Behind a reverse proxy (docs/deployment.md): the site counts people by the address the proxy saw, and only
when told to trust it (TRUSTED_PROXIES); a direct request cannot pick its own address."""

from __future__ import annotations

import pytest

from market import create_app
from market.auth import views as auth_views
from market.config import ConfigError


@pytest.fixture
def limited(database_url, tmp_path, monkeypatch):
    monkeypatch.setattr(auth_views, "SIGN_IN_PER_ADDRESS", (2, 600))  # two sign-in tries per address

    def make(proxies: int):
        app = create_app({"DATABASE_URL": database_url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                          "SEARCH_ENABLED": False, "REDIS_URL": None, "SEARCH_LOG": "", "TRUSTED_PROXIES": proxies,
                          "MODEL_DIR": str(tmp_path / "models")})
        made.append(app)
        return app.test_client()

    made: list = []
    yield make
    for app in made:
        app.extensions["market"].engine.dispose()


def _sign_in(client, forwarded: str) -> int:
    return client.post("/api/v1/auth/token", json={"phone": "13912345678", "password": "wrong-password-1"},
                       headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code


def test_behind_one_trusted_proxy_limits_count_each_person_not_the_proxy(limited):
    client = limited(1)
    assert [_sign_in(client, "203.0.113.5") for _ in range(3)] == [401, 401, 429]
    assert _sign_in(client, "198.51.100.7") == 401  # someone else behind the same proxy is not refused


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(limited):
    client = limited(0)
    assert [_sign_in(client, f"203.0.113.{n}") for n in range(3)] == [401, 401, 429]


def test_an_impossible_number_of_proxies_is_refused_at_start(database_url):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        create_app({"DATABASE_URL": database_url, "TRUSTED_PROXIES": -1})
