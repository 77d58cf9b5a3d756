"""Employers post, edit, pause and close; workers browse what is open."""

from datetime import timedelta

from sqlmodel import func, select

from market.models import Job, SearchOutbox
from tests.conftest import job_payload


def test_verified_employer_posts_and_the_job_is_browsable(make_employer, client):
    employer = make_employer()
    r = employer.post("/api/v1/jobs", job_payload(title="急招氩弧焊工", benefits=["包吃", "包住", "五险一金"]))
    assert r.status_code == 201
    job = r.get_json()
    assert job["place"] == "广东省东莞市" and job["wage_text"] == "6000-8000元/月"
    listing = client.get("/api/v1/jobs").get_json()
    assert listing["total"] == 1 and listing["hits"][0]["id"] == job["id"]
    assert client.get(f"/api/v1/jobs/{job['id']}").get_json()["title"] == "急招氩弧焊工"


def test_unverified_employer_cannot_post(make_employer):
    employer = make_employer(verified=False)
    r = employer.post("/api/v1/jobs", job_payload())
    assert r.status_code == 403
    assert "审核" in r.get_json()["error"]["message"]


def test_employer_with_bad_credit_code_check_goes_to_manual_review(make_user, admin):
    api = make_user("employer")
    r = api.post("/api/v1/employers", {"name": "某某劳务有限公司", "uscc": "91350105100000008Y", "adcode": "350105"})
    assert r.status_code == 201
    assert r.get_json()["status"] == "manual_review"
    queue = admin.get("/api/v1/admin/employers").get_json()["items"]
    assert [e["id"] for e in queue] == [r.get_json()["id"]]


def test_pay_must_be_stated_and_sane(make_employer, session):
    employer = make_employer()
    cases = [
        ({"wage_min": None, "wage_max": None}, "wage_min"),
        ({"wage_min": 0, "wage_max": 0}, "wage_min"),
        ({"wage_min": 9000, "wage_max": 8000}, "wage_max"),
        ({"wage_unit": "面议"}, "wage_unit"),
        ({"headcount": 0}, "headcount"),
        ({"adcode": "999999"}, "adcode"),
        ({"closes_at": "2020-01-01"}, "closes_at"),
        ({"title": ""}, "title"),
    ]
    for override, field in cases:
        r = employer.post("/api/v1/jobs", job_payload(**override))
        assert r.status_code == 422, override
        body = r.get_json()["error"]
        assert field in body["fields"], (override, body)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["fields"][field])
    # Nothing half-written: no posting, no outbox row.
    assert session.exec(select(func.count()).select_from(Job)).one() == 0
    assert session.exec(select(func.count()).select_from(SearchOutbox)).one() == 0


def test_discriminatory_posting_is_refused_with_reason(make_employer):
    employer = make_employer()
    r = employer.post("/api/v1/jobs", job_payload(description="限男性，限本地户口"))
    assert r.status_code == 422
    assert "性别" in r.get_json()["error"]["fields"]["description"]
    r = employer.post("/api/v1/jobs", job_payload(description="入职交押金500元"))
    assert "押金" in r.get_json()["error"]["fields"]["description"]


def test_age_limit_is_flagged_stays_live_and_shows(make_employer, admin, client):
    employer = make_employer()
    job = employer.post("/api/v1/jobs", job_payload(description="年龄18-45周岁，身体健康")).get_json()
    assert job["age_requirement"] == "18-45周岁"
    assert client.get("/api/v1/jobs").get_json()["total"] == 1
    flagged = admin.get("/api/v1/admin/jobs/flagged").get_json()["items"]
    assert [j["id"] for j in flagged] == [job["id"]]
    assert admin.post(f"/api/v1/admin/jobs/{job['id']}/clear").status_code == 200
    assert admin.get("/api/v1/admin/jobs/flagged").get_json()["items"] == []


def test_paused_and_taken_down_postings_leave_the_listing(make_employer, admin, client):
    employer = make_employer()
    job = employer.post("/api/v1/jobs", job_payload()).get_json()
    assert employer.post(f"/api/v1/jobs/{job['id']}/status", {"action": "pause"}).get_json()["status"] == "paused"
    assert client.get("/api/v1/jobs").get_json()["total"] == 0
    assert employer.post(f"/api/v1/jobs/{job['id']}/status", {"action": "resume"}).get_json()["status"] == "open"
    assert client.get("/api/v1/jobs").get_json()["total"] == 1
    r = admin.post(f"/api/v1/admin/jobs/{job['id']}/take-down", {"reason": "虚假招聘"})
    assert r.status_code == 200
    assert client.get("/api/v1/jobs").get_json()["total"] == 0
    assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    assert employer.patch(f"/api/v1/jobs/{job['id']}", {"title": "新标题"}).status_code == 409


def test_posting_closes_by_itself_when_its_date_passes(make_job, client, today):
    job = make_job(closes_at=(today + timedelta(days=3)).isoformat())
    assert client.get(f"/api/v1/jobs?open_on={today + timedelta(days=2)}").get_json()["total"] == 1
    assert client.get(f"/api/v1/jobs?open_on={today + timedelta(days=3)}").get_json()["total"] == 0
    assert client.get(f"/api/v1/jobs/{job['id']}").get_json()["status"] == "open"


def test_edit_keeps_the_rules(make_employer):
    employer = make_employer()
    job = employer.post("/api/v1/jobs", job_payload()).get_json()
    r = employer.patch(f"/api/v1/jobs/{job['id']}", {"wage_max": 5000})
    assert r.status_code == 422 and "wage_max" in r.get_json()["error"]["fields"]
    r = employer.patch(f"/api/v1/jobs/{job['id']}", {"wage_max": 9000, "benefits": ["五险一金"]})
    assert r.status_code == 200
    assert r.get_json()["wage_max"] == 9000 and r.get_json()["benefits"] == ["五险一金"]


def test_browse_filters_by_place_type_wage_and_benefits(make_employer, client):
    employer = make_employer()
    employer.post("/api/v1/jobs", job_payload(title="电焊工", adcode="441900"))
    employer.post("/api/v1/jobs", job_payload(title="搬运工", occupation="porter", adcode="440106", wage_min=200,
                                              wage_max=300, wage_unit="day", employment_type="gig_daily",
                                              benefits=["日结"]))
    employer.post("/api/v1/jobs", job_payload(title="保洁", occupation="cleaner", adcode="520102", wage_min=3000,
                                              wage_max=3500, benefits=[]))
    def titles(query):
        return sorted(h["title"] for h in client.get("/api/v1/jobs?" + query).get_json()["hits"])
    assert titles("province=440000") == ["搬运工", "电焊工"]
    assert titles("city=440100") == ["搬运工"]
    assert titles("county=520102") == ["保洁"]
    assert titles("employment_type=gig_daily") == ["搬运工"]
    # 300 a day is 7,800 a month: above 7,000; 3,500 a month is not.
    assert titles("wage_min=7000") == ["搬运工", "电焊工"]
    assert titles("benefits=包吃&benefits=包住") == ["电焊工"]
    assert titles("q=东莞 焊工") == ["电焊工"]
    r = client.get("/api/v1/jobs?limit=500")
    assert r.status_code == 422 and "limit" in r.get_json()["error"]["fields"]


def test_geo_radius_and_distance_sort(make_employer, client):
    employer = make_employer()
    employer.post("/api/v1/jobs", job_payload(title="近", adcode="441900"))
    employer.post("/api/v1/jobs", job_payload(title="远", adcode="520102"))
    near = client.get("/api/v1/jobs?lat=23.02&lng=113.75&radius_km=50").get_json()
    assert [h["title"] for h in near["hits"]] == ["近"]
    ordered = client.get("/api/v1/jobs?lat=26.6&lng=106.7&sort=distance").get_json()
    assert [h["title"] for h in ordered["hits"]] == ["远", "近"]


def test_a_full_time_wage_below_the_local_minimum_is_refused_and_nothing_is_posted(make_employer, client):
    from vocab.minimum_wage import lowest_monthly

    employer = make_employer()
    low = lowest_monthly("520102") - 1  # from the cited table, whatever its edition
    r = employer.post("/api/v1/jobs", job_payload(title="仓库理货", occupation="warehouse", wage_min=low,
                                                  wage_max=low + 200, adcode="520102"))
    assert r.status_code == 422
    assert "低于贵州省最低工资标准" in r.get_json()["error"]["fields"]["wage_min"]
    assert employer.get("/api/v1/employer/jobs").get_json()["items"] == []
    ok = employer.post("/api/v1/jobs", job_payload(title="仓库理货", occupation="warehouse", wage_min=low,
                                                   wage_max=low + 200, adcode="520102", employment_type="seasonal"))
    assert ok.status_code == 201  # not a full-time job: judged on other grounds
    r = employer.patch(f"/api/v1/jobs/{ok.get_json()['id']}", {"employment_type": "full_time"})
    assert r.status_code == 422 and "wage_min" in r.get_json()["error"]["fields"]


def test_headcounts_by_sex_and_fees_from_wages_are_refused_at_posting(make_employer):
    employer = make_employer()
    r = employer.post("/api/v1/jobs", job_payload(title="普工", occupation="factory_worker",
                                                  description="招男工 10 名，工衣费从工资扣。"))
    assert r.status_code == 422 and "性别" in r.get_json()["error"]["fields"]["description"]
    r = employer.post("/api/v1/jobs", job_payload(title="普工", occupation="factory_worker",
                                                  description="长白班，工衣费从工资扣。"))
    assert r.status_code == 422 and "工衣费" in r.get_json()["error"]["fields"]["description"]
