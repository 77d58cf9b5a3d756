"""The index document: derived places, trades, wages and dates; postings only, no personal data."""

import datetime as dt
from dataclasses import dataclass, field

from search.documents import FIELDS, OPEN_ENDED_DAY, day_number, job_document
from search.settings import index_settings, synonyms


def base(**overrides):
    p = {
        "id": 9, "external_id": "J000009", "title": "急招电焊工", "description": "工作地点：贵州省毕节市七星关区",
        "employer_name": "毕节建工有限公司", "employer_id": 3, "employer_verified": True, "occupation": "welder",
        "adcode": "520502", "address": "贵州省毕节市七星关区", "lat": 27.3, "lng": 105.28,
        "wage_min": 200, "wage_max": 300, "wage_unit": "day", "employment_type": "gig_daily",
        "headcount": 2, "benefits": ["日结", "包住"], "cert_required": None, "skill_level_required": 4,
        "cooperation": "粤黔协作", "posted_at": "2026-04-01", "closes_at": "2026-05-01", "status": "open",
    }
    p.update(overrides)
    return p


def test_places_are_derived_at_every_level_with_full_and_short_names():
    doc = job_document(base())
    assert (doc["province_adcode"], doc["city_adcode"], doc["county_adcode"]) == ("520000", "520500", "520502")
    assert {"贵州省", "贵州", "毕节市", "毕节", "七星关区", "七星关"} <= set(doc["place_names"])
    assert doc["place_name"] == "贵州省毕节市七星关区"


def test_a_city_without_counties_is_its_own_county():
    doc = job_document(base(adcode="441900"))
    assert (doc["province_adcode"], doc["city_adcode"], doc["county_adcode"]) == ("440000", "441900", "441900")


def test_wages_in_months_and_dates_in_days():
    doc = job_document(base())
    assert doc["wage_monthly_max"] == 300 * 26 and doc["wage_monthly_min"] == 200 * 26
    assert job_document(base(wage_unit="month", wage_max=8000))["wage_monthly_max"] == 8000
    assert job_document(base(wage_unit="piece"))["wage_monthly_max"] is None
    assert doc["posted_day"] == day_number(dt.date(2026, 4, 1)) == (dt.date(2026, 4, 1) - dt.date(1970, 1, 1)).days
    assert job_document(base(closes_at=None))["closes_day"] == OPEN_ENDED_DAY
    assert doc["_geo"] == {"lat": 27.3, "lng": 105.28}


def test_the_title_corrects_a_missing_or_contradicting_trade():
    assert job_document(base(occupation=None, title="住家保姆（长期）"))["occupation"] == "housekeeper"
    doc = job_document(base(occupation="painter", title="高薪诚聘钢筋师傅50名"))
    assert doc["occupation"] == "rebar" and doc["occupation_declared"] == "painter"
    assert doc["occupation_name"] == "钢筋工"


def test_document_holds_posting_fields_only():
    @dataclass
    class Row:
        id: int = 5
        title: str = "保洁员"
        adcode: str = "110108"
        benefits: list = field(default_factory=list)
        worker_phone: str = "13800000000"   # a field a row might have that must never be indexed
        id_number: str = "110101199001011234"

    doc = job_document(Row())
    assert set(doc) <= set(FIELDS)
    assert "13800000000" not in str(doc) and "110101199001011234" not in str(doc)


def test_version_is_the_stamp_or_a_content_fingerprint():
    assert job_document(base(updated_at=dt.datetime(2026, 5, 1, 8, 0)))["version"] == "2026-05-01T08:00:00"
    a, b = job_document(base()), job_document(base(title="急招电焊工 包住"))
    assert a["version"] == job_document(base())["version"] != b["version"]


def test_synonyms_make_every_alias_of_a_trade_equivalent():
    table = synonyms()
    assert "电焊工" in table["氩弧焊工"] and "焊工" in table["氩弧焊工"]
    assert "氩弧焊工" in table["焊工"]
    assert "家政服务员" in table["保姆"] and "装卸搬运工" in table["搬运"]
    assert "中式烹调师" in table["黔菜师傅"]


def test_settings_keep_totals_exact_and_facets_bounded():
    settings = index_settings()
    assert settings["pagination"]["maxTotalHits"] >= 100_000
    assert settings["searchableAttributes"][:2] == ["title", "occupation_name"]
    assert settings["faceting"]["maxValuesPerFacet"] >= 400
