"""Counterfactual pairs: workers differing only in a protected attribute get the same scores."""

from dataclasses import replace
from datetime import date

import pytest
from matching_builders import AS_OF, BIJIE, DONGGUAN, GUIYANG, SHENZHEN, make_posting, make_worker

from matching.dataset import worker_from_row
from matching.ranker import Ranker
from vocab import regions


@pytest.fixture(params=["fallback", "model"])
def ranker(request, trained_model):
    return Ranker.fallback() if request.param == "fallback" else Ranker(trained_model)


def market():
    return [
        make_posting(title="普工", adcode=GUIYANG),
        make_posting(title="电焊工", occupation="welder", adcode=DONGGUAN, cooperation="粤黔协作", benefits=["交通补贴"]),
        make_posting(title="保安员", occupation="security_guard", adcode=SHENZHEN, benefits=["包吃", "包住"]),
        make_posting(title="家政阿姨", occupation="housekeeper", adcode=BIJIE, employment_type="gig_daily",
                     wage_unit="day", wage_min=150, wage_max=220),
        make_posting(title="快递员", occupation="courier", adcode=GUIYANG, description="待遇从优，包吃住"),
    ]


def scores(ranker, worker, postings):
    return {r.id: r.score for r in ranker.recommend(worker, postings, k=len(postings), as_of=AS_OF)}


def row(**overrides):
    base = {
        "external_id": "W1", "name": "王芳", "gender": "女", "id_number": "520502199001011234",
        "phone": "13800000000", "birth_date": "1990-01-01", "hometown_adcode": BIJIE, "current_adcode": BIJIE,
        "occupations": [{"code": "housekeeper", "years": 4}], "certificates": [], "expected_wage": 5000,
        "preferred_type": "any", "mobility": "cross", "priority_groups": [], "labour_brand": None,
    }
    base.update(overrides)
    return base


def test_gender_name_ethnicity_and_id_never_reach_the_ranker(ranker):
    postings = market()
    a = worker_from_row(row())
    b = worker_from_row(row(name="阿依古丽·买买提", gender="男", id_number="650102199001019999", phone="13900000000"))
    assert a == b
    assert scores(ranker, a, postings) == scores(ranker, b, postings)


def test_birth_date_does_not_change_scores_without_a_stated_age_limit(ranker):
    postings = market()
    young = make_worker(current_adcode=BIJIE, hometown_adcode=BIJIE, birth_date=date(2000, 3, 3))
    old = replace(young, birth_date=date(1962, 3, 3))
    unknown = replace(young, birth_date=None)
    assert scores(ranker, young, postings) == scores(ranker, old, postings) == scores(ranker, unknown, postings)


def test_poverty_status_never_lowers_a_score_and_only_adds_the_workers_own_reason(ranker):
    postings = market()
    plain = make_worker(current_adcode=BIJIE, hometown_adcode=BIJIE, mobility="cross")
    poor = replace(plain, priority_groups=frozenset({"脱贫人口"}))
    older = replace(plain, priority_groups=frozenset({"大龄"}))
    assert scores(ranker, plain, postings) == scores(ranker, poor, postings) == scores(ranker, older, postings)
    recs = {r.id: r for r in ranker.recommend(poor, postings, k=5, as_of=AS_OF)}
    plain_recs = {r.id: r for r in ranker.recommend(plain, postings, k=5, as_of=AS_OF)}
    cross_province = postings[1].id  # 东莞, outside the worker's home province 贵州
    same_province = postings[0].id
    assert "您可申请跨省务工交通补助" in recs[cross_province].reasons
    assert "您可申请跨省务工交通补助" not in recs[same_province].reasons
    assert not any("补助" in r and "申请" in r for r in plain_recs[cross_province].reasons)


def test_employer_reasons_never_expose_origin_groups_age_or_id(ranker):
    posting = make_posting(title="电焊工", occupation="welder", adcode=DONGGUAN, cooperation="粤黔协作")
    workers = [
        make_worker(id="W-A", current_adcode=BIJIE, hometown_adcode=BIJIE, mobility="cross",
                    occupations=[("welder", 7)], priority_groups=frozenset({"脱贫人口", "大龄"}),
                    labour_brand="贵州技工", certificates=[("焊工职业技能等级证书", 4)]),
        make_worker(id="W-B", current_adcode=DONGGUAN, hometown_adcode=BIJIE, occupations=[("welder", 2)],
                    priority_groups=frozenset({"脱贫人口"})),
        make_worker(id="W-C", current_adcode=SHENZHEN, hometown_adcode="610102", occupations=[("cook", 2)]),
    ]
    cands = ranker.candidates(posting, workers, k=10, as_of=AS_OF)
    assert {c.id for c in cands} == {"W-A", "W-B", "W-C"}
    texts = " ".join(r for c in cands for r in c.reasons)
    province_names = {r.name for r in regions.all_regions() if r.level == "province"}
    short = {regions.short_name(n) for n in province_names}
    forbidden = province_names | short | {"毕节", "七星关", "贵州", "黔", "陕西", "西安", "脱贫", "大龄", "年龄", "岁",
                                          "家乡", "户籍", "老家", "520502", "贵州技工"}
    for word in forbidden:
        assert word not in texts, word
    a = next(c for c in cands if c.id == "W-A")
    assert "对口协作地区" in a.reasons


def test_employer_scores_ignore_priority_groups_and_birth(ranker):
    posting = make_posting(title="普工", adcode=GUIYANG, description="岗位要求：年龄18-45周岁。")
    base = make_worker(id="W-X")
    variants = [base, replace(base, id="W-Y", priority_groups=frozenset({"脱贫人口"})),
                replace(base, id="W-Z", birth_date=date(1960, 1, 1))]
    cands = ranker.candidates(posting, variants, k=3, as_of=AS_OF)
    assert len({round(c.score, 12) for c in cands}) == 1
    assert all(not any("年龄" in r for r in c.reasons) for c in cands)


def test_undiscoverable_workers_are_never_candidates(ranker):
    posting = make_posting(title="普工")
    hidden = [make_worker(discoverable=False) for _ in range(3)]
    assert ranker.candidates(posting, hidden, k=10, as_of=AS_OF) == []
    shown = make_worker()
    assert [c.id for c in ranker.candidates(posting, [*hidden, shown], k=10, as_of=AS_OF)] == [shown.id]
