"""Input checked at the edge, before it reaches the database or the search engine: integers in range,
JSON values of their declared type, dates in a plausible span, JSON nesting and ids bounded.

Every check names the field in Chinese; ``errors`` (a ``FieldErrors``) collects them so a form shows all
its mistakes at once, or, without it, the first one raises ``Invalid`` at once.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

from market.errors import FieldErrors, Invalid

# Ids are INTEGER columns (32-bit on PostgreSQL): anything larger names no row.
MAX_ID = 2**31 - 1
# Money, counts: what an INTEGER column holds on every database.
MAX_INT = 2**31 - 1
MAX_JSON_DEPTH = 32
MIN_YEAR, MAX_YEAR = 1900, 2100

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number past ``MAX_ID`` matches no route (404), never a 500."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _fail(errors: FieldErrors | None, field: str, message: str) -> None:
    if errors is None:
        raise Invalid({field: message})
    errors.add(field, message)


def json_depth(raw: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (strings skipped), without parsing it."""
    brackets = _STRING.sub(b'""', raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_json_body(raw: bytes) -> None:
    if raw and json_depth(raw) > MAX_JSON_DEPTH:
        raise Invalid({"body": f"请求内容嵌套太深（最多 {MAX_JSON_DEPTH} 层）"})
    if b"\\u0000" in raw:  # a NUL no database column can hold (PostgreSQL refuses it)
        raise Invalid({"body": "请求内容含有空字符（\\u0000），无法保存"})


NUL_MESSAGE = "含有空字符，无法识别"


def check_no_nul(fields: Any) -> None:
    """Query or form fields (a MultiDict) with a NUL in a name or value: a 422 naming each, before any of
    it reaches a database (PostgreSQL refuses NUL in text) or the engine."""
    bad = {key: f"{key}{NUL_MESSAGE}" for key, values in fields.lists()
           if "\x00" in key or any("\x00" in v for v in values)}
    if bad:
        raise Invalid(bad)


def boolean(value: Any, field: str, label: str, *, errors: FieldErrors | None = None) -> bool | None:
    """A JSON true or false; a string such as "false" is refused rather than read as true."""
    if isinstance(value, bool):
        return value
    _fail(errors, field, f"{label}（{field}）应为 true 或 false")
    return None


def form_flag(value: Any) -> bool:
    """A checkbox on a page: present and not "0"/"false"/"off" means ticked."""
    return str(value or "").strip().lower() not in ("", "0", "false", "off", "no")


def integer(value: Any, field: str, label: str, *, low: int = 0, high: int = MAX_INT,
            errors: FieldErrors | None = None) -> int | None:
    """A whole number (JSON number or digits in text) between ``low`` and ``high``."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d{1,18}", text):
            number = int(text)
    if number is None:
        _fail(errors, field, f"{label}（{field}）应为整数")
        return None
    if not low <= number <= high:
        _fail(errors, field, f"{label}（{field}）应在 {low} 到 {high} 之间")
        return None
    return number


def identifier(value: Any, field: str, label: str, *, errors: FieldErrors | None = None) -> int | None:
    return integer(value, field, label, low=1, high=MAX_ID, errors=errors)


def query_int(args: Any, field: str, label: str, *, default: int, low: int = 0, high: int = MAX_INT,
              errors: FieldErrors | None = None) -> int:
    """A whole number from the query string, or ``default`` when absent."""
    raw = (args.get(field) or "").strip()
    if not raw:
        return default
    number = integer(raw, field, label, low=low, high=high, errors=errors)
    return default if number is None else number


def _in_span(day: date, field: str, label: str, errors: FieldErrors | None) -> bool:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        _fail(errors, field, f"{label}（{field}）应在 {MIN_YEAR} 年到 {MAX_YEAR} 年之间")
        return False
    return True


def day(value: Any, field: str, label: str, *, errors: FieldErrors | None = None) -> date | None:
    """A date written 2026-06-01, within the years people and postings actually have."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value if _in_span(value, field, label, errors) else None
    try:
        parsed = date.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        _fail(errors, field, f"{label}（{field}）应为日期，如 2026-06-01")
        return None
    return parsed if _in_span(parsed, field, label, errors) else None


def moment(value: Any, field: str, label: str, *, errors: FieldErrors | None = None) -> datetime | None:
    """A date and time written 2026-06-03T09:30, within the same span of years."""
    try:
        parsed = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        _fail(errors, field, f"{label}（{field}）应为日期时间，如 2026-06-03T09:30")
        return None
    return parsed if _in_span(parsed.date(), field, label, errors) else None


def text(value: Any, field: str, label: str, *, max_length: int, errors: FieldErrors | None = None) -> str | None:
    """A JSON string (or nothing); a number, list or object in its place is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        _fail(errors, field, f"{label}（{field}）应为文字")
        return None
    if len(value) > max_length:
        _fail(errors, field, f"{label}（{field}）最多 {max_length} 个字")
        return None
    return value


_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None. Browsers drop tabs and newlines from a URL and
    read a backslash as a slash, so ``/\\t/evil.example`` would leave the site: those are read first."""
    if not target:
        return None
    cleaned = _URL_NOISE.sub("", target).replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned
