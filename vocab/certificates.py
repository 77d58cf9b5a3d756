"""Certificates by the names on them, the names people use for them, and vocational skill levels.

``resolve("焊工证（中级）")`` → the welding special-operation certificate at level 4: a worker may type
the everyday name, a posting asks for the official one, and both mean the same certificate.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# 职业技能等级: a lower number is a higher level.
SKILL_LEVELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}
SPECIAL_OPERATION, SPECIAL_EQUIPMENT, LICENCE, SKILL_LEVEL = (
    "special_operation", "special_equipment", "licence", "skill_level")

# Level words as people write them, longest first so 高级技师 is not read as 高级.
_LEVEL_WORDS = (("高级技师", 1), ("一级", 1), ("技师", 2), ("二级", 2), ("高级工", 3), ("高级", 3), ("三级", 3),
                ("中级工", 4), ("中级", 4), ("四级", 4), ("初级工", 5), ("初级", 5), ("五级", 5))
_BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")


@dataclass(frozen=True, slots=True)
class Certificate:
    name: str
    kind: str
    occupations: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def has_levels(self) -> bool:
        return self.kind == SKILL_LEVEL


@dataclass(frozen=True, slots=True)
class Held:
    """What a typed certificate name resolves to: the catalogue's certificate and the level written."""

    certificate: Certificate
    level: int | None


@cache
def catalog() -> tuple[Certificate, ...]:
    raw = json.loads(resources.files("vocab").joinpath("data", "certificates.json").read_text(encoding="utf-8"))
    return tuple(Certificate(name=row["name"], kind=row["kind"], occupations=tuple(row["occupations"]),
                             aliases=tuple(row["aliases"])) for row in raw["certificates"])


def names() -> list[str]:
    return [c.name for c in catalog()]


def get(name: str | None) -> Certificate | None:
    return _by_name().get(_key(name)) if name else None


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).replace("(", "（").replace(")", "）").upper()


@cache
def _by_name() -> dict[str, Certificate]:
    table: dict[str, Certificate] = {}
    for cert in catalog():
        for name in (cert.name, *cert.aliases):
            table.setdefault(_key(name), cert)
    return table


def parse_level(text: str | None) -> int | None:
    """五级/初级 … 一级/高级技师 written anywhere in ``text`` → 5 … 1."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    for word, level in _LEVEL_WORDS:
        if word in text:
            return level
    return None


def resolve(text: str | None) -> Held | None:
    """The catalogue's certificate a typed name stands for, and the level it states, or None."""
    if not text or not text.strip():
        return None
    key = _key(text)
    cert = _by_name().get(key)
    level = None
    if cert is None:
        # "焊工证（中级）", "电工证 高级": the name without what the brackets or a trailing level say.
        stripped = _BRACKETS.sub("", key)
        level = parse_level(text)
        for word, _ in _LEVEL_WORDS:
            if stripped.endswith(word):
                stripped = stripped[: -len(word)]
                break
        cert = _by_name().get(stripped)
        if cert is None:
            return None
    return Held(cert, level if cert.has_levels or level is not None else None)


def canonical(text: str | None) -> str | None:
    """The official name for a typed one ("叉车证" → 特种设备作业人员证（叉车司机）), or None."""
    held = resolve(text)
    return held.certificate.name if held else None


def for_occupation(code: str) -> list[Certificate]:
    return [c for c in catalog() if code in c.occupations]


def satisfies(held_name: str | None, required: str | None) -> bool:
    """Does a certificate the worker holds (any name) meet a required one (any name)?"""
    if not required:
        return True
    a, b = canonical(held_name), canonical(required)
    return a is not None and a == b
