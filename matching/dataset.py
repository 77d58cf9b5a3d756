"""Reading a market directory in the benchmark layout (``jobs.jsonl.gz``, ``workers.jsonl.gz``, ...).

This is for offline training and evaluation; the site builds the same dataclasses from its database.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .types import Application, Posting, WorkerProfile


@dataclass
class Market:
    postings: list[Posting]
    workers: list[WorkerProfile]
    applications: list[Application]


def _rows(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def _find(directory: Path, stem: str) -> Path:
    for name in (f"{stem}.jsonl.gz", f"{stem}.jsonl"):
        if (directory / name).exists():
            return directory / name
    raise FileNotFoundError(f"{directory} has no {stem}.jsonl.gz")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _day(value: str) -> date:
    """A date every row carries (posted, closed, applied)."""
    return date.fromisoformat(value[:10])


def posting_from_row(r: dict) -> Posting:
    return Posting(
        id=str(r["external_id"]),
        employer_id=str(r["employer"]),
        title=r.get("title") or "",
        occupation=r.get("occupation"),
        description=r.get("description") or "",
        adcode=str(r["adcode"]),
        lat=r.get("lat"),
        lng=r.get("lng"),
        wage_min=r.get("wage_min"),
        wage_max=r.get("wage_max"),
        wage_unit=r.get("wage_unit") or "month",
        employment_type=r.get("employment_type") or "full_time",
        headcount=int(r.get("headcount") or 1),
        benefits=list(r.get("benefits") or []),
        cert_required=r.get("cert_required"),
        skill_level_required=r.get("skill_level_required"),
        cooperation=r.get("cooperation"),
        posted_at=_day(r["posted_at"]),
        closes_at=_day(r["closes_at"]),
    )


def worker_from_row(r: dict) -> WorkerProfile:
    # name, gender, id_number and phone are deliberately not read: the ranker never sees them.
    return WorkerProfile(
        id=str(r["external_id"]),
        current_adcode=str(r["current_adcode"]) if r.get("current_adcode") else None,
        hometown_adcode=str(r["hometown_adcode"]) if r.get("hometown_adcode") else None,
        occupations=[(o["code"], int(o.get("years") or 0)) for o in r.get("occupations") or []],
        certificates=[(c["name"], c.get("level")) for c in r.get("certificates") or []],
        expected_wage=r.get("expected_wage"),
        preferred_type=r.get("preferred_type") or "any",
        mobility=r.get("mobility") or "local",
        birth_date=_date(r.get("birth_date")),
        priority_groups=frozenset(r.get("priority_groups") or ()),
        labour_brand=r.get("labour_brand"),
        discoverable=bool(r.get("discoverable", True)),
    )


def application_from_row(r: dict) -> Application:
    return Application(
        worker_id=str(r["worker"]),
        posting_id=str(r["job"]),
        applied_at=_day(r["applied_at"]),
        hired=r.get("outcome") == "hired",
    )


def load_market(directory: str | Path, applications_file: str = "applications_train") -> Market:
    directory = Path(directory)
    postings = [posting_from_row(r) for r in _rows(_find(directory, "jobs"))]
    workers = [worker_from_row(r) for r in _rows(_find(directory, "workers"))]
    try:
        apps = [application_from_row(r) for r in _rows(_find(directory, applications_file))]
    except FileNotFoundError:
        apps = []
    return Market(postings, workers, apps)


def read_ids(path: str | Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip()]


def write_jsonl_gz(path: Path, rows: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
