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
    # Only postings whose text names their trade make queries or count as relevant.
    trades: dict[int, str] = {j["id"]: code for j in open_jobs if (code := true_occupation(j))}
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
        **_forgiving_styles(rng, trades, aliases, open_jobs, city_of),
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

    shared = taxonomy.shared_trade_words()
    judgments: list[Judgment] = []
    seen: set[str] = set()
    for style, make in styles.items():
        candidates = [j for j in open_jobs if j["id"] in trades]
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
            if style == "shared everyday word":  # any trade the word may mean is a right answer
                need = _Need(frozenset(shared[text.split()[-1]]), need.place)
            relevant = {j["id"] for j in open_jobs if _matches(j, need, trades.get(j["id"]))}
            judgments.append(Judgment(text, style, relevant))
            made += 1
    return judgments


# ---------------------------------------------------------------- queries as people type them

FORGIVING_STYLES = ("everyday name", "shared everyday word", "pinyin", "pinyin spaced", "pinyin initials",
                    "traditional", "homophone slip", "place full name", "place pinyin")


def _forgiving_styles(rng: random.Random, trades: dict[int, str], aliases: dict[str, list[str]],
                      open_jobs: list[dict[str, Any]], city_of: Any) -> dict[str, Any]:
    """Query styles of the forgiving kinds, made from the taxonomy and the regions alone.

    Pinyin comes from pypinyin and traditional characters from OpenCC; a homophone slip swaps one character
    of a trade's name for another character read the same way, taken from the market's own text. Spellings
    that are ambiguous by nature (initials shared by two trades, a place's pinyin shared by two places) are
    not asked: nobody could answer them for sure.
    """
    from opencc import OpenCC
    from pypinyin import Style, lazy_pinyin

    to_traditional = OpenCC("s2t")
    everyday = {code: [w for w in words if w not in aliases[code]] for code, words in taxonomy.trade_words().items()}
    shared = taxonomy.shared_trade_words()

    def full(word: str, sep: str = "") -> str:
        return sep.join(lazy_pinyin(word))

    def first_letters(word: str) -> str:
        return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))

    trade_words = [w for words in taxonomy.trade_words().values() for w in words] + list(shared)
    initial_count: dict[str, int] = {}
    for word in set(trade_words):
        initial_count[first_letters(word)] = initial_count.get(first_letters(word), 0) + 1
    place_pinyin: dict[str, set[str]] = {}
    for name in regions.names():
        codes = {r.adcode for r in regions.lookup_name(name)}
        place_pinyin.setdefault(full(name), set()).update(codes)
    # Characters by their reading, from the market's own text: what an input method offers for a syllable.
    by_sound: dict[str, list[str]] = {}
    seen_chars: set[str] = set()
    for job in open_jobs[:20000]:
        for ch in (job.get("title") or "") + (job.get("description") or ""):
            if "\u4e00" <= ch <= "\u9fff" and ch not in seen_chars:
                seen_chars.add(ch)
                by_sound.setdefault(lazy_pinyin(ch)[0], []).append(ch)
    for chars in by_sound.values():
        chars.sort()

    def city_name(job: dict[str, Any]) -> str | None:
        name = _short(city_of(job))
        return name if name and _unambiguous(name) else None

    def everyday_name(job):  # 东莞 烧焊
        code, city = trades[job["id"]], city_name(job)
        if not city or not everyday.get(code):
            return None
        return f"{city} {rng.choice(everyday[code])}", _Need(frozenset({code}), city_of(job))

    def shared_word(job):  # 海淀 保洁 (cleaners and housekeepers)
        code, city = trades[job["id"]], city_name(job)
        words = [w for w, codes in shared.items() if code in codes]
        if not city or not words:
            return None
        return f"{city} {rng.choice(sorted(words))}", _Need(frozenset({code}), city_of(job))

    def pinyin_joined(job):  # dongguandianhangong
        code, city = trades[job["id"]], city_name(job)
        if not city or len(place_pinyin.get(full(city), ())) != 1:
            return None
        return full(city) + full(rng.choice(aliases[code])), _Need(frozenset({code}), city_of(job))

    def pinyin_spaced(job):  # dong guan dian han gong
        code, city = trades[job["id"]], city_name(job)
        if not city or len(place_pinyin.get(full(city), ())) != 1:
            return None
        return f"{full(city, ' ')} {full(rng.choice(aliases[code]), ' ')}", _Need(frozenset({code}), city_of(job))

    def pinyin_initials(job):  # 东莞 dhg
        code, city = trades[job["id"]], city_name(job)
        words = [w for w in aliases[code] if len(w) >= 3 and not w.isascii() and initial_count[first_letters(w)] == 1]
        if not city or not words:
            return None
        return f"{city} {first_letters(rng.choice(words))}", _Need(frozenset({code}), city_of(job))

    def traditional(job):  # 東莞 電焊工
        code, city = trades[job["id"]], city_name(job)
        if not city:
            return None
        text = to_traditional.convert(f"{city} {rng.choice(aliases[code])}")
        return text, _Need(frozenset({code}), city_of(job))

    def homophone(job):  # 东莞 电悍工
        code, city = trades[job["id"]], city_name(job)
        words = [w for w in aliases[code] if len(w) >= 3 and not w.isascii()]
        if not city or not words:
            return None
        word = rng.choice(words)
        at = rng.randrange(len(word))
        others = [c for c in by_sound.get(lazy_pinyin(word[at])[0], []) if c != word[at]]
        if not others:
            return None
        slipped = word[:at] + rng.choice(others) + word[at + 1:]
        if slipped in trade_words:
            return None
        return f"{city} {slipped}", _Need(frozenset({code}), city_of(job))

    def place_full_name(job):  # 北京市海淀区 保洁员 / 广东省 电工
        code = trades[job["id"]]
        region = regions.get(job["adcode"])
        if region is None:
            return None
        place = region if region.level == regions.COUNTY and rng.random() < 0.5 else regions.get(job["adcode"][:2] + "0000")
        if place is None or len(regions.lookup_name(place.name)) != 1:
            return None
        return f"{regions.full_name(place.adcode)} {rng.choice(aliases[code])}", _Need(frozenset({code}), place.adcode)

    def place_pinyin_style(job):  # haidian 保洁员
        code = trades[job["id"]]
        region = regions.get(job["adcode"])
        if region is None:
            return None
        name = regions.short_name(region.name)
        codes = place_pinyin.get(full(name), set())
        if codes != {region.adcode}:
            return None
        return f"{full(name)} {rng.choice(aliases[code])}", _Need(frozenset({code}), region.adcode)

    return dict(zip(FORGIVING_STYLES, (everyday_name, shared_word, pinyin_joined, pinyin_spaced, pinyin_initials,
                                       traditional, homophone, place_full_name, place_pinyin_style), strict=True))
