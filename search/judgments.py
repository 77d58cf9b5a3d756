"""A relevance judgment set built at run time from a market in the market-v1 format.

Queries are written the way workers type them (`东莞 电焊工`, `包吃住 普工 苏州`, `日结 搬运 广州`,
`粤黔协作 岗位`, `黔菜师傅`), each from a posting open on the judgment day so it has an answer. A posting is
relevant to a query when it truly matches: the same trade under any alias (the trade the posting's own text
says it recruits for, whatever the employer declared), in the named place, with the named benefits and job
type, in the named cooperation, and open on the day. Nothing here is stored in the repository: the market
lives outside it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vocab import regions, taxonomy

from .settings import occupation_terms

_RECRUITS = re.compile(r"招聘(.+?)\d+名")


@dataclass
class Judgment:
    query: str
    style: str
    relevant: set[int] = field(default_factory=set)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def posting_id(external_id: str) -> int:
    """Platform ids for a market file: J000123 → 124 (stable, never 0)."""
    return int(re.sub(r"\D", "", external_id) or 0) + 1


def load_postings(data_dir: str | Path) -> list[dict[str, Any]]:
    """The market's jobs as posting mappings for ``job_document`` (employer name and verification joined)."""
    data = Path(data_dir)
    employers = {e["external_id"]: e for e in read_jsonl(data / "employers.jsonl.gz")}
    out = []
    for job in read_jsonl(data / "jobs.jsonl.gz"):
        employer = employers.get(job.get("employer"), {})
        out.append({
            **job,
            "id": posting_id(job["external_id"]),
            "employer_id": employer.get("external_id"),
            "employer_name": employer.get("name"),
            "employer_verified": bool(employer.get("verified", False)),
            "status": "open",
        })
    return out


def true_occupation(job: dict[str, Any]) -> str | None:
    """The trade the posting recruits for, as its own text says (现招聘<alias>N名), not the declared field."""
    match = _RECRUITS.search(job.get("description") or "")
    if match:
        for occupation in taxonomy.occupations().values():
            if match.group(1) in occupation.aliases:
                return occupation.code
    return None


def is_open(job: dict[str, Any], day: dt.date) -> bool:
    return job["posted_at"] <= day.isoformat() < (job.get("closes_at") or "9999-12-31")


@dataclass(frozen=True)
class _Need:
    occupations: frozenset[str] = frozenset()
    place: str | None = None          # adcode of a province, city or county
    benefits: frozenset[str] = frozenset()
    employment_type: str | None = None
    cooperation: str | None = None


def _in_place(adcode: str, place: str) -> bool:
    if place.endswith("0000"):
        return adcode[:2] == place[:2]
    if place.endswith("00"):
        return adcode[:4] == place[:4]
    return adcode == place


def _matches(job: dict[str, Any], need: _Need, trade: str | None) -> bool:
    if need.occupations and trade not in need.occupations:
        return False
    if need.place and not _in_place(str(job.get("adcode") or ""), need.place):
        return False
    if need.benefits and not need.benefits <= set(job.get("benefits") or ()):
        return False
    if need.employment_type and job.get("employment_type") != need.employment_type:
        return False
    return not (need.cooperation and job.get("cooperation") != need.cooperation)


def _short(adcode: str) -> str:
    region = regions.get(adcode)
    return regions.short_name(region.name) if region else ""


def _unambiguous(name: str) -> bool:
    return len(regions.lookup_name(name)) == 1


def build_judgments(
    postings: list[dict[str, Any]],
    *,
    day: dt.date,
    per_style: int = 12,
    seed: int = 20260415,
) -> list[Judgment]:
    """Queries in ten styles, ``per_style`` of each, with every relevant posting id of each."""
    rng = random.Random(seed)
    open_jobs = [j for j in postings if is_open(j, day) and j.get("employer_verified", True)]
    trades = {j["id"]: true_occupation(j) for j in open_jobs}
    aliases = {code: list(occ.aliases) for code, occ in taxonomy.occupations().items()}
    colloquial = {code: [w for w in words if w not in aliases[code]] for code, words in occupation_terms().items()}

    def city_of(job):
        return job["adcode"][:4] + "00"

    def pick_alias(code: str) -> str:
        return rng.choice(aliases[code])

    styles: dict[str, Any] = {}

    def city_trade(job):  # 东莞 电焊工
        city = city_of(job)
        name = _short(city)
        if not name or not _unambiguous(name):
            return None
        return f"{name} {pick_alias(trades[job['id']])}", _Need(frozenset({trades[job["id"]]}), city)

    def board_trade_city(job):  # 包吃住 普工 苏州
        if not {"包吃", "包住"} <= set(job["benefits"]):
            return None
        city = city_of(job)
        name = _short(city)
        if not name or not _unambiguous(name):
            return None
        return (f"包吃住 {pick_alias(trades[job['id']])} {name}",
                _Need(frozenset({trades[job["id"]]}), city, frozenset({"包吃", "包住"})))

    def daily_colloquial_city(job):  # 日结 搬运 广州
        code = trades[job["id"]]
        if "日结" not in job["benefits"] or not colloquial.get(code):
            return None
        city = city_of(job)
        name = _short(city)
        if not name or not _unambiguous(name):
            return None
        return (f"日结 {rng.choice(colloquial[code])} {name}",
                _Need(frozenset({code}), city, frozenset({"日结"})))

    def cooperation(job):  # 粤黔协作 岗位
        if not job.get("cooperation"):
            return None
        return f"{job['cooperation']} 岗位", _Need(cooperation=job["cooperation"])

    def county_trade(job):  # 海淀 保洁员
        region = regions.get(job["adcode"])
        if region is None or region.level != regions.COUNTY:
            return None
        name = regions.short_name(region.name)
        if not _unambiguous(name) or not _unambiguous(region.name):
            return None
        return f"{name} {pick_alias(trades[job['id']])}", _Need(frozenset({trades[job["id"]]}), job["adcode"])

    def province_trade_longterm(job):  # 贵州 厨师 长期
        if job["employment_type"] != "full_time":
            return None
        province = job["adcode"][:2] + "0000"
        name = _short(province)
        if not name or not _unambiguous(name):
            return None
        return (f"{name} {pick_alias(trades[job['id']])} 长期",
                _Need(frozenset({trades[job["id"]]}), province, employment_type="full_time"))

    def city_trade_insurance(job):  # 深圳 电工 五险一金
        if "五险一金" not in job["benefits"]:
            return None
        city = city_of(job)
        name = _short(city)
        if not name or not _unambiguous(name):
            return None
        return (f"{name} {pick_alias(trades[job['id']])} 五险一金",
                _Need(frozenset({trades[job["id"]]}), city, frozenset({"五险一金"})))

    def spaceless(job):  # 苏州普工包吃 (typed without spaces)
        city = city_of(job)
        name = _short(city)
        if not name or not _unambiguous(name):
            return None
        wanted = [b for b in ("包吃", "包住", "五险一金", "日结") if b in job["benefits"]]
        benefit = rng.choice(wanted) if wanted else ""
        return (f"{name}{pick_alias(trades[job['id']])}{benefit}",
                _Need(frozenset({trades[job["id"]]}), city, frozenset({benefit} if benefit else ())))

    def trade_only(job):  # 氩弧焊工 (anywhere)
        return pick_alias(trades[job["id"]]), _Need(frozenset({trades[job["id"]]}))

    brands = taxonomy.labour_brands()

    def labour_brand(job):  # 黔菜师傅
        own = [b for b in brands if b.occupation == trades[job["id"]]]
        if not own:
            return None
        brand = rng.choice(own)
        return brand.name, _Need(frozenset({brand.occupation}))

    styles = {
        "city+trade": city_trade,
        "board+trade+city": board_trade_city,
        "daily+colloquial+city": daily_colloquial_city,
        "cooperation": cooperation,
        "county+trade": county_trade,
        "province+trade+longterm": province_trade_longterm,
        "city+trade+insurance": city_trade_insurance,
        "labour brand": labour_brand,
        "no spaces": spaceless,
        "trade only": trade_only,
    }

    judgments: list[Judgment] = []
    seen: set[str] = set()
    for style, make in styles.items():
        candidates = [j for j in open_jobs if trades[j["id"]]]
        rng.shuffle(candidates)
        made = 0
        for job in candidates:
            if made >= per_style:
                break
            built = make(job)
            if built is None:
                continue
            text, need = built
            if text in seen:
                continue
            seen.add(text)
            relevant = {j["id"] for j in open_jobs if _matches(j, need, trades[j["id"]])}
            judgments.append(Judgment(text, style, relevant))
            made += 1
    return judgments
