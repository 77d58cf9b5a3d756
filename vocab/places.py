"""Places as people write them: "广东东莞", "东莞市长安镇", "贵州 松桃", "441900", resolved to one region of
cpca's table, or to the candidates when a name fits several places (朝阳区: 北京 or 长春), so a form can ask.

Also the tree a province → city → county picker walks (``children``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from vocab import regions
from vocab.regions import CITY, COUNTY, MUNICIPALITIES, PROVINCE, Region

# Below a county: a town, township, street or village ends the place part of what was typed (东莞市长安镇
# is 东莞; 长安镇 is not 长安区).
_BELOW_COUNTY = ("镇", "乡", "街道", "村", "社区", "开发区", "工业区", "园区")
_SEPARATORS = re.compile(r"[\s,，、/·\-—]+")
_ADCODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a typed place stands for: exactly one ``region``, or several ``candidates`` (ambiguous), or
    neither (not a place the table knows)."""

    text: str
    region: Region | None = None
    candidates: tuple[Region, ...] = field(default=())

    @property
    def ambiguous(self) -> bool:
        return self.region is None and len(self.candidates) > 1

    @property
    def found(self) -> bool:
        return self.region is not None


@cache
def _longest_name() -> int:
    return max(len(n) for n in regions.names())


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _segments(text: str) -> list[list[Region]]:
    """The region names in ``text``, longest first from the left, each with the regions of that name."""
    out: list[list[Region]] = []
    for chunk in _SEPARATORS.split(text):
        i = 0
        while i < len(chunk):
            hit = None
            for length in range(min(_longest_name(), len(chunk) - i), 1, -1):
                word = chunk[i:i + length]
                found = regions.lookup_name(word)
                if found:
                    rest = chunk[i + length:]
                    if any(rest.startswith(s) for s in _BELOW_COUNTY) and not word.endswith(("市", "区", "县")):
                        continue  # 长安镇: a town named like a district elsewhere
                    hit = (length, found)
                    break
            if hit is None:
                if any(chunk[i:].startswith(s) for s in _BELOW_COUNTY) or _town_ahead(chunk[i:]):
                    break  # the rest is a town or street inside the place already read
                i += 1
                continue
            out.append(hit[1])
            i += hit[0]
    return out


_TOWN = re.compile(r"^\w{1,5}?(镇|乡|街道)")


def _town_ahead(rest: str) -> bool:
    """"长安镇…": a short name and a town word, where no region name starts."""
    return _TOWN.match(rest) is not None


def contains(outer: Region, inner: Region) -> bool:
    """Is ``inner`` ``outer`` itself or inside it?"""
    if outer.level == PROVINCE:
        return inner.adcode[:2] == outer.adcode[:2]
    if outer.level == CITY:
        return inner.adcode[:4] == outer.adcode[:4] and inner.level != PROVINCE
    return inner.adcode == outer.adcode


def _outermost(found: list[Region]) -> list[Region]:
    """吉林 alone is the province, not the city inside it."""
    return [r for r in found if not any(o is not r and contains(o, r) and o.adcode != r.adcode for o in found)]


def _order(found: list[Region]) -> tuple[Region, ...]:
    return tuple(sorted({r.adcode: r for r in found}.values(), key=lambda r: r.adcode))


def resolve(text: str | None) -> Resolution:
    """One region for a typed place, or the candidates when it fits several, or nothing."""
    raw = _normalise(text or "")
    if not raw:
        return Resolution(raw)
    if _ADCODE.match(raw):
        region = regions.get(raw)
        return Resolution(raw, region, (region,) if region else ())
    segments: list[list[Region]] = []
    for found in _segments(raw):
        # 吉林吉林: the second name is the city inside the province the first one named.
        said = {r.adcode for seg in segments for r in seg}
        fresh = [r for r in found if r.adcode not in said]
        segments.append(_outermost(fresh or found))
    if not segments:
        return Resolution(raw)
    pool = [r for seg in segments for r in seg]
    # A region that every name typed agrees with (each names it or a place around it), the deepest such.
    fitting = [r for r in pool if all(any(contains(o, r) for o in seg) for seg in segments)]
    deepest = [r for r in fitting if not any(o.adcode != r.adcode and contains(r, o) for o in fitting)]
    candidates = _order(deepest)
    if len(candidates) == 1:
        return Resolution(raw, candidates[0], candidates)
    if not candidates:
        # Names that do not fit together (广东 松桃): the last one said, if it alone is clear.
        last = _order(segments[-1])
        return Resolution(raw, last[0] if len(last) == 1 else None, last)
    return Resolution(raw, None, candidates)


def children(adcode: str | None) -> list[Region]:
    """The next level of the picker: provinces; a province's cities (a municipality's districts, and the
    counties a province governs directly, such as 仙桃); a city's counties."""
    table = regions.all_regions()
    if not adcode:
        return sorted((r for r in table if r.level == PROVINCE), key=lambda r: r.adcode)
    parent = regions.get(adcode)
    if parent is None or parent.level == COUNTY:
        return []
    if parent.level == PROVINCE:
        code = parent.adcode[:2]
        if code in MUNICIPALITIES:
            found = [r for r in table if r.level == COUNTY and r.adcode[:2] == code]
        else:
            found = [r for r in table if r.adcode[:2] == code and (
                r.level == CITY or (r.level == COUNTY and regions.get(r.adcode[:4] + "00") is None))]
        return sorted(found, key=lambda r: r.adcode)
    if parent.adcode[:2] in MUNICIPALITIES:
        return []
    return sorted((r for r in table if r.level == COUNTY and r.adcode[:4] == parent.adcode[:4]),
                  key=lambda r: r.adcode)


def steps(adcode: str | None) -> tuple[str | None, str | None, str | None]:
    """The picker's three selects for a place: (province, city, county) adcodes, as ``children`` nests them."""
    region = regions.get(adcode)
    if region is None:
        return None, None, None
    province = region.province_adcode
    if region.level == PROVINCE:
        return province, None, None
    if region.level == CITY:
        return province, region.adcode, None
    parents = {r.adcode for r in children(province)}
    if region.adcode in parents:  # a municipality's district, or 仙桃
        return province, region.adcode, None
    return province, region.city_adcode, region.adcode


def label(region: Region) -> str:
    """A candidate named so it can be told apart: 北京市朝阳区, 吉林省长春市朝阳区."""
    return regions.full_name(region.adcode)
