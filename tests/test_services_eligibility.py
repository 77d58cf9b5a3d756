"""Subsidy eligibility from the profile: each rule of market/data/subsidy_rules.json with a worker who meets
it and one who does not, what the platform cannot know in why/bring, and who may ask."""

from datetime import timedelta

import pytest

from market import clock
from market.subsidies.rules import load_rules
from tests.conftest import id_number


def items_of(api) -> dict:
    r = api.get(f"/api/v1/workers/{api.worker_id}/eligibility")
    assert r.status_code == 200, r.get_json()
    for item in r.get_json()["items"]:
        assert set(item) >= {"name", "amount_yuan", "eligible", "why", "bring", "where", "source"}
    return {item["key"]: item for item in r.get_json()["items"]}


def test_every_rule_cites_a_policy_document_and_names_what_to_bring():
    rules = load_rules()
    assert {r["kind"] for r in rules} == {"skill_upgrade", "cross_province_transport", "training", "startup_loan"}
    for rule in rules:
        assert "〔" in rule["source"] or "《" in rule["source"]
        assert rule["bring"] and rule["where"]


@pytest.mark.parametrize(("level", "amount"), [(5, 1000), (4, 1500), (3, 2000)])
def test_a_mianyang_worker_with_a_level_certificate_gets_the_skill_subsidy_by_level(make_worker, level, amount):
    worker = make_worker(hometown_adcode="510703", current_adcode="441900",
                         certificates=[{"name": "电工职业技能等级证书", "level": level, "number": "DG0001"}])
    item = items_of(worker)["mianyang_skill_upgrade"]
    assert item["eligible"] is True and item["amount_yuan"] == amount
    assert "参加失业保险" in item["why"]  # the platform cannot know 参保: said, not assumed
    assert "社会保障卡或本人银行卡" in item["bring"]
    assert "绵委办〔2019〕2号" in item["source"]


def test_the_skill_subsidy_needs_a_level_certificate_and_mianyang_residence(make_worker):
    no_certificate = items_of(make_worker(hometown_adcode="510703", certificates=[]))["mianyang_skill_upgrade"]
    assert no_certificate["eligible"] is False and no_certificate["amount_yuan"] is None
    assert "职业技能等级证书" in no_certificate["why"]
    outsider = items_of(make_worker(hometown_adcode="520502", current_adcode="510703",
                                    certificates=[{"name": "电工职业技能等级证书", "level": 4}]))
    assert outsider["mianyang_skill_upgrade"]["eligible"] is False
    assert "只限" in outsider["mianyang_skill_upgrade"]["why"]
    technician = items_of(make_worker(hometown_adcode="510703",
                                      certificates=[{"name": "电工职业技能等级证书", "level": 2}]))
    assert technician["mianyang_skill_upgrade"]["eligible"] is False


def test_the_id_number_stands_for_the_hometown_when_none_was_entered(make_worker):
    worker = make_worker(hometown_adcode=None, certificates=[{"name": "电工职业技能等级证书", "level": 4}])
    assert "mianyang_skill_upgrade" not in items_of(worker)
    worker.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": id_number("510703", "19800101")})
    item = items_of(worker)["mianyang_skill_upgrade"]
    assert item["eligible"] is True and "身份证号" in item["why"]


def test_a_guizhou_poverty_worker_in_guangdong_gets_the_transport_subsidy(make_worker):
    worker = make_worker(hometown_adcode="520502", current_adcode="441900")
    worker.put("/api/v1/me/profile", {"sensitive_consent": True, "priority_groups": ["脱贫人口"]})
    item = items_of(worker)["guizhou_transport"]
    assert item["eligible"] is True and "粤黔协作" in item["why"]
    assert "承诺制+代办制" in item["where"]


def test_the_transport_subsidy_needs_known_status_and_a_paired_province(make_worker):
    unknown = items_of(make_worker(hometown_adcode="520502", current_adcode="441900"))["guizhou_transport"]
    assert unknown["eligible"] is False and "平台不知道您是否为脱贫人口" in unknown["why"]
    in_zhejiang = make_worker(hometown_adcode="520502", current_adcode="330106")
    in_zhejiang.put("/api/v1/me/profile", {"sensitive_consent": True, "priority_groups": ["脱贫人口"]})
    item = items_of(in_zhejiang)["guizhou_transport"]
    assert item["eligible"] is False and "协作省份" in item["why"]
    at_home = make_worker(hometown_adcode="520502", current_adcode="520502")
    at_home.put("/api/v1/me/profile", {"sensitive_consent": True, "priority_groups": ["脱贫人口"]})
    assert items_of(at_home)["guizhou_transport"]["eligible"] is False


def test_a_hire_in_the_paired_province_counts_as_working_there(make_worker, make_job, make_employer, session):
    from market.models import Application

    job = make_job(make_employer(adcode="440300"), adcode="440305")
    worker = make_worker(hometown_adcode="520502", current_adcode="520502")
    worker.put("/api/v1/me/profile", {"sensitive_consent": True, "priority_groups": ["脱贫人口"]})
    session.add(Application(worker_id=worker.worker_id, job_id=job["id"], applied_at=clock.today(), status="hired"))
    session.commit()
    assert items_of(worker)["guizhou_transport"]["eligible"] is True


def test_signing_up_for_a_subsidised_course_makes_the_training_subsidy_claimable(make_worker, make_user):
    trainer = make_user("trainer", name="毕节技工学校")
    start = clock.today() + timedelta(days=7)
    course = {"title": "中式烹调师（初级）", "occupation": "cook", "level": 5, "adcode": "520502", "seats": 30,
              "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=15)).isoformat()}
    paid = trainer.post("/api/v1/courses", course | {"subsidy_yuan": 800}).get_json()["id"]
    unpaid = trainer.post("/api/v1/courses", course | {"title": "自费班"}).get_json()["id"]
    worker = make_worker()
    assert items_of(worker)["subsidised_training"]["eligible"] is False
    worker.post(f"/api/v1/courses/{unpaid}/signups")
    assert items_of(worker)["subsidised_training"]["eligible"] is False
    worker.post(f"/api/v1/courses/{paid}/signups")
    item = items_of(worker)["subsidised_training"]
    assert item["eligible"] is True and item["amount_yuan"] == 800 and "结业" in item["why"]


@pytest.mark.parametrize(("hometown", "key"), [("520502", "guizhou_startup_loan"), ("510703", "mianyang_startup_loan")])
def test_a_returnee_at_home_may_apply_for_a_start_up_guarantee_loan(make_worker, hometown, key):
    back_home = items_of(make_worker(hometown_adcode=hometown, current_adcode=hometown))[key]
    assert back_home["eligible"] is True and "营业执照" in " ".join(back_home["bring"])
    still_away = items_of(make_worker(hometown_adcode=hometown, current_adcode="441900"))[key]
    assert still_away["eligible"] is False and "老家" in still_away["why"]


def test_only_the_worker_and_staff_see_eligibility(make_worker, make_employer, make_user, admin):
    worker = make_worker()
    path = f"/api/v1/workers/{worker.worker_id}/eligibility"
    assert admin.get(path).status_code == 200
    for other in (make_worker(), make_employer(), make_user("trainer"), make_user("station_staff")):
        assert other.get(path).status_code == 403
    assert worker.client.get(path).status_code == 401


def test_older_worker_is_no_longer_collected(make_worker, app):
    worker = make_worker()
    r = worker.put("/api/v1/me/profile", {"sensitive_consent": True, "priority_groups": ["脱贫人口", "大龄"]})
    assert r.get_json()["priority_groups"] == ["脱贫人口"]
    browser = app.test_client()
    browser.post("/login", data={"phone": worker.user.phone, "password": "password123"})
    page = browser.get("/me/profile").get_data(as_text=True)
    assert 'value="大龄"' not in page and "跨省务工交通补助" in page


def test_the_eligibility_page_says_what_to_claim_bring_and_where(make_worker, app):
    worker = make_worker(hometown_adcode="510703", current_adcode="510703",
                         certificates=[{"name": "电工职业技能等级证书", "level": 3, "number": "DG0001"}])
    browser = app.test_client()
    browser.post("/login", data={"phone": worker.user.phone, "password": "password123"})
    page = browser.get("/me/eligibility").get_data(as_text=True)
    assert "可以申领" in page and "2000 元" in page and "要带的材料" in page and "去哪里办" in page
    assert "暂时还不符合" in page  # the training subsidy without a course
