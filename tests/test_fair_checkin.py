"""Workers register for a fair and check in on site; the organiser's dashboard counts per booth."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import job_payload
from tests.fairkit import approved, new_fair, signed_in
from tests.test_fair_qr import (
    PUBLIC,
    app,  # noqa: F401 - the app with a public address
    decode_svg,
)


@pytest.fixture
def organiser(make_user):
    return make_user("organiser", name="铜仁市人社局")


@pytest.fixture
def fair(organiser, today):
    return new_fair(organiser, today)


def test_worker_registers_once_and_gets_a_code(make_worker, fair):
    worker = make_worker()
    r = worker.post(f"/api/v1/fairs/{fair['id']}/registrations")
    assert r.status_code == 201
    code = r.get_json()["code"]
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6}", code) and r.get_json()["checked_in_at"] is None
    again = worker.post(f"/api/v1/fairs/{fair['id']}/registrations")
    assert again.get_json()["code"] == code


def test_worker_cannot_register_for_a_fair_that_has_ended(organiser, make_worker, today):
    past = new_fair(organiser, today - timedelta(days=10), ends_on=(today - timedelta(days=1)).isoformat())
    r = make_worker().post(f"/api/v1/fairs/{past['id']}/registrations")
    assert r.status_code == 409


def test_scanning_the_fairs_code_checks_the_worker_in(organiser, make_worker, fair, app, client):  # noqa: F811
    worker = make_worker(name="龙师傅")
    web = signed_in(app, worker)
    page = web.get(f"/fairs/{fair['id']}/checkin").get_data(as_text=True)  # what the fair's QR code opens
    assert "我已到场，签到" in page
    r = web.post(f"/fairs/{fair['id']}/checkin")
    assert r.status_code == 200 and "签到成功" in r.get_data(as_text=True)
    counts = organiser.get(f"/api/v1/fairs/{fair['id']}/dashboard").get_json()
    assert (counts["registrations"], counts["checked_in"]) == (1, 1)  # registered on the spot
    r = web.post(f"/fairs/{fair['id']}/checkin")  # a second scan changes nothing
    assert organiser.get(f"/api/v1/fairs/{fair['id']}/dashboard").get_json()["checked_in"] == 1


def test_the_check_in_page_asks_a_stranger_to_sign_in(fair, client):
    r = client.get(f"/fairs/{fair['id']}/checkin")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_no_check_in_before_the_fair_opens(organiser, make_worker, today):
    later = new_fair(organiser, today + timedelta(days=3), ends_on=(today + timedelta(days=4)).isoformat())
    worker = make_worker()
    r = worker.post(f"/api/v1/fairs/{later['id']}/checkins")
    assert r.status_code == 409 and "开始" in r.get_json()["error"]["message"]
    code = worker.post(f"/api/v1/fairs/{later['id']}/registrations").get_json()["code"]
    r = organiser.post(f"/api/v1/fairs/{later['id']}/checkins", {"code": code})
    assert r.status_code == 409
    assert organiser.get(f"/api/v1/fairs/{later['id']}/dashboard").get_json()["checked_in"] == 0


def test_organiser_checks_in_a_worker_by_their_code(organiser, make_worker, fair):
    code = make_worker().post(f"/api/v1/fairs/{fair['id']}/registrations").get_json()["code"]
    r = organiser.post(f"/api/v1/fairs/{fair['id']}/checkins", {"code": f" {code.lower()} "})  # as typed
    assert r.status_code == 200 and r.get_json()["first_check_in"] is True and r.get_json()["checked_in_at"]
    r = organiser.post(f"/api/v1/fairs/{fair['id']}/checkins", {"code": code})
    assert r.get_json()["first_check_in"] is False
    assert organiser.get(f"/api/v1/fairs/{fair['id']}/dashboard").get_json()["checked_in"] == 1


def test_a_code_of_another_fair_or_a_wrong_code_checks_nobody_in(organiser, make_worker, fair, today):
    other = new_fair(organiser, today, name="东莞专场", adcode="441900")
    code = make_worker().post(f"/api/v1/fairs/{other['id']}/registrations").get_json()["code"]
    assert organiser.post(f"/api/v1/fairs/{fair['id']}/checkins", {"code": code}).status_code == 404
    assert organiser.post(f"/api/v1/fairs/{fair['id']}/checkins", {"code": "ZZZZZZ"}).status_code == 404
    assert organiser.post(f"/api/v1/fairs/{fair['id']}/checkins", {"code": ""}).status_code == 422
    assert organiser.get(f"/api/v1/fairs/{other['id']}/dashboard").get_json()["checked_in"] == 0


def test_workers_own_code_opens_the_organisers_gate_page(organiser, make_worker, fair, app):  # noqa: F811
    worker = make_worker(name="杨大姐")
    web = signed_in(app, worker)
    r = web.post(f"/fairs/{fair['id']}/register")
    assert r.status_code == 302
    page = web.get(f"/fairs/{fair['id']}/me").get_data(as_text=True)
    code = re.search(r"签到码：<strong>(\w+)</strong>", page).group(1)
    [svg] = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert decode_svg(svg) == [f"{PUBLIC}/organiser/fairs/{fair['id']}/gate/{code}"]

    gate = signed_in(app, organiser)
    page = gate.get(f"/organiser/fairs/{fair['id']}/gate/{code}").get_data(as_text=True)
    assert "杨大姐" in page and "确认签到" in page
    assert organiser.get(f"/api/v1/fairs/{fair['id']}/dashboard").get_json()["checked_in"] == 0  # a GET writes nothing
    r = gate.post(f"/organiser/fairs/{fair['id']}/gate/{code}")
    assert r.status_code == 302
    assert organiser.get(f"/api/v1/fairs/{fair['id']}/dashboard").get_json()["checked_in"] == 1
    # someone else's phone cannot open the gate page
    assert signed_in(app, worker).get(f"/organiser/fairs/{fair['id']}/gate/{code}").status_code == 403


def test_organiser_enters_a_code_on_the_dashboard(organiser, make_worker, fair, app):  # noqa: F811
    code = make_worker().post(f"/api/v1/fairs/{fair['id']}/registrations").get_json()["code"]
    web = signed_in(app, organiser)
    r = web.post(f"/organiser/fairs/{fair['id']}/checkins", data={"code": "WRONG1"})
    assert r.status_code == 404 and "WRONG1" in r.get_data(as_text=True)
    r = web.post(f"/organiser/fairs/{fair['id']}/checkins", data={"code": code}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "签到成功" in page and re.search(r'id="checked-in">1<', page)


def test_dashboard_counts_per_booth_match_counts_made_by_hand(organiser, make_employer, make_worker, make_job, fair,
                                                              app):  # noqa: F811
    a = make_employer(name="甲建筑劳务有限公司")
    b = make_employer(name="乙电子有限公司")
    c = make_employer(name="丙食品有限公司")  # approved, no postings yet
    approved(organiser, a, fair["id"], booth="A2")
    approved(organiser, b, fair["id"], booth="A10")
    approved(organiser, c, fair["id"], booth="B1")
    pending = make_employer(name="丁物流有限公司")
    pending.post(f"/api/v1/fairs/{fair['id']}/signups")

    def post(employer, title):
        r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", job_payload(title=title, occupation=None))
        assert r.status_code == 201, r.get_json()
        return r.get_json()["id"]

    a1, a2, b1 = post(a, "钢筋工"), post(a, "木工"), post(b, "普工")
    a_elsewhere = make_job(a, title="架子工")["id"]  # a's posting not brought to the fair

    workers = [make_worker(name=f"工人{i}") for i in range(5)]
    registered = workers[:3]
    for w in registered:
        assert w.post(f"/api/v1/fairs/{fair['id']}/registrations").status_code == 201
    for w in registered[:2]:
        w.post(f"/api/v1/fairs/{fair['id']}/checkins")
    applications = [(0, a1), (0, b1), (1, a1), (1, a2), (2, a_elsewhere), (3, a2), (3, b1), (4, b1)]
    for who, job in applications:
        r = workers[who].post(f"/api/v1/jobs/{job}/applications", {})
        assert r.status_code in (200, 201), r.get_json()

    # by hand: a's fair postings a1, a2 have (0,a1) (1,a1) (1,a2) (3,a2) = 4, from registered workers 0,1 = 3;
    # b's b1 has (0,b1) (3,b1) (4,b1) = 3, from registered = 1; c none; the application to a_elsewhere is not the fair's
    r = organiser.get(f"/api/v1/fairs/{fair['id']}/dashboard")
    assert r.status_code == 200
    counts = r.get_json()
    assert (counts["registrations"], counts["checked_in"], counts["applications"]) == (3, 2, 7)
    rows = {row["employer"]: (row["booth"], row["jobs"], row["applications"], row["from_registered"])
            for row in counts["booths"]}
    assert rows == {"甲建筑劳务有限公司": ("A2", 2, 4, 3), "乙电子有限公司": ("A10", 1, 3, 1),
                    "丙食品有限公司": ("B1", 0, 0, 0), "丁物流有限公司": (None, 0, 0, 0)}
    assert [row["booth"] for row in counts["booths"]] == ["A2", "A10", "B1", None]  # booth order, A2 before A10

    page = signed_in(app, organiser).get(f"/organiser/fairs/{fair['id']}").get_data(as_text=True)
    assert re.search(r'id="registrations">3<', page) and re.search(r'id="applications">7<', page)
    assert re.search(rf'data-employer="{a.employer_id}">.*?class="applications">4<', page, flags=re.S)


def test_fair_page_offers_registration_and_shows_the_code(make_worker, fair, app):  # noqa: F811
    worker = make_worker()
    web = signed_in(app, worker)
    page = web.get(f"/fairs/{fair['id']}").get_data(as_text=True)
    assert "我要参加" in page and "现场签到" in page
    web.post(f"/fairs/{fair['id']}/register")
    page = web.get(f"/fairs/{fair['id']}").get_data(as_text=True)
    assert "签到码" in page and "出示我的签到码" in page


def test_a_registration_racing_another_for_the_same_worker_gets_the_first(make_worker, fair, session):
    from market.fairs import services
    from market.models import FairRegistration

    worker = make_worker()
    first = worker.post(f"/api/v1/fairs/{fair['id']}/registrations").get_json()["code"]
    # The second request read "not registered" just before the first committed: its insert hits the constraint.
    late = FairRegistration(fair_id=fair["id"], worker_id=worker.worker_id, code="ZZZZZZ")
    got, added = services._insert_once(session, late,
                                       lambda: services.registration_of(session, fair["id"], worker.worker_id))
    session.commit()
    assert not added and got.code == first
    assert worker.post(f"/api/v1/fairs/{fair['id']}/registrations").get_json()["code"] == first
