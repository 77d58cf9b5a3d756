"""Offline metrics (nDCG@k, recall@k, hit@k) and the two baselines the model is compared with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .features import PostingIndex, WorkerBlock, already_applied, haversine

#: Graded relevance: an application that ended in a hire counts double.
GAIN_APPLIED, GAIN_HIRED = 1.0, 2.0


@dataclass(frozen=True)
class Metrics:
    ndcg: float
    recall: float
    hit: float
    workers: int

    def row(self, name: str, k: int) -> str:
        return f"{name:<28}{self.ndcg:>10.4f}{self.recall:>11.4f}{self.hit:>9.4f}"


def header(k: int) -> str:
    return f"{'method':<28}{'nDCG@' + str(k):>10}{'recall@' + str(k):>11}{'hit@' + str(k):>9}"


def metrics(
    ranked: Mapping[int, Sequence[int] | np.ndarray], truth: Mapping[int, Mapping[int, float]], k: int = 10
) -> Metrics:
    """Mean nDCG@k (linear gains), recall@k and hit@k over the workers in ``truth``."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    nd, rc, ht = [], [], []
    for w, rel in truth.items():
        if not rel:
            continue
        top = list(ranked.get(w, ()))[:k]
        gains = np.array([rel.get(p, 0.0) for p in top])
        dcg = float((gains * discounts[: len(gains)]).sum())
        ideal = np.sort(np.array(list(rel.values())))[::-1][:k]
        idcg = float((ideal * discounts[: len(ideal)]).sum())
        hits = int((gains > 0).sum())
        nd.append(dcg / idcg if idcg > 0 else 0.0)
        rc.append(hits / len(rel))
        ht.append(1.0 if hits else 0.0)
    if not nd:
        return Metrics(0.0, 0.0, 0.0, 0)
    return Metrics(float(np.mean(nd)), float(np.mean(rc)), float(np.mean(ht)), len(nd))


def popularity_baseline(
    workers: WorkerBlock, index: PostingIndex, worker_rows: Sequence[int], day: date, k: int = 10
) -> dict[int, np.ndarray]:
    """The same list for everyone: open postings with the most applications so far (newest first on ties)."""
    open_rows = np.nonzero(index.open_mask(day))[0]
    order = open_rows[np.lexsort((-index.posted[open_rows], -index.p_apps[open_rows]))]
    head = order[: k + 64]
    out = {}
    for w in worker_rows:
        seen = already_applied(workers, index, np.full(len(head), w, np.int64), head)
        out[w] = head[~seen][:k]
    return out


def content_nearest_baseline(
    workers: WorkerBlock, index: PostingIndex, worker_rows: Sequence[int], day: date, k: int = 10
) -> dict[int, np.ndarray]:
    """Postings labelled (by the employer) with one of the worker's trades, nearest first; then the
    nearest others."""
    open_rows = np.nonzero(index.open_mask(day))[0]
    out = {}
    for w in worker_rows:
        rows = open_rows[~already_applied(workers, index, np.full(len(open_rows), w, np.int64), open_rows)]
        d = haversine(workers.cur_lat[w], workers.cur_lng[w], index.lat[rows], index.lng[rows])
        d = np.nan_to_num(d, nan=1e9)
        lab = index.occ_label[rows].astype(np.int64)
        same = (lab >= 0) & workers.trades[w, np.maximum(lab, 0)]
        order = np.lexsort((d, ~same))
        out[w] = rows[order[:k]]
    return out


def truth_for(
    workers: WorkerBlock,
    index: PostingIndex,
    applications,
    start: date,
    end: date,
) -> dict[int, dict[int, float]]:
    """Applications made in [start, end) to postings open on ``start``, as graded relevance per worker."""
    open_on = index.open_mask(start)
    truth: dict[int, dict[int, float]] = {}
    for a in applications:
        if not (start <= a.applied_at < end):
            continue
        w, p = workers.row.get(a.worker_id), index.row.get(a.posting_id)
        if w is None or p is None or not open_on[p]:
            continue
        truth.setdefault(w, {})[p] = GAIN_HIRED if a.hired else GAIN_APPLIED
    return truth
