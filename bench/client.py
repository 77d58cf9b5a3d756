"""The search path through both Meilisearch clients, in one run: `python -m bench.client [--docs N]`.

The site searches through its own pooled session (search.client.SearchEngine.multi_search); the official
``meilisearch`` client (its multi_search) opens a connection per call. Both send the same queries to the same local server,
interleaved so that the machine's noise falls on both, and the command prints p50/p99 of each and their
ratio. The site keeps the official client off the hot path while it costs more than 10%.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time

from search.client import SearchEngine
from search.server import start_local
from search.settings import index_settings
from vocab import regions, taxonomy


def _documents(count: int, rng: random.Random) -> list[dict]:
    trades = list(taxonomy.occupations().values())
    cities = [r for r in regions.all_regions() if r.level == regions.CITY][:60]
    docs = []
    for i in range(1, count + 1):
        trade, city = rng.choice(trades), rng.choice(cities)
        docs.append({"id": i, "title": f"{city.name}{trade.name}", "occupation": trade.code,
                     "occupation_name": trade.name, "description": f"招聘{trade.name}，{city.name}，包吃住",
                     "province_adcode": city.adcode[:2] + "0000", "city_adcode": city.adcode,
                     "county_adcode": city.adcode, "status": "open", "posted_at": 20260401 + i % 20})
    return docs


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.client", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args(argv)
    rng = random.Random(7)
    key = "bench-client-master-key-0123456789"
    with tempfile.TemporaryDirectory() as tmp, start_local(tmp, master_key=key) as meili:
        engine = SearchEngine(meili.url, key, index_uid="jobs", timeout=5.0, write_timeout=120.0)
        engine.wait_for_task(engine.create_index(), 60)
        engine.wait_for_task(engine.update_settings(index_settings()), 120)
        engine.wait_for_task(engine.add_documents(_documents(args.docs, rng)), 600)
        official = engine.official()
        words = [t.name for t in taxonomy.occupations().values()]
        queries = [{"q": rng.choice(words), "limit": 20, "filter": "status = open"} for _ in range(args.queries)]
        for q in queries[:50]:  # warm both paths
            engine.multi_search([q])
            official.multi_search([{"indexUid": "jobs", **q}])
        pooled: list[float] = []
        plain: list[float] = []
        for i, q in enumerate(queries):
            body = [{"indexUid": "jobs", **q}]
            runs = [("pooled", lambda q=q: engine.multi_search([q])),
                    ("official", lambda body=body: official.multi_search(body))]
            if i % 2:
                runs.reverse()
            for name, call in runs:
                start = time.perf_counter()
                call()
                (pooled if name == "pooled" else plain).append((time.perf_counter() - start) * 1000)
        print(f"{args.queries} searches each over {args.docs} documents, interleaved, one local Meilisearch")
        print(f"  {'client':<36}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
        for name, values in (("pooled session (the site's)", pooled), ("official meilisearch client", plain)):
            print(f"  {name:<36}{_pct(values, .5):>9.2f}{_pct(values, .99):>9.2f}{statistics.fmean(values):>9.2f}")
        ratio = _pct(plain, .5) / _pct(pooled, .5)
        print(f"  official / pooled at p50: {ratio:.2f}x, at p99: {_pct(plain, .99) / _pct(pooled, .99):.2f}x")
        print("  verdict: " + ("searches stay on the pooled session (the official client costs more than 10%)"
                               if ratio > 1.10 else "the official client is within 10%: it could serve searches too"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
