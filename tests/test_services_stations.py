"""Gig stations: the directory, assisted registration at the counter with matches and a printed slip, the
worker claiming the account later, and the audited roster of who was registered and placed where."""

from datetime import timedelta

import pytest
from sqlmodel import select

from market import clock
from market.models import AuditEntry, PartnerAccount
from tests.conftest import unique_phone


@pytest.fixture
def station(admin):
    r = admin.post("/api/v1/stations", {"name": "长安镇零工驿站", "adcode": "441900", "address": "长安镇人民广场旁",
                                        "hours": "每天 6:00-18:00", "services": ["零工登记", "政策咨询"]})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


@pytest.fixture
def staff(make_user, station, session):
    user = make_user("station_staff", name="长安驿站小李")
    account = session.exec(select(PartnerAccount).where(PartnerAccount.user_id == user.user.id)).one()
    account.station_id = station["id"]
    session.add(account)
    session.commit()
    return user


def walk_in(**overrides) -> dict:
    return {"phone": unique_phone(), "name": "张大姐", "current_adcode": "441900", "hometown_adcode": "520502",
            "occupations": [{"code": "welder", "years": 8}],
            "certificates": [{"name": "焊工职业技能等级证书", "level": 4, "number": "HG20240001"}]} | overrides


def test_the_directory_lists_stations_with_hours_services_and_a_point(station, client):
    items = client.get("/api/v1/stations?adcode=441900").get_json()["items"]
    assert [s["name"] for s in items] == ["长安镇零工驿站"]
    assert items[0]["lat"] and items[0]["lng"]  # the county's point from cpca when none was entered
    page = client.get("/stations").get_data(as_text=True)
    assert "每天 6:00-18:00" in page and "零工登记" in page and "<circle" in page
    assert client.get("/api/v1/stations?adcode=520000").get_json()["items"] == []


def test_bad_station_fields_are_named(admin):
    r = admin.post("/api/v1/stations", {"name": "驿", "adcode": "000001", "lat": "200", "services": ["跳舞"]})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"name", "adcode", "lat", "services"}


def test_station_staff_register_a_worker_and_see_matches_at_once(staff, make_job):
    job = make_job(title="二保焊工", adcode="441900")
    r = staff.post("/api/v1/station/workers", walk_in())
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["worker"]["certificates"][0]["level"] == 4
    assert [m["job"]["id"] for m in body["matches"]][:1] == [job["id"]]
    assert body["matches"][0]["reasons"]


def test_the_slip_prints_matches_with_qr_codes(staff, make_job, app):
    make_job(title="二保焊工", adcode="441900")
    worker_id = staff.post("/api/v1/station/workers", walk_in(hometown_adcode="510703")).get_json()["worker"]["id"]
    browser = app.test_client()
    browser.post("/login", data={"phone": staff.user.phone, "password": "password123"})
    page = browser.get(f"/station/workers/{worker_id}/slip").get_data(as_text=True)
    assert "张大姐" in page and "二保焊工" in page
    assert "技能提升补贴（绵阳） 1500 元" in page  # what the worker may claim, printed with the jobs
    assert page.count('src="data:image/svg+xml') == 2  # the posting's code and the claim code
    assert "slip.css" in page
    css = app.test_client().get("/static/slip.css")
    assert "@media print" in css.get_data(as_text=True)
    css.close()


def test_the_worker_claims_the_account_later(staff, client, sms):
    data = walk_in()
    staff.post("/api/v1/station/workers", data)
    r = client.post("/api/v1/auth/token", json={"phone": data["phone"], "password": "whatever1"})
    assert r.status_code == 401 and "认领" in r.get_json()["error"]["message"]
    client.post("/api/v1/auth/code", json={"phone": data["phone"], "purpose": "reset"})
    code = sms.sent[-1][1].split("验证码 ")[1][:6]
    assert client.post("/api/v1/auth/reset", json={"phone": data["phone"], "code": code,
                                                   "password": "mypassword1"}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"phone": data["phone"], "password": "mypassword1"}).status_code == 200


def test_the_roster_shows_who_was_placed_where_and_is_audited(staff, make_employer, make_job, session):
    employer = make_employer()
    job = make_job(employer, title="二保焊工", adcode="441900")
    placed = staff.post("/api/v1/station/workers", walk_in(name="赵师傅")).get_json()["worker"]["id"]
    staff.post("/api/v1/station/workers", walk_in(name="钱师傅", occupations=[{"code": "cook", "years": 3}]))
    # The placed worker applies through the counter's account, and the employer hires.
    from market.models import Application

    application = Application(worker_id=placed, job_id=job["id"], applied_at=clock.today(), status="hired")
    session.add(application)
    session.commit()

    everyone = staff.post("/api/v1/station/roster", {}).get_json()["items"]
    assert {w["name"] for w in everyone} == {"赵师傅", "钱师傅"}
    working = staff.post("/api/v1/station/roster", {"placed": "yes"}).get_json()["items"]
    assert [(w["name"], w["placements"][0]["employer"]) for w in working] == [("赵师傅", "东莞市长安五金制品有限公司")]
    cooks = staff.post("/api/v1/station/roster", {"occupation": "cook"}).get_json()["items"]
    assert [w["name"] for w in cooks] == ["钱师傅"]
    tomorrow = (clock.today() + timedelta(days=2)).isoformat()
    assert staff.post("/api/v1/station/roster", {"registered_from": tomorrow}).get_json()["items"] == []
    assert staff.post("/api/v1/station/roster", {"registered_from": "昨天"}).status_code == 422
    session.rollback()
    audits = session.exec(select(AuditEntry).where(AuditEntry.action == "station.roster_view")).all()
    assert len(audits) == 4 and all(a.actor_id == staff.user.id for a in audits)
    assert "赵师傅" not in str([a.detail for a in audits])


def test_another_stations_staff_see_none_of_them(staff, make_user, admin):
    worker_id = staff.post("/api/v1/station/workers", walk_in()).get_json()["worker"]["id"]
    other = make_user("station_staff", name="别的驿站")
    assert other.post("/api/v1/station/roster", {}).get_json()["items"] == []
    assert len(admin.post("/api/v1/station/roster", {}).get_json()["items"]) == 1
    browser = other.client
    browser.post("/login", data={"phone": other.user.phone, "password": "password123"})
    assert browser.get(f"/station/workers/{worker_id}/slip").status_code == 403


def test_only_approved_station_staff_and_bureau_staff_use_the_counter(make_user, make_worker, make_employer,
                                                                       session):
    pending = make_user("station_staff")
    account = session.exec(select(PartnerAccount).where(PartnerAccount.user_id == pending.user.id)).one()
    account.status = "pending"
    session.add(account)
    session.commit()
    for who in (pending, make_worker(), make_employer(), make_user("trainer")):
        r = who.post("/api/v1/station/workers", walk_in())
        assert r.status_code == 403
        assert who.post("/api/v1/station/roster", {}).status_code == 403


def test_every_new_page_answers_for_its_role(make_user, admin, app, station):
    """The pages behind the footer and the staff links render (no JavaScript needed)."""
    pages = {None: ["/policies", "/courses", "/stations", "/brands"],
             "admin": ["/admin/partners", "/admin/stations/new", "/admin/policies/new", "/admin/brand-claims",
                       "/station/roster", "/station/counter"],
             "trainer": ["/partner", "/trainer/courses"], "station_staff": ["/partner", "/station/counter"]}
    for role, paths in pages.items():
        browser = app.test_client()
        if role:
            who = admin if role == "admin" else make_user(role)
            browser.post("/login", data={"phone": who.user.phone, "password": "password123"})
        for path in paths:
            r = browser.get(path)
            assert r.status_code == 200, (role, path, r.status_code)


def test_the_counter_form_keeps_what_was_typed_on_an_error(staff, app):
    browser = app.test_client()
    browser.post("/login", data={"phone": staff.user.phone, "password": "password123"})
    r = browser.post("/station/counter", data={"phone": "123", "name": "孙师傅", "occupation": ["welder", ""],
                                               "years": ["5", ""], "cert_name": ["电工证", ""],
                                               "cert_level": ["4", ""], "cert_number": ["DG9", ""]})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'value="孙师傅"' in page and 'value="电工证"' in page and '<option value="welder" selected' in page


def test_only_bureau_staff_add_stations_and_only_workers_sign_up(make_user, make_worker, make_employer):
    trainer = make_user("trainer")
    for who in (make_worker(), make_employer(), trainer, make_user("station_staff")):
        assert who.post("/api/v1/stations", {"name": "某驿站", "adcode": "441900"}).status_code == 403
    start = clock.today() + timedelta(days=3)
    course_id = trainer.post("/api/v1/courses", {"title": "叉车培训", "occupation": "forklift", "adcode": "441900",
                                                 "starts_on": start.isoformat(), "ends_on": start.isoformat(),
                                                 "seats": 5}).get_json()["id"]
    for who in (make_employer(), trainer, make_user("station_staff")):
        assert who.post(f"/api/v1/courses/{course_id}/signups").status_code == 403
