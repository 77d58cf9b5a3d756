"""The restore drill: back up the database and the index, lose changes and the index, restore, and find
both as they were, reconciled."""

from __future__ import annotations

import time
import uuid

import pytest

from market import create_app
from market.search_index import pending_count, relay_once
from search.server import start_local
from tests.conftest import _truncate, job_payload

pytestmark = pytest.mark.meili


@pytest.fixture(scope="module")
def meili(tmp_path_factory):
    server = start_local(tmp_path_factory.mktemp("meili-backup"), master_key="backup-key-" + uuid.uuid4().hex)
    yield server
    server.stop()


@pytest.fixture
def app(database_url, tmp_path, meili):
    app = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SEARCH_ENABLED": True, "MEILI_URL": meili.url,
        "MEILI_MASTER_KEY": meili.master_key, "MEILI_TIMEOUT": 0.5, "MEILI_INDEX": "jobs_" + uuid.uuid4().hex[:8],
        "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None, "SEARCH_LOG": "",
    })
    gateway = app.extensions["market"].search
    gateway.prepare()
    yield app
    gateway.stop_relay()
    gateway.admin.wait_for_task(gateway.admin.delete_index(), 30, raise_on_failure=False)
    _truncate(app.extensions["market"].engine)
    app.extensions["market"].engine.dispose()


def _drain(app) -> None:
    state = app.extensions["market"]
    deadline = time.monotonic() + 30
    while pending_count(state.engine):
        relay_once(state.engine, state.search)
        assert time.monotonic() < deadline, "outbox did not drain"
        time.sleep(0.1)


def test_restore_drill_brings_back_database_and_index(app, make_employer, client, tmp_path):
    employer = make_employer()
    kept = employer.post("/api/v1/jobs", job_payload(title="急招二保焊工")).get_json()
    _drain(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert "1 postings" in result.output and "1 documents" in result.output

    # After the backup: a posting that will be lost, and the index wiped.
    employer.post("/api/v1/jobs", job_payload(title="保洁阿姨", occupation="cleaner", description="小区保洁"))
    _drain(app)
    gateway = app.extensions["market"].search
    gateway.admin.wait_for_task(gateway.admin.delete_index(), 30)

    result = runner.invoke(args=["restore", str(tmp_path / "backup"), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restored 1 postings" in result.output and "missing 0, stale 0, extra 0" in result.output
    r = client.get("/api/v1/jobs").get_json()
    assert r["degraded"] is False and [h["id"] for h in r["hits"]] == [kept["id"]]
    assert client.get(f"/api/v1/jobs/{kept['id']}").status_code == 200
