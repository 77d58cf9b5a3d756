import re
from datetime import date

import numpy as np
import pytest
from matching_builders import AS_OF, BIJIE, DONGGUAN, GUIYANG, NANNING, SHENZHEN, make_posting, make_worker

from matching.features import FEATURES, PostingIndex, WorkerBlock, history_for, pair_features
from matching.scoring import fallback_score
from matching.types import Application, PastApplication, TrackRecord
from vocab import regions


def feats(worker, posting, *, history=(), track=None, day=AS_OF):
    index = PostingIndex.build([posting], track)
    block = WorkerBlock.build([worker])
    if history:
        block = block.with_history(history_for(block, [list(history)]))
    X = pair_features(block, index, np.array([0]), np.array([0]), day.toordinal())
    return dict(zip(FEATURES, X[0].tolist(), strict=True))


def test_no_protected_attribute_is_a_feature():
    banned = ("gender", "sex", "ethnic", "nation", "birth", "priority", "poverty", "name", "id_number", "hometown_province")
    for f in FEATURES:
        assert not any(b in f for b in banned), f
        assert not re.search(r"(^|_)age(_|$)", f), f


def test_distances_use_cpca_coordinates_of_current_place_and_hometown():
    worker = make_worker(current_adcode=DONGGUAN, hometown_adcode=BIJIE)
    f = feats(worker, make_posting(adcode=GUIYANG))
    assert f["dist_current_km"] == pytest.approx(regions.distance_between(DONGGUAN, GUIYANG), rel=1e-3)
    assert f["dist_home_km"] == pytest.approx(regions.distance_between(BIJIE, GUIYANG), rel=1e-3)
    assert f["home_province"] == 1 and f["same_province"] == 0 and f["worker_returned"] == 0


def test_posting_coordinates_win_over_its_county_centre():
    worker = make_worker(current_adcode=GUIYANG)
    region = regions.get(GUIYANG)
    f = feats(worker, make_posting(adcode=GUIYANG, lat=region.lat + 0.1, lng=region.lng))
    assert f["dist_current_km"] == pytest.approx(11.1, abs=0.3)
    assert f["same_county"] == 1 and f["same_city"] == 1


def test_cooperation_pairing_for_a_bijie_worker():
    worker = make_worker(current_adcode=BIJIE, hometown_adcode=BIJIE, mobility="cross")
    own = feats(worker, make_posting(adcode=DONGGUAN, cooperation="粤黔协作"))
    other = feats(worker, make_posting(adcode=DONGGUAN, cooperation="粤桂协作"))
    plain = feats(worker, make_posting(adcode=SHENZHEN))
    assert own["cooperation_match"] == 1 and own["cooperation_province"] == 1
    assert other["cooperation_match"] == 0 and other["cooperation_province"] == 1
    assert plain["cooperation_match"] == 0 and plain["cooperation_province"] == 1
    guangxi = make_worker(current_adcode=NANNING, hometown_adcode=NANNING)
    assert feats(guangxi, make_posting(adcode=DONGGUAN, cooperation="粤桂协作"))["cooperation_match"] == 1
    local = feats(worker, make_posting(adcode=GUIYANG))
    assert local["cooperation_province"] == 0


def test_trade_read_from_title_when_the_label_is_wrong():
    welder = make_worker(occupations=[("welder", 6)])
    f = feats(welder, make_posting(title="电焊工（长期）", occupation="cook", description="待遇从优"))
    assert f["trade_primary"] == 1 and f["trade_held"] == 1 and f["years_in_trade"] == 6
    assert f["trade_label_held"] == 0


def test_second_trade_and_category():
    worker = make_worker(occupations=[("cook", 2), ("welder", 5)])
    f = feats(worker, make_posting(title="焊工", occupation="welder"))
    assert f["trade_primary"] == 0 and f["trade_held"] == 1 and f["years_in_trade"] == 5
    rebar = make_worker(occupations=[("rebar", 3)])
    g = feats(rebar, make_posting(title="木工师傅", occupation="carpenter"))
    assert g["trade_held"] == 0 and g["trade_category_held"] == 1
    h = feats(rebar, make_posting(title="保洁员", occupation="cleaner"))
    assert h["trade_category_held"] == 0


def test_experience_required_from_text():
    worker = make_worker(occupations=[("welder", 2)])
    f = feats(worker, make_posting(title="焊工", description="岗位要求：5年以上焊工相关经验优先。"))
    assert f["experience_required"] == 5 and f["experience_gap"] == -3


def test_wages_day_times_26_is_monthly():
    worker = make_worker(expected_wage=6000)
    day = feats(worker, make_posting(wage_min=200, wage_max=300, wage_unit="day", employment_type="gig_daily"))
    assert day["wage_max_ratio"] == pytest.approx(300 * 26 / 6000)
    assert day["wage_min_ratio"] == pytest.approx(200 * 26 / 6000)
    month = feats(worker, make_posting(wage_min=5000, wage_max=6900))
    assert month["wage_max_ratio"] == pytest.approx(1.15)
    piece = feats(worker, make_posting(wage_min=1, wage_max=2, wage_unit="piece"))
    assert np.isnan(piece["wage_max_ratio"])


def test_employment_type_against_preference():
    gig = make_posting(employment_type="gig_daily", wage_unit="day", wage_min=150, wage_max=250)
    full = make_posting(employment_type="full_time")
    assert feats(make_worker(preferred_type="gig_daily"), gig)["type_match"] == 2
    assert feats(make_worker(preferred_type="gig_daily"), full)["type_match"] == 0
    assert feats(make_worker(preferred_type="full_time"), full)["type_match"] == 2
    assert feats(make_worker(preferred_type="any"), gig)["type_match"] == 1
    piece = make_posting(employment_type="piece_rate")
    assert feats(make_worker(preferred_type="full_time"), piece)["type_match"] == 1
    assert feats(make_worker(preferred_type="gig_daily"), piece)["type_match"] == 0


def test_skill_level_lower_number_is_higher():
    posting = make_posting(title="焊工", occupation="welder", skill_level_required=4)
    mid = make_worker(occupations=[("welder", 5)], certificates=[("焊工职业技能等级证书", 4)])
    senior = make_worker(occupations=[("welder", 5)], certificates=[("焊工职业技能等级证书", 3)])
    junior = make_worker(occupations=[("welder", 5)], certificates=[("焊工职业技能等级证书", 5)])
    other = make_worker(occupations=[("welder", 5)], certificates=[("电工职业技能等级证书", 2)])
    assert feats(mid, posting)["skill_level_ok"] == 1
    assert feats(senior, posting)["skill_level_ok"] == 1 and feats(senior, posting)["skill_level_held"] == 3
    assert feats(junior, posting)["skill_level_ok"] == 0
    assert feats(other, posting)["skill_level_ok"] == 0
    assert feats(junior, make_posting(title="焊工"))["skill_level_ok"] == 1


def test_certificate_held_exact_name():
    posting = make_posting(title="电焊工", cert_required="特种作业操作证（焊接与热切割作业）")
    holder = make_worker(certificates=[("特种作业操作证（焊接与热切割作业）", None)])
    near_miss = make_worker(certificates=[("特种作业操作证（电工作业）", None)])
    assert feats(holder, posting)["cert_held"] == 1 and feats(holder, posting)["cert_required"] == 1
    assert feats(near_miss, posting)["cert_held"] == 0


def test_board_lodging_subsidy_and_brand():
    posting = make_posting(title="炒锅师傅", occupation="cook", benefits=["包吃", "包住", "交通补贴"])
    brand = make_worker(occupations=[("cook", 8)], labour_brand="黔菜师傅")
    f = feats(brand, posting)
    assert f["board"] == 1 and f["lodging"] == 1 and f["transport_subsidy"] == 1 and f["social_insurance"] == 0
    assert f["labour_brand_match"] == 1
    assert feats(make_worker(occupations=[("cook", 8)]), posting)["labour_brand_match"] == 0


def test_track_record_features_and_complaint_hook():
    p = make_posting(employer_id="E9", posted_at=date(2026, 5, 22))
    other = make_posting(employer_id="E9", posted_at=date(2026, 5, 1))
    apps = [Application("W1", p.id, date(2026, 5, 25), hired=True), Application("W2", p.id, date(2026, 5, 26)),
            Application("W3", other.id, date(2026, 5, 3)), Application("W4", p.id, date(2026, 6, 2))]
    track = TrackRecord.from_applications(apps, [p, other], before=AS_OF)
    assert track.posting_applications == {p.id: 2, other.id: 1}
    assert track.posting_hires == {p.id: 1}
    assert track.employer_applications == {"E9": 3} and track.employer_postings == {"E9": 2}
    f = feats(make_worker(), p, track=track)
    assert f["posting_applications"] == 2 and f["posting_hires"] == 1
    assert f["posting_applications_per_day"] == pytest.approx(2 / 10)
    assert f["employer_applications_per_posting"] == pytest.approx(1.5)
    assert f["employer_complaints"] == 0
    track.employer_complaints["E9"] = 3
    assert feats(make_worker(), p, track=track)["employer_complaints"] == 3


def test_history_features():
    worker = make_worker(current_adcode=GUIYANG)
    past = make_posting(employer_id="E7", adcode=DONGGUAN, title="普工", posted_at=date(2026, 3, 1),
                        closes_at=date(2026, 4, 1))
    history = [PastApplication(past, date(2026, 3, 5), hired=False)]
    f = feats(worker, make_posting(employer_id="E7", adcode=DONGGUAN, title="普工"), history=history)
    assert f["history_count"] == 1 and f["history_province_share"] == 1
    assert f["history_same_employer"] == 1 and f["history_same_city"] == 1
    assert f["history_trade_share"] == 1
    g = feats(worker, make_posting(employer_id="E8", adcode=GUIYANG, title="保安员"), history=history)
    assert g["history_same_employer"] == 0 and g["history_province_share"] == 0 and g["history_trade_share"] == 0
    cold = feats(worker, make_posting(employer_id="E7", adcode=DONGGUAN))
    assert cold["history_count"] == 0 and cold["history_same_employer"] == 0


def test_fallback_prefers_trade_and_nearness():
    worker = make_worker(current_adcode=GUIYANG, hometown_adcode=GUIYANG, occupations=[("welder", 5)], mobility="local")
    near_trade = make_posting(title="焊工", adcode=GUIYANG)
    near_other = make_posting(title="保洁员", occupation="cleaner", adcode=GUIYANG)
    far_trade = make_posting(title="焊工", adcode=DONGGUAN)
    index = PostingIndex.build([near_trade, near_other, far_trade])
    block = WorkerBlock.build([worker])
    s = fallback_score(pair_features(block, index, np.zeros(3, np.int64), np.arange(3), AS_OF.toordinal()))
    assert s[0] > s[1] and s[0] > s[2]
    assert ((0 < s) & (s < 1)).all()
