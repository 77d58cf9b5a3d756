"""Monthly minimum wages per province (月最低工资标准), kept as cited data in ``data/minimum_wages.json``.

``lowest_monthly("441900")`` → the lowest tier of 广东省: a full-time wage below it is below the minimum
wherever in the province the job is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class MinimumWage:
    province_adcode: str
    province: str
    monthly_tiers: tuple[int, ...]

    @property
    def lowest(self) -> int:
        return min(self.monthly_tiers)


@cache
def _table() -> tuple[dict[str, MinimumWage], dict]:
    raw = json.loads(resources.files("vocab").joinpath("data", "minimum_wages.json").read_text(encoding="utf-8"))
    rows = {r["adcode"][:2]: MinimumWage(r["adcode"], r["name"], tuple(r["monthly_tiers"])) for r in raw["provinces"]}
    return rows, raw["_about"]


def for_place(adcode: str | None) -> MinimumWage | None:
    """The province's minimum wages for any adcode in it, or None (no data: Hong Kong, Macao, Taiwan)."""
    return _table()[0].get(str(adcode or "")[:2])


def lowest_monthly(adcode: str | None) -> int | None:
    row = for_place(adcode)
    return row.lowest if row else None


def source() -> str:
    return _table()[1]["source"]
