"""The employer's accepted complaints reach the job list through the search document, on a real engine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import job_payload
from tests.test_search_integration import _drain, app, meili  # noqa: F401  (the site with search on)

pytestmark = pytest.mark.meili


def test_the_job_list_shows_the_count_the_engine_holds_and_follows_it(app, make_employer, make_worker,  # noqa: F811
                                                                       admin, client, today):
    employer = make_employer(name="东莞市拖欠五金厂")
    job = employer.post("/api/v1/jobs", job_payload(title="急招冲压工", adcode="441900")).get_json()
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    c = worker.post("/api/v1/complaints", {"job_id": job["id"], "amount_owed": 3000,
                                           "period_start": (today - timedelta(days=30)).isoformat(),
                                           "period_end": today.isoformat()}).get_json()
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    _drain(app)
    r = client.get("/api/v1/jobs?q=冲压工").get_json()
    assert r["degraded"] is False
    assert [h["employer"]["open_wage_complaints"] for h in r["hits"]] == [1]
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "resolved", "note": "已补发"})
    _drain(app)
    r = client.get("/api/v1/jobs?q=冲压工").get_json()
    assert r["degraded"] is False and [h["employer"]["open_wage_complaints"] for h in r["hits"]] == [0]
