"""Check the bureau's statistics against a market-v1 folder: the same figures counted straight from the
files (gzip JSON lines), side by side with what the site computes from a database the folder was imported
into (``flask --app wsgi import-market``).

    DATABASE_URL=sqlite:////tmp/stats-mv1.db python -m market.stats.check \\
        --data ../shared/data/market-v1 --from 2026-03-01 --to 2026-04-30

Counting from the files shares nothing with the site but the vocabulary (vocab/): the trade a posting is
about (vocab.trades.resolve_occupation), a month's wage (vocab.terms.monthly) and the regions. Exits 1
when any figure differs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlmodel import Session, create_engine

from market.config import Settings
from market.stats import services
from vocab import regions
from vocab.terms import monthly
from vocab.trades import resolve_occupation

SMALL = services.SUPPRESSED_BELOW
SHOWN = 8  # rows of each table printed side by side; every row is compared


def _rows(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _city(adcode: str | None) -> str:
    region = regions.get(adcode)
    return (region.city_adcode or "") if region else ""


def _province(adcode: str | None) -> str:
    return f"{adcode[:2]}0000" if adcode else ""


def from_files(folder: Path, start: date, end: date) -> dict[str, dict[str, dict]]:
    """Every figure, keyed by table then group, counted from the files with plain Python."""
    jobs: dict[str, dict] = {}
    wage_groups: dict[str, dict[tuple, tuple[list[int], list[int]]]] = {
        by: defaultdict(lambda: ([], [])) for by in services.WAGE_GROUPS}
    relabelled = 0
    for row in _rows(folder / "jobs.jsonl.gz"):
        trade = resolve_occupation(row.get("occupation"), row.get("title"), row.get("description")) or ""
        relabelled += trade != (row.get("occupation") or "")
        job = {"trade": trade, "province": _province(row["adcode"]), "city": _city(row["adcode"])}
        jobs[row["external_id"]] = job
        if start <= date.fromisoformat(row["posted_at"]) <= end:
            low, high = monthly(row["wage_min"], row["wage_unit"]), monthly(row["wage_max"], row["wage_unit"])
            if low is None or high is None:
                continue
            for by, key in (("trade", (trade,)), ("city", (job["city"],)), ("trade_city", (trade, job["city"]))):
                wage_groups[by][key][0].append(low)
                wage_groups[by][key][1].append(high)
    hometown: dict[str, str] = {}
    registered: dict[str, Counter] = {by: Counter() for by in services.WORKER_GROUPS}
    for row in _rows(folder / "workers.jsonl.gz"):
        home, here = row.get("hometown_adcode") or "", row.get("current_adcode") or ""
        hometown[row["external_id"]] = home
        if row.get("registered_at") and start <= date.fromisoformat(row["registered_at"]) <= end:
            registered["hometown_province"][_province(home)] += 1
            registered["hometown_city"][_city(home)] += 1
            registered["current_province"][_province(here)] += 1
            registered["current_city"][_city(here)] += 1
    applied: dict[str, Counter] = {by: Counter() for by in services.APPLICATION_GROUPS}
    hired: dict[str, Counter] = {by: Counter() for by in services.APPLICATION_GROUPS}
    flow_apps, flow_hires = Counter(), Counter()
    for row in _rows(folder / "applications_train.jsonl.gz"):
        if not start <= date.fromisoformat(row["applied_at"]) <= end:
            continue
        job = jobs[row["job"]]
        won = row["outcome"] == "hired"
        for by in services.APPLICATION_GROUPS:
            applied[by][job[by]] += 1
            hired[by][job[by]] += won
        home = hometown.get(row["worker"])
        if home:
            route = (home[:2], job["province"][:2])
            flow_apps[route] += 1
            flow_hires[route] += won
    out: dict[str, dict[str, dict]] = {}
    out["flows"] = {f"{a}→{b}": {"applications": n, "hires": flow_hires[(a, b)]}
                    for (a, b), n in flow_apps.items() if n >= SMALL}
    for by in services.APPLICATION_GROUPS:
        out[f"applications/{by}"] = {k: {"applications": n, "hires": hired[by][k]}
                                     for k, n in applied[by].items() if n >= SMALL}
    for by, groups in wage_groups.items():
        out[f"wages/{by}"] = {"/".join(key): {"postings": len(lows), "median_wage_min": round(statistics.median(lows)),
                                              "median_wage_max": round(statistics.median(highs))}
                              for key, (lows, highs) in groups.items() if len(lows) >= SMALL}
    for by, counts in registered.items():
        out[f"workers/{by}"] = {k: {"workers": n} for k, n in counts.items() if n >= SMALL}
    out["_notes"] = {"postings whose trade the vocabulary reads differently from the file's occupation":
                     {"postings": relabelled}}
    return out


def from_site(session: Session, start: date, end: date) -> dict[str, dict[str, dict]]:
    """The same tables as the site's statistics service answers them."""
    out: dict[str, dict[str, dict]] = {}
    out["flows"] = {f"{r['from_province']}→{r['to_province']}": {"applications": r["applications"], "hires": r["hires"]}
                    for r in services.flows(session, start=start, end=end)}
    for by in services.APPLICATION_GROUPS:
        out[f"applications/{by}"] = {r["key"]: {"applications": r["applications"], "hires": r["hires"]}
                                     for r in services.applications(session, start=start, end=end, by=by)}
    for by in services.WAGE_GROUPS:
        rows = services.wages(session, start=start, end=end, by=by)
        out[f"wages/{by}"] = {"/".join(r[k] for k in ("trade", "city") if k in r):
                              {m: r[m] for m in ("postings", "median_wage_min", "median_wage_max")} for r in rows}
    for by in services.WORKER_GROUPS:
        out[f"workers/{by}"] = {r["key"]: {"workers": r["workers"]}
                                for r in services.workers(session, start=start, end=end, by=by)}
    return out


def _label(table: str, key: str) -> str:
    if table == "flows":
        a, b = key.split("→")
        return f"{services.province_name(a)}→{services.province_name(b)}"
    if table.startswith("wages/"):
        parts = key.split("/")
        names = {"trade": [services.trade_name(parts[0])], "city": [services.place_name(parts[0])],
                 "trade_city": [services.trade_name(parts[0]), services.place_name(parts[-1])]}
        return " ".join(names[table.split("/")[1]])
    if table.startswith("applications/trade"):
        return services.trade_name(key)
    return services.place_name(key)


def compare(files: dict, site: dict, *, out=None) -> int:
    """Prints each table's busiest groups side by side (files | site) and every difference; returns how
    many figures differ."""
    out = out or sys.stdout
    differ = 0
    for table in site:
        mine, theirs = files.get(table, {}), site[table]
        measures = next(iter((theirs or mine).values()), {}).keys()
        keys = sorted(set(mine) | set(theirs), key=lambda k: (-max(next(iter(mine.get(k, {}).values()), 0),
                                                                    next(iter(theirs.get(k, {}).values()), 0)), k))
        bad = [k for k in keys if mine.get(k) != theirs.get(k)]
        differ += sum(mine.get(k, {}).get(m) != theirs.get(k, {}).get(m) for k in bad for m in measures)
        total = {m: (sum(v[m] for v in mine.values()), sum(v[m] for v in theirs.values()))
                 for m in measures if m in ("applications", "hires", "postings", "workers")}
        print(f"\n== {table}: {len(mine)} groups from the files, {len(theirs)} from the site; "
              f"{'all equal' if not bad else f'{len(bad)} groups differ'}", file=out)
        if total:
            print("   totals of the groups shown: " + ", ".join(f"{m} {a} | {b}" for m, (a, b) in total.items()), file=out)
        print(f"   {'group':<22} " + "  ".join(f"{m:>24}" for m in measures), file=out)
        for k in list(dict.fromkeys(keys[:SHOWN] + bad[:SHOWN])):
            cells = "  ".join(f"{str(mine.get(k, {}).get(m, '-')):>11} | {str(theirs.get(k, {}).get(m, '-')):<10}"
                              for m in measures)
            mark = "" if k not in bad else "  ≠"
            print(f"   {_label(table, k)[:20]:<22} {cells}{mark}", file=out)
    for note, values in files.get("_notes", {}).items():
        print(f"\nnote: {note}: {values}", file=out)
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m market.stats.check", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="a market-v1 folder")
    parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=date.fromisoformat)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or Settings().DATABASE_URL,
                        help="the database market-v1 was imported into (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    print(f"Statistics for {args.start}..{args.end} (both included), groups under {SMALL} left out.")
    print(f"Each figure: counted from {args.data} | computed by the site from {args.database_url.split('@')[-1]}")
    files = from_files(args.data, args.start, args.end)
    engine = create_engine(args.database_url)
    try:
        with Session(engine) as session:
            site = from_site(session, args.start, args.end)
    finally:
        engine.dispose()
    differ = compare(files, site)
    print(f"\n{'Every figure agrees.' if not differ else f'{differ} figures differ.'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
