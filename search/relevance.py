"""Relevance benchmark: `python -m search.relevance --data ../shared/data/market-v1`.

Indexes a market-v1 folder twice on a real Meilisearch — (a) with this package's settings and documents,
(b) the raw postings in an index with Meilisearch's default settings (plus the two day fields the date
filter needs) — builds the judgment set (search.judgments), runs every query against both, and prints
precision@10 and recall@50, per query style and overall, and the latency of the searches.

precision@10 = relevant among the first 10 / min(10, number relevant); recall@50 = relevant among the first
50 / min(50, number relevant). Both are 1.0 for a perfect answer whatever the size of the relevant set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from typing import Any

from tqdm import tqdm

from .client import SearchEngine, ensure_search_key, search_key_uid
from .documents import day_number, job_document
from .indexing import reindex
from .jobs import JobQuery, search_jobs
from .judgments import Judgment, build_judgments, load_postings
from .server import start_local
from .settings import plain_settings

PLAIN_FIELDS = ("id", "external_id", "title", "description", "employer_name", "address", "wage_min", "wage_max",
                "wage_unit", "employment_type", "benefits", "cooperation", "posted_at", "closes_at")


def precision_at(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    if not relevant:
        return 1.0 if not ranked else 0.0
    return len(set(ranked[:k]) & relevant) / min(k, len(relevant))


def recall_at(ranked: list[int], relevant: set[int], k: int = 50) -> float:
    if not relevant:
        return 1.0
    return len(set(ranked[:k]) & relevant) / min(k, len(relevant))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _plain_document(posting: dict[str, Any]) -> dict[str, Any]:
    doc = {name: posting.get(name) for name in PLAIN_FIELDS}
    doc["posted_day"] = day_number(posting["posted_at"])
    doc["closes_day"] = day_number(posting["closes_at"])
    return doc


def _index_plain(master: SearchEngine, uid: str, postings: list[dict[str, Any]], batch: int) -> None:
    master.wait_for_task(master.create_index(uid), 60)
    master.wait_for_task(master.update_settings(plain_settings(), uid), 60)
    tasks = []
    with tqdm(total=len(postings), desc="plain index: sending", unit="doc", file=sys.stderr) as bar:
        for start in range(0, len(postings), batch):
            chunk = postings[start:start + batch]
            tasks.append(master.add_documents([_plain_document(p) for p in chunk], uid))
            bar.update(len(chunk))
    with tqdm(total=len(postings), desc="plain index: indexing", unit="doc", file=sys.stderr) as bar:
        for task, start in zip(tasks, range(0, len(postings), batch), strict=True):
            master.wait_for_task(task, 3600)
            bar.update(len(postings[start:start + batch]))


class _Run:
    def __init__(self, name: str):
        self.name = name
        self.precision: dict[str, list[float]] = defaultdict(list)
        self.recall: dict[str, list[float]] = defaultdict(list)
        self.latency_ms: list[float] = []
        self.engine_ms: list[float] = []
        self.misses: list[tuple[str, float, list[int]]] = []

    def record(self, judgment: Judgment, ranked: list[int]) -> None:
        p, r = precision_at(ranked, judgment.relevant), recall_at(ranked, judgment.relevant)
        for key in (judgment.style, "ALL"):
            self.precision[key].append(p)
            self.recall[key].append(r)
        if p < 1.0:
            self.misses.append((judgment.query, p, ranked[:10]))

    def mean(self, table: dict[str, list[float]], key: str) -> float:
        return statistics.fmean(table[key]) if table[key] else float("nan")


def run(args: argparse.Namespace) -> int:
    day = dt.date.fromisoformat(args.day)
    print(f"Loading {args.data} ...", file=sys.stderr)
    postings = load_postings(args.data)
    if args.jobs:
        postings = postings[: args.jobs]
    judgments = build_judgments(postings, day=day, per_style=args.per_style, seed=args.seed)
    sizes = [len(j.relevant) for j in judgments]
    print(f"{len(postings):,} postings; {len(judgments)} queries open on {day} "
          f"(relevant per query: median {statistics.median(sizes):.0f}, min {min(sizes)}, max {max(sizes)})",
          file=sys.stderr)

    server = None
    tmp = None
    if args.url:
        url, master_key = args.url, args.master_key
    else:
        tmp = tempfile.TemporaryDirectory(prefix="relevance-meili-")
        master_key = uuid.uuid4().hex
        server = start_local(tmp.name, master_key=master_key)
        url = server.url
        print(f"Started Meilisearch at {url}", file=sys.stderr)
    suffix = uuid.uuid4().hex[:6]
    configured_uid, plain_uid = f"relevance_jobs_{suffix}", f"relevance_plain_{suffix}"
    master = SearchEngine(url, master_key, index_uid=configured_uid, timeout=10.0, write_timeout=120.0)
    try:
        clock = time.monotonic()
        with (tqdm(total=len(postings), desc="configured index: sending ", unit="doc", file=sys.stderr) as sent,
              tqdm(total=len(postings), desc="configured index: indexing", unit="doc", file=sys.stderr) as done):
            result = reindex(master, (job_document(p) for p in postings), batch_size=args.batch,
                             progress=sent.update, indexed=done.update)
        print(f"configured index: {result.documents:,} documents in {time.monotonic() - clock:.0f}s",
              file=sys.stderr)
        clock = time.monotonic()
        _index_plain(master, plain_uid, postings, args.batch)
        print(f"plain index: {len(postings):,} documents in {time.monotonic() - clock:.0f}s", file=sys.stderr)

        searcher = SearchEngine(url, ensure_search_key(master), index_uid=configured_uid, timeout=5.0)
        runs = {name: _Run(name) for name in ("configured", "configured, trade as text", "plain")}
        open_filter = f"posted_day <= {day_number(day)} AND closes_day > {day_number(day)}"
        for round_no in range(args.repeat):
            for judgment in tqdm(judgments, desc=f"queries, round {round_no + 1}/{args.repeat}",
                                 file=sys.stderr, leave=False):
                for name, run_ in runs.items():
                    started = time.perf_counter()
                    if name == "plain":
                        answer = master.search({"q": judgment.query, "filter": open_filter, "limit": 50,
                                                "attributesToRetrieve": ["id"]}, plain_uid)
                        ranked = [h["id"] for h in answer["hits"]]
                        engine_ms = answer.get("processingTimeMs", 0)
                    else:
                        page = search_jobs(searcher, JobQuery(
                            q=judgment.query, open_on=day, limit=50,
                            occupation_filter=(name == "configured")))
                        ranked = [h["id"] for h in page.hits]
                        engine_ms = page.processing_ms
                    run_.latency_ms.append((time.perf_counter() - started) * 1000)
                    run_.engine_ms.append(engine_ms)
                    if round_no == 0:
                        run_.record(judgment, ranked)
        _report(runs, judgments, args)
    finally:
        if server is not None:
            server.stop()
            if tmp is not None:
                tmp.cleanup()
        else:
            for uid in (configured_uid, plain_uid):
                try:
                    master.wait_for_task(master.delete_index(uid), 60, raise_on_failure=False)
                except Exception:
                    pass
            try:
                master.delete_key(search_key_uid(configured_uid))
            except Exception:
                pass
    return 0


def _report(runs: dict[str, _Run], judgments: list[Judgment], args: argparse.Namespace) -> None:
    styles = list(dict.fromkeys(j.style for j in judgments)) + ["ALL"]
    names = list(runs)
    width = 32
    print()
    print(f"{'query style (queries)':<{width}}" + "".join(f"{n:>28}" for n in names))
    print(f"{'':<{width}}" + "".join(f"{'precision@10 / recall@50':>28}" for _ in names))
    for style in styles:
        count = len(runs[names[0]].precision[style])
        label = f"{style} ({count})"
        cells = "".join(f"{r.mean(r.precision, style):>19.3f} / {r.mean(r.recall, style):.3f}" for r in runs.values())
        print(f"{label:<{width}}{cells}")
    print()
    print(f"latency over {len(judgments)} queries × {args.repeat} rounds (wall ms per search, client side; "
          f"engine ms = Meilisearch's processingTimeMs)")
    for run_ in runs.values():
        print(f"  {run_.name:<28} p50 {percentile(run_.latency_ms, 0.5):6.1f}  p99 {percentile(run_.latency_ms, 0.99):6.1f}"
              f"   engine p50 {percentile(run_.engine_ms, 0.5):5.1f}  p99 {percentile(run_.engine_ms, 0.99):5.1f}")
    if args.show_misses:
        for run_ in runs.values():
            print(f"\n{run_.name}: queries below precision 1.0")
            for query, p, top in run_.misses[: args.show_misses]:
                print(f"  {p:.2f}  {query}  {top}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.relevance", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a market-v1 folder (jobs.jsonl.gz, employers.jsonl.gz)")
    parser.add_argument("--day", default="2026-04-15", help="the open-on day of every query (default %(default)s)")
    parser.add_argument("--per-style", type=int, default=15, help="queries per style (default %(default)s)")
    parser.add_argument("--seed", type=int, default=20260415)
    parser.add_argument("--jobs", type=int, default=0, help="index only the first N postings (quick runs)")
    parser.add_argument("--batch", type=int, default=10_000, help="documents per indexing request")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the query set for latency")
    parser.add_argument("--url", help="use this Meilisearch instead of starting one (needs --master-key)")
    parser.add_argument("--master-key")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N",
                        help="print up to N queries per index that were not perfect")
    args = parser.parse_args(argv)
    if args.url and not args.master_key:
        parser.error("--url needs --master-key")
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
