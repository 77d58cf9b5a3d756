"""Job ranking for the gig market: features, model and offline evaluation (no web framework here).

Public API::

    from matching import Ranker, WorkerProfile, Posting, Scored, TrackRecord, PastApplication
    ranker = Ranker.load(path)            # or Ranker.fallback() when no model is trained
    index = Ranker.index(open_postings, track)   # once per set of open postings
    ranker.recommend(worker, index, k=10, history=past_applications, as_of=day) -> list[Scored]
    ranker.blocked_by_certificate(worker, index, k=10, as_of=day) -> list[(posting_id, certificate)]
    ranker.candidates(posting, workers, k=10, as_of=day) -> list[Scored]   # employer-safe reasons
    model = train(postings, workers, applications, as_of=day); save(model, directory) -> Path; load(path)
    parse_age_limit("年龄18-45周岁") -> (18, 45)
"""

from .features import PostingIndex
from .model import Model, load, save, train
from .ranker import Ranker
from .text import parse_age_limit
from .types import (
    Application,
    ModelVersionError,
    PastApplication,
    Posting,
    Scored,
    TrackRecord,
    WorkerProfile,
)

__all__ = [
    "Application",
    "Model",
    "ModelVersionError",
    "PastApplication",
    "Posting",
    "PostingIndex",
    "Ranker",
    "Scored",
    "TrackRecord",
    "WorkerProfile",
    "load",
    "parse_age_limit",
    "save",
    "train",
]
