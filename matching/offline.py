"""Train, validate and rank offline on a market directory.

    python -m matching.offline --data DIR --as-of 2026-06-01 --workers FILE --k 10 --out RECS.jsonl

1. Validation: a model trained on applications before the validation day (default: one month before
   --as-of) ranks the postings open that day for workers who applied to them in the following month;
   nDCG@10, recall@10 and hit@10 are printed next to the transparent fallback score and two baselines
   (popularity, content-nearest) computed in the same run.
2. The model is retrained on every application before --as-of and ranks the postings open on --as-of for
   each worker id in FILE: one JSON line per worker, {"worker": id, "jobs": [k posting ids, best first]}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from tqdm import tqdm

from . import model as model_mod
from .dataset import load_market, read_ids
from .evaluate import content_nearest_baseline, header, metrics, popularity_baseline, truth_for
from .features import PostingIndex, WorkerBlock
from .ranker import Ranker
from .types import Application, Posting, WorkerProfile


def _month_before(day: date) -> date:
    if day.day == 1:
        return (day - timedelta(days=1)).replace(day=1)
    return day - timedelta(days=30)


class _Clock:
    def __init__(self, quiet: bool):
        self.start = time.perf_counter()
        self.quiet = quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.start:7.1f}s] {message}", flush=True)


def _rank(ranker: Ranker, block, index, rows, day, k, desc, quiet) -> dict[int, np.ndarray]:
    bar = tqdm(total=len(rows), desc=desc, unit="worker", disable=quiet, file=sys.stderr, mininterval=2.0)
    lists = ranker.recommend_many(block, index, rows, day, k, progress=bar.update)
    bar.close()
    return dict(zip(rows, lists, strict=True))


def rank_market(
    ranker: Ranker,
    postings: Sequence[Posting],
    workers: Sequence[WorkerProfile],
    applications: Sequence[Application],
    as_of: date,
    worker_ids: Sequence[str],
    k: int = 10,
) -> dict[str, list[str]]:
    """Each worker's top ``k`` posting ids open on ``as_of``, best first, exactly as the evaluation ranks
    them: profiles, track record and histories as they stood at the start of ``as_of``. The site ranks
    the same way (``market.recommend``), which a test checks."""
    index = PostingIndex.build(postings)
    block = WorkerBlock.build(workers)
    known = [a for a in applications if a.applied_at < as_of]
    apps = model_mod.application_arrays(known, block, index)
    snap_block, snap_index = model_mod.snapshot_state(block, index, apps, as_of.toordinal())
    rows = [block.row[i] for i in worker_ids if i in block.row]
    ranked = dict(zip(rows, ranker.recommend_many(snap_block, snap_index, rows, as_of, k), strict=True))
    return {wid: [str(snap_index.ids[p]) for p in ranked[block.row[wid]]] if wid in block.row else []
            for wid in worker_ids}


def validate(market, index, block, as_of: date, val_day: date, k: int, sample: int, seed: int, clock: _Clock,
             train_kwargs: dict) -> dict:
    truth = truth_for(block, index, market.applications, val_day, as_of)
    rng = np.random.default_rng(seed)
    rows = sorted(truth)
    if len(rows) > sample:
        rows = sorted(rng.choice(rows, size=sample, replace=False).tolist())
    truth = {w: truth[w] for w in rows}
    apps = model_mod.application_arrays(market.applications, block, index)
    had_history = set(apps.w[apps.day < val_day.toordinal()].tolist())
    cold = [w for w in rows if w not in had_history]
    n_open = int(index.open_mask(val_day).sum())
    clock.say(
        f"validation: train before {val_day}, truth = applications {val_day}..{as_of - timedelta(days=1)} "
        f"to the {n_open} postings open on {val_day}; {len(rows)} workers ({len(cold)} with no earlier application)"
    )
    model = model_mod.train(index, block, market.applications, val_day, progress=not clock.quiet, **train_kwargs)
    clock.say(f"validation model: {model.metadata['trees']} trees on {model.metadata['training_pairs']} pairs")
    snap_block, snap_index = model_mod.snapshot_state(block, index, apps, val_day.toordinal())
    results = {}
    results["model"] = _rank(Ranker(model), snap_block, snap_index, rows, val_day, k, "rank (model)", clock.quiet)
    results["fallback"] = _rank(Ranker.fallback(), snap_block, snap_index, rows, val_day, k, "rank (fallback)", clock.quiet)
    results["popularity"] = popularity_baseline(snap_block, snap_index, rows, val_day, k)
    results["content"] = content_nearest_baseline(snap_block, snap_index, rows, val_day, k)
    names = {
        "model": "model (gradient boosting)",
        "fallback": "fallback (transparent)",
        "popularity": "baseline: popularity",
        "content": "baseline: content-nearest",
    }
    table = {key: metrics(results[key], truth, k) for key in results}
    cold_truth = {w: truth[w] for w in cold}
    warm_truth = {w: truth[w] for w in rows if w in had_history}
    print()
    print(header(k))
    for key, m in table.items():
        print(m.row(names[key], k))
    print(metrics(results["model"], cold_truth, k).row("  model, no past application", k))
    print(metrics(results["model"], warm_truth, k).row("  model, with past ones", k))
    print(metrics(results["content"], cold_truth, k).row("  content, no past appl.", k))
    ratio = table["model"].ndcg / table["content"].ndcg if table["content"].ndcg else float("inf")
    print(f"model nDCG@{k} / content-nearest nDCG@{k} = {ratio:.2f}x (target >= 2x)")
    print()
    return {
        "validation_day": val_day.isoformat(),
        "workers": len(rows),
        "workers_without_history": len(cold),
        **{f"{key}_ndcg@{k}": round(m.ndcg, 5) for key, m in table.items()},
        **{f"{key}_recall@{k}": round(m.recall, 5) for key, m in table.items()},
        **{f"{key}_hit@{k}": round(m.hit, 5) for key, m in table.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m matching.offline", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="market directory (jobs.jsonl.gz, workers.jsonl.gz, applications_train.jsonl.gz)")
    ap.add_argument("--as-of", required=True, type=date.fromisoformat, help="rank the postings open on this day")
    ap.add_argument("--workers", required=True, help="file of worker ids, one a line")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--out", required=True, help="JSON lines output")
    ap.add_argument("--validate-on", type=date.fromisoformat, default=None,
                    help="validation day (default: a month before --as-of)")
    ap.add_argument("--no-validate", action="store_true", help="skip the validation run")
    ap.add_argument("--eval-sample", type=int, default=5000, help="at most this many validation workers")
    ap.add_argument("--model-dir", default=None, help="also save the final model (versioned) here")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    clock = _Clock(args.quiet)

    market = load_market(args.data)
    clock.say(f"loaded {len(market.postings)} postings, {len(market.workers)} workers, "
              f"{len(market.applications)} applications")
    index = PostingIndex.build(market.postings)
    block = WorkerBlock.build(market.workers)
    clock.say("posting and worker matrices built")
    known = [a for a in market.applications if a.applied_at < args.as_of]
    market.applications = known
    train_kwargs = {"seed": args.seed}

    validation = {}
    if not args.no_validate:
        val_day = args.validate_on or _month_before(args.as_of)
        validation = validate(market, index, block, args.as_of, val_day, args.k, args.eval_sample, args.seed,
                              clock, train_kwargs)

    model = model_mod.train(index, block, known, args.as_of, progress=not args.quiet, **train_kwargs)
    model.metadata["metrics"].update(validation)
    clock.say(f"final model: {model.metadata['trees']} trees on {model.metadata['training_pairs']} pairs "
              f"(applications {model.metadata['training_window']['from']}..{model.metadata['training_window']['to']})")
    if args.model_dir:
        path = model_mod.save(model, args.model_dir)
        clock.say(f"saved {path}")

    ids = read_ids(args.workers)
    missing = [i for i in ids if i not in block.row]
    if missing:
        print(f"warning: {len(missing)} worker ids not in the market (written with no jobs)", file=sys.stderr)
    n_open = int(index.open_mask(args.as_of).sum())
    clock.say(f"ranking {n_open} postings open on {args.as_of} for {len(ids) - len(missing)} workers")
    ranked = rank_market(Ranker(model), market.postings, market.workers, known, args.as_of, ids, args.k)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        for wid in ids:
            fh.write(json.dumps({"worker": wid, "jobs": ranked[wid]}, ensure_ascii=False) + "\n")
    clock.say(f"wrote {len(ids)} lines to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
