"""Partner roles approved by the bureau, training courses found by trade, place and date, and sign-up."""

from datetime import timedelta

import pytest
from sqlmodel import select

from market import clock
from market.models import PartnerAccount, User
from tests.conftest import unique_phone


@pytest.fixture
def pending_trainer(make_user, admin, session):
    """A training institution that registered itself: its account waits for the bureau."""
    trainer = make_user("trainer", name="绵阳市技工学校")
    account = session.exec(select(PartnerAccount).where(PartnerAccount.user_id == trainer.user.id)).one()
    account.status = "pending"
    session.add(account)
    session.commit()
    return trainer


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", name="绵阳市技工学校")  # made by staff: approved


def course(**overrides) -> dict:
    start = clock.today() + timedelta(days=10)
    return {"title": "焊工（中级）培训班", "occupation": "welder", "level": 4, "adcode": "510703",
            "address": "涪城区XX路1号", "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=20)).isoformat(), "seats": 2, "subsidy_yuan": 1500} | overrides


def test_a_self_registered_institution_waits_for_the_bureau_then_lists_courses(pending_trainer, admin):
    r = pending_trainer.post("/api/v1/courses", course())
    assert r.status_code == 403 and "审核" in r.get_json()["error"]["message"]
    r = pending_trainer.put("/api/v1/partners/me", {"organisation": "绵阳市技工学校", "adcode": "510703"})
    assert r.status_code == 200 and r.get_json()["status"] == "pending"
    queue = admin.get("/api/v1/admin/partners").get_json()["items"]
    mine = [a for a in queue if a["user_id"] == pending_trainer.user.id]
    assert mine and mine[0]["organisation"] == "绵阳市技工学校"
    assert admin.post(f"/api/v1/admin/partners/{mine[0]['id']}/decision", {"approve": True}).status_code == 200
    assert pending_trainer.post("/api/v1/courses", course()).status_code == 201


def test_only_bureau_staff_approve_partner_accounts(pending_trainer, make_worker, make_user):
    account_id = pending_trainer.get("/api/v1/partners/me").get_json()["id"]
    for other in (make_worker(), make_user("station_staff"), pending_trainer):
        r = other.post(f"/api/v1/admin/partners/{account_id}/decision", {"approve": True})
        assert r.status_code == 403


def test_a_worker_or_employer_cannot_list_a_course(make_worker, make_employer):
    for who in (make_worker(), make_employer()):
        assert who.post("/api/v1/courses", course()).status_code == 403


def test_self_registration_as_trainer_opens_a_pending_account(client, sms, session):
    phone = unique_phone()
    client.post("/api/v1/auth/code", json={"phone": phone, "purpose": "register"})
    code = sms.sent[-1][1].split("验证码 ")[1][:6]
    r = client.post("/api/v1/auth/register", json={"phone": phone, "code": code, "password": "password123",
                                                   "role": "station_staff", "name": "长安驿站"})
    assert r.status_code in (200, 201), r.get_json()
    user = session.exec(select(User).where(User.phone == phone)).one()
    assert session.exec(select(PartnerAccount).where(PartnerAccount.user_id == user.id)).one().status == "pending"


def test_users_create_accepts_the_partner_roles(app, session):
    runner = app.test_cli_runner()
    for role in ("trainer", "station_staff"):
        phone = unique_phone()
        result = runner.invoke(args=["users", "create", "--role", role, "--phone", phone,
                                         "--password", "password123", "--name", "某机构"])
        assert result.exit_code == 0, result.output
        session.rollback()  # a fresh snapshot: the command wrote through its own session
        user = session.exec(select(User).where(User.phone == phone)).one()
        assert user.role == role
        assert session.exec(select(PartnerAccount).where(PartnerAccount.user_id == user.id)).one().status == "approved"


def test_bad_course_fields_are_named_and_nothing_is_listed(trainer, client):
    r = trainer.post("/api/v1/courses", course(occupation="astronaut", adcode="999999", seats=0,
                                               starts_on=(clock.today() - timedelta(days=1)).isoformat()))
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) >= {"occupation", "adcode", "seats", "starts_on"}
    assert client.get("/api/v1/courses").get_json()["items"] == []


def test_courses_are_found_by_trade_place_and_date(trainer, client):
    later = clock.today() + timedelta(days=40)
    trainer.post("/api/v1/courses", course())
    trainer.post("/api/v1/courses", course(title="中式烹调师培训", occupation="cook", level=None, adcode="520102"))
    trainer.post("/api/v1/courses", course(title="焊工高级班", level=3, starts_on=later.isoformat(),
                                           ends_on=(later + timedelta(days=5)).isoformat()))

    def titles(query: str) -> list[str]:
        return [c["title"] for c in client.get(f"/api/v1/courses?{query}").get_json()["items"]]

    assert titles("occupation=welder") == ["焊工（中级）培训班", "焊工高级班"]
    assert titles("adcode=520000") == ["中式烹调师培训"]
    assert titles("adcode=510700") == ["焊工（中级）培训班", "焊工高级班"]
    assert titles(f"from={(later - timedelta(days=1)).isoformat()}") == ["焊工高级班"]
    assert titles("q=电焊") == ["焊工（中级）培训班", "焊工高级班"]
    page = client.get("/courses?occupation=cook")
    assert "中式烹调师培训" in page.get_data(as_text=True) and "焊工高级班" not in page.get_data(as_text=True)


def test_a_worker_signs_up_once_and_a_full_course_says_so(trainer, make_worker):
    course_id = trainer.post("/api/v1/courses", course(seats=1)).get_json()["id"]
    first, second = make_worker(), make_worker()
    r = first.post(f"/api/v1/courses/{course_id}/signups")
    assert r.status_code == 201
    again = first.post(f"/api/v1/courses/{course_id}/signups")
    assert again.status_code == 200 and again.get_json()["id"] == r.get_json()["id"]
    full = second.post(f"/api/v1/courses/{course_id}/signups")
    assert full.status_code == 409 and "报满" in full.get_json()["error"]["message"]
    assert [c["id"] for c in first.get("/api/v1/me/courses").get_json()["items"]] == [course_id]
    assert [t["name"] for t in trainer.get(f"/api/v1/courses/{course_id}/signups").get_json()["items"]] == ["王师傅"]
    assert trainer.get(f"/api/v1/courses/{course_id}").get_json()["seats_left"] == 0


def test_another_institution_cannot_read_the_trainee_list(trainer, make_user, make_worker):
    course_id = trainer.post("/api/v1/courses", course()).get_json()["id"]
    make_worker().post(f"/api/v1/courses/{course_id}/signups")
    other = make_user("trainer", name="另一家学校")
    assert other.get(f"/api/v1/courses/{course_id}/signups").status_code == 403


def test_sign_up_page_works_without_javascript(trainer, make_worker, app):
    course_id = trainer.post("/api/v1/courses", course()).get_json()["id"]
    worker = make_worker()
    browser = app.test_client()
    r = browser.post("/login", data={"phone": worker.user.phone, "password": "password123"})
    assert r.status_code == 302
    r = browser.post(f"/courses/{course_id}/signup", follow_redirects=True)
    assert "报名成功" in r.get_data(as_text=True)


def test_the_course_form_keeps_what_was_typed_on_an_error(trainer, app):
    browser = app.test_client()
    browser.post("/login", data={"phone": trainer.user.phone, "password": "password123"})
    r = browser.post("/trainer/courses", data=course(seats="很多", address="涪城区XX路1号"))
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "招生人数应为整数" in page
    assert 'value="焊工（中级）培训班"' in page and 'value="涪城区XX路1号"' in page
    assert browser.get("/courses").get_data(as_text=True).count("焊工（中级）培训班") == 0
