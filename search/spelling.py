"""How people type when the input method fails them: pinyin, traditional characters, homophone slips.

Meilisearch has no pinyin (its tokenizer dropped it: romanising every indexed character matched unrelated
homophones), so this works on the query side and on a closed vocabulary only, the words of trades, places,
benefits and brands the parser knows. A query written with those words exactly is never rewritten.

- ``Speller.latin(run)``: a Latin run → the vocabulary words it spells in full pinyin, with or without
  spaces (``dianhangong``, ``dian han gong``, ``dongguandianhangong``), or as initials of one word (``dhg``).
- ``Speller.homophone(text)``: a run of characters that is no word of the vocabulary but sounds exactly like
  one of the same length, differing in one or two characters (电悍工 → 电焊工, 包洁员 → 保洁员).
- ``to_simplified(text)``: traditional characters to simplified (OpenCC), mixed text too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product
from typing import Any, cast

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin, pinyin

_LATIN = re.compile(r"^[a-z]+$")
# Ranks of the vocabulary's words when one spelling fits several (lower first): a trade's own names in
# the taxonomy's order (most used first), then the other words of trades, benefits and brands, then places.
RANK_WORD, RANK_PLACE = 100, 1000


@cache
def _converter() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text


@lru_cache(maxsize=100_000)
def syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin, one syllable per character (重庆 → chong qing; Latin letters pass through)."""
    return tuple(lazy_pinyin(word, errors=cast(Any, list)))


def readings(word: str, *, most: int = 8) -> list[tuple[str, ...]]:
    """Every toneless reading of a word whose characters have several (朝阳: zhao yang, chao yang)."""
    options = [list(dict.fromkeys(options)) for options in
               pinyin(word, style=Style.NORMAL, heteronym=True, errors=cast(Any, lambda chars: [[c] for c in chars]))]
    out = [syllables(word)]
    for combo in product(*options):
        if len(out) >= most:
            break
        if combo not in out:
            out.append(tuple(combo))
    return out


@dataclass(frozen=True)
class Spelled:
    """A reading of typed text as vocabulary words."""

    words: tuple[str, ...]
    how: str  # "pinyin" | "initials" | "homophone"


class Speller:
    """Pinyin and homophone tables over one vocabulary.

    ``words`` maps each word to its rank (``RANK_WORD``, ``RANK_PLACE``, lower for a trade's names). Where a
    spelling fits several words, words that mean the same (``meaning``: 点焊工 and 电焊工 are both welders)
    are one answer; otherwise the ranks and ``prominence`` (a place's size) decide, and a tie that remains
    means the spelling says nothing for sure: it is left as typed.
    """

    def __init__(self, words: Mapping[str, int], prominence: Mapping[str, int] | None = None,
                 meaning: Mapping[str, object] | None = None):
        self.words = dict(words)
        self.prominence = dict(prominence or {})
        self.meaning = dict(meaning or {})
        self.full: dict[str, set[str]] = {}
        self.initial: dict[str, set[str]] = {}
        self.sound: dict[tuple[str, ...], set[str]] = {}
        for word in self.words:
            if _LATIN.match(word) or len(word) < 2:
                continue
            for sounds in readings(word):
                if not all(_LATIN.match(s) for s in sounds):
                    break
                self.full.setdefault("".join(sounds), set()).add(word)
                self.sound.setdefault(sounds, set()).add(word)
                self.initial.setdefault("".join(s[0] for s in sounds), set()).add(word)
        self._longest = max((len(k) for k in self.full), default=0)

    def _pick(self, candidates: set[str]) -> str | None:
        """One word out of several spelled alike: trades before places, then the more prominent place."""
        if len(candidates) == 1:
            return next(iter(candidates))
        if len({self.meaning.get(w, w) for w in candidates}) == 1:
            return min(candidates, key=lambda w: (self.words[w], len(w), w))
        best = min(self.words[w] for w in candidates)
        kept = [w for w in candidates if self.words[w] == best]
        if len(kept) > 1:
            top = max(self.prominence.get(w, 0) for w in kept)
            kept = [w for w in kept if self.prominence.get(w, 0) == top]
        return kept[0] if len(kept) == 1 else None

    def latin(self, run: str) -> Spelled | None:
        """A run of Latin letters (spaces already removed) read as vocabulary words, or None."""
        if not run or not _LATIN.match(run) or run in self.words:
            return None
        words = self._segment(run)
        if words:
            return Spelled(words, "pinyin")
        if 3 <= len(run) <= 6 and run in self.initial:
            word = self._pick(self.initial[run])
            if word is not None and len(word) == len(run):
                return Spelled((word,), "initials")
        return None

    def _segment(self, run: str) -> tuple[str, ...] | None:
        """Split a run into full-pinyin spellings of vocabulary words, fewest pieces first."""
        best: list[tuple[int, tuple[str, ...]] | None] = [None] * (len(run) + 1)
        best[0] = (0, ())
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - self._longest), end):
                here = best[start]
                if here is None:
                    continue
                candidates = self.full.get(run[start:end])
                if not candidates:
                    continue
                word = self._pick(candidates)
                if word is None or len(syllables(word)) < 2:
                    continue
                pieces = here[0] + 1
                there = best[end]
                if there is None or pieces < there[0]:
                    best[end] = (pieces, here[1] + (word,))
        found = best[len(run)]
        return found[1] if found else None

    def homophone(self, text: str) -> str | None:
        """A word of the vocabulary that ``text`` (not itself a word) sounds exactly like, or None."""
        if len(text) < 2 or text in self.words:
            return None
        candidates = self.sound.get(syllables(text))
        if not candidates:
            return None
        by_slips: dict[int, set[str]] = {}
        for word in candidates:
            if len(word) != len(text):
                continue
            differ = sum(1 for a, b in zip(word, text, strict=True) if a != b)
            # One slip in a two-character word, at most two in a longer one: and something typed right.
            if 1 <= differ <= (1 if len(word) == 2 else 2) and differ < len(word):
                by_slips.setdefault(differ, set()).add(word)
        return self._pick(by_slips[min(by_slips)]) if by_slips else None

