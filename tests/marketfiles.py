"""Writing small markets in the market-v1 format (gzip JSON lines) for the tests that read such a folder."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import uscc_with_check

# (title, trade alias in the text, adcode, benefits, type, cooperation)
TINY_JOBS = [
    ("电焊工", "电焊工", "441900", ["包吃", "包住"], "full_time", None),
    ("急招氩弧焊工", "氩弧焊工", "441900", ["日结"], "gig_daily", None),
    ("焊工", "焊工", "440305", [], "full_time", "粤黔协作"),
    ("厨师（东莞电焊厂食堂）", "厨师", "441900", ["包吃"], "full_time", None),
    ("黔菜师傅", "黔菜师傅", "520102", [], "full_time", None),
    ("装卸工", "装卸工", "440111", ["日结"], "gig_daily", None),
    ("车间普工", "普工", "320506", ["包吃", "包住", "五险一金"], "full_time", None),
    ("住家保姆", "住家保姆", "110108", [], "full_time", None),
]


def write_jsonl_gz(path: Path, rows) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_tiny_market(folder: Path) -> Path:
    """One employer in Dongguan and TINY_JOBS three times over, open 2026-04-01 to 2026-05-01; no workers."""
    write_jsonl_gz(folder / "employers.jsonl.gz", [{
        "external_id": "E000001", "name": "东莞测试人力资源有限公司", "uscc": uscc_with_check("91441900MA4UJ0XK1"),
        "adcode": "441900", "category": "制造业", "size": 300, "verified": True, "cooperation": None}])
    write_jsonl_gz(folder / "jobs.jsonl.gz", [{
        "external_id": f"J{i:06d}", "employer": "E000001", "title": title, "occupation": None,
        "description": f"东莞测试人力资源有限公司因生产经营需要，现招聘{alias}2名。",
        "adcode": adcode, "address": "", "lat": 23.0, "lng": 113.7,
        "wage_min": 200 if kind == "gig_daily" else 5000, "wage_max": 300 if kind == "gig_daily" else 7000,
        "wage_unit": "day" if kind == "gig_daily" else "month", "employment_type": kind, "headcount": 2,
        "benefits": benefits, "cert_required": None, "skill_level_required": None, "cooperation": cooperation,
        "posted_at": "2026-04-01", "closes_at": "2026-05-01",
    } for i, (title, alias, adcode, benefits, kind, cooperation) in enumerate(TINY_JOBS * 3)])
    write_jsonl_gz(folder / "workers.jsonl.gz", [])
    return folder
