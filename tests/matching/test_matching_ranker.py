from datetime import date, timedelta

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
from matching.types import PastApplication, TrackRecord
from vocab import regions


@pytest.fixture(params=["fallback", "model"])
def ranker(request, trained_model):
    return Ranker.fallback() if request.param == "fallback" else Ranker(trained_model)


def welding_market():
    guarded = [make_posting(title="电焊工", occupation="welder", cert_required=WELD_CERT, adcode=GUIYANG,
                            description="须持特种作业操作证（焊接与热切割作业）上岗。") for _ in range(3)]
    plain = [make_posting(title="普工", adcode=GUIYANG),
             make_posting(title="钢筋工", occupation="rebar", adcode=GUIYANG)]
    return guarded, plain


def test_certificate_is_a_hard_requirement(ranker):
    guarded, plain = welding_market()
    postings = guarded + plain
    without = make_worker(occupations=[("welder", 8)], certificates=[("焊工职业技能等级证书", 3)])
    recs = ranker.recommend(without, postings, k=10, as_of=AS_OF)
    guarded_ids = {p.id for p in guarded}
    assert recs, "the plain postings are still recommended"
    assert not guarded_ids & {r.id for r in recs}
    blocked = ranker.blocked_by_certificate(without, postings, as_of=AS_OF)
    assert {pid for pid, _ in blocked} == guarded_ids
    assert {cert for _, cert in blocked} == {WELD_CERT}

    holder = make_worker(occupations=[("welder", 8)], certificates=[(WELD_CERT, None)])
    recs = ranker.recommend(holder, postings, k=10, as_of=AS_OF)
    assert guarded_ids <= {r.id for r in recs}
    top = recs[0]
    assert top.id in guarded_ids
    assert f"持有{WELD_CERT}" in top.reasons
    assert ranker.blocked_by_certificate(holder, postings, as_of=AS_OF) == []
    # a trade the worker does not work in is no advice: a cleaner is not told to get a welding certificate
    cleaner = make_worker(occupations=[("cleaner", 3)])
    assert ranker.blocked_by_certificate(cleaner, postings, as_of=AS_OF) == []
    # a related trade of the same line of work comes after the worker's own trade
    rebar = make_worker(occupations=[("rebar", 3)])
    scaffold = make_posting(title="架子工", occupation="scaffolder", cert_required="特种作业操作证（高处作业）")
    advice = ranker.blocked_by_certificate(rebar, [*postings, scaffold], as_of=AS_OF)
    assert {cert for _, cert in advice} == {WELD_CERT, "特种作业操作证（高处作业）"}
    welder_advice = ranker.blocked_by_certificate(without, [scaffold, *postings], as_of=AS_OF)
    assert welder_advice[-1] == (scaffold.id, "特种作业操作证（高处作业）")
    assert {pid for pid, _ in welder_advice[:3]} == guarded_ids


def test_only_postings_open_on_the_day_and_not_applied_to(ranker):
    open_one = make_posting(title="普工")
    closed = make_posting(title="普工", posted_at=AS_OF - timedelta(days=40), closes_at=AS_OF)
    future = make_posting(title="普工", posted_at=AS_OF + timedelta(days=1), closes_at=AS_OF + timedelta(days=30))
    applied = make_posting(title="普工")
    worker = make_worker()
    history = [PastApplication(applied, AS_OF - timedelta(days=3))]
    recs = ranker.recommend(worker, [open_one, closed, future, applied], k=10, as_of=AS_OF, history=history)
    assert [r.id for r in recs] == [open_one.id]


def test_results_sorted_and_k_respected(ranker):
    postings = [make_posting(title=t, adcode=a) for t in ("普工", "保安员", "焊工", "快递员") for a in (GUIYANG, DONGGUAN)]
    recs = ranker.recommend(make_worker(), postings, k=5, as_of=AS_OF)
    assert len(recs) == 5
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert ranker.recommend(make_worker(), postings, k=0, as_of=AS_OF) == []


def test_accepts_a_prebuilt_index_with_track_record(ranker):
    postings = [make_posting(title="普工"), make_posting(title="普工")]
    index = Ranker.index(postings, TrackRecord(posting_hires={postings[1].id: 2}))
    recs = ranker.recommend(make_worker(), index, k=2, as_of=AS_OF)
    assert {r.id for r in recs} == {p.id for p in postings}
    hired = next(r for r in recs if r.id == postings[1].id)
    assert "该岗位已录用 2 人" in hired.reasons


def test_reasons_in_plain_chinese():
    ranker = Ranker.fallback()
    worker = make_worker(current_adcode=BIJIE, hometown_adcode=BIJIE, mobility="cross", expected_wage=6000,
                         occupations=[("welder", 5)], certificates=[(WELD_CERT, None)], preferred_type="full_time")
    posting = make_posting(title="电焊工", occupation="welder", adcode=DONGGUAN, cooperation="粤黔协作",
                           benefits=["包吃", "包住", "交通补贴"], wage_min=6000, wage_max=7800, cert_required=WELD_CERT)
    (rec,) = ranker.recommend(worker, [posting], k=1, as_of=AS_OF)
    km = round(regions.distance_between(BIJIE, DONGGUAN))
    assert "对口工种：焊工（5年经验）" in rec.reasons
    assert f"持有{WELD_CERT}" in rec.reasons
    assert f"约 {round(km / 10) * 10} 公里" in rec.reasons
    assert "粤黔协作岗位 含交通补助" in rec.reasons
    assert "工资高于期望 15%" in rec.reasons  # (6000 + 7800) / 2 = 6900
    assert "全职，符合您的用工偏好" in rec.reasons
    assert "包吃包住" in rec.reasons


def test_cooperation_postings_rise_for_workers_of_the_pairing():
    ranker = Ranker.fallback()
    bijie = make_worker(current_adcode=BIJIE, hometown_adcode=BIJIE, mobility="cross")
    paired = make_posting(adcode=SHENZHEN, cooperation="粤黔协作", benefits=["交通补贴"])
    unpaired = make_posting(adcode=SHENZHEN, benefits=["交通补贴"])
    recs = ranker.recommend(bijie, [unpaired, paired], k=2, as_of=AS_OF)
    assert recs[0].id == paired.id and recs[0].score > recs[1].score


def test_returning_worker_sees_work_near_home():
    ranker = Ranker.fallback()
    returning = make_worker(current_adcode=DONGGUAN, hometown_adcode=BIJIE, mobility="cross")
    near_home = make_posting(adcode=BIJIE)
    far = make_posting(adcode="110105")
    recs = ranker.recommend(returning, [far, near_home], k=2, as_of=AS_OF)
    assert recs[0].id == near_home.id
    assert "就在家乡，适合返乡就业" in recs[0].reasons  # both only the county's centre: never "1 公里"
    liuzhi = make_posting(adcode=LIUZHI)
    stayed = make_worker(current_adcode=BIJIE, hometown_adcode=BIJIE, mobility="local")
    assert ranker.recommend(stayed, [far, liuzhi], k=1, as_of=AS_OF)[0].id == liuzhi.id


def test_local_worker_prefers_near_and_wage_counts():
    ranker = Ranker.fallback()
    worker = make_worker(current_adcode=GUIYANG, mobility="local", expected_wage=5000)
    near = make_posting(adcode=GUIYANG)
    far = make_posting(adcode=DONGGUAN)
    assert ranker.recommend(worker, [far, near], k=1, as_of=AS_OF)[0].id == near.id
    rich = make_posting(adcode=GUIYANG, wage_min=5500, wage_max=7000)
    poor = make_posting(adcode=GUIYANG, wage_min=3000, wage_max=4000)
    assert ranker.recommend(worker, [poor, rich], k=1, as_of=AS_OF)[0].id == rich.id


def test_stated_age_limit_lowers_the_posting_with_a_reason(ranker):
    older = make_worker(birth_date=date(1970, 1, 1))
    younger = make_worker(birth_date=date(1995, 1, 1))
    limited = make_posting(description="岗位要求：年龄18-45周岁；1年以上普工相关经验优先。")
    unlimited = make_posting(description="岗位要求：1年以上普工相关经验优先。")
    recs = {r.id: r for r in ranker.recommend(older, [limited, unlimited], k=2, as_of=AS_OF)}
    assert recs[limited.id].score < recs[unlimited.id].score
    assert "岗位注明年龄18-45周岁，您的年龄可能不符合" in recs[limited.id].caveats
    assert not any("年龄" in r for r in recs[limited.id].reasons)
    young = {r.id: r for r in ranker.recommend(younger, [limited, unlimited], k=2, as_of=AS_OF)}
    assert young[limited.id].score == pytest.approx(young[unlimited.id].score)
    assert not any("年龄" in r for r in young[limited.id].reasons + young[limited.id].caveats)


def test_candidates_for_an_employer(ranker):
    posting = make_posting(title="电焊工", occupation="welder", cert_required=WELD_CERT, adcode=GUIYANG)
    holder = make_worker(occupations=[("welder", 6)], certificates=[(WELD_CERT, None)])
    hidden = make_worker(occupations=[("welder", 9)], certificates=[(WELD_CERT, None)], discoverable=False)
    no_cert = make_worker(occupations=[("welder", 9)])
    far = make_worker(occupations=[("welder", 6)], certificates=[(WELD_CERT, None)], current_adcode=DONGGUAN,
                      hometown_adcode=DONGGUAN, mobility="cross")
    local_far = make_worker(occupations=[("welder", 6)], certificates=[("电焊证", None)], current_adcode=DONGGUAN,
                            hometown_adcode=DONGGUAN, mobility="local")
    cands = ranker.candidates(posting, [hidden, no_cert, far, local_far, holder], k=10, as_of=AS_OF)
    assert {c.id for c in cands} == {holder.id, far.id}  # 只在本地 in 东莞 is not offered a job in 贵阳
    if ranker.is_fallback:
        assert [c.id for c in cands] == [holder.id, far.id]
    best = next(c for c in cands if c.id == holder.id)
    assert "工种对口：焊工（6年经验）" in best.reasons
    assert f"持有{WELD_CERT}" in best.reasons
    assert "同区县" in best.reasons  # both only a county's centre: never "不到 1 公里"
    assert not any("不到" in r for c in cands for r in c.reasons)
