"""Postings are judged on what they require, not on what they mention."""

import pytest

from market.postings.rules import parse_age_limit, screen


@pytest.mark.parametrize("text", [
    "限男性，能吃苦", "仅限女性", "男性优先", "性别：男", "限汉族", "汉族优先", "不招少数民族", "维吾尔族勿扰",
    "限本地户口", "本地户籍优先", "不要河南人", "四川人勿扰", "外地人免谈",
])
def test_discriminatory_requirements_are_refused(text):
    refusals = screen("普工", text).refusals
    assert "description" in refusals
    assert "不得" in refusals["description"]


@pytest.mark.parametrize("text", [
    "苗绣、马尾绣订单", "工作地点：宁夏回族自治区银川市", "欢迎少数民族朋友", "男女不限", "性别不限",
    "不要求学历的人也可以做", "延边朝鲜族自治州", "回族餐厅招厨师",
])
def test_mentions_are_not_requirements(text):
    assert screen("普工", text).refusals == {}


@pytest.mark.parametrize("text", ["入职需交押金300元", "报名费50元", "收取服装费", "体检费自理", "培训费1000元", "保证金500"])
def test_fees_charged_to_workers_are_refused(text):
    assert "费" in screen("普工", text).refusals["description"] or "押金" in screen("普工", text).refusals["description"] \
        or "保证金" in screen("普工", text).refusals["description"]


@pytest.mark.parametrize("text", ["不收押金", "无押金、无报名费", "体检费公司报销", "培训费由公司承担", "不收取任何押金、培训费", "免费培训"])
def test_fees_waived_or_paid_by_the_employer_are_fine(text):
    assert screen("普工", text).refusals == {}


def test_refusal_names_the_field_it_is_in():
    assert set(screen("限男性电焊工", "正常描述").refusals) == {"title"}


@pytest.mark.parametrize("text,limit", [
    ("年龄18-45周岁", (18, 45)), ("年龄：20至50岁", (20, 50)), ("45岁以下", (None, 45)), ("18周岁以上", (18, None)),
    ("身体健康", (None, None)),
])
def test_age_limits_are_read_from_text(text, limit):
    assert parse_age_limit(text) == limit


def test_age_limit_flags_for_review_without_refusing():
    result = screen("普工", "岗位要求：年龄18-45周岁")
    assert result.refusals == {}
    assert result.flag_reason == "含年龄要求：18-45周岁"
