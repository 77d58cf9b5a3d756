"""Worker–posting features, computed as numpy arrays over precomputed posting and worker matrices.

``PostingIndex`` holds one row per posting (place, trade, wage, terms, track record); ``WorkerBlock`` one row
per worker (places, trades, certificates, wishes, a summary of past applications). ``PairBatch`` names
pairs of rows; ``pair_features`` turns them into the feature matrix whose columns are ``FEATURES``.

Fairness: gender, ethnicity, age, names, ID numbers and priority groups are never read here. A worker's
birth date is kept only so the ranker can compare it with an age limit a posting states in its own text,
and that comparison is applied outside the model, with its reason shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, lru_cache

import numpy as np

from vocab import certificates as certificate_vocab
from vocab import regions, taxonomy
from vocab.terms import BENEFITS, EMPLOYMENT_TYPES, MOBILITIES, PREFERRED_TYPES
from vocab.terms import monthly as monthly_wage
from vocab.trades import parse_experience, resolve_occupation

from .text import parse_age_limit
from .types import PastApplication, Posting, TrackRecord, WorkerProfile

N_PROVINCES = 100  # two-digit province codes index a dense array
EARTH_KM = 6371.0088

#: Bump when the meaning of a feature changes without its name changing: saved models then refuse to load.
FEATURE_VERSION = 2

FEATURES: tuple[str, ...] = (
    # place
    "dist_current_km",
    "dist_home_km",
    "same_county",
    "same_city",
    "same_province",
    "home_county",
    "home_city",
    "home_province",
    "cooperation_province",
    "cooperation_match",
    "cooperation_posting",
    "posting_province",
    "worker_mobility",
    "worker_returned",
    # trade
    "trade_primary",
    "trade_held",
    "trade_label_held",
    "trade_category_held",
    "trade_in_text",
    "years_in_trade",
    "experience_required",
    "experience_gap",
    "labour_brand_match",
    # qualifications
    "cert_required",
    "cert_held",
    "skill_level_required",
    "skill_level_held",
    "skill_level_ok",
    # terms
    "wage_max_ratio",
    "wage_min_ratio",
    "expected_wage",
    "wage_max_month",
    "employment_type",
    "preferred_type",
    "type_match",
    "board",
    "lodging",
    "social_insurance",
    "daily_pay",
    "transport_subsidy",
    "headcount",
    "days_posted",
    "days_left",
    # track record
    "posting_applications",
    "posting_applications_per_day",
    "posting_hires",
    "employer_applications_per_posting",
    "employer_hire_rate",
    "employer_complaints",
    # the worker's own past applications
    "history_count",
    "history_province_share",
    "history_trade_share",
    "history_category_share",
    "history_type_share",
    "history_same_employer",
    "history_same_city",
    "history_distance_gap",
    "history_wage_gap",
    "history_cooperation_share",
)
F = {name: i for i, name in enumerate(FEATURES)}


# ---------------------------------------------------------------- vocabularies


@cache
def occupation_codes() -> tuple[str, ...]:
    return tuple(sorted(taxonomy.occupations()))


@cache
def _occ_index() -> dict[str, int]:
    return {code: i for i, code in enumerate(occupation_codes())}


def occ_index(code: str | None) -> int:
    return _occ_index().get(code, -1) if code else -1


@cache
def categories() -> tuple[str, ...]:
    return tuple(sorted({o.category for o in taxonomy.occupations().values()}))


@cache
def category_of_occ() -> np.ndarray:
    cats = {c: i for i, c in enumerate(categories())}
    occs = taxonomy.occupations()
    return np.array([cats[occs[c].category] for c in occupation_codes()], dtype=np.int16)


@cache
def _skill_certificate_occ() -> dict[str, int]:
    """职业技能等级证书 names → occupation index ("焊工职业技能等级证书" → welder)."""
    return {f"{o.name}职业技能等级证书": occ_index(o.code) for o in taxonomy.occupations().values()}


@lru_cache(maxsize=4096)
def _canonical_certificate(name: str) -> str | None:
    return certificate_vocab.canonical(name)


def _certificate_keys(names) -> frozenset[str]:
    """A certificate's names as typed plus the catalogue's official name for each ("焊工证（中级）" →
    特种作业操作证（焊接与热切割作业）): two names of one certificate share a key."""
    keys = set(names)
    for name in names:
        official = _canonical_certificate(name)
        if official:
            keys.add(official)
    return frozenset(keys)


@lru_cache(maxsize=4096)
def _skill_level_resolved(name: str) -> tuple[int, int | None]:
    held = certificate_vocab.resolve(name)
    if held is None or not held.certificate.has_levels or not held.certificate.occupations:
        return -1, None
    return occ_index(held.certificate.occupations[0]), held.level


def _skill_level_held(name: str, level: int | None) -> tuple[int, int | None]:
    """(trade index, level) for a skill-level certificate typed under another name, or (-1, None)."""
    o, written = _skill_level_resolved(name)
    return o, level or written


@cache
def _cooperation_by_name() -> dict[str, taxonomy.CooperationPair]:
    return {p.name: p for p in taxonomy.cooperation_pairs()}


@cache
def east_partner_matrix() -> np.ndarray:
    """[west province, east province] → True when they are paired in East–West labour cooperation."""
    m = np.zeros((N_PROVINCES, N_PROVINCES), dtype=bool)
    for p in taxonomy.cooperation_pairs():
        m[int(p.west_province), int(p.east_province)] = True
    return m


@cache
def _brand_occ() -> dict[str, int]:
    return {b.name: occ_index(b.occupation) for b in taxonomy.labour_brands()}


def _codes(adcode: str | None) -> tuple[int, int, int]:
    if not adcode or len(str(adcode)) < 6 or not str(adcode)[:6].isdigit():
        return -1, -1, -1
    a = str(adcode)[:6]
    return int(a[:2]), int(a[:4]), int(a)


@cache
def _place(adcode: str | None) -> tuple[float, float]:
    region = regions.get(adcode)
    return (region.lat, region.lng) if region else (np.nan, np.nan)


@dataclass(frozen=True, slots=True)
class _TextFacts:
    occ: int
    exp_years: float
    text_occ: tuple[int, ...]
    age_lo: float
    age_hi: float


@lru_cache(maxsize=200_000)
def _text_facts(title: str, description: str, label: str | None) -> _TextFacts:
    """What a posting's words say (cached: rebuilding an index for the same postings is cheap)."""
    experience = parse_experience(description)
    limit = parse_age_limit(description)
    return _TextFacts(
        occ=occ_index(resolve_occupation(label, title, description)),
        exp_years=float(experience[0]) if experience else np.nan,
        text_occ=tuple(sorted({occ_index(c) for c in taxonomy.occupations_in(description)} - {-1})),
        age_lo=np.nan if limit is None or limit[0] is None else float(limit[0]),
        age_hi=np.nan if limit is None or limit[1] is None else float(limit[1]),
    )


def _hash40(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=5).digest(), "big")


def monthly(amount: float | None, unit: str) -> float:
    """A wage as yuan a month (``vocab.terms.monthly``); NaN where there is none (a piece rate)."""
    value = monthly_wage(amount, unit)
    return np.nan if value is None else float(value)


# ---------------------------------------------------------------- postings


@dataclass(eq=False)
class PostingIndex:
    """Postings as column arrays, built once for a set of postings (e.g. all open ones) and reused."""

    postings: list[Posting]
    ids: np.ndarray
    row: dict[str, int]
    lat: np.ndarray  # radians
    lng: np.ndarray
    prov: np.ndarray
    city: np.ndarray
    county: np.ndarray
    occ: np.ndarray  # resolved trade
    occ_label: np.ndarray
    cat: np.ndarray
    text_occ: np.ndarray  # (n, n_occ) the text names the trade
    exp_years: np.ndarray
    wage_lo: np.ndarray
    wage_hi: np.ndarray
    etype: np.ndarray
    benefit: np.ndarray  # (n, len(BENEFITS)) bool
    cert: np.ndarray  # index into cert_names, -1 none
    cert_names: tuple[str, ...]
    skill_req: np.ndarray
    coop_west: np.ndarray  # west province of the posting's cooperation pairing, -1 none
    age_lo: np.ndarray
    age_hi: np.ndarray
    posted: np.ndarray  # date ordinals
    closes: np.ndarray
    headcount: np.ndarray
    employer_hash: np.ndarray
    id_hash: np.ndarray
    p_apps: np.ndarray
    p_hires: np.ndarray
    e_apps_per_post: np.ndarray
    e_hire_rate: np.ndarray
    e_complaints: np.ndarray
    track: TrackRecord | None = field(default=None, repr=False)  # the record the counts came from

    @classmethod
    def build(cls, postings: Sequence[Posting], track: TrackRecord | None = None) -> PostingIndex:
        postings = list(postings)
        n = len(postings)
        lat = np.empty(n)
        lng = np.empty(n)
        prov = np.empty(n, np.int32)
        city = np.empty(n, np.int32)
        county = np.empty(n, np.int32)
        occ = np.empty(n, np.int16)
        occ_label = np.empty(n, np.int16)
        exp_years = np.full(n, np.nan, np.float32)
        wage_lo = np.empty(n, np.float32)
        wage_hi = np.empty(n, np.float32)
        etype = np.empty(n, np.int8)
        benefit = np.zeros((n, len(BENEFITS)), bool)
        cert = np.full(n, -1, np.int16)
        skill_req = np.zeros(n, np.int8)
        coop_west = np.full(n, -1, np.int16)
        age_lo = np.full(n, np.nan, np.float32)
        age_hi = np.full(n, np.nan, np.float32)
        posted = np.empty(n, np.int32)
        closes = np.empty(n, np.int32)
        headcount = np.empty(n, np.float32)
        employer_hash = np.empty(n, np.int64)
        text_occ = np.zeros((n, len(occupation_codes())), bool)
        cert_vocab: dict[str, int] = {}
        coop = _cooperation_by_name()
        benefit_pos = {b: i for i, b in enumerate(BENEFITS)}
        for i, p in enumerate(postings):
            prov[i], city[i], county[i] = _codes(p.adcode)
            if p.lat is not None and p.lng is not None:
                lat[i], lng[i] = p.lat, p.lng
            else:
                lat[i], lng[i] = _place(p.adcode)
            facts = _text_facts(p.title, p.description, p.occupation)
            occ[i] = facts.occ
            occ_label[i] = occ_index(p.occupation)
            exp_years[i] = facts.exp_years
            text_occ[i, list(facts.text_occ)] = True
            wage_lo[i] = monthly(p.wage_min, p.wage_unit)
            wage_hi[i] = monthly(p.wage_max if p.wage_max is not None else p.wage_min, p.wage_unit)
            etype[i] = EMPLOYMENT_TYPES.index(p.employment_type) if p.employment_type in EMPLOYMENT_TYPES else len(EMPLOYMENT_TYPES)
            for b in p.benefits or ():
                j = benefit_pos.get(b)
                if j is not None:
                    benefit[i, j] = True
            if p.cert_required:
                cert[i] = cert_vocab.setdefault(p.cert_required, len(cert_vocab))
            skill_req[i] = p.skill_level_required or 0
            pair = coop.get(p.cooperation) if p.cooperation else None
            if pair is not None:
                coop_west[i] = int(pair.west_province)
            age_lo[i], age_hi[i] = facts.age_lo, facts.age_hi
            posted[i] = p.posted_at.toordinal()
            closes[i] = p.closes_at.toordinal()
            headcount[i] = p.headcount or 0
            employer_hash[i] = _hash40(p.employer_id)
        cat = np.where(occ >= 0, category_of_occ()[np.maximum(occ, 0)], -1).astype(np.int16)
        zeros = np.zeros(n, np.float32)
        index = cls(
            postings=postings,
            ids=np.array([p.id for p in postings], dtype=object),
            row={p.id: i for i, p in enumerate(postings)},
            lat=np.radians(lat),
            lng=np.radians(lng),
            prov=prov,
            city=city,
            county=county,
            occ=occ,
            occ_label=occ_label,
            cat=cat,
            text_occ=text_occ,
            exp_years=exp_years,
            wage_lo=wage_lo,
            wage_hi=wage_hi,
            etype=etype,
            benefit=benefit,
            cert=cert,
            cert_names=tuple(cert_vocab),
            skill_req=skill_req,
            coop_west=coop_west,
            age_lo=age_lo,
            age_hi=age_hi,
            posted=posted,
            closes=closes,
            headcount=headcount,
            employer_hash=employer_hash,
            id_hash=np.array([_hash40(p.id) for p in postings], np.int64),
            p_apps=zeros,
            p_hires=zeros,
            e_apps_per_post=zeros,
            e_hire_rate=zeros,
            e_complaints=zeros,
        )
        return index.with_track(track) if track is not None else index

    def __len__(self) -> int:
        return len(self.postings)

    def with_track(self, track: TrackRecord) -> PostingIndex:
        """The same postings with another track record (counts of applications and hires so far)."""
        ids = [p.id for p in self.postings]
        employers = [p.employer_id for p in self.postings]
        p_apps = np.array([track.posting_applications.get(i, 0) for i in ids], np.float32)
        p_hires = np.array([track.posting_hires.get(i, 0) for i in ids], np.float32)
        e_apps = np.array([track.employer_applications.get(e, 0) for e in employers], np.float32)
        e_hires = np.array([track.employer_hires.get(e, 0) for e in employers], np.float32)
        e_posts = np.array([track.employer_postings.get(e, 0) for e in employers], np.float32)
        e_compl = np.array([track.employer_complaints.get(e, 0) for e in employers], np.float32)
        return replace(self.with_track_arrays(p_apps, p_hires, e_apps, e_hires, e_posts, e_compl), track=track)

    def with_track_arrays(self, p_apps, p_hires, e_apps, e_hires, e_posts, e_complaints=None) -> PostingIndex:
        e_apps = np.asarray(e_apps, np.float32)
        return replace(
            self,
            track=None,
            p_apps=np.asarray(p_apps, np.float32),
            p_hires=np.asarray(p_hires, np.float32),
            e_apps_per_post=e_apps / np.maximum(np.asarray(e_posts, np.float32), 1),
            e_hire_rate=(np.asarray(e_hires, np.float32) + 0.5) / (e_apps + 2),
            e_complaints=np.zeros(len(self), np.float32)
            if e_complaints is None
            else np.asarray(e_complaints, np.float32),
        )

    def open_mask(self, day: date) -> np.ndarray:
        d = day.toordinal()
        return (self.posted <= d) & (d < self.closes)

    def subset(self, rows: np.ndarray) -> PostingIndex:
        """The postings at ``rows`` as an index of their own (sharing nothing mutable)."""
        rows = np.asarray(rows)
        out = {}
        for name, value in self.__dict__.items():
            if isinstance(value, np.ndarray):
                out[name] = value[rows]
        out["postings"] = [self.postings[i] for i in rows]
        out["row"] = {p.id: i for i, p in enumerate(out["postings"])}
        out["cert_names"] = self.cert_names
        out["track"] = self.track
        return PostingIndex(**out)


# ---------------------------------------------------------------- workers


@dataclass(eq=False)
class History:
    """A summary of each worker's past applications (all zeros for a worker without any)."""

    count: np.ndarray
    hires: np.ndarray
    prov: np.ndarray  # (n, N_PROVINCES) shares
    occ: np.ndarray  # (n, n_occ) shares
    cat: np.ndarray  # (n, n_cat) shares
    etype: np.ndarray  # (n, len(EMPLOYMENT_TYPES) + 1) shares
    logd: np.ndarray  # mean log1p distance from the current place
    logwage: np.ndarray  # mean log monthly top wage
    coop: np.ndarray  # share of applications to the worker's own cooperation pairing
    employer_keys: np.ndarray  # sorted (row << 40 | employer hash)
    city_keys: np.ndarray  # sorted (row * 10000 + city)
    applied_keys: np.ndarray  # sorted (row << 40 | posting id hash): never recommend twice

    @classmethod
    def empty(cls, n: int) -> History:
        return cls(
            count=np.zeros(n, np.float32),
            hires=np.zeros(n, np.float32),
            prov=np.zeros((n, N_PROVINCES), np.float32),
            occ=np.zeros((n, len(occupation_codes())), np.float32),
            cat=np.zeros((n, len(categories())), np.float32),
            etype=np.zeros((n, len(EMPLOYMENT_TYPES) + 1), np.float32),
            logd=np.full(n, np.nan, np.float32),
            logwage=np.full(n, np.nan, np.float32),
            coop=np.zeros(n, np.float32),
            employer_keys=np.zeros(0, np.int64),
            city_keys=np.zeros(0, np.int64),
            applied_keys=np.zeros(0, np.int64),
        )


@dataclass(eq=False)
class WorkerBlock:
    """Workers as column arrays."""

    ids: np.ndarray
    row: dict[str, int]
    cur_lat: np.ndarray  # radians
    cur_lng: np.ndarray
    home_lat: np.ndarray
    home_lng: np.ndarray
    cur_prov: np.ndarray
    cur_city: np.ndarray
    cur_county: np.ndarray
    home_prov: np.ndarray
    home_city: np.ndarray
    home_county: np.ndarray
    occ_years: np.ndarray  # (n, n_occ) years, NaN when the worker does not list the trade
    primary: np.ndarray
    skill: np.ndarray  # (n, n_occ) best 职业技能等级 held for the trade, 0 none
    certs: list[frozenset[str]]
    expected: np.ndarray
    pref: np.ndarray
    mobility: np.ndarray
    brand_occ: np.ndarray
    birth: np.ndarray  # yyyymmdd or -1; only for a posting's own stated age limit, never a feature
    discoverable: np.ndarray
    trades: np.ndarray  # (n, n_occ) the worker lists the trade
    cats: np.ndarray  # (n, n_cat) the worker lists a trade of the category
    history: History = field(repr=False, default=None)  # type: ignore[assignment]
    _cert_cache: dict = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def build(cls, workers: Sequence[WorkerProfile]) -> WorkerBlock:
        workers = list(workers)
        n = len(workers)
        n_occ = len(occupation_codes())
        cur = np.array([_place(w.current_adcode) for w in workers], dtype=float).reshape(n, 2)
        home = np.array([_place(w.hometown_adcode or w.current_adcode) for w in workers], dtype=float).reshape(n, 2)
        cur_codes = np.array([_codes(w.current_adcode) for w in workers], np.int32).reshape(n, 3)
        home_codes = np.array([_codes(w.hometown_adcode or w.current_adcode) for w in workers], np.int32).reshape(n, 3)
        occ_years = np.full((n, n_occ), np.nan, np.float32)
        primary = np.full(n, -1, np.int16)
        skill = np.zeros((n, n_occ), np.int8)
        skill_occ = _skill_certificate_occ()
        brands = _brand_occ()
        brand_occ = np.full(n, -1, np.int16)
        for i, w in enumerate(workers):
            for code, years in w.occupations:
                o = occ_index(code)
                if o < 0:
                    continue
                if primary[i] < 0:
                    primary[i] = o
                previous = occ_years[i, o]
                occ_years[i, o] = max(float(years or 0), 0.0 if np.isnan(previous) else float(previous))
            for name, level in w.certificates:
                o = skill_occ.get(name, -1)
                if o < 0:
                    # "焊工等级证（高级）": a skill-level certificate under another name, its level in the name
                    o, level = _skill_level_held(name, level)
                if o >= 0 and level:
                    skill[i, o] = level if skill[i, o] == 0 else min(skill[i, o], level)
            if w.labour_brand:
                brand_occ[i] = brands.get(w.labour_brand, -1)
        trades = ~np.isnan(occ_years)
        cats = np.zeros((n, len(categories())), bool)
        rows, cols = np.nonzero(trades)
        cats[rows, category_of_occ()[cols]] = True
        block = cls(
            trades=trades,
            cats=cats,
            ids=np.array([w.id for w in workers], dtype=object),
            row={w.id: i for i, w in enumerate(workers)},
            cur_lat=np.radians(cur[:, 0]),
            cur_lng=np.radians(cur[:, 1]),
            home_lat=np.radians(home[:, 0]),
            home_lng=np.radians(home[:, 1]),
            cur_prov=cur_codes[:, 0],
            cur_city=cur_codes[:, 1],
            cur_county=cur_codes[:, 2],
            home_prov=home_codes[:, 0],
            home_city=home_codes[:, 1],
            home_county=home_codes[:, 2],
            occ_years=occ_years,
            primary=primary,
            skill=skill,
            certs=[_certificate_keys(w.certificate_names()) for w in workers],
            expected=np.array([w.expected_wage if w.expected_wage else np.nan for w in workers], np.float32),
            pref=np.array([PREFERRED_TYPES.index(w.preferred_type) if w.preferred_type in PREFERRED_TYPES else 2 for w in workers], np.int8),
            mobility=np.array([MOBILITIES.index(w.mobility) if w.mobility in MOBILITIES else 0 for w in workers], np.int8),
            brand_occ=brand_occ,
            birth=np.array([_yyyymmdd(w.birth_date) if w.birth_date else -1 for w in workers], np.int64),
            discoverable=np.array([bool(w.discoverable) for w in workers], bool),
        )
        block.history = History.empty(n)
        return block

    def __len__(self) -> int:
        return len(self.ids)

    def with_history(self, history: History) -> WorkerBlock:
        return replace(self, history=history)

    def subset(self, rows: np.ndarray) -> WorkerBlock:
        """Rows of the block, without history (set one with ``with_history``)."""
        rows = np.asarray(rows)
        out = {}
        for name, value in self.__dict__.items():
            if isinstance(value, np.ndarray):
                out[name] = value[rows]
        out["certs"] = [self.certs[i] for i in rows]
        out["row"] = {wid: i for i, wid in enumerate(out["ids"])}
        out["history"] = History.empty(len(rows))
        return WorkerBlock(**out)

    def cert_matrix(self, cert_names: tuple[str, ...]) -> np.ndarray:
        """(workers, certificates) → holds that certificate, under its official name or any other
        (``vocab.certificates.satisfies``)."""
        cache = self._cert_cache
        if cert_names in cache:
            return cache[cert_names]
        m = np.zeros((len(self), max(len(cert_names), 1)), bool)
        pos: dict[str, list[int]] = {}
        for j, c in enumerate(cert_names):
            for key in _certificate_keys([c]):
                pos.setdefault(key, []).append(j)
        for i, names in enumerate(self.certs):
            for name in names:
                for j in pos.get(name, ()):
                    m[i, j] = True
        cache[cert_names] = m
        return m


def build_history(
    workers: WorkerBlock,
    index: PostingIndex,
    w_rows: np.ndarray,
    p_rows: np.ndarray,
    hired: np.ndarray | None = None,
) -> History:
    """Summarise past applications (worker row, posting row in ``index``) per worker."""
    n = len(workers)
    h = History.empty(n)
    w_rows = np.asarray(w_rows, np.int64)
    p_rows = np.asarray(p_rows, np.int64)
    if len(w_rows) == 0:
        return h
    count = np.bincount(w_rows, minlength=n).astype(np.float32)
    h.count = count
    if hired is not None:
        h.hires = np.bincount(w_rows, weights=np.asarray(hired, float), minlength=n).astype(np.float32)
    denom = np.maximum(count, 1)[:, None]
    prov = index.prov[p_rows]
    ok = prov >= 0
    np.add.at(h.prov, (w_rows[ok], prov[ok]), 1.0)
    h.prov /= denom
    occ = index.occ[p_rows]
    ok = occ >= 0
    np.add.at(h.occ, (w_rows[ok], occ[ok]), 1.0)
    h.occ /= denom
    cat = index.cat[p_rows]
    ok = cat >= 0
    np.add.at(h.cat, (w_rows[ok], cat[ok]), 1.0)
    h.cat /= denom
    np.add.at(h.etype, (w_rows, index.etype[p_rows]), 1.0)
    h.etype /= denom
    d = haversine(workers.cur_lat[w_rows], workers.cur_lng[w_rows], index.lat[p_rows], index.lng[p_rows])
    logd = np.log1p(d)
    ok = ~np.isnan(logd)
    sums = np.bincount(w_rows[ok], weights=logd[ok], minlength=n)
    cnts = np.bincount(w_rows[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        h.logd = np.where(cnts > 0, sums / np.maximum(cnts, 1), np.nan).astype(np.float32)
    lw = np.log(np.maximum(index.wage_hi[p_rows].astype(float), 1.0))
    ok = ~np.isnan(index.wage_hi[p_rows])
    sums = np.bincount(w_rows[ok], weights=lw[ok], minlength=n)
    cnts = np.bincount(w_rows[ok], minlength=n)
    h.logwage = np.where(cnts > 0, sums / np.maximum(cnts, 1), np.nan).astype(np.float32)
    coop = (index.coop_west[p_rows] >= 0) & (index.coop_west[p_rows] == workers.home_prov[w_rows])
    h.coop = (np.bincount(w_rows, weights=coop.astype(float), minlength=n) / np.maximum(count, 1)).astype(np.float32)
    h.employer_keys = np.unique((w_rows << 40) | index.employer_hash[p_rows])
    h.city_keys = np.unique(w_rows * 10000 + index.city[p_rows])
    h.applied_keys = np.unique((w_rows << 40) | index.id_hash[p_rows])
    return h


def history_for(worker_block: WorkerBlock, past: Sequence[Sequence[PastApplication]]) -> History:
    """History for a block of workers from each worker's own past applications (as the site stores them)."""
    postings: list[Posting] = []
    w_rows: list[int] = []
    hired: list[bool] = []
    for i, apps in enumerate(past):
        for app in apps:
            postings.append(app.posting)
            w_rows.append(i)
            hired.append(app.hired)
    if not postings:
        return History.empty(len(worker_block))
    index = PostingIndex.build(postings)
    return build_history(worker_block, index, np.array(w_rows), np.arange(len(postings)), np.array(hired))


# ---------------------------------------------------------------- pairs


def _yyyymmdd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def outside_stated_age(workers: WorkerBlock, postings: PostingIndex, wi: np.ndarray, pi: np.ndarray, day: date) -> np.ndarray:
    """The worker's age on ``day`` is outside the age range the posting states in its own text.

    Used only to lower such a posting for that worker, with the reason shown; never a model feature.
    """
    birth = workers.birth[wi]
    age = (_yyyymmdd(day) - birth) // 10000
    lo, hi = postings.age_lo[pi], postings.age_hi[pi]
    with np.errstate(invalid="ignore"):
        out = (~np.isnan(lo) & (age < lo)) | (~np.isnan(hi) & (age > hi))
    return out & (birth > 0)


def haversine(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle km between points given in radians (arrays broadcast)."""
    dlat = lat2 - lat1
    dlng = lng2 - lng1
    a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlng / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass(eq=False)
class PairBatch:
    """Pairs (workers row wi[k], postings row pi[k]) to score as of a day."""

    workers: WorkerBlock
    postings: PostingIndex
    wi: np.ndarray
    pi: np.ndarray
    day: int  # date ordinal
    _cache: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.wi)

    def features(self) -> np.ndarray:
        if self._cache is None:
            self._cache = pair_features(self.workers, self.postings, self.wi, self.pi, self.day)
        return self._cache


def _in_sorted(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), bool)
    pos = np.searchsorted(sorted_keys, keys)
    pos = np.minimum(pos, len(sorted_keys) - 1)
    return sorted_keys[pos] == keys


def already_applied(workers: WorkerBlock, postings: PostingIndex, wi: np.ndarray, pi: np.ndarray) -> np.ndarray:
    keys = workers.history.applied_keys
    if len(keys) == 0:
        return np.zeros(len(wi), bool)
    return _in_sorted((np.asarray(wi, np.int64) << 40) | postings.id_hash[np.asarray(pi)], keys)


def cert_ok(workers: WorkerBlock, postings: PostingIndex, wi: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """The hard rule: a posting that requires a certificate only for workers holding it (under any name)."""
    cert = postings.cert[pi]
    need = cert >= 0
    ok = ~need
    if need.any():
        held = workers.cert_matrix(postings.cert_names)
        ok[need] = held[wi[need], cert[need]]
    return ok


#: The columns the transparent score reads; ``pair_features(..., core_only=True)`` computes just these.
CORE_FEATURES = (
    "dist_current_km", "dist_home_km", "same_province", "home_province", "home_city", "cooperation_province",
    "cooperation_match", "worker_mobility", "trade_primary", "trade_held", "trade_category_held",
    "wage_max_ratio", "type_match", "skill_level_ok", "cert_held", "history_same_city",
    "posting_applications_per_day",
)


def pair_features(
    workers: WorkerBlock,
    postings: PostingIndex,
    wi: np.ndarray,
    pi: np.ndarray,
    day: int,
    *,
    core_only: bool = False,
) -> np.ndarray:
    """The (pairs, FEATURES) matrix; with ``core_only`` only CORE_FEATURES are filled (the rest NaN)."""
    wi = np.asarray(wi, np.int64)
    pi = np.asarray(pi, np.int64)
    n = len(wi)
    X = np.full((n, len(FEATURES)), np.nan, np.float32) if core_only else np.empty((n, len(FEATURES)), np.float32)
    P, W, H = postings, workers, workers.history

    # --- the core: place, trade, wage, type, qualifications
    plat, plng = P.lat[pi], P.lng[pi]
    X[:, F["dist_current_km"]] = haversine(W.cur_lat[wi], W.cur_lng[wi], plat, plng)
    X[:, F["dist_home_km"]] = haversine(W.home_lat[wi], W.home_lng[wi], plat, plng)
    pprov, pcity = P.prov[pi], P.city[pi]
    X[:, F["same_province"]] = W.cur_prov[wi] == pprov
    hprov = W.home_prov[wi]
    X[:, F["home_province"]] = hprov == pprov
    X[:, F["home_city"]] = W.home_city[wi] == pcity
    valid = (hprov >= 0) & (pprov >= 0)
    X[:, F["cooperation_province"]] = valid & east_partner_matrix()[np.maximum(hprov, 0), np.maximum(pprov, 0)]
    cw = P.coop_west[pi]
    X[:, F["cooperation_match"]] = (cw >= 0) & (cw == hprov)
    X[:, F["worker_mobility"]] = W.mobility[wi]
    occ = P.occ[pi].astype(np.int64)
    known = occ >= 0
    occ0 = np.maximum(occ, 0)
    years = np.where(known, W.occ_years[wi, occ0], np.nan)
    held = ~np.isnan(years)
    X[:, F["trade_primary"]] = known & (W.primary[wi] == occ)
    X[:, F["trade_held"]] = held
    X[:, F["trade_category_held"]] = known & W.cats[wi, np.maximum(P.cat[pi], 0)]
    exp_w = W.expected[wi]
    with np.errstate(invalid="ignore", divide="ignore"):
        X[:, F["wage_max_ratio"]] = P.wage_hi[pi] / exp_w
    et = P.etype[pi]
    pref = W.pref[wi]
    # 2: the type the worker asked for; 1: the worker takes any, or a full-time seeker meets seasonal,
    # piece-rate or dispatch work; 0: a day-labour seeker meets a longer job or the other way round
    gig = et == EMPLOYMENT_TYPES.index("gig_daily")
    full = et == EMPLOYMENT_TYPES.index("full_time")
    exact = np.where(pref == 0, full, gig)
    conflict = np.where(pref == 0, gig, ~gig)
    X[:, F["type_match"]] = np.where(pref == 2, 1, np.where(exact, 2, np.where(conflict, 0, 1)))
    req = P.skill_req[pi]
    lvl = np.where(known, W.skill[wi, occ0], 0)
    X[:, F["skill_level_ok"]] = (req == 0) | ((lvl > 0) & (lvl <= req))
    cert = P.cert[pi]
    X[:, F["cert_held"]] = (cert >= 0) & cert_ok(W, P, wi, pi)
    X[:, F["history_same_city"]] = _in_sorted(wi * 10000 + pcity, H.city_keys)
    days_posted = (day - P.posted[pi]).astype(np.float32)
    X[:, F["posting_applications_per_day"]] = P.p_apps[pi] / np.maximum(days_posted, 1)
    if core_only:
        return X

    # --- the rest
    pcounty = P.county[pi]
    X[:, F["same_county"]] = W.cur_county[wi] == pcounty
    X[:, F["same_city"]] = W.cur_city[wi] == pcity
    X[:, F["home_county"]] = W.home_county[wi] == pcounty
    X[:, F["cooperation_posting"]] = cw >= 0
    X[:, F["posting_province"]] = np.where(pprov >= 0, pprov, np.nan)
    X[:, F["worker_returned"]] = W.cur_city[wi] == W.home_city[wi]
    lab = P.occ_label[pi].astype(np.int64)
    X[:, F["trade_label_held"]] = (lab >= 0) & ~np.isnan(W.occ_years[wi, np.maximum(lab, 0)])
    X[:, F["trade_in_text"]] = (P.text_occ[pi] & W.trades[wi]).any(axis=1)
    X[:, F["years_in_trade"]] = np.where(held, years, 0)
    exp = P.exp_years[pi]
    X[:, F["experience_required"]] = exp
    X[:, F["experience_gap"]] = np.where(np.isnan(exp), np.nan, np.where(held, years, 0) - exp)
    X[:, F["labour_brand_match"]] = known & (W.brand_occ[wi] == occ)
    X[:, F["cert_required"]] = cert >= 0
    X[:, F["skill_level_required"]] = req
    X[:, F["skill_level_held"]] = lvl
    with np.errstate(invalid="ignore", divide="ignore"):
        X[:, F["wage_min_ratio"]] = P.wage_lo[pi] / exp_w
    X[:, F["expected_wage"]] = exp_w
    X[:, F["wage_max_month"]] = P.wage_hi[pi]
    X[:, F["employment_type"]] = et
    X[:, F["preferred_type"]] = pref
    b = P.benefit[pi]
    X[:, F["board"]] = b[:, BENEFITS.index("包吃")]
    X[:, F["lodging"]] = b[:, BENEFITS.index("包住")]
    X[:, F["social_insurance"]] = b[:, BENEFITS.index("五险一金")]
    X[:, F["daily_pay"]] = b[:, BENEFITS.index("日结")]
    X[:, F["transport_subsidy"]] = b[:, BENEFITS.index("交通补贴")]
    X[:, F["headcount"]] = P.headcount[pi]
    X[:, F["days_posted"]] = days_posted
    X[:, F["days_left"]] = P.closes[pi] - day

    X[:, F["posting_applications"]] = P.p_apps[pi]
    X[:, F["posting_hires"]] = P.p_hires[pi]
    X[:, F["employer_applications_per_posting"]] = P.e_apps_per_post[pi]
    X[:, F["employer_hire_rate"]] = P.e_hire_rate[pi]
    X[:, F["employer_complaints"]] = P.e_complaints[pi]

    X[:, F["history_count"]] = H.count[wi]
    X[:, F["history_province_share"]] = np.where(pprov >= 0, H.prov[wi, np.maximum(pprov, 0)], 0)
    X[:, F["history_trade_share"]] = np.where(known, H.occ[wi, occ0], 0)
    X[:, F["history_category_share"]] = np.where(known, H.cat[wi, np.maximum(P.cat[pi], 0)], 0)
    X[:, F["history_type_share"]] = H.etype[wi, et]
    X[:, F["history_same_employer"]] = _in_sorted((wi << 40) | P.employer_hash[pi], H.employer_keys)
    with np.errstate(invalid="ignore"):
        X[:, F["history_distance_gap"]] = np.log1p(X[:, F["dist_current_km"]]) - H.logd[wi]
        X[:, F["history_wage_gap"]] = np.log(np.maximum(P.wage_hi[pi], 1)) - H.logwage[wi]
    X[:, F["history_cooperation_share"]] = H.coop[wi]
    return X
