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
