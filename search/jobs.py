"""Searching open jobs: a JobQuery in, a Page with the exact total, the hits and the facet counts out.

Filters are built from validated values only (adcodes are six digits, trades and job types come from fixed
lists, numbers are numbers) and every string that reaches a filter is quoted and escaped, so nothing a user
types can change a filter's meaning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vocab import regions, taxonomy
from vocab.terms import EMPLOYMENT_TYPES

from .client import SearchEngine
from .documents import FIELDS, day_number
from .query import ParsedQuery, parse_query
from .settings import FACETS

MAX_LIMIT = 100
MAX_QUERY_CHARS = 200  # the engine reads only the first 10 words anyway
SORTS = ("relevance", "newest", "wage", "distance")
# What a results list needs; the description and the reconciliation stamp stay in the index.
HIT_FIELDS = tuple(f for f in FIELDS if f not in ("description", "version", "occupation_declared"))
_ADCODE = re.compile(r"^\d{6}$")


class InvalidQuery(ValueError):
    """A query parameter that cannot be searched with; ``field`` names it (for a 422 answer)."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass
class JobQuery:
    q: str = ""
    open_on: dt.date | str | None = None
    province: str | Sequence[str] | None = None
    city: str | Sequence[str] | None = None
    county: str | Sequence[str] | None = None
    occupation: str | Sequence[str] | None = None
    employment_type: str | Sequence[str] | None = None
    wage_min: int | float | None = None          # yuan a month, against the posting's monthly upper wage
    benefits: Sequence[str] = ()                  # all required
    cooperation: str | None = None
    employer_id: int | str | None = None
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    facets: bool = True
    status: str | None = "open"                   # None: any status
    verified_only: bool = True                    # only postings of verified employers
    parse: bool = True                            # read places, trades, benefits out of q
    occupation_filter: bool = True                # parsed trade words filter (else they only rank)


@dataclass
class Page:
    total: int
    hits: list[dict[str, Any]]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    parsed: ParsedQuery | None = None
    relaxed: bool = False     # nothing matched the free words: these match the recognised words alone
    processing_ms: int = 0    # the engine's own time, summed over the requests made


# -- filters -----------------------------------------------------------------------------------------------

def quote(value: Any) -> str:
    """A string literal for a Meilisearch filter: quoted, with backslashes and quotes escaped."""
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str | int | float):
        return [value]
    return [v for v in value if v is not None and v != ""]


def _adcodes(name: str, value: Any) -> list[str]:
    codes = [str(v).strip() for v in _as_list(value)]
    for code in codes:
        if not _ADCODE.match(code):
            raise InvalidQuery(name, "地区代码应为6位数字")
    return codes


def _any_of(attribute: str, values: Sequence[Any]) -> str:
    if len(values) == 1:
        return f"{attribute} = {quote(values[0])}"
    return f"{attribute} IN [{', '.join(quote(v) for v in values)}]"


def place_clause(adcodes: Sequence[str]) -> str | None:
    """Any of these places, each matched at its own level (province, city or county)."""
    parts = []
    for code in adcodes:
        if code.endswith("0000"):
            parts.append(f"province_adcode = {quote(code)}")
        elif code.endswith("00"):
            parts.append(f"city_adcode = {quote(code)}")
        else:
            parts.append(f"county_adcode = {quote(code)}")
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _number(name: str, value: Any, *, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidQuery(name, "应为数字") from None
    if not (low <= number <= high):
        raise InvalidQuery(name, f"应在 {low:g} 到 {high:g} 之间")
    return number


def build_filters(query: JobQuery, parsed: ParsedQuery | None) -> list[str]:
    """The filter clauses (ANDed) for a query and what was read from its text."""
    clauses: list[str] = []
    if query.status is not None:
        clauses.append(f"status = {quote(query.status)}")
    if query.verified_only:
        clauses.append("employer_verified = true")
    if query.open_on is not None:
        try:
            day = day_number(query.open_on)
        except ValueError:
            raise InvalidQuery("open_on", "日期格式应为 YYYY-MM-DD") from None
        # Open on a day: posted_at <= day < closes_at.
        clauses.append(f"posted_day <= {day} AND closes_day > {day}")

    provinces = _adcodes("province", query.province)
    cities = _adcodes("city", query.city)
    counties = _adcodes("county", query.county)
    if provinces:
        clauses.append(_any_of("province_adcode", provinces))
    if cities:
        clauses.append(_any_of("city_adcode", cities))
    if counties:
        clauses.append(_any_of("county_adcode", counties))
    if parsed and parsed.places and not (provinces or cities or counties):
        around = place_clause(parsed.places)
        if around:
            clauses.append(around)

    occupations = [str(v) for v in _as_list(query.occupation)]
    for code in occupations:
        if taxonomy.get(code) is None:
            raise InvalidQuery("occupation", "没有这个工种")
    if not occupations and parsed:
        occupations = parsed.occupations
    if occupations:
        clauses.append(_any_of("occupation", occupations))

    types = [str(v) for v in _as_list(query.employment_type)]
    for value in types:
        if value not in EMPLOYMENT_TYPES:
            raise InvalidQuery("employment_type", "没有这种用工类型")
    if not types and parsed:
        types = parsed.employment_types
    if types:
        clauses.append(_any_of("employment_type", types))

    benefits = [str(v) for v in _as_list(query.benefits)]
    for value in benefits:
        if len(value) > 20:
            raise InvalidQuery("benefits", "福利名称过长")
    if parsed:
        benefits += [b for b in parsed.benefits if b not in benefits]
    for value in benefits:
        clauses.append(f"benefits = {quote(value)}")

    cooperation = _as_list(query.cooperation) or (parsed.cooperation if parsed else [])
    if cooperation:
        clauses.append(_any_of("cooperation", [str(v) for v in cooperation]))
    if query.employer_id is not None and query.employer_id != "":
        clauses.append(f"employer_id = {quote(query.employer_id)}")

    if query.wage_min is not None and query.wage_min != "":
        wage = _number("wage_min", query.wage_min, low=0, high=10_000_000)
        clauses.append(f"wage_monthly_max >= {wage:g}")

    if query.radius_km is not None and query.radius_km != "":
        lat, lng = _point(query)
        radius = _number("radius_km", query.radius_km, low=0.001, high=5000)
        clauses.append(f"_geoRadius({lat:.6f}, {lng:.6f}, {round(radius * 1000)})")
    return clauses


def _point(query: JobQuery) -> tuple[float, float]:
    if query.lat is None or query.lng is None or query.lat == "" or query.lng == "":
        raise InvalidQuery("lat", "按距离查找需要位置（lat 和 lng）")
    return (_number("lat", query.lat, low=-90, high=90), _number("lng", query.lng, low=-180, high=180))


# -- paging ------------------------------------------------------------------------------------------------

def page_window(offset: int, limit: int) -> tuple[int, int, int]:
    """(page, hitsPerPage, skip) covering hits [offset, offset+limit) with one page-mode request.

    Page mode is what makes Meilisearch count exhaustively (``totalHits``); offset/limit mode only
    estimates. An offset that is a multiple of the limit is the common case and maps exactly.
    """
    if limit == 0:
        return 1, 0, 0
    for size in range(limit, max(4 * limit, limit + 100) + 1):
        if offset // size == (offset + limit - 1) // size:
            page = offset // size + 1
            return page, size, offset - (page - 1) * size
    return 1, offset + limit, offset  # covers it, but is not worth fetching (see _page_is_cheap)


@dataclass
class _Slice:
    """Hits [offset, offset+limit) of one filtered search, its exact total and (optionally) its facets."""
    queries: list[dict[str, Any]]
    skip: int
    limit: int

    def decode(self, results: list[dict[str, Any]]) -> tuple[list[dict], int, dict, int]:
        first = results[0]
        counted = results[-1]  # the page-mode query: exhaustive totalHits and the facets
        hits = first["hits"][self.skip:self.skip + self.limit]
        ms = sum(r.get("processingTimeMs", 0) for r in results)
        return hits, counted["totalHits"], counted.get("facetDistribution") or {}, ms


def _page_is_cheap(size: int, limit: int) -> bool:
    """Whether fetching a page of ``size`` hits to return ``limit`` of them is worth saving a query."""
    return size <= max(4 * limit, limit + 100)


def _slice(base: dict[str, Any], filters: list[str], offset: int, limit: int, *, facets: bool) -> _Slice:
    body = {key: value for key, value in base.items() if key != "facets"}
    body["filter"] = filters
    counting = dict(body, page=1, hitsPerPage=0)
    if facets and base.get("facets"):
        counting["facets"] = base["facets"]
    if limit == 0:
        return _Slice([counting], 0, 0)
    page, size, skip = page_window(offset, limit)
    if _page_is_cheap(size, limit):
        # One page-mode request gives the hits and the exact count together.
        return _Slice([dict(counting, page=page, hitsPerPage=size)], skip, limit)
    # An awkward window far out (offset 999,999, limit 7): the hits by offset, the count separately.
    return _Slice([dict(body, offset=offset, limit=limit), counting], 0, limit)


def _fetch(engine: SearchEngine, slices: list[_Slice]) -> list[tuple[list[dict], int, dict, int]]:
    """Run slices in one round trip and decode each."""
    queries = [q for piece in slices for q in piece.queries]
    results = [engine.search(queries[0])] if len(queries) == 1 else engine.multi_search(queries)
    out, at = [], 0
    for piece in slices:
        out.append(piece.decode(results[at:at + len(piece.queries)]))
        at += len(piece.queries)
    return out


def _add_facets(total: dict[str, dict[str, int]], more: dict[str, dict[str, int]] | None) -> None:
    for name, values in (more or {}).items():
        bucket = total.setdefault(name, {})
        for value, count in values.items():
            bucket[value] = bucket.get(value, 0) + count


# -- search ------------------------------------------------------------------------------------------------

def search_jobs(engine: SearchEngine, query: JobQuery) -> Page:
    """Search the live index. Raises InvalidQuery for bad parameters, SearchUnavailable when the engine
    does not answer in time (the caller falls back)."""
    if query.sort not in SORTS:
        raise InvalidQuery("sort", "排序方式应为 relevance、newest、wage 或 distance")
    try:
        limit, offset = int(query.limit), int(query.offset)
    except (TypeError, ValueError):
        raise InvalidQuery("limit", "limit 和 offset 应为整数") from None
    if not 0 <= limit <= MAX_LIMIT:
        raise InvalidQuery("limit", f"每页最多 {MAX_LIMIT} 条")
    if offset < 0:
        raise InvalidQuery("offset", "offset 不能为负")

    if len(query.q or "") > MAX_QUERY_CHARS:
        raise InvalidQuery("q", f"搜索词最多 {MAX_QUERY_CHARS} 个字")
    parsed = parse_query(query.q, occupation_filter=query.occupation_filter) if query.parse else None
    text = parsed.engine_text if parsed else (query.q or "").strip()
    filters = build_filters(query, parsed)

    base: dict[str, Any] = {
        "attributesToRetrieve": list(HIT_FIELDS),
        "locales": ["cmn"],
        "matchingStrategy": "last",
    }
    if query.facets:
        base["facets"] = list(FACETS)

    page = _run(engine, base, text, filters, parsed, query, offset, limit)
    if page.total == 0 and parsed and parsed.text and parsed.structured:
        # Free words nothing matched (夜班, a misspelt name): answer with the recognised words alone.
        page = _run(engine, base, parsed.engine_text.removesuffix(parsed.text).strip(), filters, parsed, query,
                    offset, limit)
        page.relaxed = True
    page.parsed = parsed
    if query.lat is not None and query.lng is not None:
        lat, lng = _point(query)
        for hit in page.hits:
            _distance(hit, lat, lng)
    return page


def _sort(query: JobQuery, *, has_text: bool) -> list[str] | None:
    if query.sort == "newest":
        return ["posted_day:desc"]
    if query.sort == "wage":
        return ["wage_monthly_max:desc", "posted_day:desc"]
    if query.sort == "distance":
        lat, lng = _point(query)
        return [f"_geoPoint({lat:.6f}, {lng:.6f}):asc"]
    # Relevance with nothing to rank by (a browse, or a query that was all filters): newest first.
    return None if has_text else ["posted_day:desc"]


def _run(engine: SearchEngine, base: dict[str, Any], text: str, filters: list[str],
         parsed: ParsedQuery | None, query: JobQuery, offset: int, limit: int) -> Page:
    base = {**base, "q": text}
    sort = _sort(query, has_text=bool(text))
    if sort:
        base["sort"] = sort
    preferred = parsed.prefer_provinces if parsed and query.sort == "relevance" else []
    if not preferred:
        [(hits, total, only_facets, ms)] = _fetch(engine, [_slice(base, filters, offset, limit, facets=True)])
        return Page(total=total, hits=hits, facets=only_facets, processing_ms=ms)

    # A preference (黔菜师傅: Guizhou first) as two tiers that partition the matches: the preferred
    # provinces, then the rest. Each tier's count is exact, so the total and the paging stay exact, and
    # the facet counts of the two tiers add up.
    inside = _any_of("province_adcode", [p + "0000" for p in preferred])
    first_filters = [*filters, inside]
    rest_filters = [*filters, f"NOT ({inside})"]
    (hits, first_total, first_facets, ms), (_, rest_total, rest_facets, rest_ms) = _fetch(engine, [
        _slice(base, first_filters, offset, limit, facets=True),
        _slice(base, rest_filters, 0, 0, facets=True),
    ])
    facets: dict[str, dict[str, int]] = {}
    _add_facets(facets, first_facets)
    _add_facets(facets, rest_facets)
    ms += rest_ms
    if len(hits) < limit and rest_total:
        rest_offset = max(0, offset - first_total)
        [(more, _, _, more_ms)] = _fetch(engine, [_slice(base, rest_filters, rest_offset, limit - len(hits),
                                                         facets=False)])
        hits += more
        ms += more_ms
    return Page(total=first_total + rest_total, hits=hits, facets=facets, processing_ms=ms)


def _distance(hit: dict[str, Any], lat: float, lng: float) -> None:
    meters = hit.pop("_geoDistance", None)
    if meters is not None:
        hit["distance_km"] = round(meters / 1000, 1)
    elif hit.get("_geo"):
        hit["distance_km"] = round(regions.distance_km(lat, lng, hit["_geo"]["lat"], hit["_geo"]["lng"]), 1)
