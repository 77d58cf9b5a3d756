"""Training, saving and loading the ranking model.

The model is a scikit-learn ``Pipeline``: ``PairFeaturizer`` (this package's feature code) then a
``HistGradientBoostingClassifier`` trained on application outcomes with sampled negatives: for every
snapshot day, the applications of the following weeks to postings open that day are positives, and
postings open that day the worker did not apply to (mostly ones the candidate step would have offered)
are negatives. Profiles, track record and history are as they were on the snapshot day, exactly as at
serving time.

A saved model is a ``.joblib`` file with a ``.json`` of metadata next to it. ``load`` reads the metadata
first and refuses (``ModelVersionError``) a model made by another scikit-learn version, for another
feature list or in another format, before unpickling anything.
"""

from __future__ import annotations

import json
import logging
import platform
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from threadpoolctl import ThreadpoolController

from .features import (
    FEATURE_VERSION,
    FEATURES,
    PairBatch,
    PostingIndex,
    WorkerBlock,
    already_applied,
    build_history,
    cert_ok,
    pair_features,
)
from .scoring import fallback_score
from .types import Application, ModelVersionError, Posting, WorkerProfile

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MODEL_KIND = "gig-market-ranker"
CATEGORICAL = ("posting_province", "worker_mobility", "employment_type", "preferred_type")

#: Share of a day's open postings the candidate step keeps (also where training draws hard negatives).
CANDIDATE_SHARE = 0.12


class PairFeaturizer(TransformerMixin, BaseEstimator):
    """First step of the model pipeline: worker–posting pairs → the ``FEATURES`` matrix.

    Takes a ``PairBatch`` (or a list of them), or a matrix ``pair_features`` already made for the pairs
    (the ranker computes features once to pick candidates and reuses them).
    """

    def __init__(self, features: tuple[str, ...] = FEATURES):
        self.features = features

    def fit(self, X, y=None):
        self._check()
        return self

    def _check(self) -> None:
        if tuple(self.features) != FEATURES:
            raise ModelVersionError("the model was trained on another feature list than this code computes")

    def transform(self, X):
        self._check()
        if isinstance(X, PairBatch):
            return X.features()
        if isinstance(X, list | tuple) and X and all(isinstance(b, PairBatch) for b in X):
            return np.vstack([b.features() for b in X])
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != len(FEATURES):
            raise ValueError(f"expected a PairBatch or a (n, {len(FEATURES)}) feature matrix, got {X.shape}")
        return X

    def get_feature_names_out(self, input_features=None):
        return np.array(self.features, dtype=object)


_controller: ThreadpoolController | None = None


def limit_threads(threads: int | None):
    """A context limiting OpenMP threads (gradient boosting's fit and predict). On a busy machine one
    thread is much faster than two fighting for a core; None leaves the default."""
    global _controller
    if threads is None:
        return nullcontext()
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=threads, user_api="openmp")


@dataclass
class Model:
    pipeline: Pipeline
    metadata: dict = field(default_factory=dict)
    #: OpenMP threads for scoring (one per request suits a web server); None for the library default
    threads: int | None = 1

    def score(self, X) -> np.ndarray:
        """Probability-like scores (higher is better) for a PairBatch or its feature matrix."""
        with limit_threads(self.threads):
            return self.pipeline.predict_proba(X)[:, 1]


def make_pipeline(**params) -> Pipeline:
    defaults = dict(
        learning_rate=0.15,
        max_iter=120,
        max_leaf_nodes=31,
        min_samples_leaf=80,
        l2_regularization=1.0,
        early_stopping=False,
        categorical_features=[FEATURES.index(c) for c in CATEGORICAL],
        random_state=0,
    )
    defaults.update(params)
    return Pipeline([("features", PairFeaturizer()), ("model", HistGradientBoostingClassifier(**defaults))])


# ---------------------------------------------------------------- training data


@dataclass
class AppArrays:
    w: np.ndarray
    p: np.ndarray
    day: np.ndarray
    hired: np.ndarray


def application_arrays(applications: Sequence[Application], workers: WorkerBlock, index: PostingIndex) -> AppArrays:
    w, p, d, h = [], [], [], []
    for a in applications:
        wr = workers.row.get(a.worker_id)
        pr = index.row.get(a.posting_id)
        if wr is None or pr is None:
            continue
        w.append(wr)
        p.append(pr)
        d.append(a.applied_at.toordinal())
        h.append(a.hired)
    return AppArrays(np.array(w, np.int64), np.array(p, np.int64), np.array(d, np.int64), np.array(h, bool))


def snapshot_state(
    workers: WorkerBlock, index: PostingIndex, apps: AppArrays, day: int
) -> tuple[WorkerBlock, PostingIndex]:
    """Workers' histories and the postings' track record as they stood at the start of ``day``."""
    before = apps.day < day
    w, p, hired = apps.w[before], apps.p[before], apps.hired[before]
    n_p = len(index)
    p_apps = np.bincount(p, minlength=n_p)
    p_hires = np.bincount(p, weights=hired.astype(float), minlength=n_p)
    emp_codes, emp_of_posting = np.unique(index.employer_hash, return_inverse=True)
    e_apps = np.bincount(emp_of_posting[p], minlength=len(emp_codes))
    e_hires = np.bincount(emp_of_posting[p], weights=hired.astype(float), minlength=len(emp_codes))
    e_posts = np.bincount(emp_of_posting[index.posted < day], minlength=len(emp_codes))
    snap_index = index.with_track_arrays(
        p_apps, p_hires, e_apps[emp_of_posting], e_hires[emp_of_posting], e_posts[emp_of_posting]
    )
    snap_workers = workers.with_history(build_history(workers, index, w, p, hired))
    return snap_workers, snap_index


def _sample_pairs(
    workers: WorkerBlock,
    index: PostingIndex,
    apps: AppArrays,
    day: int,
    end: int,
    rng: np.random.Generator,
    hard: int,
    easy: int,
    pool: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(worker rows, posting rows, label, weight) for one snapshot day."""
    open_rows = np.nonzero((index.posted <= day) & (day < index.closes))[0]
    if len(open_rows) == 0:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0), np.zeros(0))
    is_open = np.zeros(len(index), bool)
    is_open[open_rows] = True
    pos = (apps.day >= day) & (apps.day < end) & is_open[apps.p]
    pw, pp, ph = apps.w[pos], apps.p[pos], apps.hired[pos]
    if len(pw) == 0:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0), np.zeros(0))
    positive_keys = set(zip(pw.tolist(), pp.tolist(), strict=True))
    users = np.unique(pw)
    pool = min(pool, len(open_rows))
    top = max(1, int(round(pool * CANDIDATE_SHARE)))
    out_w, out_p = [pw], [pp]
    out_y, out_wt = [np.ones(len(pw))], [np.where(ph, 2.0, 1.0)]
    for start in range(0, len(users), 512):
        chunk = users[start : start + 512]
        wi = np.repeat(chunk, pool)
        pi = open_rows[rng.integers(0, len(open_rows), size=len(wi))]
        X = pair_features(workers, index, wi, pi, day)
        s = fallback_score(X)
        s[~cert_ok(workers, index, wi, pi)] = -1.0
        s = s.reshape(len(chunk), pool)
        order = np.argsort(-s, axis=1)
        for j, w in enumerate(chunk):
            cand = pi[j * pool + order[j, :top]]
            choice = np.concatenate([rng.choice(cand, size=min(hard, len(cand)), replace=False),
                                     pi[j * pool + rng.integers(0, pool, size=easy)]])
            keep = [c for c in choice.tolist() if (w, c) not in positive_keys]
            out_w.append(np.full(len(keep), w, np.int64))
            out_p.append(np.array(keep, np.int64))
            out_y.append(np.zeros(len(keep)))
            out_wt.append(np.ones(len(keep)))
    wi = np.concatenate(out_w)
    pi = np.concatenate(out_p)
    y = np.concatenate(out_y)
    wt = np.concatenate(out_wt)
    # postings the worker had applied to before the day are never offered again, so never negatives
    fresh = ~already_applied(workers, index, wi, pi) | (y > 0)
    return wi[fresh], pi[fresh], y[fresh], wt[fresh]


def _progress(enabled: bool) -> Callable[[str], None]:
    start = time.perf_counter()

    def say(message: str) -> None:
        if enabled:
            print(f"  [{time.perf_counter() - start:6.1f}s] {message}", flush=True)

    return say


def train(
    postings: Sequence[Posting] | PostingIndex,
    workers: Sequence[WorkerProfile] | WorkerBlock,
    applications: Sequence[Application],
    as_of: date,
    *,
    window_days: int | None = None,
    step_days: int = 14,
    horizon_days: int = 30,
    hard_negatives: int = 10,
    easy_negatives: int = 2,
    pool: int = 600,
    seed: int = 0,
    progress: bool = False,
    params: dict | None = None,
    threads: int | None = 1,
) -> Model:
    """Train on applications made before ``as_of`` (within ``window_days`` of it when given)."""
    say = _progress(progress)
    index = postings if isinstance(postings, PostingIndex) else PostingIndex.build(postings)
    block = workers if isinstance(workers, WorkerBlock) else WorkerBlock.build(workers)
    apps = application_arrays(applications, block, index)
    cutoff = as_of.toordinal()
    first = cutoff - window_days if window_days else (int(apps.day.min()) if len(apps.day) else cutoff)
    known = apps.day < cutoff
    apps = AppArrays(apps.w[known], apps.p[known], apps.day[known], apps.hired[known])
    rng = np.random.default_rng(seed)
    days = list(range(max(first, int(apps.day.min()) if len(apps.day) else cutoff), cutoff - step_days // 2, step_days))
    if not days and len(apps.day):
        days = [int(apps.day.min())]
    parts: list[PairBatch] = []
    ys, wts = [], []
    for day in days:
        snap_workers, snap_index = snapshot_state(block, index, apps, day)
        wi, pi, y, wt = _sample_pairs(
            snap_workers, snap_index, apps, day, min(day + horizon_days, cutoff), rng,
            hard_negatives, easy_negatives, pool,
        )
        if len(wi) == 0:
            continue
        batch = PairBatch(snap_workers, snap_index, wi, pi, day)
        batch.features()
        parts.append(batch)
        ys.append(y)
        wts.append(wt)
        say(f"snapshot {date.fromordinal(day)}: {int(y.sum())} applications, {int((y == 0).sum())} sampled negatives")
    if not parts:
        raise ValueError("no applications before as_of to train on")
    y = np.concatenate(ys)
    wt = np.concatenate(wts)
    if len(np.unique(y)) < 2:
        raise ValueError("training needs both applications and negatives")
    X = np.vstack([b.features() for b in parts])
    del parts
    pipeline = make_pipeline(**(params or {}))
    if len(y) < 20000 and not params:  # a small market: smaller trees
        pipeline.set_params(model__max_iter=80, model__max_leaf_nodes=15, model__min_samples_leaf=10)
    say(f"fitting on {len(y)} pairs x {X.shape[1]} features")
    t0 = time.perf_counter()
    with limit_threads(threads):
        pipeline.fit(X, y, model__sample_weight=wt)
    clf = pipeline.named_steps["model"]
    say(f"fitted {clf.n_iter_} trees in {time.perf_counter() - t0:.1f}s")
    metadata = {
        "kind": MODEL_KIND,
        "format_version": FORMAT_VERSION,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "features": list(FEATURES),
        "feature_version": FEATURE_VERSION,
        "estimator": type(clf).__name__,
        "params": {k: v for k, v in clf.get_params().items() if isinstance(v, int | float | str | bool | type(None))},
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "training_window": {
            "from": date.fromordinal(days[0]).isoformat(),
            "to": (as_of - timedelta(days=1)).isoformat(),
            "snapshot_days": [date.fromordinal(d).isoformat() for d in days],
            "horizon_days": horizon_days,
        },
        "training_pairs": int(len(y)),
        "training_positives": int(y.sum()),
        "trees": int(clf.n_iter_),
        "metrics": {},
    }
    return Model(pipeline, metadata, threads=threads)


# ---------------------------------------------------------------- artifacts


def save(model: Model, directory: str | Path) -> Path:
    """Write ``ranker-v{format}-{as_of}-{timestamp}.joblib`` and its ``.json`` metadata; return the former."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    as_of = model.metadata.get("as_of", "na")
    path = directory / f"ranker-v{FORMAT_VERSION}-{as_of}-{stamp}.joblib"
    joblib.dump(model.pipeline, path, compress=3)
    meta = dict(model.metadata, artifact=path.name)
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _resolve(path: str | Path) -> Path:
    path = Path(path)
    if path.is_dir():
        found = sorted(path.glob("ranker-v*.joblib"), key=lambda p: p.stat().st_mtime)
        if not found:
            raise FileNotFoundError(f"no saved ranker in {path}")
        return found[-1]
    if path.suffix == ".json":
        return path.with_suffix(".joblib")
    return path


def check_metadata(meta: dict) -> None:
    """Raise ModelVersionError unless the metadata describes a model this code can use as is."""
    if meta.get("kind") != MODEL_KIND or meta.get("format_version") != FORMAT_VERSION:
        raise ModelVersionError(
            f"model format {meta.get('kind')!r} v{meta.get('format_version')} is not "
            f"{MODEL_KIND!r} v{FORMAT_VERSION}; retrain it"
        )
    if meta.get("sklearn_version") != sklearn.__version__:
        raise ModelVersionError(
            f"model was trained with scikit-learn {meta.get('sklearn_version')}, this is {sklearn.__version__}; "
            "refusing to use it: retrain with python -m matching.offline"
        )
    if list(meta.get("features") or []) != list(FEATURES) or meta.get("feature_version") != FEATURE_VERSION:
        raise ModelVersionError("model was trained on another feature list than this code computes; retrain it")


def load(path: str | Path, threads: int | None = 1) -> Model:
    """Load a saved model (a .joblib path, its .json, or a directory: the newest one there)."""
    path = _resolve(path)
    meta_path = path.with_suffix(".json")
    if not meta_path.exists():
        raise ModelVersionError(f"{path.name} has no metadata file {meta_path.name}; refusing to load it")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    check_metadata(meta)
    pipeline = joblib.load(path)
    if not isinstance(pipeline, Pipeline) or not isinstance(pipeline.steps[0][1], PairFeaturizer):
        raise ModelVersionError(f"{path.name} does not hold a ranker pipeline")
    pipeline.steps[0][1]._check()
    return Model(pipeline, meta, threads=threads)
