"""Fixtures for the matching tests: tiny hand-made markets, no benchmark data needed."""

from __future__ import annotations

import pytest
from matching_builders import AS_OF, make_posting, make_worker, synthetic_market


@pytest.fixture
def posting_factory():
    return make_posting


@pytest.fixture
def worker_factory():
    return make_worker


@pytest.fixture(scope="session")
def small_market():
    return synthetic_market()


@pytest.fixture(scope="session")
def trained_model(small_market):
    from matching.model import train

    postings, workers, applications = small_market
    return train(postings, workers, applications, AS_OF, step_days=14, hard_negatives=6, easy_negatives=2, pool=200)
