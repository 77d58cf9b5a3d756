"""What the worker told us holds whatever the score says: reach, trades, applied postings, certificates by
any name; drawbacks are caveats and distances are only as precise as the places."""

from datetime import timedelta

import pytest
from matching_builders import (
    AS_OF,
    BIJIE,
    DONGGUAN,
    GUIYANG,
    LIUZHI,
    SHENZHEN,
    WELD_CERT,
    make_posting,
    make_worker,
)

from matching.ranker import Ranker
from matching.rules import LOCAL_MAX_KM
from matching.types import PastApplication
from vocab import regions


@pytest.fixture(params=["fallback", "model"])
def ranker(request, trained_model):
    return Ranker.fallback() if request.param == "fallback" else Ranker(trained_model)


def test_local_only_worker_never_sees_jobs_beyond_a_few_hours(ranker):
    near = make_posting(adcode=GUIYANG)
    nearby_city = make_posting(adcode=LIUZHI)  # 六盘水 from 贵阳: about 2 hours
    far = make_posting(adcode=DONGGUAN, wage_min=9000, wage_max=12000)
    local = make_worker(current_adcode=GUIYANG, hometown_adcode=GUIYANG, mobility="local")
    ids = {r.id for r in ranker.recommend(local, [far, near, nearby_city], k=10, as_of=AS_OF)}
    assert regions.distance_between(GUIYANG, LIUZHI) < LOCAL_MAX_KM < regions.distance_between(GUIYANG, DONGGUAN)
    assert ids == {near.id, nearby_city.id}
    anywhere = make_worker(current_adcode=GUIYANG, hometown_adcode=GUIYANG, mobility="cross")
    assert far.id in {r.id for r in ranker.recommend(anywhere, [far, near], k=10, as_of=AS_OF)}


def test_postings_applied_to_or_hired_for_never_come_back(ranker):
    applied, hired, today, fresh = (make_posting() for _ in range(4))
    worker = make_worker()
    history = [PastApplication(applied, AS_OF - timedelta(days=3)),
               PastApplication(hired, AS_OF - timedelta(days=9), hired=True),
               PastApplication(today, AS_OF)]  # applied this morning: not yet history, still gone
    recs = ranker.recommend(worker, [applied, hired, today, fresh], k=10, history=history, as_of=AS_OF)
    assert [r.id for r in recs] == [fresh.id]
    assert ranker.recommend(worker, [fresh], k=10, as_of=AS_OF, exclude=[fresh.id]) == []


def test_a_trade_the_worker_did_not_choose_needs_a_reason(ranker):
    rebar = make_worker(occupations=[("rebar", 4)])
    own = make_posting(title="钢筋工", occupation="rebar")
    related = make_posting(title="架子工", occupation="scaffolder")
    unrelated = make_posting(title="保洁员", occupation="cleaner", description="商场保洁，无需经验。")
    recs = {r.id: r for r in ranker.recommend(rebar, [own, related, unrelated], k=10, as_of=AS_OF)}
    assert set(recs) == {own.id, related.id, unrelated.id}
    assert "相近工种：架子工（与您的钢筋工同属建筑施工）" in recs[related.id].reasons
    assert "其他工种：保洁员（您选的是钢筋工），因地点和待遇推荐" in recs[unrelated.id].reasons
    if ranker.is_fallback:
        assert recs[unrelated.id].score < recs[related.id].score < recs[own.id].score
    # the trade once applied to is a reason too
    before = make_posting(title="保洁", occupation="cleaner", description="写字楼保洁。")
    history = [PastApplication(before, AS_OF - timedelta(days=20))]
    again = ranker.recommend(rebar, [unrelated], k=10, history=history, as_of=AS_OF)
    assert [r.id for r in again] == [unrelated.id] and "您应聘过保洁员岗位" in again[0].reasons
    # a worker who chose no trade is shown every trade
    newcomer = make_worker(occupations=[])
    assert len(ranker.recommend(newcomer, [own, related, unrelated], k=10, as_of=AS_OF)) == 3


def test_a_drawback_is_a_caveat_not_a_reason(ranker):
    worker = make_worker(expected_wage=6000, preferred_type="full_time")
    low = make_posting(wage_min=4000, wage_max=5360)  # mid 4680: 22% below
    day = make_posting(employment_type="gig_daily", wage_min=200, wage_max=260, wage_unit="day")
    recs = {r.id: r for r in ranker.recommend(worker, [low, day], k=10, as_of=AS_OF)}
    assert "工资低于期望 22%" in recs[low.id].caveats
    assert not any("低于" in r for r in recs[low.id].reasons)
    assert "日结零工，不是您想找的长期全职" in recs[day.id].caveats


def test_distance_is_worded_only_as_precisely_as_the_places_allow():
    ranker = Ranker.fallback()
    dongguan = make_worker(current_adcode=DONGGUAN, hometown_adcode=DONGGUAN, mobility="cross")
    same_city = make_posting(adcode=DONGGUAN)  # a city without counties: one centre for all of it
    other = make_posting(adcode=SHENZHEN)
    recs = {r.id: r for r in ranker.recommend(dongguan, [same_city, other], k=10, as_of=AS_OF)}
    assert "同城" in recs[same_city.id].reasons
    km = regions.distance_between(DONGGUAN, SHENZHEN)  # 57 km between the centres: rounded to 5 km
    assert f"约 {round(km / 5) * 5} 公里" in recs[other.id].reasons
    assert not any("不到 1 公里" in r for rec in recs.values() for r in rec.reasons)
    guiyang = make_worker(current_adcode=GUIYANG, mobility="cross")
    (rec,) = ranker.recommend(guiyang, [make_posting(adcode=GUIYANG)], k=1, as_of=AS_OF)
    assert "同区县" in rec.reasons


def test_a_local_worker_is_told_a_job_is_outside_their_city(ranker):
    worker = make_worker(current_adcode=GUIYANG, hometown_adcode=GUIYANG, mobility="local")
    (rec,) = ranker.recommend(worker, [make_posting(adcode=LIUZHI)], k=1, as_of=AS_OF)
    assert any(c.startswith("不在您所在的市，约") for c in rec.caveats)


def test_a_certificate_under_another_name_counts(ranker):
    guarded = make_posting(title="电焊工", occupation="welder", cert_required=WELD_CERT, adcode=BIJIE)
    welder = make_worker(current_adcode=BIJIE, occupations=[("welder", 6)], certificates=[("焊工证（中级）", None)])
    recs = ranker.recommend(welder, [guarded], k=5, as_of=AS_OF)
    assert [r.id for r in recs] == [guarded.id]
    assert f"持有{WELD_CERT}（您登记为“焊工证（中级）”）" in recs[0].reasons
    assert ranker.blocked_by_certificate(welder, [guarded], as_of=AS_OF) == []
    cands = ranker.candidates(guarded, [welder], k=5, as_of=AS_OF)
    assert [c.id for c in cands] == [welder.id]
    # a skill-level certificate typed with its level counts as that level
    skilled = make_worker(current_adcode=BIJIE, occupations=[("welder", 6)], certificates=[("焊工等级证（高级）", None)])
    needs_level = make_posting(title="焊工", occupation="welder", skill_level_required=3, adcode=BIJIE)
    (rec,) = ranker.recommend(skilled, [needs_level], k=1, as_of=AS_OF)
    assert not any("技能等级" in c for c in rec.caveats)
    assert any("技能等级" in r for r in rec.reasons)
