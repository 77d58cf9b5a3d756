"""What a worker told us, respected whatever the model says: the rules applied before any score counts.

- **Certificates.** A posting that requires a certificate is shown only to a worker who holds it, under
  any of its names (``vocab.certificates.satisfies``: "焊工证（中级）" is the welding certificate).
- **Applied before.** A posting the worker applied to (hired or not) never comes back.
- **只在本地.** A worker who works only locally never sees a posting more than ``LOCAL_MAX_KM`` away
  from where they are now (straight-line, between the places' centroids when that is all we know).
- **Trades.** For a worker who chose trades, a posting of another trade always carries a reason that says
  why (``reasons.worker_reasons``): a trade of the same line of work (相近工种), a trade the worker applied
  to before, the posting's own text asking for one of the worker's trades, or, failing those, that it is
  another trade shown for its place and pay. It is not left out: on the benchmark market (market-v1)
  54% of the applications workers made went to trades they had not listed nor related ones
  (``trade_allowed`` measures it), and leaving them out cut the model's nDCG@10 from 0.286 to 0.183.

Each rule is a numpy mask over pairs (worker row, posting row), the same for the site (``Ranker.recommend``)
and the offline evaluation (``Ranker.recommend_many``).
"""

from __future__ import annotations

import numpy as np

from vocab.terms import LOCAL, MOBILITIES

from .features import PostingIndex, WorkerBlock, already_applied, cert_ok, haversine

#: 只在本地: about three hours by bus or a slow road, the most a day's return trip or a weekly trip home
#: allows. Straight-line km between the worker's place and the posting's.
LOCAL_MAX_KM = 150.0
_LOCAL = MOBILITIES.index(LOCAL)


def distance_km(workers: WorkerBlock, index: PostingIndex, wi: np.ndarray, pi: np.ndarray) -> np.ndarray:
    return haversine(workers.cur_lat[wi], workers.cur_lng[wi], index.lat[pi], index.lng[pi])


def within_reach(workers: WorkerBlock, index: PostingIndex, wi: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """A local-only worker: the posting is within LOCAL_MAX_KM (or a place is unknown, so no cap can hold)."""
    wi, pi = np.asarray(wi, np.int64), np.asarray(pi, np.int64)
    local = workers.mobility[wi] == _LOCAL
    if not local.any():
        return np.ones(len(wi), bool)
    d = distance_km(workers, index, wi, pi)
    with np.errstate(invalid="ignore"):
        return ~local | np.isnan(d) | (d <= LOCAL_MAX_KM)


def trade_allowed(workers: WorkerBlock, index: PostingIndex, wi: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """The posting's trade is one the worker chose, or a related one, one applied to before or one its text
    asks for (a measure, not a filter: see the module's note on trades)."""
    wi, pi = np.asarray(wi, np.int64), np.asarray(pi, np.int64)
    chose = workers.trades[wi].any(axis=1)
    occ = index.occ[pi].astype(np.int64)
    known = occ >= 0
    occ0 = np.maximum(occ, 0)
    held = workers.trades[wi, occ0]
    related = workers.cats[wi, np.maximum(index.cat[pi], 0).astype(np.int64)]
    applied_before = workers.history.occ[wi, occ0] > 0
    in_text = (index.text_occ[pi] & workers.trades[wi]).any(axis=1)
    return ~chose | ~known | held | related | applied_before | in_text


def allowed(
    workers: WorkerBlock, index: PostingIndex, wi: np.ndarray, pi: np.ndarray, *, certificate: bool = True
) -> np.ndarray:
    """Every rule above at once (``certificate=False`` leaves out the certificate rule, to list the postings
    a missing certificate keeps closed)."""
    wi, pi = np.asarray(wi, np.int64), np.asarray(pi, np.int64)
    ok = ~already_applied(workers, index, wi, pi)
    ok &= within_reach(workers, index, wi, pi)
    if certificate:
        ok &= cert_ok(workers, index, wi, pi)
    return ok
