import pytest

from matching.text import age_on, outside_age_limit, parse_age_limit


@pytest.mark.parametrize(
    "text, expected",
    [
        ("岗位要求：年龄18-45周岁；1年以上普工相关经验优先。", (18, 45)),
        ("年龄：20至50岁，身体健康", (20, 50)),
        ("招聘保安，18~55岁，退伍军人优先", (18, 55)),
        ("年龄１８－４０周岁", (18, 40)),  # full-width digits and dash
        ("年龄45周岁以下，能吃苦", (None, 45)),
        ("要求年满18周岁", (18, None)),
        ("身体健康，吃苦耐劳，无经验可培训", None),
        ("5年以上焊工相关经验优先；须持特种作业操作证上岗", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_age_limit(text, expected):
    assert parse_age_limit(text) == expected


def test_outside_age_limit_and_age_on():
    from datetime import date

    assert age_on(date(1980, 6, 2), date(2026, 6, 1)) == 45
    assert age_on(date(1980, 6, 1), date(2026, 6, 1)) == 46
    assert outside_age_limit((18, 45), 46)
    assert not outside_age_limit((18, 45), 45)
    assert outside_age_limit((18, None), 17)
    assert not outside_age_limit(None, 70)
    assert not outside_age_limit((18, 45), None)
