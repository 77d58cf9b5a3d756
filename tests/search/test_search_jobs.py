"""Searching the small market of searchdata.MARKET on a real Meilisearch."""

import pytest
from searchdata import DAY, DONGGUAN, GUANGZHOU_BAIYUN, SUZHOU_WUZHONG

from search.jobs import InvalidQuery, JobQuery, search_jobs
from search.settings import MAX_TOTAL_HITS

pytestmark = pytest.mark.meili


def ids(page):
    return [h["id"] for h in page.hits]


def search(engine, **kwargs):
    kwargs.setdefault("open_on", DAY)
    kwargs.setdefault("limit", 50)
    return search_jobs(engine, JobQuery(**kwargs))


def test_settings_are_applied_to_the_index(market):
    settings = market.get_settings()
    assert settings["pagination"]["maxTotalHits"] == MAX_TOTAL_HITS
    assert settings["searchableAttributes"][0] == "title"
    assert "电焊工" in settings["synonyms"]["氩弧焊工"]
    assert settings["localizedAttributes"][0]["locales"] == ["cmn"]
    assert "posted_day" in settings["sortableAttributes"]


def test_synonyms_alone_find_every_alias(market):
    # no query parsing: the engine's synonyms do the work
    page = search(market, q="氩弧焊工", parse=False)
    assert {1, 2, 3, 5, 6} <= set(ids(page))


def test_city_and_trade_return_welding_jobs_in_that_city_first(market):
    page = search(market, q="东莞 电焊工")
    assert sorted(ids(page)) == [1, 2, 3]
    assert all(h["county_adcode"] == DONGGUAN and h["occupation"] == "welder" for h in page.hits)
    # the text alone ranks the canteen cook that says 东莞 电焊 over most welders
    plain = search(market, q="东莞 电焊工", parse=False)
    assert 4 in ids(plain)[:3]


def test_any_alias_finds_the_whole_trade(market):
    assert set(ids(search(market, q="氩弧焊工"))) == {1, 2, 3, 5, 6}
    assert set(ids(search(market, q="焊接工"))) == {1, 2, 3, 5, 6}


def test_a_long_alias_finds_postings_of_its_trade_worded_otherwise(market):
    assert sorted(ids(search(market, q="磷化工操作工 北京"))) == [90, 91]
    assert sorted(ids(search(market, q="北京 化工厂操作员 夜班"))) == [90, 91]
    assert ids(search(market, q="包吃住 磷化工操作工 北京")) == [91]


def test_generic_words_inside_trade_names_are_found(market):
    # 司机 names no trade of its own; it is part of 货车司机 and 叉车司机 and must still find them
    assert sorted(ids(search(market, q="司机"))) == [80, 81]
    assert ids(search(market, q="深圳 司机")) == [80]


def test_ambiguous_place_searches_its_prominent_readings(market):
    page = search(market, q="朝阳 保安")
    assert sorted(ids(page)) == [30, 31]
    assert page.parsed.alternatives == {"朝阳": ["220104"]}
    assert ids(search(market, q="长春 朝阳 保安")) == [32]


def test_benefit_words_require_every_benefit(market):
    assert ids(search(market, q="包吃住 普工 苏州")) == [10]
    assert sorted(ids(search(market, q="苏州 普工 包吃"))) == [10, 11]
    assert ids(search(market, q="日结 搬运 广州")) == [20]
    assert ids(search(market, q="苏州 派遣")) == [12]


def test_cooperation_and_labour_brand(market):
    assert ids(search(market, q="粤黔协作 岗位")) == [42]
    page = search(market, q="黔菜师傅")
    assert page.total == 5
    # Guizhou first (the brand's own posting leads), then the other cooks
    assert set(ids(page)[:2]) == {40, 41} and ids(page)[0] == 40
    assert set(ids(page)[2:]) == {4, 42, 43}
    # exact across the two tiers, and pages that cross from one into the other
    assert [ids(search(market, q="黔菜师傅", limit=1, offset=i))[0] for i in range(5)] == ids(page)
    assert ids(search(market, q="黔菜师傅", limit=2, offset=1)) == ids(page)[1:3]
    assert search(market, q="黔菜师傅", limit=2, offset=1).total == 5
    assert page.facets["province_adcode"] == {"520000": 2, "440000": 3}


def test_colloquial_name_finds_the_trade(market):
    assert ids(search(market, q="保姆")) == [50]


def test_adcode_type_and_benefit_filters(market):
    assert sorted(ids(search(market, province="440000", occupation="welder"))) == [1, 2, 3, 5]
    assert sorted(ids(search(market, city="320500"))) == [6, 10, 11, 12]
    assert sorted(ids(search(market, county=GUANGZHOU_BAIYUN))) == [20, 21, 43]
    assert ids(search(market, county=SUZHOU_WUZHONG, employment_type="dispatch")) == [12]
    assert sorted(ids(search(market, benefits=["包吃", "包住"]))) == [3, 10, 91]


def test_wage_min_is_monthly_with_day_wages_times_26(market):
    # 装卸工 pays 300 a day: 7,800 a month, above 7,500; the monthly porter pays at most 7,000
    page = search(market, county=GUANGZHOU_BAIYUN, occupation="porter", wage_min=7500)
    assert ids(page) == [20]
    assert sorted(ids(search(market, county=GUANGZHOU_BAIYUN, occupation="porter", wage_min=7000))) == [20, 21]
    assert ids(search(market, occupation="porter", sort="wage")) == [20, 21]


def test_open_on_includes_the_posting_day_and_excludes_the_closing_day(market):
    assert ids(search(market, q="海淀 保洁员")) == [62]
    page = search(market, q="海淀 保洁员", open_on=None)
    assert sorted(ids(page)) == [60, 61, 62, 63]


def test_a_word_of_several_trades_finds_them_all(market):
    # 保洁 is what a cleaner does and what a 钟点工 or 住家保姆 housekeeper is hired for
    assert sorted(ids(search(market, q="海淀 保洁"))) == [50, 62]


def test_closed_postings_and_unverified_employers_are_not_searchable(market):
    found = ids(search(market, q="电焊工", limit=100))
    assert 70 not in found and 71 not in found
    assert 70 in ids(search(market, q="电焊工", status=None, limit=100))


def test_geo_radius_and_distance_sort(market):
    # from central Dongguan: Dongguan within 30 km, Shenzhen (Nanshan) about 60 km away
    near = search(market, occupation="welder", lat=23.02, lng=113.75, radius_km=30)
    assert sorted(ids(near)) == [1, 2, 3]
    ordered = search(market, occupation="welder", lat=23.02, lng=113.75, sort="distance")
    assert ids(ordered)[:3] != [] and set(ids(ordered)[:3]) == {1, 2, 3} and ids(ordered)[3] == 5
    distances = [h["distance_km"] for h in ordered.hits]
    assert distances == sorted(distances)


def test_facets_count_the_whole_result(market):
    page = search(market, q="苏州", limit=1)
    assert page.total == 4 and len(page.hits) == 1
    assert page.facets["occupation"] == {"factory_worker": 3, "welder": 1}
    assert "county_adcode" not in page.facets


def test_free_words_rank_but_do_not_empty_the_result(market):
    # matched by none of the welders: dropped (matching strategy "last"), the welders stay
    page = search(market, q="东莞 电焊工 夜班")
    assert not page.relaxed and sorted(ids(page)) == [1, 2, 3]
    # the only words are free words nothing matches: the recognised place alone answers, flagged
    page = search(market, q="东莞 夜班")
    assert page.relaxed and sorted(ids(page)) == [1, 2, 3, 4]
    days = [h["posted_day"] for h in page.hits]
    assert days == sorted(days, reverse=True)  # nothing left to rank by: newest first


@pytest.mark.parametrize("kwargs,field", [
    ({"province": "44 OR 1=1"}, "province"),
    ({"occupation": "welder\" OR status = \"closed"}, "occupation"),
    ({"employment_type": "anything"}, "employment_type"),
    ({"sort": "price"}, "sort"),
    ({"limit": 101}, "limit"),
    ({"offset": -1}, "offset"),
    ({"sort": "distance"}, "lat"),
    ({"wage_min": "lots"}, "wage_min"),
    ({"open_on": "tomorrow"}, "open_on"),
    ({"q": "电焊工" * 100}, "q"),
])
def test_bad_parameters_are_refused_by_name(market, kwargs, field):
    with pytest.raises(InvalidQuery) as err:
        search(market, **kwargs)
    assert err.value.field == field


def test_strings_in_filters_cannot_escape_their_quotes(market):
    page = search(market, benefits=['包吃" OR id > 0'])
    assert page.total == 0
    page = search(market, benefits=["包吃\\"])
    assert page.total == 0


def test_two_trades_in_one_query_return_both(market):
    assert sorted(ids(search(market, q="焊工 厨师 东莞"))) == [1, 2, 3, 4]
