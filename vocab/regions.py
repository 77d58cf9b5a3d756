"""China's administrative divisions (province, city, county) with coordinates, from cpca's table.

Used by the site (checking adcodes, naming places), by search (place words in queries) and by the
ranker (distances). Loaded once, lazily, and read-only afterwards.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

PROVINCE, CITY, COUNTY = "province", "city", "county"
# Provincial-level municipalities: their "city" level is a placeholder (市辖区/县) named after the province.
MUNICIPALITIES = {"11", "12", "31", "50"}


@dataclass(frozen=True, slots=True)
class Region:
    adcode: str
    name: str
    level: str
    lat: float
    lng: float

    @property
    def province_code(self) -> str:
        return self.adcode[:2]

    @property
    def province_adcode(self) -> str:
        return self.adcode[:2] + "0000"

    @property
    def city_adcode(self) -> str | None:
        return None if self.level == PROVINCE else self.adcode[:4] + "00"


@dataclass(frozen=True, slots=True)
class _Table:
    by_code: dict[str, Region]
    by_name: dict[str, list[Region]]


@cache
def _table() -> _Table:
    raw = resources.files("cpca.resources").joinpath("adcodes.csv").read_text(encoding="utf-8")
    by_code: dict[str, Region] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        code = row["adcode"][:6]
        if not row["longitude"] or not row["latitude"]:
            continue  # "市辖区" placeholders without a place of their own
        level = PROVINCE if code.endswith("0000") else CITY if code.endswith("00") else COUNTY
        by_code[code] = Region(code, row["name"], level, float(row["latitude"]), float(row["longitude"]))
    # A municipality's city level is named 市辖区/县 in the table; give it the province's name.
    for code, region in list(by_code.items()):
        if region.level == CITY and code[:2] in MUNICIPALITIES:
            province = by_code.get(code[:2] + "0000")
            if province:
                by_code[code] = Region(code, province.name, CITY, region.lat, region.lng)
    by_name: dict[str, list[Region]] = {}
    for region in by_code.values():
        if region.level == CITY and region.adcode[:2] in MUNICIPALITIES:
            continue
        for key in {region.name, short_name(region.name), spoken_name(region.name)}:
            if len(key) >= 2:
                by_name.setdefault(key, []).append(region)
    return _Table(by_code, by_name)


_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "地区", "盟",
    "省", "市", "区", "县", "旗",
)


def short_name(name: str) -> str:
    """The name people say: 广东省 → 广东, 东莞市 → 东莞, 海淀区 → 海淀 (but 东区 stays 东区)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# The peoples an autonomous county, prefecture or banner is named after (松桃苗族自治县: people say 松桃).
_PEOPLES = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔",
    "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯",
    "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "各",
)
_AUTONOMOUS = ("自治县", "自治州", "自治旗")


def spoken_name(name: str) -> str:
    """An autonomous place as people name it: 松桃苗族自治县 → 松桃, 黔东南苗族侗族自治州 → 黔东南."""
    for suffix in _AUTONOMOUS:
        if name.endswith(suffix):
            head = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for people in sorted(_PEOPLES, key=len, reverse=True):
                    for form in (people + "族", people):
                        if head.endswith(form) and len(head) - len(form) >= 2:
                            head, stripped = head[: -len(form)], True
                            break
                    if stripped:
                        break
            return head
    return name


def get(adcode: str | None) -> Region | None:
    if not adcode:
        return None
    return _table().by_code.get(str(adcode).strip())


def is_real(adcode: str | None) -> bool:
    return get(adcode) is not None


def all_regions() -> list[Region]:
    return list(_table().by_code.values())


def lookup_name(name: str) -> list[Region]:
    """Regions whose full or short name is exactly ``name`` (several when names repeat across provinces)."""
    return list(_table().by_name.get(name, ()))


def names() -> list[str]:
    return list(_table().by_name.keys())


def chain(adcode: str) -> list[Region]:
    """Province, city and county of a place, the ones that exist, top first."""
    region = get(adcode)
    if region is None:
        return []
    out = []
    province = get(region.province_adcode)
    if province:
        out.append(province)
    if region.level != PROVINCE:
        city = get(region.city_adcode)
        if city and city.adcode != province_adcode_of(adcode):
            out.append(city)
    if region.level == COUNTY:
        out.append(region)
    return out


def province_adcode_of(adcode: str) -> str:
    return str(adcode)[:2] + "0000"


def full_name(adcode: str | None) -> str:
    """广东省东莞市, 贵州省毕节市七星关区, 北京市海淀区."""
    if not adcode:
        return ""
    parts: list[str] = []
    for region in chain(adcode):
        if not parts or parts[-1] != region.name:
            parts.append(region.name)
    return "".join(parts)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance on a spherical Earth."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def distance_between(a: str | None, b: str | None) -> float | None:
    ra, rb = get(a), get(b)
    if ra is None or rb is None:
        return None
    return distance_km(ra.lat, ra.lng, rb.lat, rb.lng)


def places_named(text: str | None) -> list[Region]:
    """The places a written name can mean: "广东省东莞市", "贵州松桃", "东莞", or a 6-digit adcode.

    The name is read left to right as region names, each inside the one before (贵州 then 松桃); what
    follows the last name that fits (a town, a street) is left out. Several places when the name
    repeats (朝阳区: Beijing's and Changchun's); none when it names no place.
    """
    text = "".join((text or "").split())
    if not text:
        return []
    if text.isdigit():
        region = get(text)
        return [region] if region else []
    by_name = _table().by_name
    longest = _longest_name()
    candidates: list[Region] | None = None
    at = 0
    while at < len(text):
        for size in range(min(longest, len(text) - at), 1, -1):
            found = by_name.get(text[at:at + size])
            if not found:
                continue
            if candidates is not None:
                found = [r for r in found if any(_within(r, c) for c in candidates)]
            if found:
                break
        else:
            break
        # Keep the deepest reading: a county inside the city named before replaces the city.
        candidates = list(dict.fromkeys(found))
        at += size
    return candidates or []


@cache
def _longest_name() -> int:
    return max(len(k) for k in _table().by_name)


def _within(inner: Region, outer: Region) -> bool:
    if inner.adcode == outer.adcode:
        return False
    if outer.level == PROVINCE:
        return inner.adcode[:2] == outer.adcode[:2]
    if outer.level == CITY:
        return inner.level == COUNTY and inner.adcode[:4] == outer.adcode[:4]
    return False
