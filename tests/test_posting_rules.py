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


@pytest.mark.parametrize("text", ["招男工 10 名", "招女工5名", "男工10名，女工5名", "需男性 3 人", "招聘女工若干",
                                  "女工优先", "限女性", "男女各半"])
def test_headcounts_by_sex_are_refused(text):
    assert "性别" in screen("普工", text).refusals["description"]


@pytest.mark.parametrize("text", ["招普工10名，男女不限", "招男女工均可", "男女宿舍分开", "男生宿舍4人间",
                                  "车间男工多，女工少"])
def test_mentions_of_sex_that_are_no_requirement_pass(text):
    assert screen("普工", text).refusals == {}


@pytest.mark.parametrize(("text", "fee"), [("工衣费从工资扣", "工衣费"), ("入职后工衣费从工资扣", "工衣费"),
                                           ("押金从第一个月工资扣", "押金"), ("工资里扣除培训费", "培训费"),
                                           ("工资中代扣管理费100元", "管理费")])
def test_fees_taken_out_of_wages_are_refused(text, fee):
    reason = screen("普工", text).refusals["description"]
    assert reason == f"不得从工资里扣{fee}等费用，请删去扣费内容"


def test_withheld_wages_are_refused_but_board_and_insurance_may_be_deducted():
    assert "扣押" in screen("普工", "押一个月工资，干满半年返还").refusals["description"]
    for text in ("伙食费从工资扣，每月300元", "社保个人部分从工资里扣", "从工资扣水电费"):
        assert screen("普工", text).refusals == {}, text


def test_full_time_wages_below_the_provinces_minimum_are_refused():
    from market.postings.rules import below_minimum_wage
    from vocab import minimum_wage
    from vocab.terms import monthly

    guangdong = minimum_wage.for_place("441900")
    assert guangdong.province == "广东省" and guangdong.lowest == min(guangdong.monthly_tiers)
    assert "人力资源和社会保障部" in minimum_wage.source()
    floor = guangdong.lowest  # read from the data: the figures change with each edition of the table
    low = below_minimum_wage(wage_min=floor - 100, wage_max=floor + 200, wage_unit="month",
                             employment_type="full_time", adcode="441900")
    assert low == f"全职岗位的工资（折合每月 {floor - 100} 元）低于广东省最低工资标准（每月 {floor} 元起），请提高工资"
    assert below_minimum_wage(wage_min=floor, wage_max=floor + 200, wage_unit="month", employment_type="full_time",
                              adcode="441900") is None  # the minimum itself is allowed
    guizhou = minimum_wage.lowest_monthly("520102")
    day = next(d for d in range(10, 400) if monthly(d, "day") >= guizhou) - 1  # the best day rate still below
    assert below_minimum_wage(wage_min=day, wage_max=day + 10, wage_unit="day", employment_type="full_time",
                              adcode="520102")
    assert below_minimum_wage(wage_min=day + 1, wage_max=day + 10, wage_unit="day", employment_type="full_time",
                              adcode="520102") is None
    # day labour, piece rates and places without data are not judged on a month's minimum
    assert below_minimum_wage(wage_min=50, wage_max=60, wage_unit="day", employment_type="gig_daily", adcode="520102") is None
    assert below_minimum_wage(wage_min=1, wage_max=2, wage_unit="piece", employment_type="full_time", adcode="520102") is None
    assert below_minimum_wage(wage_min=100, wage_max=200, wage_unit="month", employment_type="full_time", adcode="810000") is None


def test_every_province_has_a_cited_minimum_wage():
    import json
    from importlib import resources

    raw = json.loads(resources.files("vocab").joinpath("data", "minimum_wages.json").read_text(encoding="utf-8"))
    assert raw["_about"]["source"] and raw["_about"]["entered"]
    assert "https://www.mohrss.gov.cn/" in raw["_about"]["source"]  # the edition's own address
    assert raw["_about"]["official_table"]  # whether the figures were read from the ministry's page
    provinces = {r["adcode"][:2] for r in raw["provinces"]}
    assert len(provinces) == 31
    for row in raw["provinces"]:
        assert all(1000 < t < 4000 for t in row["monthly_tiers"]), row
        assert row["monthly_tiers"] == sorted(row["monthly_tiers"], reverse=True), row
