"""Ranking postings for a worker and workers for a posting.

Per request the work is numpy over a precomputed ``PostingIndex``: features for every open posting at
once, the transparent score to keep the best ``max_candidates`` (place and trade carry most of it), the
model on those, then reasons for the top k only.

Rules applied outside the model, whatever the model says (``matching.rules``, the same online and offline):
- a posting that requires a certificate is never shown to a worker without that certificate under one of
  its names (``blocked_by_certificate`` lists them, with the certificate that would open them);
- a posting the worker already applied to (or was hired for) is not recommended again;
- a local-only worker (只在本地) sees nothing beyond ``rules.LOCAL_MAX_KM``;
- a trade the worker did not choose always carries a reason that says why (相近工种 …, 其他工种 …);
- drawbacks (工资低于期望 22%, a stated age limit) are caveats, apart from the reasons;
- a posting whose own text states an age limit the worker is outside is lowered, with that reason shown
  (the model itself never sees age, gender, ethnicity or priority groups);
- poverty status never changes a score; it only adds a programme to the worker's own reasons;
- employers see only discoverable workers, with reasons that never name origin, groups, age or IDs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np

from . import model as model_mod
from . import rules
from .features import (
    F,
    PostingIndex,
    WorkerBlock,
    cert_ok,
    history_for,
    outside_stated_age,
    pair_features,
)
from .reasons import employer_reasons, worker_caveats, worker_reasons
from .scoring import fallback_score
from .types import PastApplication, Posting, Scored, TrackRecord, WorkerProfile

#: A posting whose stated age limit the worker is outside keeps this share of its score.
AGE_LIMIT_FACTOR = 0.5
MAX_CANDIDATES = 800


class Ranker:
    def __init__(self, model: model_mod.Model | None = None, *, max_candidates: int = MAX_CANDIDATES):
        self.model = model
        self.max_candidates = max_candidates

    # ------------------------------------------------------------ construction

    @classmethod
    def load(cls, path: str | Path, **kwargs) -> Ranker:
        """A ranker on a saved model; raises ModelVersionError for a model this code must not use."""
        return cls(model_mod.load(path), **kwargs)

    @classmethod
    def fallback(cls, **kwargs) -> Ranker:
        """A ranker on the transparent score alone (no trained model)."""
        return cls(None, **kwargs)

    @property
    def is_fallback(self) -> bool:
        return self.model is None

    @property
    def metadata(self) -> dict:
        return dict(self.model.metadata) if self.model else {"kind": "fallback"}

    @staticmethod
    def index(postings: Sequence[Posting], track: TrackRecord | None = None) -> PostingIndex:
        """Precompute the posting matrices once (e.g. for all postings open today) and pass them to
        ``recommend`` for every request."""
        return PostingIndex.build(postings, track)

    # ------------------------------------------------------------ scoring

    def _score(
        self,
        block: WorkerBlock,
        index: PostingIndex,
        wi: np.ndarray,
        pi: np.ndarray,
        day: int,
        *,
        assume_certificate: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """Score pairs: the transparent score on cheap core features for all of them, then (with a model)
        full features and the model for the best ``max_candidates``. Returns (wi, pi, scores, features or
        None when only core features were computed)."""
        if len(wi) == 0:
            return wi, pi, np.zeros(0), None
        Xc = pair_features(block, index, wi, pi, day, core_only=True)
        if assume_certificate:
            Xc[:, F["cert_held"]] = 1.0
        pre = fallback_score(Xc)
        if self.model is None:
            return wi, pi, pre, None
        if len(wi) > self.max_candidates:
            keep = np.argpartition(-pre, self.max_candidates - 1)[: self.max_candidates]
            wi, pi = wi[keep], pi[keep]
        X = pair_features(block, index, wi, pi, day)
        if assume_certificate:
            X[:, F["cert_held"]] = 1.0
        return wi, pi, self.model.score(X), X

    # ------------------------------------------------------------ for a worker

    def _prepare(
        self,
        worker: WorkerProfile,
        postings: PostingIndex | Sequence[Posting],
        history: Sequence[PastApplication],
        as_of: date | None,
        track: TrackRecord | None,
        exclude: Collection[str] = (),
    ) -> tuple[WorkerBlock, PostingIndex, date, np.ndarray]:
        """The worker as a block (with history), the index, the day, and the rows open that day that the
        rules allow (all but the certificate rule), less ``exclude``: posting ids the worker applied to, of
        any day (the history's features count only applications made before the day)."""
        day = as_of or date.today()
        index = postings if isinstance(postings, PostingIndex) else PostingIndex.build(postings, track)
        if isinstance(postings, PostingIndex) and track is not None and track is not index.track:
            index = index.with_track(track)
        block = WorkerBlock.build([worker])
        past = [a for a in history if a.applied_at < day]
        if past:
            block = block.with_history(history_for(block, [past]))
        rows = np.nonzero(index.open_mask(day))[0]
        rows = rows[rules.allowed(block, index, np.zeros(len(rows), np.int64), rows, certificate=False)]
        gone = {index.row[i] for i in (*exclude, *(a.posting.id for a in history)) if i in index.row}
        if gone:
            rows = rows[~np.isin(rows, list(gone))]
        return block, index, day, rows

    def recommend(
        self,
        worker: WorkerProfile,
        postings: PostingIndex | Sequence[Posting],
        k: int = 10,
        *,
        history: Sequence[PastApplication] = (),
        as_of: date | None = None,
        track: TrackRecord | None = None,
        exclude: Collection[str] = (),
    ) -> list[Scored]:
        """The best ``k`` postings open on ``as_of`` (default today) for ``worker``, best first, with reasons
        and caveats.

        ``postings`` is best a ``PostingIndex`` built once (``Ranker.index``); ``history`` is the worker's
        own past applications (those made before ``as_of`` count as history; every posting in it is left
        out, as are the ids in ``exclude``).
        """
        block, index, day, rows = self._prepare(worker, postings, history, as_of, track, exclude)
        if len(rows) == 0 or k <= 0:
            return []
        rows = rows[rules.allowed(block, index, np.zeros(len(rows), np.int64), rows)]
        wi, rows, scores, X = self._score(block, index, np.zeros(len(rows), np.int64), rows, day.toordinal())
        outside = outside_stated_age(block, index, wi, rows, day)
        scores = np.where(outside, scores * AGE_LIMIT_FACTOR, scores)
        top = _top(scores, k)
        Xtop = X[top] if X is not None else pair_features(block, index, wi[top], rows[top], day.toordinal())
        out = []
        for x, j in zip(Xtop, top, strict=True):
            posting = index.postings[rows[j]]
            occ, age = int(index.occ[rows[j]]), bool(outside[j])
            out.append(Scored(posting.id, float(scores[j]), worker_reasons(x, posting, worker, occ),
                              worker_caveats(x, posting, worker, occ, outside_age=age)))
        return out

    def blocked_by_certificate(
        self,
        worker: WorkerProfile,
        postings: PostingIndex | Sequence[Posting],
        k: int = 10,
        *,
        history: Sequence[PastApplication] = (),
        as_of: date | None = None,
        track: TrackRecord | None = None,
        exclude: Collection[str] = (),
    ) -> list[tuple[str, str]]:
        """Postings in the worker's own line of work that a missing certificate keeps closed, as
        (posting id, the exact certificate name that would open it): postings of one of the worker's
        trades first, then of the same line of work, each best match first. They are never in
        ``recommend``'s results."""
        block, index, day, rows = self._prepare(worker, postings, history, as_of, track, exclude)
        if len(rows) == 0 or k <= 0:
            return []
        rows = rows[~rules.allowed(block, index, np.zeros(len(rows), np.int64), rows)]
        if len(rows) == 0:
            return []
        Xc = pair_features(block, index, np.zeros(len(rows), np.int64), rows, day.toordinal(), core_only=True)
        own = Xc[:, F["trade_held"]] > 0
        related = Xc[:, F["trade_category_held"]] > 0
        out: list[tuple[str, str]] = []
        for group in (rows[own], rows[related & ~own]):
            if len(out) >= k or len(group) == 0:
                continue
            wi, group, scores, _ = self._score(
                block, index, np.zeros(len(group), np.int64), group, day.toordinal(), assume_certificate=True
            )
            for j in _top(scores, k - len(out)):
                posting = index.postings[group[j]]
                out.append((posting.id, posting.cert_required or ""))
        return out

    def recommend_many(
        self,
        workers: WorkerBlock,
        index: PostingIndex,
        worker_rows: Sequence[int],
        day: date,
        k: int = 10,
        *,
        chunk: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> list[np.ndarray]:
        """Offline: for each worker row (of a block carrying histories), the top-k posting rows of
        ``index`` open on ``day``. Same rules as ``recommend``; no reasons."""
        open_rows = np.nonzero(index.open_mask(day))[0]
        d = day.toordinal()
        out: list[np.ndarray] = []
        worker_rows = list(worker_rows)
        for start in range(0, len(worker_rows), chunk):
            part = worker_rows[start : start + chunk]
            picked_w, picked_p, pre_scores = [], [], []
            for w in part:
                wi = np.full(len(open_rows), w, np.int64)
                keep = rules.allowed(workers, index, wi, open_rows)
                rows, wi = open_rows[keep], wi[keep]
                pre = fallback_score(pair_features(workers, index, wi, rows, d, core_only=True))
                if self.model is not None and len(rows) > self.max_candidates:
                    sel = np.argpartition(-pre, self.max_candidates - 1)[: self.max_candidates]
                    rows, wi, pre = rows[sel], wi[sel], pre[sel]
                picked_w.append(wi)
                picked_p.append(rows)
                pre_scores.append(pre)
            if self.model is not None:
                all_w, all_p = np.concatenate(picked_w), np.concatenate(picked_p)
                scores_all = self.model.score(pair_features(workers, index, all_w, all_p, d))
            else:
                scores_all = np.concatenate(pre_scores)
            pos = 0
            for wi, rows in zip(picked_w, picked_p, strict=True):
                scores = scores_all[pos : pos + len(rows)]
                pos += len(rows)
                outside = outside_stated_age(workers, index, wi, rows, day)
                scores = np.where(outside, scores * AGE_LIMIT_FACTOR, scores)
                out.append(rows[_top(scores, k)])
            if progress:
                progress(len(part))
        return out

    # ------------------------------------------------------------ for an employer

    def candidates(
        self,
        posting: Posting,
        workers: Sequence[WorkerProfile],
        k: int = 10,
        *,
        histories: Mapping[str, Sequence[PastApplication]] | None = None,
        as_of: date | None = None,
        track: TrackRecord | None = None,
    ) -> list[Scored]:
        """The best ``k`` discoverable workers for ``posting``, with reasons safe to show the employer.

        Workers who are not discoverable, lack a certificate the posting requires, or work only locally
        (只在本地) and are too far, are never listed.
        """
        day = as_of or date.today()
        pool = [w for w in workers if w.discoverable]
        if not pool or k <= 0:
            return []
        index = PostingIndex.build([posting], track)
        block = WorkerBlock.build(pool)
        if histories:
            block = block.with_history(
                history_for(block, [[a for a in histories.get(w.id, ()) if a.applied_at < day] for w in pool])
            )
        wi = np.arange(len(pool), dtype=np.int64)
        pi = np.zeros(len(pool), np.int64)
        keep = block.discoverable & cert_ok(block, index, wi, pi) & rules.within_reach(block, index, wi, pi)
        wi, pi, scores, X = self._score(block, index, wi[keep], pi[keep], day.toordinal())
        top = _top(scores, k)
        Xtop = X[top] if X is not None else pair_features(block, index, wi[top], pi[top], day.toordinal())
        occ = int(index.occ[0])
        return [
            Scored(pool[wi[j]].id, float(scores[j]), employer_reasons(x, posting, pool[wi[j]], occ))
            for x, j in zip(Xtop, top, strict=True)
        ]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first (ties: earlier first)."""
    if len(scores) == 0:
        return np.zeros(0, np.int64)
    k = min(k, len(scores))
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]
