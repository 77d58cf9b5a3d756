"""The index document of a job posting: what search filters, ranks and shows; never anyone's personal data.

``job_document`` takes a posting as a plain mapping or any object with the same attribute names (a
dataclass, a SQLModel row) and adds the derived fields search needs: the place chain and its names, the
trade read from the title when the employer's choice is missing or contradicts it, monthly wages, and dates
as day numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from vocab import regions, taxonomy
from vocab.terms import monthly
from vocab.trades import resolve_occupation

EPOCH = dt.date(1970, 1, 1)
# closes_day of a posting without a closing date: open for as long as anyone will search.
OPEN_ENDED_DAY = 1_000_000

# Posting fields copied as they are (when present).
_COPIED = (
    "external_id", "title", "employer_name", "employer_id", "address", "wage_min", "wage_max", "wage_unit",
    "employment_type", "headcount", "cert_required", "skill_level_required", "cooperation",
    # The terms viewers ask about: how pay comes, rooms for couples, shifts and hours, meals, an age limit.
    "pay_cycle", "couple_rooms", "shift_pattern", "hours_per_day", "work_hours", "meals", "age_min", "age_max",
)
# The employer's accepted, still open wage complaints: carried in every posting's document so a list of
# postings shows it without counting anything per request.

# Every field a document can have, for readers of this module and for the API's serialiser.
FIELDS = (
    "id", "external_id", "title", "description", "employer_name", "employer_id", "employer_verified",
    "occupation", "occupation_declared", "occupation_name", "adcode", "province_adcode", "city_adcode",
    "county_adcode", "place_name", "place_names", "address", "_geo", "wage_min", "wage_max", "wage_unit",
    "wage_monthly_min", "wage_monthly_max", "employment_type", "headcount", "benefits", "cert_required",
    "skill_level_required", "cooperation", "posted_at", "closes_at", "posted_day", "closes_day", "status",
    "version", "employer_open_complaints", "pay_cycle", "couple_rooms", "shift_pattern", "hours_per_day",
    "work_hours", "meals", "age_min", "age_max",
)


def _get(posting: Any, name: str, default: Any = None) -> Any:
    if isinstance(posting, Mapping):
        value = posting.get(name, default)
    else:
        value = getattr(posting, name, default)
    return default if value is None else value


def to_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def day_number(value: Any) -> int | None:
    """Days since 1970-01-01 (what the open-on filter compares)."""
    day = to_date(value)
    return None if day is None else (day - EPOCH).days


@cache
def _cities_with_counties() -> frozenset[str]:
    return frozenset(r.adcode[:4] for r in regions.all_regions() if r.level == regions.COUNTY)


def place_fields(adcode: Any) -> dict[str, Any]:
    """province/city/county adcodes and the place's names (full and short) at every level."""
    code = str(adcode or "").strip()
    out: dict[str, Any] = {"adcode": code or None, "province_adcode": None, "city_adcode": None,
                           "county_adcode": None, "place_name": "", "place_names": []}
    if len(code) != 6 or not code.isdigit():
        return out
    region = regions.get(code)
    out["province_adcode"] = code[:2] + "0000"
    if code.endswith("0000"):
        level = regions.PROVINCE
    elif code.endswith("00"):
        level = regions.CITY
    else:
        level = regions.COUNTY
    if level != regions.PROVINCE:
        out["city_adcode"] = code[:4] + "00"
    # The finest place there is: a county, or a prefecture city without counties (东莞 441900).
    if level == regions.COUNTY or (level == regions.CITY and code[:4] not in _cities_with_counties()):
        out["county_adcode"] = code
    if region is not None:
        names: list[str] = []
        for part in regions.chain(code):
            names += [part.name, regions.short_name(part.name)]
        out["place_names"] = list(dict.fromkeys(names))
        out["place_name"] = regions.full_name(code)
    return out


def fingerprint(document: Mapping[str, Any]) -> str:
    """A stable hash of a document's content (without its version), for reconciliation."""
    body = {k: v for k, v in document.items() if k != "version"}
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def job_document(posting: Any) -> dict[str, Any]:
    """The index document for one posting (see FIELDS).

    ``version``: the posting's own ``version`` or ``updated_at`` when it has one, else a hash of the
    content; reconciliation compares it with what the database says.
    """
    doc_id = _get(posting, "id")
    if doc_id is None:
        raise ValueError("a posting needs its platform id")
    doc: dict[str, Any] = {"id": int(doc_id)}
    for name in _COPIED:
        doc[name] = _get(posting, name)
    doc["title"] = doc["title"] or ""
    doc["description"] = _get(posting, "description", "")
    doc["employer_verified"] = bool(_get(posting, "employer_verified", False))
    doc["employer_open_complaints"] = int(_get(posting, "employer_open_complaints", 0) or 0)

    declared = _get(posting, "occupation")
    occupation = resolve_occupation(declared, doc["title"], doc["description"])
    doc["occupation"] = occupation
    doc["occupation_declared"] = declared
    doc["occupation_name"] = taxonomy.name_of(occupation)

    doc.update(place_fields(_get(posting, "adcode")))
    lat, lng = _get(posting, "lat"), _get(posting, "lng")
    if lat is not None and lng is not None:
        doc["_geo"] = {"lat": float(lat), "lng": float(lng)}

    unit = doc["wage_unit"]
    doc["wage_monthly_min"] = monthly(doc["wage_min"], unit)
    doc["wage_monthly_max"] = monthly(doc["wage_max"], unit)
    doc["benefits"] = list(dict.fromkeys(_get(posting, "benefits", []) or []))

    posted, closes = to_date(_get(posting, "posted_at")), to_date(_get(posting, "closes_at"))
    doc["posted_at"] = posted.isoformat() if posted else None
    doc["closes_at"] = closes.isoformat() if closes else None
    doc["posted_day"] = day_number(posted) if posted else 0
    doc["closes_day"] = day_number(closes) if closes else OPEN_ENDED_DAY
    status = _get(posting, "status", "open")
    doc["status"] = str(getattr(status, "value", status))  # an Enum member or a plain string

    stamp = _get(posting, "version", None)
    if stamp is None:
        stamp = _get(posting, "updated_at", None)
    if isinstance(stamp, dt.date | dt.datetime):
        stamp = stamp.isoformat()
    doc["version"] = str(stamp) if stamp is not None else fingerprint(doc)
    return doc
