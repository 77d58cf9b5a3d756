"""The occupation taxonomy, East–West cooperation pairings and labour brands: the project's own data.

The JSON files under ``vocab/data`` are maintained in the repository; search builds its synonyms from
the aliases, the site validates occupation codes against them, the ranker reads titles through them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str
    name: str
    category: str
    aliases: tuple[str, ...]
    special_certificate: str | None
    skills: tuple[str, ...]
    # The names as the data lists them, most used first (电焊工 before 焊工), the official name last if unlisted.
    by_use: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CooperationPair:
    east_province: str
    west_province: str
    name: str


@dataclass(frozen=True, slots=True)
class LabourBrand:
    name: str
    occupation: str
    province: str
    home_adcode: str | None = None  # the brand's home region (a province, city or county)


def _load(name: str) -> list[dict]:
    return json.loads(resources.files("vocab").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def occupations() -> dict[str, Occupation]:
    out = {}
    for row in _load("occupations.json"):
        out[row["code"]] = Occupation(
            code=row["code"],
            name=row["name"],
            category=row["category"],
            aliases=tuple(dict.fromkeys([row["name"], *row.get("aliases", [])])),
            special_certificate=row.get("special_certificate"),
            skills=tuple(row.get("skills", [])),
            by_use=tuple(dict.fromkeys([*row.get("aliases", []), row["name"]])),
        )
    return out


def get(code: str | None) -> Occupation | None:
    return occupations().get(code) if code else None


def name_of(code: str | None) -> str:
    occupation = get(code)
    return occupation.name if occupation else ""


@cache
def _aliases_longest_first() -> list[tuple[str, str]]:
    pairs = [(alias, occ.code) for occ in occupations().values() for alias in occ.aliases]
    return sorted(pairs, key=lambda p: -len(p[0]))


def occupations_in(text: str | None) -> list[str]:
    """Occupation codes whose name or alias appears in ``text``, longest alias first, each once."""
    if not text:
        return []
    found: list[str] = []
    for alias, code in _aliases_longest_first():
        if alias in text and code not in found:
            found.append(code)
    return found


def guess_occupation(title: str | None, description: str | None = None) -> str | None:
    """The occupation a posting is about, read from its title first, then its text."""
    for text in (title, description):
        codes = occupations_in(text)
        if codes:
            return codes[0]
    return None


def certificates() -> list[str]:
    """Certificates the law requires for some work (special-operation, special-equipment, licences)."""
    return sorted({o.special_certificate for o in occupations().values() if o.special_certificate})


@cache
def cooperation_pairs() -> list[CooperationPair]:
    return [CooperationPair(**row) for row in _load("cooperation_pairs.json")]


def cooperation_names() -> list[str]:
    return [p.name for p in cooperation_pairs()]


def pairs_for_west(province_code: str) -> list[CooperationPair]:
    return [p for p in cooperation_pairs() if p.west_province == province_code]


@cache
def labour_brands() -> list[LabourBrand]:
    return [LabourBrand(**row) for row in _load("labour_brands.json")]


@cache
def _everyday() -> dict:
    return json.loads(resources.files("vocab").joinpath("data", "everyday_names.json").read_text(encoding="utf-8"))


@cache
def trade_words() -> dict[str, tuple[str, ...]]:
    """Every word that names each trade: its name, its aliases, then what people call it every day."""
    everyday = _everyday()["trades"]
    unknown = set(everyday) - set(occupations())
    if unknown:
        raise ValueError(f"everyday_names.json names unknown occupations: {sorted(unknown)}")
    return {code: tuple(dict.fromkeys([occ.name, *occ.aliases, *everyday.get(code, ())]))
            for code, occ in occupations().items()}


@cache
def shared_trade_words() -> dict[str, tuple[str, ...]]:
    """Words that mean any of several trades (保洁: cleaners and 钟点工 housekeepers alike)."""
    shared = {word: tuple(codes) for word, codes in _everyday()["shared"].items()}
    unknown = {c for codes in shared.values() for c in codes} - set(occupations())
    if unknown:
        raise ValueError(f"everyday_names.json shares unknown occupations: {sorted(unknown)}")
    return shared
