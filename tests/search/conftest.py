"""A real Meilisearch for the search tests: one server per session, a fresh index per test that writes.

As in meilisearch-python's own suite, every write is followed by wait_for_task and every index and key a
test creates is removed after it.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from searchdata import MARKET

from search.client import SearchEngine
from search.documents import job_document
from search.server import start_local
from search.settings import index_settings

MASTER_KEY = "test-master-key-" + uuid.uuid4().hex


@pytest.fixture(scope="session")
def meili_server(tmp_path_factory):
    server = start_local(tmp_path_factory.mktemp("meili"), master_key=MASTER_KEY)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def master(meili_server):
    engine = SearchEngine(meili_server.url, meili_server.master_key, index_uid="jobs", timeout=5.0)
    yield engine
    engine.close()


_counter = itertools.count()


@pytest.fixture
def fresh_index(master):
    """A master engine on an empty index of its own (with the job settings), removed afterwards."""
    uid = f"t{next(_counter)}_{uuid.uuid4().hex[:8]}"
    engine = master.with_key(master.api_key, index_uid=uid)
    engine.wait_for_task(engine.create_index(uid))
    engine.wait_for_task(engine.update_settings(index_settings()), 60)
    yield engine
    _cleanup(master, prefix=uid)


@pytest.fixture
def empty_index_name(master):
    """A unique live-index name that does not exist yet; everything named after it is removed afterwards."""
    uid = f"live{next(_counter)}_{uuid.uuid4().hex[:8]}"
    yield uid
    _cleanup(master, prefix=uid)


def _cleanup(master: SearchEngine, *, prefix: str) -> None:
    for index in master.list_indexes():
        if index["uid"].startswith(prefix):
            master.wait_for_task(master.delete_index(index["uid"]), 30, raise_on_failure=False)
    for key in master.request("GET", "/keys", params={"limit": 1000})["results"]:
        if any(str(i).startswith(prefix) for i in key.get("indexes", [])):
            master.delete_key(key["uid"])


@pytest.fixture(scope="session")
def market(master):
    """The small market above in its own index, shared read-only by the search tests."""
    uid = f"market_{uuid.uuid4().hex[:8]}"
    engine = master.with_key(master.api_key, index_uid=uid)
    engine.wait_for_task(engine.create_index(uid))
    engine.wait_for_task(engine.update_settings(index_settings()), 60)
    engine.wait_for_task(engine.add_documents([job_document(p) for p in MARKET]), 60)
    yield engine
    _cleanup(master, prefix=uid)
