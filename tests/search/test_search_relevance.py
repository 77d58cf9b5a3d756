"""The relevance benchmark end to end on a tiny market written in the market-v1 format."""

import datetime as dt

import pytest

from search.judgments import build_judgments, load_postings, true_occupation
from search.relevance import main, precision_at, recall_at
from tests.marketfiles import write_tiny_market

pytestmark = pytest.mark.meili

DAY = dt.date(2026, 4, 15)


@pytest.fixture
def tiny_market(tmp_path):
    return write_tiny_market(tmp_path)


def test_judgments_use_the_trade_the_posting_text_names(tiny_market):
    postings = load_postings(tiny_market)
    assert [true_occupation(p) for p in postings[:3]] == ["welder", "welder", "welder"]
    judgments = build_judgments(postings, day=DAY, per_style=2)
    assert judgments and all(j.relevant for j in judgments)
    by_query = {j.query: j for j in judgments}
    for query, judgment in by_query.items():
        if judgment.style == "cooperation":
            assert query == "粤黔协作 岗位" and len(judgment.relevant) == 3


def test_metrics_are_capped_by_the_relevant_count():
    assert precision_at([1, 2, 9], {1, 2}) == 1.0
    assert precision_at([9, 8, 1], {1, 2}) == 0.5
    assert recall_at(list(range(100)), set(range(200))) == 1.0


def test_benchmark_command_runs_against_a_server(tiny_market, meili_server, master, capsys):
    before = {i["uid"] for i in master.list_indexes()}
    assert main(["--data", str(tiny_market), "--day", DAY.isoformat(), "--per-style", "2", "--repeat", "1",
                 "--url", meili_server.url, "--master-key", meili_server.master_key]) == 0
    out = capsys.readouterr().out
    assert "precision@10 / recall@50" in out and "ALL" in out and "p99" in out
    configured = next(line for line in out.splitlines() if line.startswith("ALL"))
    assert configured.split()[2] == "1.000"
    assert {i["uid"] for i in master.list_indexes()} == before  # it cleans up after itself
    assert not [k for k in master.request("GET", "/keys")["results"]
                if any(str(i).startswith("relevance_") for i in k["indexes"])]
