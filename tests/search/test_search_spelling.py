"""Queries as people type them: everyday names, pinyin, traditional characters, homophone slips; and the
near-misses that must stay as typed."""

import pytest

from search.query import parse_query
from search.spelling import Speller, to_simplified


def read(q: str):
    p = parse_query(q)
    return p.occupations, p.places, p.text


@pytest.mark.parametrize(("query", "trades"), [
    ("烧焊", ["welder"]), ("开叉车的", ["forklift"]), ("做饭的", ["cook"]), ("带娃", ["nanny"]),
    ("进厂打工", ["factory_worker"]), ("扛包", ["porter"]), ("照顾老人", ["elder_carer"]), ("跑外卖", ["rider"]),
    ("打杂", ["site_labourer", "factory_worker", "waiter"]), ("保洁", ["cleaner", "housekeeper"]),
])
def test_everyday_names_of_trades_are_the_trades(query, trades):
    assert read(query)[0] == trades


def test_every_trade_has_everyday_names_and_none_collides_with_another_trades_alias():
    from vocab import taxonomy

    words = taxonomy.trade_words()
    for code, occupation in taxonomy.occupations().items():
        assert len(words[code]) > len(occupation.aliases), code
    owner = {}
    for code, ws in words.items():
        for w in ws:
            assert owner.setdefault(w, code) == code, (w, code, owner[w])


def test_new_everyday_words_never_change_the_trade_a_posting_is_read_as():
    from vocab.trades import resolve_occupation

    # 做饭阿姨 is a housekeeper's everyday name, not an alias: the posting's title still reads as its trade
    assert resolve_occupation(None, "食堂做饭阿姨", "") is None
    assert resolve_occupation("cook", "食堂做饭阿姨", "") == "cook"


@pytest.mark.parametrize("query", ["dianhangong", "dian han gong", "DianHanGong", "dhg", "電焊工", "电悍工"])
def test_a_welder_is_found_however_the_word_is_typed(query):
    p = parse_query(query)
    assert p.occupations == ["welder"] and p.text == "" and p.understood == "电焊工"


@pytest.mark.parametrize(("query", "places", "trades"), [
    ("dongguan dianhangong", ["441900"], ["welder"]),
    ("dongguandianhangong", ["441900"], ["welder"]),
    ("guizhou songtao", ["520628"], []),
    ("beijing chaoyang", ["110105"], []),   # 北京 says which 朝阳, as in Chinese
    ("東莞 電焊工", ["441900"], ["welder"]),
    ("廣東 東莞 保潔員", ["441900"], ["cleaner"]),
    ("廣州普工包吃住", ["440100"], ["factory_worker"]),
    ("xiamen baojieyuan", ["350200"], ["cleaner"]),
])
def test_places_and_trades_in_pinyin_and_traditional(query, places, trades):
    occupations, found, _ = read(query)
    assert (found, occupations) == (places, trades)


@pytest.mark.parametrize(("typed", "meant", "trade"), [
    ("包洁员", "保洁员", "cleaner"), ("架字工", "架子工", "scaffolder"), ("电悍工", "电焊工", "welder"),
    ("叉车司鸡", "叉车司机", "forklift"),
])
def test_homophone_slips_are_corrected_to_the_word_they_sound_like(typed, meant, trade):
    p = parse_query(typed)
    assert p.occupations == [trade] and p.understood == meant


@pytest.mark.parametrize(("query", "trades", "text"), [
    ("电工", ["electrician"], ""),        # a real word that sounds near another trade is never rewritten
    ("焊工", ["welder"], ""),
    ("cnc", ["cnc"], ""),                 # a Latin word of the vocabulary is the word, not pinyin initials
    ("qc", ["inspector"], ""),
    ("iphone", [], "iphone"),             # Latin that spells nothing stays as typed
    ("sz", [], "sz"),                     # two initials say nothing for sure (深圳? 苏州?)
    ("fuzhou", [], ""),                   # 福州 and 抚州 are both cities: no guess, but no garbage either
])
def test_near_misses_stay_as_typed(query, trades, text):
    p = parse_query(query)
    assert p.occupations == trades
    if query == "fuzhou":
        assert p.places == [] and p.text == "fuzhou"
    else:
        assert p.text == text and p.understood is None


def test_exact_queries_are_read_exactly_as_before():
    p = parse_query("东莞 电焊工 包吃住")
    assert (p.places, p.occupations, p.benefits, p.understood) == (["441900"], ["welder"], ["包吃", "包住"], None)


def test_the_speller_leaves_a_tie_between_meanings_alone():
    speller = Speller({"深圳": 1000, "苏州": 1000}, {"深圳": 2, "苏州": 2})
    assert speller.latin("shenzhen").words == ("深圳",)
    assert speller.latin("sz") is None
    assert to_simplified("電焊工 东莞") == "电焊工 东莞"


@pytest.mark.parametrize(("typed", "expected"), [
    ("dian", "电焊工（焊工）"), ("电焊", "电焊工（焊工）"), ("dhg", "电焊工（焊工）"), ("songt", "贵州省铜仁市松桃苗族自治县"),
    ("東莞", "广东省东莞市"), ("保洁", "保洁（保洁员、家政服务员）"),
])
def test_suggestions_follow_what_is_typed(typed, expected):
    from search.suggest import suggest

    items = suggest(typed)
    assert expected in [i["text"] for i in items]
    assert all(i["kind"] in ("trade", "place") for i in items)


def test_suggestions_are_fast_and_bounded():
    import time

    from search.suggest import suggest

    suggest("x")  # the index is built once
    times = []
    for q in ["d", "dian", "东", "电焊", "guang", "x", "保", "sh", "bj", "z"]:
        started = time.perf_counter()
        items = suggest(q, employers=["东莞市长安五金制品有限公司"])
        times.append(time.perf_counter() - started)
        assert len(items) <= 10
    assert max(times) < 0.05
    assert suggest("") == [] and suggest("   ") == []


def test_did_you_mean_offers_the_known_words_a_query_starts_like():
    from search.suggest import did_you_mean

    assert did_you_mean("电焊工夜班急招") in ("电焊工", "电焊工人")
    assert did_you_mean("zzzzqqq") is None


def test_distance_words_are_read_as_a_radius_not_as_text():
    from search.query import near_km

    assert near_km("附近 电焊工") == 30.0 and near_km("电焊工 5公里以内") == 5.0 and near_km("电焊工") is None
    p = parse_query("东莞 电焊工 10公里内")
    assert (p.places, p.occupations, p.text) == (["441900"], ["welder"], "")
