"""Reading workers' queries: places, trades, benefits, job types, cooperation and labour brands."""

import pytest

from search.query import parse_query


def test_city_and_trade_become_filters_and_nothing_is_left_over():
    parsed = parse_query("东莞 电焊工")
    assert parsed.places == ["441900"]
    assert parsed.occupations == ["welder"]
    assert parsed.text == ""
    assert parsed.engine_text == ""  # all filters: nothing for the engine to match


@pytest.mark.parametrize("text", ["包吃住 普工 苏州", "苏州普工包吃住", "苏州市 普工 包食宿"])
def test_board_and_lodging_means_both_benefits_with_or_without_spaces(text):
    parsed = parse_query(text)
    assert parsed.places == ["320500"]
    assert parsed.occupations == ["factory_worker"]
    assert parsed.benefits == ["包吃", "包住"]


def test_colloquial_trade_words_from_the_extra_list():
    parsed = parse_query("日结 搬运 广州")
    assert parsed.occupations == ["porter"]
    assert parsed.benefits == ["日结"]
    assert parsed.places == ["440100"]
    assert parse_query("保姆").occupations == ["housekeeper"]
    assert parse_query("瓦工").occupations == ["mason"]
    assert parse_query("绣娘").occupations == ["embroiderer"]


def test_cooperation_name_and_filler_words():
    parsed = parse_query("粤黔协作 岗位")
    assert parsed.cooperation == ["粤黔协作"]
    assert parsed.text == "" and not parsed.places


def test_labour_brand_is_its_trade_with_a_home_province_preference():
    parsed = parse_query("黔菜师傅")
    assert parsed.occupations == ["cook"]
    assert parsed.prefer_provinces == ["52"]
    assert not parsed.places


@pytest.mark.parametrize("text,expected", [
    ("海淀区 保洁", ["110108"]),
    ("毕节 普工", ["520500"]),
    ("东莞市", ["441900"]),
    ("上海 电工", ["310000"]),
])
def test_place_names_full_and_short(text, expected):
    assert parse_query(text).places == expected


def test_ambiguous_name_takes_the_prominent_readings_and_reports_the_others():
    parsed = parse_query("朝阳 保安")
    # 北京市朝阳区 and 辽宁省朝阳市 (which contains 朝阳县); 长春市朝阳区 offered as an alternative
    assert sorted(parsed.places) == ["110105", "211300"]
    assert parsed.alternatives == {"朝阳": ["220104"]}


@pytest.mark.parametrize("text,expected", [
    ("北京 朝阳 保安", ["110105"]),
    ("辽宁朝阳普工", ["211300"]),
    ("长春 朝阳", ["220104"]),
    ("广东 东莞", ["441900"]),
])
def test_a_wider_place_in_the_query_picks_the_reading(text, expected):
    assert parse_query(text).places == expected


def test_province_wins_over_a_district_of_the_same_short_name():
    assert parse_query("海南 服务员").places == ["460000"]
    assert parse_query("吉林 叉车").places == ["220000"]


def test_several_places_mean_any_of_them():
    assert parse_query("东莞 深圳 普工").places == ["441900", "440300"]


def test_job_type_words():
    assert parse_query("长期 普工").employment_types == ["full_time"]
    assert parse_query("季节工 采摘").employment_types == ["seasonal"]
    assert parse_query("劳务派遣").employment_types == ["dispatch"]


def test_unknown_words_stay_free_text_and_latin_is_case_folded():
    parsed = parse_query("氩弧焊工 夜班")
    assert parsed.occupations == ["welder"]
    assert parsed.text == "夜班"
    assert parsed.engine_text == "焊工 夜班"  # the canonical name, which every welding posting carries
    assert parse_query("ＣＮＣ 东莞").occupations == ["cnc"]


def test_occupation_filter_can_be_turned_off_for_measuring():
    parsed = parse_query("东莞 电焊工", occupation_filter=False)
    assert parsed.occupations == []
    assert parsed.engine_text == "电焊工"


def test_empty_and_filler_only_queries():
    assert parse_query("").engine_text == ""
    assert parse_query(None).engine_text == ""
    assert parse_query("找工作").engine_text == ""


def test_words_of_two_trades_filter_on_either_and_do_not_go_to_the_engine():
    parsed = parse_query("电工 焊工 东莞")
    assert parsed.occupations == ["electrician", "welder"]
    assert parsed.engine_text == ""
    assert parse_query("电焊工 氩弧焊工", occupation_filter=False).engine_text == "电焊工 氩弧焊工"


def test_company_names_holding_a_place_name_stay_free_text():
    parsed = parse_query("吉利汽车 普工")
    assert parsed.places == [] and parsed.text == "吉利汽车"
    assert parse_query("洛阳 吉利 普工").places == ["410306"]  # 吉利区, said as a place
