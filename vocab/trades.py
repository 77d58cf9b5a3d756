"""Which trade a posting is about: one resolver for the site, search and the ranker."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from vocab import taxonomy

_EXPERIENCE = re.compile(r"(\d{1,2})\s*年以上(.{1,12}?)(?:相关)?(?:工作)?经验")


@cache
def _alias_table() -> tuple[dict[str, str], int]:
    table = {alias: occ.code for occ in taxonomy.occupations().values() for alias in occ.aliases}
    return table, max(len(a) for a in table)


def trades_in(text: str | None) -> list[str]:
    """Trades named in ``text``, reading each word once at its longest: 服装车工 is sewing, not also 装车工
    (porter) and 车工 (CNC); 电子厂普工 is electronics assembly, not also 普工."""
    if not text:
        return []
    table, longest = _alias_table()
    found: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            code = table.get(text[i:i + size])
            if code is not None:
                if code not in found:
                    found.append(code)
                i += size
                break
        else:
            i += 1
    return found


def parse_experience(text: str | None) -> tuple[int, str | None] | None:
    """"3年以上焊工相关经验优先" → (3, "welder"); the trade is None when it is not in the taxonomy."""
    if not text:
        return None
    m = _EXPERIENCE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    codes = taxonomy.occupations_in(m.group(2))
    return int(m.group(1)), (codes[0] if codes else None)


@cache
def _title_trades(title: str) -> tuple[str, ...]:
    return tuple(trades_in(title))


def resolve_occupation(declared: str | None, title: str | None, description: str | None) -> str | None:
    """The trade a posting is about.

    Employers leave the field empty or pick the wrong trade, and the title is what the worker reads: a
    trade named in the title wins over a declared trade it contradicts (the declared one stands when the
    title names it too); then the trade the text asks experience in; then the declared trade; the rest of
    the description is the last resort.
    """
    declared = declared if taxonomy.get(declared) else None
    in_title = _title_trades(title) if title else ()
    if declared and declared in in_title:
        return declared
    if in_title:
        return in_title[0]
    experience = parse_experience(description)
    if experience and experience[1]:
        return experience[1]
    if declared:
        return declared
    in_text = trades_in(description)
    return in_text[0] if in_text else None
