"""Reading what a posting says only in its free text: its age limit (its trade and required experience:
``vocab.trades``)."""

from __future__ import annotations

import re
import unicodedata

_RANGE = re.compile(r"(\d{2})\s*(?:周岁|岁)?\s*(?:-|~|－|—|–|至|到)\s*(\d{2})\s*(?:周岁|岁)")
_RANGE_AFTER_AGE = re.compile(r"年龄[^0-9。；;，,]{0,6}(\d{2})\s*(?:周岁|岁)?\s*(?:-|~|－|—|–|至|到)\s*(\d{2})")
_UPPER = re.compile(r"(?:年龄)?[^0-9]{0,4}?(\d{2})\s*(?:周岁|岁)\s*(?:以下|以内|之内|及以下)")
_UPPER_PREFIX = re.compile(r"年龄(?:不超过|不大于|不高于|小于|低于|在)\s*(\d{2})\s*(?:周岁|岁)")
_LOWER = re.compile(r"(?:年满|年龄)?[^0-9]{0,2}?(\d{2})\s*(?:周岁|岁)\s*(?:以上|及以上)")
_LOWER_PREFIX = re.compile(r"年满\s*(\d{2})\s*(?:周岁|岁)")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def parse_age_limit(text: str | None) -> tuple[int | None, int | None] | None:
    """The age range a posting states in its own text, e.g. "年龄18-45周岁" → (18, 45).

    An open side is None ("45周岁以下" → (None, 45), "年满18周岁" → (18, None)); no stated limit → None.
    """
    if not text:
        return None
    text = _normalise(text)
    for pattern in (_RANGE_AFTER_AGE, _RANGE):
        m = pattern.search(text)
        if m:
            first, last = int(m.group(1)), int(m.group(2))
            if 14 <= first < last <= 80:
                return first, last
    low: int | None = None
    high: int | None = None
    m = _UPPER_PREFIX.search(text) or _UPPER.search(text)
    if m and 16 <= int(m.group(1)) <= 80:
        high = int(m.group(1))
    m = _LOWER_PREFIX.search(text) or _LOWER.search(text)
    if m and 14 <= int(m.group(1)) <= 60:
        low = int(m.group(1))
    if low is None and high is None:
        return None
    if low is not None and high is not None and low >= high:
        return None
    return low, high


def age_on(birth_date, day) -> int:
    """Whole years of age on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def outside_age_limit(limit: tuple[int | None, int | None] | None, age: int | None) -> bool:
    if limit is None or age is None:
        return False
    low, high = limit
    return (low is not None and age < low) or (high is not None and age > high)


def format_age_limit(limit: tuple[int | None, int | None]) -> str:
    low, high = limit
    if low is not None and high is not None:
        return f"{low}-{high}周岁"
    if high is not None:
        return f"{high}周岁以下"
    return f"{low}周岁以上"
