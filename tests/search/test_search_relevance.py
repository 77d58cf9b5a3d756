"""The relevance benchmark end to end on a tiny market written in the market-v1 format."""

import datetime as dt
import gzip
import json

import pytest

from search.judgments import build_judgments, load_postings, true_occupation
from search.relevance import main, precision_at, recall_at

pytestmark = pytest.mark.meili

DAY = dt.date(2026, 4, 15)
JOBS = [
    # (title, trade alias in the text, adcode, benefits, type, cooperation)
    ("电焊工", "电焊工", "441900", ["包吃", "包住"], "full_time", None),
    ("急招氩弧焊工", "氩弧焊工", "441900", ["日结"], "gig_daily", None),
    ("焊工", "焊工", "440305", [], "full_time", "粤黔协作"),
    ("厨师（东莞电焊厂食堂）", "厨师", "441900", ["包吃"], "full_time", None),
    ("黔菜师傅", "黔菜师傅", "520102", [], "full_time", None),
    ("装卸工", "装卸工", "440111", ["日结"], "gig_daily", None),
    ("车间普工", "普工", "320506", ["包吃", "包住", "五险一金"], "full_time", None),
    ("住家保姆", "住家保姆", "110108", [], "full_time", None),
]


@pytest.fixture
def tiny_market(tmp_path):
    with gzip.open(tmp_path / "employers.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"external_id": "E000001", "name": "东莞测试人力资源有限公司", "adcode": "441900",
                             "verified": True}, ensure_ascii=False) + "\n")
    with gzip.open(tmp_path / "jobs.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i, (title, alias, adcode, benefits, kind, cooperation) in enumerate(JOBS * 3):
            fh.write(json.dumps({
                "external_id": f"J{i:06d}", "employer": "E000001", "title": title, "occupation": None,
                "description": f"东莞测试人力资源有限公司因生产经营需要，现招聘{alias}2名。",
                "adcode": adcode, "address": "", "lat": 23.0, "lng": 113.7, "wage_min": 200, "wage_max": 300,
                "wage_unit": "day" if kind == "gig_daily" else "month", "employment_type": kind, "headcount": 2,
                "benefits": benefits, "cert_required": None, "skill_level_required": None,
                "cooperation": cooperation, "posted_at": "2026-04-01", "closes_at": "2026-05-01",
            }, ensure_ascii=False) + "\n")
    return tmp_path


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
