"""Faults an operator meets: the search engine's address answering nothing at launch."""

from __future__ import annotations

from market import create_app
from market.launch import prepare_site

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
