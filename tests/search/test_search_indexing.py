"""Index lifecycle: rebuild-and-swap without a dark moment, outbox writes, reconciliation with the database."""

import threading

import pytest
from searchdata import MARKET

from search.client import SearchEngine, ensure_search_key
from search.documents import job_document
from search.indexing import (
    delete_documents,
    drop_leftover_indexes,
    ensure_index,
    reconcile,
    reindex,
    upsert_documents,
)
from search.jobs import JobQuery, search_jobs

pytestmark = pytest.mark.meili


def test_ensure_index_creates_the_live_index_once(master, empty_index_name):
    engine = master.with_key(master.api_key, index_uid=empty_index_name)
    assert ensure_index(engine) is True
    assert ensure_index(engine) is False
    assert engine.get_settings()["pagination"]["maxTotalHits"] >= 100_000


def test_reindex_swaps_in_a_new_index_while_search_keeps_answering(master, empty_index_name):
    engine = master.with_key(master.api_key, index_uid=empty_index_name)
    ensure_index(engine)
    old = [job_document(p) for p in MARKET[:5]]
    engine.wait_for_task(upsert_documents(engine, old))

    answers, failures, stop = [], [], threading.Event()
    # the app's search-only key names the live index: it must keep working across the swap
    searcher = engine.with_key(ensure_search_key(engine))

    def keep_searching():
        while not stop.is_set():
            try:
                answers.append(search_jobs(searcher, JobQuery(limit=1, facets=False)).total)
            except Exception as exc:
                failures.append(exc)

    thread = threading.Thread(target=keep_searching)
    thread.start()
    try:
        new = [job_document(p) for p in MARKET]
        result = reindex(engine, iter(new), batch_size=7)
    finally:
        stop.set()
        thread.join()

    assert failures == []
    searchable = sum(1 for d in new if d["status"] == "open" and d["employer_verified"])
    assert answers and set(answers) <= {len(old), searchable}
    assert result.documents == len(new) and result.index_uid == empty_index_name
    assert search_jobs(engine, JobQuery(limit=1)).total == searchable
    names = [i["uid"] for i in master.list_indexes()]
    assert empty_index_name in names and result.built_as not in names
    assert engine.get_settings()["synonyms"]  # the new index came with its settings


def test_reindex_of_a_missing_live_index_creates_it(master, empty_index_name):
    engine = master.with_key(master.api_key, index_uid=empty_index_name)
    reindex(engine, (job_document(p) for p in MARKET[:3]))
    assert engine.stats()["numberOfDocuments"] == 3
    assert drop_leftover_indexes(engine) == []


def test_a_failed_reindex_leaves_the_live_index_alone(master, empty_index_name):
    engine = master.with_key(master.api_key, index_uid=empty_index_name)
    reindex(engine, (job_document(p) for p in MARKET[:3]))

    def broken():
        yield job_document(MARKET[3])
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        reindex(engine, broken())
    assert engine.stats()["numberOfDocuments"] == 3
    assert [i["uid"] for i in master.list_indexes() if i["uid"].startswith(empty_index_name)] == [empty_index_name]


def test_reconciliation_finds_missing_stale_and_extra_documents(fresh_index):
    docs = [job_document(p) for p in MARKET[:6]]
    fresh_index.wait_for_task(upsert_documents(fresh_index, docs))
    expected = {d["id"]: d["version"] for d in docs}
    report = reconcile(fresh_index, expected, page_size=4)
    assert report.clean and report.indexed == 6

    # the database changed one posting, gained one, and lost one, and the index saw none of it
    changed = dict(MARKET[1], title="急招氩弧焊工 包住")
    expected[changed["id"]] = job_document(changed)["version"]
    expected[999] = "v1"
    del expected[docs[-1]["id"]]
    report = reconcile(fresh_index, expected, page_size=4)
    assert (report.missing, report.stale, report.extra) == ([999], [changed["id"]], [docs[-1]["id"]])

    # the app repairs
    repair = [job_document(changed), job_document(dict(MARKET[0], id=999))]
    fresh_index.wait_for_task(upsert_documents(fresh_index, repair))
    fresh_index.wait_for_task(delete_documents(fresh_index, report.extra))
    expected[999] = job_document(dict(MARKET[0], id=999))["version"]
    assert reconcile(fresh_index, expected).clean


def test_upsert_and_delete_return_task_uids(fresh_index: SearchEngine):
    uid = upsert_documents(fresh_index, [job_document(MARKET[0])])
    assert isinstance(uid, int)
    assert fresh_index.wait_for_task(uid)["status"] == "succeeded"
    assert fresh_index.get_document(MARKET[0]["id"])["title"] == MARKET[0]["title"]
    fresh_index.wait_for_task(delete_documents(fresh_index, [MARKET[0]["id"]]))
    assert fresh_index.get_document(MARKET[0]["id"]) is None
