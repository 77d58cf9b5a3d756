"""The engine wrapper, the local server, paging past Meilisearch's default 1,000, keys and timeouts."""

import os
import signal
import time

import pytest

from search.client import SearchApiError, SearchEngine, SearchUnavailable, TaskFailed, ensure_search_key
from search.documents import job_document
from search.jobs import JobQuery, page_window, search_jobs
from search.server import ServerError, start_local

pytestmark = pytest.mark.meili


def tiny(i):
    return job_document({"id": i, "title": "普工" if i % 2 else "保洁员", "adcode": "441900",
                         "employer_verified": True, "posted_at": "2026-05-01"})


@pytest.fixture
def big_index(fresh_index):
    """1,200 postings: more than Meilisearch counts or pages by default."""
    fresh_index.wait_for_task(fresh_index.add_documents(tiny(i) for i in range(1, 1201)), 60)
    return fresh_index


def test_server_listens_on_loopback_and_answers_health(meili_server, master):
    assert meili_server.url.startswith("http://127.0.0.1:")
    assert meili_server.alive()
    assert master.healthy()
    assert master.version().startswith("1.")


def test_missing_binary_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MEILI_BIN", str(tmp_path / "no-such-meilisearch"))
    with pytest.raises(ServerError, match="not found"):
        start_local(tmp_path / "data", master_key="x" * 16)


def test_total_is_exact_and_every_hit_can_be_paged_beyond_1000(big_index):
    first = search_jobs(big_index, JobQuery(limit=100))
    assert first.total == 1200
    seen = []
    for offset in range(0, 1200, 100):
        seen += [h["id"] for h in search_jobs(big_index, JobQuery(limit=100, offset=offset)).hits]
    assert len(seen) == 1200 and len(set(seen)) == 1200
    last = search_jobs(big_index, JobQuery(limit=100, offset=1150))
    assert last.total == 1200 and len(last.hits) == 50
    # an offset that is not a multiple of the limit still lands on the right hits
    odd = search_jobs(big_index, JobQuery(limit=7, offset=1003))
    assert [h["id"] for h in odd.hits] == seen[1003:1010]
    text = search_jobs(big_index, JobQuery(q="普工", limit=10, offset=590))
    assert text.total == 600 and len(text.hits) == 10


def test_windows_no_page_covers_cheaply_take_hits_by_offset_and_count_apart(big_index, monkeypatch):
    everything = [h["id"] for h in search_jobs(big_index, JobQuery(limit=100, offset=1100)).hits]
    monkeypatch.setattr("search.jobs._page_is_cheap", lambda size, limit: False)
    far = search_jobs(big_index, JobQuery(limit=3, offset=1189))
    assert far.total == 1200 and [h["id"] for h in far.hits] == everything[89:92]
    assert far.facets["occupation"] == {"factory_worker": 600, "cleaner": 600}


@pytest.mark.parametrize("offset,limit", [(0, 20), (40, 20), (1003, 7), (15, 10), (0, 1), (999, 100)])
def test_page_window_covers_exactly_the_requested_hits(offset, limit):
    page, size, skip = page_window(offset, limit)
    start = (page - 1) * size + skip
    assert start == offset and skip + limit <= size


def test_search_only_key_can_search_but_not_write(master, fresh_index):
    fresh_index.wait_for_task(fresh_index.add_documents([tiny(1)]))
    key = ensure_search_key(master, index_uid=fresh_index.index_uid)
    assert ensure_search_key(master, index_uid=fresh_index.index_uid) == key  # the same key every time
    searcher = SearchEngine(master.url, key, index_uid=fresh_index.index_uid)
    assert search_jobs(searcher, JobQuery()).total == 1
    for write in (lambda: searcher.add_documents([tiny(2)]),
                  lambda: searcher.update_settings({"rankingRules": ["words"]}),
                  lambda: searcher.delete_index(),
                  lambda: searcher.create_key(uid=None, name="x", description="x", actions=["*"], indexes=["*"])):
        with pytest.raises(SearchApiError) as err:
            write()
        assert err.value.status == 403
    with pytest.raises(SearchApiError):
        searcher.search({"q": ""}, index_uid="jobs_other")


def test_task_status_and_failed_tasks_are_reported(fresh_index):
    uid = fresh_index.add_documents([tiny(5)])
    assert fresh_index.task_status(uid) in ("enqueued", "processing", "succeeded")
    assert fresh_index.wait_for_task(uid)["status"] == "succeeded"
    bad = fresh_index.add_documents([{"id": "not an id!"}])
    with pytest.raises(TaskFailed):
        fresh_index.wait_for_task(bad)
    assert fresh_index.task_status(bad) == "failed"


def test_a_stopped_server_makes_calls_fail_fast_not_hang(meili_server, market):
    engine = market.with_key(market.api_key, timeout=0.5)
    assert search_jobs(engine, JobQuery(q="电焊工")).total > 0
    os.kill(meili_server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(SearchUnavailable):
            search_jobs(engine, JobQuery(q="电焊工"))
        assert time.monotonic() - started < 2.0
        assert not engine.healthy()
    finally:
        os.kill(meili_server.process.pid, signal.SIGCONT)
    assert search_jobs(engine, JobQuery(q="电焊工")).total > 0


def test_nothing_listening_is_unavailable():
    engine = SearchEngine("http://127.0.0.1:9", "k", timeout=0.5)
    with pytest.raises(SearchUnavailable):
        engine.search({"q": ""})
    assert not engine.healthy()
