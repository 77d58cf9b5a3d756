"""Serving benchmark: top-10 for one worker at a time among the postings open on a day.

    python -m matching.bench --data DIR [--as-of 2026-06-01] [--model PATH] [--requests 300]

Builds the posting index once (as the site does for the open postings), then times ``Ranker.recommend``
(with reasons) for random workers with their own past applications, and prints p50/p95/p99 in ms. Without
--model it trains one on the applications before --as-of first (not timed).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

import numpy as np

from . import model as model_mod
from .dataset import load_market
from .features import PostingIndex
from .ranker import Ranker
from .types import PastApplication, TrackRecord


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m matching.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 6, 1))
    ap.add_argument("--model", default=None, help="a saved model (.joblib, .json or a directory); default: train one")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--fallback", action="store_true", help="time the transparent score without a model")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    market = load_market(args.data)
    known = [a for a in market.applications if a.applied_at < args.as_of]
    by_id = {p.id: p for p in market.postings}
    if args.fallback:
        ranker = Ranker.fallback()
    elif args.model:
        ranker = Ranker.load(args.model)
    else:
        print("training a model on the applications before", args.as_of, "(not timed) ...", flush=True)
        ranker = Ranker(model_mod.train(market.postings, market.workers, known, args.as_of))
    open_postings = [p for p in market.postings if p.is_open_on(args.as_of)]
    track = TrackRecord.from_applications(known, by_id, before=args.as_of)
    t0 = time.perf_counter()
    index = PostingIndex.build(open_postings, track)
    build_ms = (time.perf_counter() - t0) * 1000
    history: dict[str, list[PastApplication]] = {}
    for a in known:
        history.setdefault(a.worker_id, []).append(PastApplication(by_id[a.posting_id], a.applied_at, a.hired))

    rng = random.Random(args.seed)
    workers = rng.sample(market.workers, min(args.requests + 20, len(market.workers)))
    for w in workers[:20]:  # warm up caches
        ranker.recommend(w, index, args.k, history=history.get(w.id, ()), as_of=args.as_of)
    times = []
    for w in workers[20:]:
        t = time.perf_counter()
        recs = ranker.recommend(w, index, args.k, history=history.get(w.id, ()), as_of=args.as_of)
        times.append((time.perf_counter() - t) * 1000)
        assert len(recs) <= args.k
    ms = np.array(times)
    kind = "fallback" if ranker.is_fallback else f"model ({ranker.metadata.get('trees')} trees)"
    print(f"index of {len(index)} postings open on {args.as_of} built in {build_ms:.0f} ms")
    print(f"recommend top-{args.k} with reasons, {kind}, {len(ms)} requests (1 thread): "
          f"p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms, "
          f"p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms (target p95 <= 20 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
