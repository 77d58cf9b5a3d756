"""The plain data the matching library takes and returns.

The site builds these from its database (ids as strings); the offline tools build them from the benchmark
files. Nothing here knows about Flask or SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

WageUnit = Literal["month", "day", "hour", "piece"]
PreferredType = Literal["full_time", "gig_daily", "any"]
Mobility = Literal["local", "province", "cross"]


class ModelVersionError(RuntimeError):
    """A saved model was made by another scikit-learn version or for another feature list.

    Such a model is never used: retrain it (``python -m matching.offline`` or ``matching.train``).
    """


@dataclass(slots=True)
class WorkerProfile:
    id: str
    current_adcode: str | None
    hometown_adcode: str | None
    #: (occupation code, years of experience); the first one is the worker's main trade.
    occupations: list[tuple[str, int]] = field(default_factory=list)
    #: (certificate name, skill level 5..1 for 职业技能等级证书, None for a licence or special-operation certificate)
    certificates: list[tuple[str, int | None]] = field(default_factory=list)
    expected_wage: int | None = None  # yuan a month
    preferred_type: PreferredType = "any"
    mobility: Mobility = "local"
    #: Used ONLY to compare with an age limit a posting states in its own text.
    birth_date: date | None = None
    priority_groups: frozenset[str] = frozenset()
    labour_brand: str | None = None
    discoverable: bool = True

    def certificate_names(self) -> set[str]:
        return {name for name, _ in self.certificates}


@dataclass(slots=True)
class Posting:
    id: str
    employer_id: str
    title: str
    occupation: str | None  # the employer's label: sometimes missing or wrong
    description: str
    adcode: str
    lat: float | None
    lng: float | None
    wage_min: int | None
    wage_max: int | None
    wage_unit: WageUnit
    employment_type: str  # full_time, gig_daily, seasonal, piece_rate, dispatch
    headcount: int
    benefits: list[str]
    cert_required: str | None
    skill_level_required: int | None  # the posting asks for level <= this (lower number = higher level)
    cooperation: str | None  # e.g. 粤黔协作
    posted_at: date
    closes_at: date

    def is_open_on(self, day: date) -> bool:
        return self.posted_at <= day < self.closes_at


@dataclass(frozen=True, slots=True)
class Scored:
    """A ranked posting (for a worker) or a ranked worker (for an employer's posting)."""

    id: str
    score: float
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class Application:
    """One application of a worker to a posting, and whether it ended in a hire."""

    worker_id: str
    posting_id: str
    applied_at: date
    hired: bool = False


@dataclass(frozen=True, slots=True)
class PastApplication:
    """A worker's own earlier application, with the posting it went to (which may be closed by now)."""

    posting: Posting
    applied_at: date
    hired: bool = False


@dataclass(slots=True)
class TrackRecord:
    """Applications and hires so far, per posting and per employer.

    ``employer_complaints`` is for wage complaints once the site records them; an employer missing from it
    has none.
    """

    posting_applications: dict[str, int] = field(default_factory=dict)
    posting_hires: dict[str, int] = field(default_factory=dict)
    employer_applications: dict[str, int] = field(default_factory=dict)
    employer_hires: dict[str, int] = field(default_factory=dict)
    employer_postings: dict[str, int] = field(default_factory=dict)
    employer_complaints: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_applications(
        cls,
        applications: Iterable[Application],
        postings: Mapping[str, Posting] | Sequence[Posting],
        before: date | None = None,
        complaints: Mapping[str, int] | None = None,
    ) -> TrackRecord:
        """Count applications (made before ``before`` when given) per posting and per employer."""
        by_id = postings if isinstance(postings, Mapping) else {p.id: p for p in postings}
        track = cls(employer_complaints=dict(complaints or {}))
        for posting in by_id.values():
            if before is None or posting.posted_at < before:
                track.employer_postings[posting.employer_id] = track.employer_postings.get(posting.employer_id, 0) + 1
        for app in applications:
            if before is not None and app.applied_at >= before:
                continue
            applied = by_id.get(app.posting_id)
            _bump(track.posting_applications, app.posting_id)
            if app.hired:
                _bump(track.posting_hires, app.posting_id)
            if applied is not None:
                _bump(track.employer_applications, applied.employer_id)
                if app.hired:
                    _bump(track.employer_hires, applied.employer_id)
        return track


def _bump(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1
