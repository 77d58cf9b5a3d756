"""Schemathesis over /api/v1/openapi.json, against the app itself (bench/fuzz.py's runner, a bounded pass):
signed in as the demo market's worker, employer, organiser and staff, valid and invalid requests to every
route answer without a server error, inside the document (status, content type, body), and the invalid ones
are refused with a 4xx. ``python -m bench.fuzz --examples N`` is the longer run."""

from __future__ import annotations

import pytest

from bench.fuzz import run, seed_world
from market.postings import browse

EXAMPLES = 3  # per route, valid and invalid each: the whole API in well under two minutes


@pytest.fixture
def world(app):
    return seed_world(app)


def _failures(report) -> dict:
    return {f"{method} {path}": (f.server_errors, f.violations, f.accepted_invalid, f.examples)
            for (method, path), f in report.items() if f.server_errors or f.violations or f.accepted_invalid}


def test_every_route_answers_inside_its_document_with_no_server_error(app, client, world):
    report = run(app, world, examples=EXAMPLES)
    documented = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert len(report) == sum(len(ops) for ops in documented.values())
    assert sum(f.requests for f in report.values()) >= 2 * len(report)
    assert _failures(report) == {}


def test_a_route_that_answers_other_than_its_schema_says_is_caught(app, world, monkeypatch):
    """The check is real: a posting whose wage comes back as text, against a document that says integer."""
    public = browse.job_public

    def wage_as_text(*args, **kwargs):
        return public(*args, **kwargs) | {"wage_min": "七千"}

    monkeypatch.setattr(browse, "job_public", wage_as_text)
    report = run(app, world, examples=2, only=["/jobs/{job_id}"])
    assert report[("GET", "/api/v1/jobs/{job_id}")].violations > 0


def test_a_document_that_promises_what_the_route_does_not_answer_is_caught(app, client, world):
    """And the other way round: the document altered to say the posting's title is a number."""
    doc = client.get("/api/v1/openapi.json").get_json()
    job = doc["components"]["schemas"]["JobDetail"]
    job["properties"]["title"] = {"type": "integer"}
    report = run(app, world, examples=2, only=["/jobs/{job_id}"], document=doc)
    assert report[("GET", "/api/v1/jobs/{job_id}")].violations > 0
