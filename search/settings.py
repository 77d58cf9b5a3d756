"""The job index's settings, each chosen for this market (see the comments), and the synonyms they carry.

Synonyms come from the occupation taxonomy (every surface form of a trade, and what people call it every
day, is the same trade: ``vocab/data``) plus the phrase groups in ``synonyms_extra.json``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from vocab import taxonomy

# 100,000 postings in market-v1, a few times that in a real province-wide market. Meilisearch stops counting
# (and paging) at maxTotalHits, 1,000 by default: the API promises an exact total and every hit pageable.
MAX_TOTAL_HITS = 1_000_000

# Facet counts are asked for these attributes only. Cities are the largest of them (about 340 prefecture-
# level divisions); counties (about 2,900) are filterable but never faceted, so no cap silently cuts them.
FACETS = ("province_adcode", "city_adcode", "occupation", "employment_type", "benefits", "cooperation")
MAX_VALUES_PER_FACET = 400

SEARCHABLE = (
    "title",            # what the employer calls the job: the strongest signal
    "occupation_name",  # the canonical trade (焊工), reached from any alias through the synonyms
    "place_names",      # 广东省 广东 东莞市 东莞 ...: place words the parser did not turn into a filter
    "cooperation",      # 粤黔协作
    "benefits",         # 包吃 包住 五险一金
    "description",      # free text; also names the employer and the address, so it ranks below the above
    "employer_name",    # company names carry unrelated trade words (某某家政服务有限公司), so last
)

EQUALITY_FILTERS = (
    "id", "adcode", "province_adcode", "city_adcode", "county_adcode", "occupation", "employment_type",
    "benefits", "cooperation", "employer_id", "employer_verified", "status", "wage_unit",
)
RANGE_FILTERS = ("wage_monthly_max", "wage_monthly_min", "posted_day", "closes_day", "headcount")
SORTABLE = ("posted_day", "wage_monthly_max", "_geo")

RANKING_RULES = (
    "words",
    # Right after "words": a worker who asks for the best pay or the newest jobs gets that order among the
    # jobs that match all their words, not only among ties of proximity and attribute.
    "sort",
    "typo",
    "proximity",
    "attribute",
    "exactness",
    "posted_day:desc",  # last tie-breaker: the fresher posting
)


def _load_extra() -> dict[str, Any]:
    return json.loads(resources.files("search").joinpath("synonyms_extra.json").read_text(encoding="utf-8"))


def occupation_terms() -> dict[str, tuple[str, ...]]:
    """Every word that names each trade (the taxonomy's name, aliases and everyday names)."""
    return taxonomy.trade_words()


@cache
def phrase_groups() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group) for group in _load_extra()["synonyms"])


@cache
def synonyms() -> dict[str, list[str]]:
    """Meilisearch synonyms: each trade's words are all equivalent (氩弧焊工 finds 电焊工 and 焊工 postings).

    The groups are made fully mutual rather than alias → canonical only, because synonyms are not applied
    transitively: 氩弧焊工 → 焊工 alone would miss a posting whose only trade word is 电焊工.
    Labour brands point one way to their trade's name (贵州绣娘 → 刺绣工; 刺绣工 does not mean 贵州绣娘).
    """
    out: dict[str, set[str]] = {}

    def group(words: tuple[str, ...]) -> None:
        for word in words:
            out.setdefault(word, set()).update(w for w in words if w != word)

    for words in occupation_terms().values():
        group(words)
    for word, codes in taxonomy.shared_trade_words().items():  # one way: 保洁 finds every trade it may mean
        out.setdefault(word, set()).update(taxonomy.name_of(code) for code in codes)
    for words in phrase_groups():
        group(words)
    for brand in taxonomy.labour_brands():
        occupation = taxonomy.get(brand.occupation)
        if occupation and brand.name != occupation.name:
            out.setdefault(brand.name, set()).add(occupation.name)
    return {word: sorted(others) for word, others in sorted(out.items()) if others}


@cache
def vocabulary() -> list[str]:
    """The trade, benefit, brand and cooperation words of this market (Chinese ones)."""
    words = {w for terms in occupation_terms().values() for w in terms}
    words.update(taxonomy.shared_trade_words())
    words.update(w for group in phrase_groups() for w in group)
    words.update(b.name for b in taxonomy.labour_brands())
    words.update(taxonomy.cooperation_names())
    return sorted(w for w in words if len(w) >= 2 and not w.isascii())


def index_settings() -> dict[str, Any]:
    """The whole settings object for the job index (PATCH /indexes/{uid}/settings)."""
    return {
        "searchableAttributes": list(SEARCHABLE),
        # Everything is displayable; search_jobs asks for the list fields only (jobs.HIT_FIELDS), and the
        # reconciliation reads id + version through the documents route.
        "displayedAttributes": ["*"],
        "filterableAttributes": [
            {"attributePatterns": list(EQUALITY_FILTERS),
             "features": {"facetSearch": False, "filter": {"equality": True, "comparison": False}}},
            {"attributePatterns": list(RANGE_FILTERS),
             "features": {"facetSearch": False, "filter": {"equality": True, "comparison": True}}},
            # _geo takes no feature object: the geo filters only work when it is listed by name.
            "_geo",
        ],
        "sortableAttributes": list(SORTABLE),
        "rankingRules": list(RANKING_RULES),
        "synonyms": synonyms(),
        # No custom dictionary: keeping 货车司机 whole for the segmenter would stop a query for the generic
        # 司机 (or 学徒, 师傅) from finding it. Trade words the parser knows become filters anyway.
        "dictionary": [],
        "stopWords": [],
        # Every text field is Chinese; declaring it stops the language detector from taking a short
        # all-Han title for Japanese and segmenting it differently from the query.
        "localizedAttributes": [{"attributePatterns": ["*"], "locales": ["cmn"]}],
        "typoTolerance": {
            "enabled": True,
            # In Chinese a one-character change is another word (电工/电焊). Segmented Chinese words are
            # mostly 2–4 characters, under oneTypo; the longer words of the vocabulary are listed in
            # disableOnWords, and the vocabulary fields take no typos at all. Long Latin words (a typed
            # company name) still get them. Numbers (wages, headcounts) never do.
            "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
            "disableOnWords": [w for w in vocabulary() if len(w) >= 5],
            "disableOnNumbers": True,
            "disableOnAttributes": ["occupation_name", "place_names", "cooperation", "benefits"],
        },
        "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
        "faceting": {"maxValuesPerFacet": MAX_VALUES_PER_FACET, "sortFacetValuesBy": {"*": "count"}},
        # Facet search (typing into a facet's values) is not offered by the site: skip its index.
        "facetSearch": False,
        # A search that runs longer is cut and answers with what it has; far above the normal few ms.
        "searchCutoffMs": 1000,
        "distinctAttribute": None,
    }


def plain_settings() -> dict[str, Any]:
    """The baseline of the relevance benchmark: Meilisearch's defaults plus only what the date filter needs."""
    return {"filterableAttributes": ["posted_day", "closes_day"]}
