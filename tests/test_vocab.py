"""The shared vocabulary: one rule for a month's wage and one for a posting's trade, whoever asks."""

import math

import pytest

from matching.features import monthly as ranker_monthly
from search.documents import job_document
from vocab import terms
from vocab.trades import parse_experience, resolve_occupation


@pytest.mark.parametrize(("amount", "unit", "expected"), [
    (6000, "month", 6000), (250, "day", 6500), (25, "hour", 5200), ("300", "day", 7800),
    (3, "piece", None), (5000, "bogus", None), (None, "month", None),
])
def test_a_wage_per_month_has_one_rule_for_every_unit(amount, unit, expected):
    assert terms.monthly(amount, unit) == expected
    ranked = ranker_monthly(None if amount is None else float(amount), unit)
    assert (math.isnan(ranked) if expected is None else ranked == expected)


def test_the_search_document_and_the_ranker_read_a_piece_rate_alike():
    doc = job_document({"id": 1, "title": "服装车工（计件）", "wage_min": 2, "wage_max": 5, "wage_unit": "piece",
                        "adcode": "441900", "posted_at": "2026-04-01", "closes_at": "2026-05-01"})
    assert doc["wage_monthly_max"] is None and doc["wage_monthly_min"] is None
    assert math.isnan(ranker_monthly(5, "piece"))


def test_parse_experience_reads_the_trade():
    assert parse_experience("岗位要求：3年以上焊工相关经验优先。") == (3, "welder")
    assert parse_experience("2年以上家政服务员相关经验优先") == (2, "housekeeper")
    assert parse_experience("无经验可培训") is None


def test_the_trade_of_a_posting_is_read_one_way():
    # a label the title contradicts: the title names the work
    assert resolve_occupation("painter", "高薪诚聘钢筋师傅50名", "某服装公司现招聘钢筋师傅") == "rebar"
    # the declared trade stands when the title names it among others
    assert resolve_occupation("electrician", "电焊工/电工", "") == "electrician"
    # a title read word by word at its longest: 服装车工 is sewing, not 装车工 or 车工
    assert resolve_occupation(None, "服装车工", "") == "sewing"
    # no trade in the title: the experience the text asks for beats the label
    assert resolve_occupation("cook", "急招（长期）", "岗位要求：2年以上电工相关经验优先。") == "electrician"
    # no trade in the title and no experience asked: the label stands over a mere mention
    assert resolve_occupation("cook", "急招（长期）", "现招聘电焊工") == "cook"
    # nothing declared: the description is the last resort
    assert resolve_occupation(None, "急招（长期）", "现招聘电焊工") == "welder"
    assert resolve_occupation("no_such_code", "急招", "") is None


def test_the_ranker_classifies_a_posting_as_search_does():
    from matching.features import _text_facts, occ_index

    cases = [("高薪诚聘钢筋师傅50名", "某服装公司现招聘钢筋师傅", "painter"),
             ("急招（长期）", "现招聘电焊工", "cook"), ("服装车工", "", None),
             ("急招（长期）", "岗位要求：2年以上电工相关经验优先。", "cook")]
    for title, description, label in cases:
        doc = job_document({"id": 1, "title": title, "description": description, "occupation": label,
                            "adcode": "441900", "wage_min": 1, "wage_max": 2, "wage_unit": "month"})
        assert _text_facts(title, description, label).occ == occ_index(doc["occupation"])


def test_a_certificate_counts_under_the_name_people_use():
    from vocab import certificates

    held = certificates.resolve("焊工证（中级）")
    assert held.certificate.name == "特种作业操作证（焊接与热切割作业）" and held.level == 4
    assert certificates.canonical("叉车证") == "特种设备作业人员证（叉车司机）"
    assert certificates.resolve("焊工职业技能等级证书（三级）").level == 3
    assert certificates.satisfies("电工证", "特种作业操作证（电工作业）")
    assert not certificates.satisfies("焊工证", "特种作业操作证（电工作业）")
    assert certificates.resolve("狗证") is None and certificates.resolve("  ") is None
    # every certificate the law requires for a trade is in the catalogue
    from vocab import taxonomy
    assert set(taxonomy.certificates()) <= set(certificates.names())
