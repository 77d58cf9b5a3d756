"""Reading what a worker types: `东莞 电焊工`, `包吃住 普工 苏州`, `日结 搬运 广州`, `粤黔协作 岗位`, `黔菜师傅`.

Known words become structured conditions: places (the real administrative divisions, full or short names)
become adcode filters, trade words become the trade's code, benefit and job-type words become filters,
cooperation names and labour brands become what they stand for. What is left stays free text for the engine.
Words are found by forward maximum matching over the query, spaces or not (`苏州普工包吃住` works too).
Traditional characters are read as simplified; Latin runs spelled in pinyin (``dianhangong``, ``dhg``) and
runs that only sound like a word (电悍工) are read as the word (``search.spelling``): ``understood`` says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vocab import regions, taxonomy
from vocab.regions import Region

from .settings import occupation_terms, phrase_groups
from .spelling import RANK_PLACE, RANK_WORD, Speller, to_simplified

# Benefit phrases → the benefits (all of them required) they ask for.
BENEFIT_WORDS: dict[str, tuple[str, ...]] = {}
for _words, _benefits in (
    (("包吃住", "包食宿", "包吃包住", "管吃住", "吃住全包", "包吃包宿", "食宿全包"), ("包吃", "包住")),
    (("包吃", "管吃", "包餐", "包三餐", "包伙食", "管饭", "包工作餐"), ("包吃",)),
    (("包住", "管住", "包宿", "提供住宿", "有宿舍", "包住宿"), ("包住",)),
    (("五险一金", "社保", "五险", "交社保", "缴社保", "买社保"), ("五险一金",)),
    (("日结", "当天结", "日薪", "一天一结", "当日结", "日结工", "天天结"), ("日结",)),
    (("交通补贴", "路费补贴", "报销路费", "车费补贴", "交通补助"), ("交通补贴",)),
    (("全勤奖", "全勤"), ("全勤奖",)),
    (("节日福利", "过节费"), ("节日福利",)),
):
    for _word in _words:
        BENEFIT_WORDS[_word] = _benefits

# Job-type words. 长期 is what a worker says when they want steady work: full-time. (Postings put
# "（长期）" in titles of every type, so the word in a title means nothing.)
TYPE_WORDS: dict[str, str] = {
    "长期": "full_time", "长期工": "full_time", "全职": "full_time", "正式工": "full_time",
    "稳定工作": "full_time",
    "临时工": "gig_daily", "零工": "gig_daily", "短工": "gig_daily", "短期工": "gig_daily",
    "小时工": "gig_daily",
    "季节工": "seasonal", "季节性": "seasonal", "农忙": "seasonal",
    "计件": "piece_rate", "计件工": "piece_rate", "计件工资": "piece_rate",
    "派遣": "dispatch", "劳务派遣": "dispatch", "派遣工": "dispatch",
}

# Words that say nothing about which job: dropped from the free text.
STOP_WORDS = frozenset({
    "岗位", "工作", "招聘", "招工", "急招", "诚聘", "高薪", "找工作", "求职", "职位", "附近", "周边", "本地",
    "工人", "人员", "招人", "哪里", "有没有", "需要", "我想", "想找", "找个", "一份", "招聘信息", "工种",
    "协作", "劳务协作", "东西部协作", "劳务", "打工", "上班", "务工", "的工作", "相关",
})
_SINGLE_STOP = frozenset("的有要在我找招去和或及想份个人名")

# Names of employers and brands that contain a place name (吉利 is 洛阳市吉利区, 长安 a district of 西安
# and 石家庄): read whole, as free text, so 吉利汽车 does not become a place filter.
TEXT_WORDS = frozenset({
    "吉利汽车", "长安汽车", "长城汽车", "东风汽车", "一汽", "比亚迪", "富士康", "华为", "宁德时代", "立讯精密",
    "美团", "饿了么", "顺丰", "京东", "中通", "圆通", "韵达", "申通", "海底捞", "三一重工",
})
_SPLIT = re.compile(r"[\s,，、。.;；/|+＋·:：!！?？()（）\[\]【】\"'“”‘’<>《》\-—_~～]+")

PLACE, OCCUPATION, BENEFIT, TYPE, COOPERATION, BRAND, STOP, TEXT = (
    "place", "occupation", "benefit", "type", "cooperation", "brand", "stop", "text")
# Same word, several meanings: the earlier kind wins (黔菜师傅 is a trade alias and a labour brand).
_PRIORITY = (BRAND, COOPERATION, OCCUPATION, BENEFIT, TYPE, TEXT, STOP, PLACE)


@dataclass(frozen=True)
class Term:
    """A recognised word of the query and what it was read as."""
    word: str
    kind: str
    value: Any  # codes (a trade), a Brand, benefits, a place code: by kind


@dataclass
class ParsedQuery:
    raw: str
    text: str = ""                                        # free text left for the engine
    rank_words: list[str] = field(default_factory=list)   # trade words as typed (sent when not filtering)
    places: list[str] = field(default_factory=list)       # adcodes, any of them (OR)
    occupations: list[str] = field(default_factory=list)  # trade codes, any of them
    benefits: list[str] = field(default_factory=list)     # all required
    employment_types: list[str] = field(default_factory=list)
    cooperation: list[str] = field(default_factory=list)
    prefer_provinces: list[str] = field(default_factory=list)  # 2-digit codes ranked first (labour brands)
    # word → adcodes it could also have meant (朝阳: 长春市朝阳区, 朝阳县 when 北京朝阳区/辽宁朝阳市 were taken)
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    # The query as read, when pinyin, traditional characters or a homophone slip were read as words.
    understood: str | None = None

    @property
    def engine_text(self) -> str:
        """What goes to the engine as q.

        Trade words that became a filter are not sent as typed: a multi-word alias (磷化工操作工) can fail to
        match postings of the same trade worded otherwise, and the filter already selects the trade. When
        free words remain, the trade's canonical name goes first: every posting of the trade carries it
        in ``occupation_name``, so it always matches, and the engine's "last" matching strategy then drops
        the free words before it, keeping them a preference rather than a condition.
        Unfiltered trade words (measuring mode) are sent as typed. Words of two different trades are left
        out: the engine would only return postings that match the first.
        """
        trades = {code for term in self.terms if term.kind in (OCCUPATION, BRAND)
                  for code in (term.value if term.kind == OCCUPATION else (term.value.occupation,))}
        if self.occupations:
            words = [taxonomy.name_of(self.occupations[0])] if len(self.occupations) == 1 and self.text else []
        else:
            words = self.rank_words if len(trades) <= 1 else []
        return " ".join([*words, self.text]).strip()

    @property
    def structured(self) -> bool:
        return bool(self.places or self.occupations or self.benefits or self.employment_types
                    or self.cooperation)


def normalize(text: str) -> str:
    """Full-width to half-width, Latin to lower case (CNC = ｃｎｃ), traditional to simplified (電焊工)."""
    return to_simplified(unicodedata.normalize("NFKC", text or "").lower())


@cache
def _vocabulary() -> tuple[dict[str, Term], int]:
    table: dict[str, Term] = {}

    def put(word: str, kind: str, value: Any) -> None:
        word = normalize(word)
        if len(word) < 2:
            return
        current = table.get(word)
        if current is None or _PRIORITY.index(kind) < _PRIORITY.index(current.kind):
            table[word] = Term(word, kind, value)

    for name in regions.names():
        put(name, PLACE, name)
    for word in STOP_WORDS:
        put(word, STOP, None)
    for word in TEXT_WORDS:
        put(word, TEXT, word)
    for word, code in TYPE_WORDS.items():
        put(word, TYPE, code)
    for word, benefits in BENEFIT_WORDS.items():
        put(word, BENEFIT, benefits)
    # Phrase groups of the synonym list that are benefit phrases are covered above; the trade words:
    for code, words in occupation_terms().items():
        for word in words:
            put(word, OCCUPATION, (code,))
    for word, codes in taxonomy.shared_trade_words().items():
        put(word, OCCUPATION, codes)
    for name in taxonomy.cooperation_names():
        put(name, COOPERATION, name)
    for brand in taxonomy.labour_brands():
        put(brand.name, BRAND, brand)
    longest = max(len(w) for w in table)
    return table, longest


@cache
def speller() -> Speller:
    """Pinyin and homophone readings of the vocabulary's words (places by their prominence)."""
    table, _ = _vocabulary()
    # A trade's names rank by their place in the taxonomy, which lists the most used first (电焊工 before
    # 打灰工 for "dhg": the first name of welders, the second of concrete workers).
    order = {normalize(a): i for occ in taxonomy.occupations().values() for i, a in enumerate(occ.by_use)}
    ranks = {w: RANK_PLACE if t.kind == PLACE else order.get(w, RANK_WORD)
             for w, t in table.items() if t.kind in (PLACE, OCCUPATION, BRAND, BENEFIT, TYPE, COOPERATION)}
    prominence = {w: max((_prominence(r) for r in regions.lookup_name(w)), default=0) for w, t in table.items()
                  if t.kind == PLACE}
    meaning = {w: (t.kind, t.value) for w, t in table.items() if t.kind != PLACE}
    return Speller(ranks, prominence, meaning)


def _scan(chunk: str, slips: list[tuple[str, str]] | None = None) -> tuple[list[Term], list[str]]:
    """Forward maximum matching: the longest known word at each position, leftovers collected.

    Where no word starts, a run that sounds exactly like one (电悍工) is read as it, noted in ``slips``.
    """
    table, longest = _vocabulary()
    terms: list[Term] = []
    leftovers: list[str] = []
    pending = ""
    i = 0

    def starts_word(at: int) -> bool:
        return at >= len(chunk) or any(chunk[at:at + n] in table for n in range(2, longest + 1))

    while i < len(chunk):
        for size in range(min(longest, len(chunk) - i), 1, -1):
            term = table.get(chunk[i:i + size])
            if term is not None:
                break
        else:
            term, size = None, 0
        # No word here, or one followed by what no word starts (叉车 + 司鸡): does a longer run sound like one?
        # Two characters sound like too much of ordinary text (五金厂 has 金厂, 进厂): only typed alone.
        shortest = 2 if len(chunk) == 2 else 3
        if slips is not None and not chunk[i].isascii() and not (term and starts_word(i + size)):
            for longer in range(min(longest, len(chunk) - i), max(size, shortest - 1), -1):
                word = speller().homophone(chunk[i:i + longer])
                if word is not None:
                    slips.append((chunk[i:i + longer], word))
                    term, size = table[word], longer
                    break
        if term is not None and term.kind == PLACE and chunk[i + size:i + size + 1] in _TOWN:
            term = None  # 长安镇 is a town of 东莞, not 长安区 of 西安: a town's name stays text
        if term is not None:
            if pending:
                leftovers.append(pending)
                pending = ""
            terms.append(term)
            i += size
        else:
            pending += chunk[i]
            i += 1
    if pending:
        leftovers.append(pending)
    return terms, leftovers


# "附近", "周边", "10公里以内": jobs near the person who asks (the site knows where they are).
_NEAR = re.compile(r"(\d{1,3})\s*(?:公里|千米|km)\s*(?:以内|之内|内|范围内)?|附近|周边|周围")
NEAR_KM = 30.0


def near_km(text: str | None) -> float | None:
    """The distance a query asks for: "附近" → 30 km, "5公里内" → 5; None when it asks for none."""
    m = _NEAR.search(unicodedata.normalize("NFKC", text or ""))
    if m is None:
        return None
    return float(m.group(1)) if m.group(1) else NEAR_KM


# What follows a town's or village's name: the name before it is not the district of the same name.
_TOWN = frozenset("镇乡村")

_LATIN_RUN = re.compile(r"[a-z]+(?:\s+[a-z]+)*")


def _read_pinyin(text: str) -> str:
    """Latin runs that spell vocabulary words in pinyin become the words (dian han gong → 电焊工)."""
    def one(match: re.Match[str]) -> str:
        run = match.group(0)
        tokens = run.split()
        spelled = speller().latin("".join(tokens))
        if spelled is not None:
            return " " + " ".join(spelled.words) + " "
        if len(tokens) > 1:
            parts = []
            for token in tokens:
                single = speller().latin(token)
                parts.append(" ".join(single.words) if single else token)
            return " " + " ".join(parts) + " "
        return run

    return _LATIN_RUN.sub(one, text)


def _within(inner: Region, outer: Region) -> bool:
    if inner.adcode == outer.adcode:
        return False
    if outer.level == regions.PROVINCE:
        return inner.adcode[:2] == outer.adcode[:2]
    if outer.level == regions.CITY:
        return inner.level == regions.COUNTY and inner.adcode[:4] == outer.adcode[:4]
    return False


def _prominence(region: Region) -> int:
    """How likely a bare name means this place: provinces, then cities and municipal districts (北京朝阳区)."""
    if region.level == regions.PROVINCE:
        return 3
    if region.level == regions.CITY or region.adcode[:2] in regions.MUNICIPALITIES:
        return 2
    return 1


def _outermost(found: list[Region]) -> list[Region]:
    """Drop places inside other places of the list (吉林省 covers 吉林市)."""
    unique = list({r.adcode: r for r in found}.values())
    return [r for r in unique if not any(_within(r, other) for other in unique)]


def _resolve_places(words: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Place words → adcodes to filter on (any of them), and the readings that were set aside."""
    candidates = {word: _outermost(regions.lookup_name(word)) for word in dict.fromkeys(words)}
    candidates = {w: c for w, c in candidates.items() if c}
    context: set[str] = set()
    # A place named with its province or city (北京 朝阳, 辽宁 朝阳, 广东 东莞): keep the readings inside
    # it, and the wider word only served to say which one.
    for word, found in candidates.items():
        for other, containers in candidates.items():
            if other == word:
                continue
            inside = [r for r in found if any(_within(r, c) for c in containers)]
            if inside:
                candidates[word] = inside
                context.add(other)
    alternatives: dict[str, list[str]] = {}
    chosen: list[Region] = []
    for word, found in candidates.items():
        if word in context:
            continue
        if len(found) > 1:
            top = max(_prominence(r) for r in found)
            kept = [r for r in found if _prominence(r) == top]
            dropped = [r.adcode for r in found if _prominence(r) != top]
            if dropped:
                alternatives[word] = dropped
            found = kept
        chosen.extend(found)
    return [r.adcode for r in _outermost(chosen)], alternatives


def parse_query(text: str | None, *, occupation_filter: bool = True) -> ParsedQuery:
    """Read a worker's query. ``occupation_filter=False`` leaves trade words as text only (for measuring)."""
    parsed = ParsedQuery(raw=text or "")
    place_words: list[str] = []
    leftovers: list[str] = []
    typed = unicodedata.normalize("NFKC", text or "").lower()
    read = _read_pinyin(_NEAR.sub(" ", normalize(text or "")))
    slips: list[tuple[str, str]] = []
    for chunk in _SPLIT.split(read):
        if not chunk:
            continue
        terms, rest = _scan(chunk, slips)
        parsed.terms.extend(terms)
        leftovers.extend(rest)
        leftovers.extend(t.word for t in terms if t.kind == TEXT)
    for term in parsed.terms:
        if term.kind == PLACE:
            place_words.append(term.word)
        elif term.kind == OCCUPATION:
            if occupation_filter:
                for code in term.value:
                    _add(parsed.occupations, code)
            _add(parsed.rank_words, term.word)
        elif term.kind == BRAND:
            brand = term.value
            if occupation_filter:
                _add(parsed.occupations, brand.occupation)
            _add(parsed.rank_words, term.word)
            _add(parsed.prefer_provinces, brand.province)
        elif term.kind == BENEFIT:
            for benefit in term.value:
                _add(parsed.benefits, benefit)
        elif term.kind == TYPE:
            _add(parsed.employment_types, term.value)
        elif term.kind == COOPERATION:
            _add(parsed.cooperation, term.value)
    parsed.places, parsed.alternatives = _resolve_places(place_words)
    words = [w for w in leftovers if w not in STOP_WORDS and not (len(w) == 1 and w in _SINGLE_STOP)]
    parsed.text = " ".join(words)
    for slip, word in slips:
        read = read.replace(slip, word, 1)
    read = " ".join(read.split())
    if read != " ".join(typed.split()):
        parsed.understood = read
    return parsed


def _add(items: list, value) -> None:
    if value not in items:
        items.append(value)


def known_phrases() -> list[str]:
    """Every multi-word phrase the parser knows (for documentation and tests)."""
    return sorted({w for g in phrase_groups() for w in g} | set(BENEFIT_WORDS) | set(TYPE_WORDS))
