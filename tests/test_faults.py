"""Faults an operator meets: the search engine's address answering nothing at launch, an engine that
refuses queries for a reason of its own."""

from __future__ import annotations

import uuid

import pytest

from market import create_app
from market.launch import prepare_site
from search.server import start_local

DEAD_ENGINE = "http://127.0.0.1:1"  # nothing listens on port 1


def test_launch_with_a_dead_search_engine_serves_degraded(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'launch.db'}"
    app = create_app({"DATABASE_URL": url, "MEILI_URL": DEAD_ENGINE, "MEILI_TIMEOUT": 0.3, "TESTING": True,
                      "SEARCH_LOG": "", "REDIS_URL": None, "MODEL_DIR": str(tmp_path / "models")})
    try:
        accounts = prepare_site(app)  # no exception: the launch goes on
        assert accounts, "the demo market was loaded into the empty database"
        assert "does not answer" in capsys.readouterr().out
        client = app.test_client()
        r = client.get("/api/v1/jobs", query_string={"q": "电焊工"})
        assert r.status_code == 200 and r.get_json()["degraded"] is True
        assert client.get("/").status_code == 200
        health = client.get("/healthz").get_json()
        assert health["status"] == "degraded" and health["checks"]["search"] == "unreachable"
    finally:
        app.extensions["market"].engine.dispose()


@pytest.fixture(scope="module")
def meili(tmp_path_factory):
    server = start_local(tmp_path_factory.mktemp("meili-faults"), master_key="faults-key-" + uuid.uuid4().hex)
    yield server
    server.stop()


@pytest.mark.meili
def test_an_engine_400_the_request_did_not_cause_is_answered_from_the_database(tmp_path, meili, database_url):
    # An index made without the site's settings: every filter is refused with a 400 (invalid_search_filter).
    uid = "bare_" + uuid.uuid4().hex[:8]
    app = create_app({"DATABASE_URL": database_url, "MEILI_URL": meili.url, "MEILI_MASTER_KEY": meili.master_key,
                      "MEILI_INDEX": uid, "MEILI_TIMEOUT": 2.0, "TESTING": True, "SEARCH_LOG": "",
                      "REDIS_URL": None, "MODEL_DIR": str(tmp_path / "models")})
    gateway = app.extensions["market"].search
    try:
        gateway.admin.wait_for_task(gateway.admin.create_index(uid), 30)
        r = app.test_client().get("/api/v1/jobs", query_string={"q": "电焊工"})
        assert r.status_code == 200 and r.get_json()["degraded"] is True
        # A request the site itself refuses stays the request's 422, and search is not switched off for it.
        r = app.test_client().get("/api/v1/jobs", query_string={"offset": "9" * 30})
        assert r.status_code == 422 and "offset" in r.get_json()["error"]["fields"]
    finally:
        gateway.stop_relay()
        gateway.admin.wait_for_task(gateway.admin.delete_index(uid), 30, raise_on_failure=False)
        app.extensions["market"].engine.dispose()


DEAD_DATABASE = "postgresql://postgres@127.0.0.1:1/market"  # no PostgreSQL listens on port 1


def test_a_database_that_does_not_answer_is_a_503_to_try_again_not_a_500(tmp_path):
    app = create_app({"DATABASE_URL": DEAD_DATABASE, "TESTING": True, "SEARCH_ENABLED": False, "SEARCH_LOG": "",
                      "REDIS_URL": None, "MODEL_DIR": str(tmp_path / "models")})
    try:
        client = app.test_client()
        r = client.get("/api/v1/jobs", query_string={"q": "电焊工"})
        assert r.status_code == 503 and r.headers["Retry-After"] == "5"
        assert r.get_json()["error"] == {"code": "unavailable", "message": "服务暂时不可用，请稍后再试", "fields": {}}
        page = client.get("/")
        assert page.status_code == 503 and "服务暂时不可用" in page.get_data(as_text=True)
        assert client.get("/healthz").get_json()["checks"]["database"] == "error"
    finally:
        app.extensions["market"].engine.dispose()
