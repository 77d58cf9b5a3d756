"""python -m market.bench_search end to end on a tiny market-v1 folder: every section prints, nothing is left
running, no answer is degraded and the browse totals equal the database's."""

import datetime as dt
import gzip
import json

import pytest

from market.bench_search import main
from tests.conftest import uscc_with_check

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


def _write(path, rows):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


@pytest.fixture
def tiny_market(tmp_path):
    _write(tmp_path / "employers.jsonl.gz", [{
        "external_id": "E000001", "name": "东莞测试人力资源有限公司", "uscc": uscc_with_check("91441900MA4UJ0XK1"),
        "adcode": "441900", "category": "制造业", "size": 300, "verified": True, "cooperation": None}])
    _write(tmp_path / "jobs.jsonl.gz", [{
        "external_id": f"J{i:06d}", "employer": "E000001", "title": title, "occupation": None,
        "description": f"东莞测试人力资源有限公司因生产经营需要，现招聘{alias}2名。",
        "adcode": adcode, "address": "广东省东莞市", "lat": 23.0, "lng": 113.7,
        "wage_min": 200 if kind == "gig_daily" else 5000, "wage_max": 300 if kind == "gig_daily" else 7000,
        "wage_unit": "day" if kind == "gig_daily" else "month", "employment_type": kind, "headcount": 2,
        "benefits": benefits, "cert_required": None, "skill_level_required": None, "cooperation": cooperation,
        "posted_at": "2026-04-01", "closes_at": "2026-05-01",
    } for i, (title, alias, adcode, benefits, kind, cooperation) in enumerate(JOBS * 3)])
    _write(tmp_path / "workers.jsonl.gz", [])
    return tmp_path


def test_benchmark_runs_on_a_tiny_market(tiny_market, capsys):
    code = main(["--data", str(tiny_market), "--day", DAY.isoformat(), "--per-style", "1", "--index-rounds", "1",
                 "--rounds", "1", "--workers", "1", "--profile", "--profile-top", "3"])
    out = capsys.readouterr().out
    assert code == 0, out
    for heading in ("indexing (until searchable)", "median ratio", "latency, ms per request", "Meilisearch direct",
                    "profile:", "relevance (", "checks", "wall time"):
        assert heading in out, heading
    assert "degraded: 0, errors: 0" in out
    assert "≠" not in out  # every browse total equals the database's
    all_row = next(line for line in out.splitlines() if line.strip().startswith("ALL ("))
    assert all_row.split()[2] == "1.000"  # the app's precision@10 on queries with unambiguous answers
