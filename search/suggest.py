"""What to put in the search box: trades, places and employers for what has been typed so far.

``suggest("dian")`` → 电工, 电焊工, 电子装配工 …; ``suggest("东")`` → 东莞 …; ``suggest("dhg")`` → 电焊工.
Chinese is matched by prefix (traditional characters read as simplified), Latin by pinyin prefix or
initials. Employers' names come from the caller (the site knows which are verified). The index is built
once, from the same vocabulary the query parser reads, and answers from sorted keys (bisect), so a
suggestion costs well under a millisecond.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from vocab import regions, taxonomy

from .spelling import syllables, to_simplified

TRADE, PLACE, EMPLOYER = "trade", "place", "employer"
MAX_ITEMS = 10


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str
    text: str      # what the list shows
    q: str         # what goes into the search box
    rank: int      # lower first


def _normalise(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text or "").strip().lower())


@cache
def _index() -> tuple[list[str], list[_Entry]]:
    """Keys (a word, its pinyin, its initials) sorted, each with the entry it leads to."""
    pairs: list[tuple[str, _Entry]] = []

    def add(word: str, entry: _Entry) -> None:
        key = _normalise(word)
        if not key:
            return
        pairs.append((key, entry))
        sounds = syllables(key)
        if not key.isascii() and all(s.isascii() and s.isalpha() for s in sounds):
            pairs.append(("".join(sounds), entry))
            if len(sounds) >= 2:
                pairs.append(("".join(s[0] for s in sounds), entry))

    for code, words in taxonomy.trade_words().items():
        name = taxonomy.name_of(code)
        for i, word in enumerate(words):
            # Shown as typed when it is a word of its own (电焊工); the trade's name in brackets.
            text = word if word == name else f"{word}（{name}）"
            add(word, _Entry(TRADE, text, word, i))
    for word, codes in taxonomy.shared_trade_words().items():
        add(word, _Entry(TRADE, f"{word}（{'、'.join(taxonomy.name_of(c) for c in codes)}）", word, 5))
    for brand in taxonomy.labour_brands():
        add(brand.name, _Entry(TRADE, brand.name, brand.name, 3))
    for region in regions.all_regions():
        full = regions.full_name(region.adcode)
        spoken = regions.spoken_name(region.name)
        short = regions.short_name(spoken)
        level_rank = {regions.PROVINCE: 10, regions.CITY: 20}.get(region.level, 30)
        entry = _Entry(PLACE, full, short if len(regions.lookup_name(short)) == 1 else full, level_rank)
        for word in {region.name, short, spoken}:
            if len(word) >= 2:
                add(word, entry)
    pairs.sort(key=lambda p: p[0])
    return [k for k, _ in pairs], [e for _, e in pairs]


def suggest(q: str, *, employers: Iterable[str] = (), limit: int = MAX_ITEMS) -> list[dict[str, str]]:
    """Suggestions for a prefix: trades first, then places (provinces, cities, counties), then employers."""
    key = _normalise(q).replace(" ", "")
    if not key:
        return []
    keys, entries = _index()
    found: dict[tuple[str, str], _Entry] = {}
    exact: set[tuple[str, str]] = set()
    start = bisect.bisect_left(keys, key)
    for i in range(start, min(start + 400, len(keys))):
        if not keys[i].startswith(key):
            break
        entry = entries[i]
        ident = (entry.kind, entry.text)
        if keys[i] == key:
            exact.add(ident)
        if ident not in found or entry.rank < found[ident].rank:
            found[ident] = entry
    order = {TRADE: 0, PLACE: 1}
    ranked = sorted(found.values(), key=lambda e: ((e.kind, e.text) not in exact, order[e.kind], e.rank,
                                                   len(e.text), e.text))
    items = [{"kind": e.kind, "text": e.text, "q": e.q} for e in ranked[:limit]]
    for name in employers:
        if len(items) >= limit:
            break
        items.append({"kind": EMPLOYER, "text": name, "q": name})
    return items


def did_you_mean(q: str) -> str | None:
    """For a query that found nothing: the best-known words it starts like, or None."""
    key = _normalise(q).replace(" ", "")
    # What is kept must still say something: two characters, or a Latin run longer than initials.
    while len(key) >= (4 if key.isascii() else 2):
        items = suggest(key, limit=1)
        if items:
            return items[0]["q"]
        key = key[:-1]
    return None
