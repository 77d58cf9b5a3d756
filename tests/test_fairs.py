"""Job fairs: the organiser's fair, its public pages and list, employers' sign-up, booths and postings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import job_payload
from tests.fairkit import approved as _approved
from tests.fairkit import new_fair, signed_in


@pytest.fixture
def organiser(make_user):
    return make_user("organiser", name="铜仁市人社局")


@pytest.fixture
def make_fair(organiser, today):
    def make(by=None, **overrides) -> dict:
        return new_fair(by or organiser, today, **overrides)

    return make


# ---- The fair ----

def test_organiser_creates_a_fair_and_anyone_reads_it(organiser, make_fair, client, today):
    fair = make_fair(target_groups=["脱贫人口", "返乡"])
    r = client.get(f"/api/v1/fairs/{fair['id']}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["name"] == "2026 春风行动 · 松桃专场" and body["kind"] == "spring_breeze"
    assert body["starts_on"] == today.isoformat() and body["adcode"] == "520628" and body["online"] is False
    assert body["employers"] == [] and body["jobs"] == []
    assert body["target_groups"] == ["脱贫人口", "返乡"]


def test_fair_kind_may_be_given_by_its_chinese_name(make_fair, client):
    fair = make_fair(kind="送岗位下乡")
    assert client.get(f"/api/v1/fairs/{fair['id']}").get_json()["kind"] == "jobs_to_villages"


@pytest.mark.parametrize("change, field", [
    ({"name": ""}, "name"), ({"kind": "庙会"}, "kind"), ({"starts_on": "三月一日"}, "starts_on"),
    ({"adcode": None, "online": False}, "adcode"), ({"adcode": "999999"}, "adcode"),
])
def test_bad_fair_is_refused_naming_the_field(organiser, today, change, field, client):
    body = {"name": "春风行动", "kind": "spring_breeze", "starts_on": today.isoformat(),
            "ends_on": today.isoformat(), "adcode": "520628", "online": False} | change
    r = organiser.post("/api/v1/fairs", body)
    assert r.status_code == 422
    assert field in r.get_json()["error"]["fields"]
    assert client.get("/api/v1/fairs").get_json()["items"] == []


def test_fair_cannot_end_before_it_starts(organiser, today):
    r = organiser.post("/api/v1/fairs", {"name": "春风行动", "kind": "spring_breeze", "starts_on": today.isoformat(),
                                         "ends_on": (today - timedelta(days=1)).isoformat(), "online": True})
    assert r.status_code == 422 and "ends_on" in r.get_json()["error"]["fields"]


def test_an_online_fair_needs_no_place(make_fair, client):
    fair = make_fair(adcode=None, address="", online=True)
    assert client.get(f"/api/v1/fairs/{fair['id']}").get_json()["online"] is True


def test_fairs_are_listed_by_place_and_by_day(make_fair, client, today):
    songtao = make_fair(name="松桃专场")
    dongguan = make_fair(name="东莞民营企业招聘周", kind="private_enterprise_week", adcode="441900",
                         starts_on=(today + timedelta(days=10)).isoformat(),
                         ends_on=(today + timedelta(days=12)).isoformat())

    def names(query: str) -> list[str]:
        r = client.get("/api/v1/fairs" + query)
        assert r.status_code == 200, r.get_json()
        return [f["name"] for f in r.get_json()["items"]]

    assert names("") == ["松桃专场", "东莞民营企业招聘周"]
    assert names("?adcode=520000") == ["松桃专场"]  # the province holds its counties
    assert names("?adcode=520600") == ["松桃专场"]  # and so does the city
    assert names("?adcode=441900") == ["东莞民营企业招聘周"]
    assert names(f"?on={today.isoformat()}") == ["松桃专场"]
    assert names(f"?on={(today + timedelta(days=11)).isoformat()}") == ["东莞民营企业招聘周"]
    assert names(f"?adcode=441900&on={today.isoformat()}") == []
    assert names("?adcode=贵州松桃") == ["松桃专场"]  # a place's name works too
    assert {songtao["id"], dongguan["id"]}


def test_fair_list_refuses_a_bad_date_or_an_ambiguous_place(client):
    r = client.get("/api/v1/fairs?on=tomorrow")
    assert r.status_code == 422 and "on" in r.get_json()["error"]["fields"]
    r = client.get("/api/v1/fairs?adcode=朝阳区")
    assert r.status_code == 422
    message = r.get_json()["error"]["fields"]["adcode"]
    assert "北京市朝阳区" in message and "吉林省长春市朝阳区" in message


def test_fair_pages_list_search_and_show_booths(organiser, make_fair, make_employer, client, today):
    fair = make_fair()
    make_fair(name="东莞专场", adcode="441900")
    employer = make_employer(name="铜仁市万山区建筑劳务有限公司")
    _approved(organiser, employer, fair["id"], booth="A12")
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", job_payload(title="钢筋工", adcode="520628"))
    assert r.status_code == 201, r.get_json()

    page = client.get("/fairs").get_data(as_text=True)
    assert "2026 春风行动 · 松桃专场" in page and "东莞专场" in page
    page = client.get("/fairs?place=松桃").get_data(as_text=True)
    assert "2026 春风行动 · 松桃专场" in page and "东莞专场" not in page
    page = client.get(f"/fairs?on={(today + timedelta(days=30)).isoformat()}").get_data(as_text=True)
    assert "松桃专场" not in page and "没有找到招聘会" in page
    page = client.get(f"/fairs/{fair['id']}").get_data(as_text=True)
    assert "A12 号展位" in page and "铜仁市万山区建筑劳务有限公司" in page and "钢筋工" in page


def test_organiser_creates_a_fair_on_the_page_and_a_mistake_keeps_what_was_typed(organiser, app, today):
    web = signed_in(app, organiser)
    r = web.post("/organiser/fairs", data={"name": "返乡人员专场", "kind": "special", "starts_on": today.isoformat(),
                                           "ends_on": "", "adcode": "520628"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "返乡人员专场" in page and "请填写结束日期" in page
    r = web.post("/organiser/fairs", data={"name": "返乡人员专场", "kind": "special", "starts_on": today.isoformat(),
                                           "ends_on": today.isoformat(), "adcode": "520628"})
    assert r.status_code == 302
    page = web.get(r.headers["Location"]).get_data(as_text=True)
    assert "返乡人员专场" in page and "报名单位" in page


# ---- Employers: sign-up, approval, booths, postings ----

def test_employer_signs_up_and_appears_only_once_approved(organiser, make_fair, make_employer, client):
    fair = make_fair()
    employer = make_employer()
    r = employer.post(f"/api/v1/fairs/{fair['id']}/signups")
    assert r.status_code == 201 and r.get_json()["status"] == "pending"
    again = employer.post(f"/api/v1/fairs/{fair['id']}/signups")
    assert again.get_json()["id"] == r.get_json()["id"]  # asking twice is one sign-up
    assert client.get(f"/api/v1/fairs/{fair['id']}").get_json()["employers"] == []

    r = organiser.post(f"/api/v1/fairs/{fair['id']}/signups/{r.get_json()['id']}/decision",
                       {"approve": True, "booth": "B3"})
    assert r.status_code == 200
    assert r.get_json() == {"id": r.get_json()["id"], "status": "approved", "booth": "B3"}
    employers = client.get(f"/api/v1/fairs/{fair['id']}").get_json()["employers"]
    assert [(e["id"], e["booth"]) for e in employers] == [(employer.employer_id, "B3")]


def test_rejected_employer_is_not_shown_and_cannot_bring_postings(organiser, make_fair, make_employer, make_job,
                                                                  client):
    fair = make_fair()
    employer = make_employer()
    job = make_job(employer)
    signup = employer.post(f"/api/v1/fairs/{fair['id']}/signups").get_json()
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", {"job_id": job["id"]})
    assert r.status_code == 403 and "审核" in r.get_json()["error"]["message"]
    organiser.post(f"/api/v1/fairs/{fair['id']}/signups/{signup['id']}/decision", {"approve": False})
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", {"job_id": job["id"]})
    assert r.status_code == 403
    detail = client.get(f"/api/v1/fairs/{fair['id']}").get_json()
    assert detail["employers"] == [] and detail["jobs"] == []


def test_unverified_employer_cannot_sign_up(make_fair, make_employer):
    fair = make_fair()
    employer = make_employer(verified=False)
    r = employer.post(f"/api/v1/fairs/{fair['id']}/signups")
    assert r.status_code == 403


def test_two_employers_cannot_share_a_booth_number(organiser, make_fair, make_employer):
    fair = make_fair()
    _approved(organiser, make_employer(), fair["id"], booth="A1")
    other = make_employer(name="贵州梵净山茶业有限公司")
    signup = other.post(f"/api/v1/fairs/{fair['id']}/signups").get_json()
    r = organiser.post(f"/api/v1/fairs/{fair['id']}/signups/{signup['id']}/decision", {"approve": True, "booth": "A1"})
    assert r.status_code == 409 and "booth" in r.get_json()["error"]["fields"]


def test_approved_employer_brings_existing_postings_and_makes_new_ones(organiser, make_fair, make_employer, make_job,
                                                                      client, today):
    fair = make_fair()
    employer = make_employer()
    _approved(organiser, employer, fair["id"], booth="A2")
    existing = make_job(employer, title="电焊工")
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", {"job_id": existing["id"]})
    assert r.status_code == 200
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", {"job_id": existing["id"]})  # twice is once
    assert r.status_code == 200
    body = job_payload(title="普工", occupation=None)
    del body["closes_at"]
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", body)
    assert r.status_code == 201, r.get_json()
    new = r.get_json()
    assert new["closes_at"] == (today + timedelta(days=6)).isoformat()  # the fair's last day
    detail = client.get(f"/api/v1/fairs/{fair['id']}").get_json()
    assert detail["jobs"] == [existing["id"], new["id"]]
    assert detail["employers"][0]["jobs"] == [existing["id"], new["id"]]


def test_a_posting_made_at_a_fair_follows_the_posting_rules(organiser, make_fair, make_employer, client):
    fair = make_fair()
    employer = make_employer()
    _approved(organiser, employer, fair["id"])
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", job_payload(title="普工（限男性）"))
    assert r.status_code == 422 and "title" in r.get_json()["error"]["fields"]
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", job_payload(wage_min=0))
    assert r.status_code == 422 and "wage_min" in r.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/fairs/{fair['id']}").get_json()["jobs"] == []
    assert employer.get("/api/v1/employer/jobs").get_json()["items"] == []


def test_employer_cannot_bring_another_employers_posting(organiser, make_fair, make_employer, make_job):
    fair = make_fair()
    employer = make_employer()
    _approved(organiser, employer, fair["id"])
    other_job = make_job(make_employer(name="别家单位有限公司"))
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", {"job_id": other_job["id"]})
    assert r.status_code == 422 and "job_id" in r.get_json()["error"]["fields"]


def test_employer_booth_page_attaches_detaches_and_posts_on_the_spot(organiser, make_fair, make_employer, make_job,
                                                                     app, client):
    fair = make_fair()
    employer = make_employer()
    _approved(organiser, employer, fair["id"], booth="C7")
    job = make_job(employer, title="叉车司机")
    web = signed_in(app, employer)
    page = web.get(f"/employer/fairs/{fair['id']}").get_data(as_text=True)
    assert "C7" in page and "叉车司机（编号" in page
    r = web.post(f"/employer/fairs/{fair['id']}/attach", data={"job_id": job["id"]})
    assert r.status_code == 302
    assert client.get(f"/api/v1/fairs/{fair['id']}").get_json()["jobs"] == [job["id"]]
    r = web.post(f"/employer/fairs/{fair['id']}/detach/{job['id']}")
    assert r.status_code == 302
    assert client.get(f"/api/v1/fairs/{fair['id']}").get_json()["jobs"] == []
    form = {k: v for k, v in job_payload(title="装卸工", occupation="").items() if k != "benefits"}
    form["headcount"] = ""
    r = web.post(f"/employer/fairs/{fair['id']}/jobs/new", data=form)
    assert r.status_code == 422 and "装卸工" in r.get_data(as_text=True)  # what was typed stays
    form["headcount"] = "3"
    r = web.post(f"/employer/fairs/{fair['id']}/jobs/new", data=form)
    assert r.status_code == 302
    assert len(client.get(f"/api/v1/fairs/{fair['id']}").get_json()["jobs"]) == 1


def test_organiser_approves_on_the_manage_page(organiser, make_fair, make_employer, app, client):
    fair = make_fair()
    employer = make_employer(name="松桃苗绣合作社有限公司")
    signup = employer.post(f"/api/v1/fairs/{fair['id']}/signups").get_json()
    web = signed_in(app, organiser)
    page = web.get(f"/organiser/fairs/{fair['id']}").get_data(as_text=True)
    assert "松桃苗绣合作社有限公司" in page and "待审核" in page
    r = web.post(f"/organiser/fairs/{fair['id']}/signups/{signup['id']}", data={"action": "approve", "booth": "D1"})
    assert r.status_code == 302
    assert client.get(f"/api/v1/fairs/{fair['id']}").get_json()["employers"][0]["booth"] == "D1"
