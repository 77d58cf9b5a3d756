"""Who may do what at a fair: its organiser (and staff) run it, employers only their own sign-ups and booths,
workers register and check themselves in, strangers read."""

from __future__ import annotations

import pytest

from tests.conftest import Api, job_payload
from tests.fairkit import approved, new_fair, signed_in


@pytest.fixture
def cast(make_user, make_employer, make_worker, admin, today):
    """Everyone around one fair: its organiser, another organiser, staff, two employers (one approved), a worker,
    and someone not signed in."""
    owner = make_user("organiser", name="铜仁市人社局")
    fair = new_fair(owner, today)
    employer = make_employer(name="甲建筑劳务有限公司")
    signup_id = approved(owner, employer, fair["id"], booth="A1")
    other_employer = make_employer(name="乙电子有限公司")
    worker = make_worker()
    return {
        "fair": fair, "signup_id": signup_id, "owner": owner, "other_organiser": make_user("organiser", name="外县人社局"),
        "admin": admin, "employer": employer, "other_employer": other_employer, "worker": worker,
        "anonymous": Api(owner.client.application.test_client(), None, None),
    }


def _status(api: Api, method: str, path: str, body: dict | None = None) -> int:
    return (api.get(path) if method == "get" else api.post(path, body or {})).status_code


@pytest.mark.parametrize("who, expected", [
    ("owner", 201), ("admin", 201), ("other_organiser", 201), ("employer", 403), ("worker", 403), ("anonymous", 401),
])
def test_who_may_create_a_fair(cast, today, who, expected):
    body = {"name": "新的招聘会", "kind": "special", "starts_on": today.isoformat(), "ends_on": today.isoformat(),
            "online": True}
    assert _status(cast[who], "post", "/api/v1/fairs", body) == expected


@pytest.mark.parametrize("who", ["owner", "admin", "other_organiser", "employer", "other_employer", "worker",
                                 "anonymous"])
def test_everyone_reads_a_fair_and_its_template(cast, who):
    fair_id = cast["fair"]["id"]
    for path in (f"/api/v1/fairs/{fair_id}", "/api/v1/fairs", f"/api/v1/fairs/{fair_id}/template.xlsx",
                 f"/fairs/{fair_id}", "/fairs", f"/fairs/{fair_id}/qr.svg"):
        assert _status(cast[who], "get", path) == 200, path


@pytest.mark.parametrize("who, expected", [
    ("owner", 200), ("admin", 200), ("other_organiser", 403), ("employer", 403), ("worker", 403), ("anonymous", 401),
])
def test_only_the_fairs_organiser_decides_sign_ups(cast, who, expected):
    path = f"/api/v1/fairs/{cast['fair']['id']}/signups/{cast['signup_id']}/decision"
    assert _status(cast[who], "post", path, {"approve": True, "booth": "Z9"}) == expected


@pytest.mark.parametrize("who, expected", [
    ("owner", 200), ("admin", 200), ("other_organiser", 403), ("employer", 403), ("worker", 403), ("anonymous", 401),
])
def test_only_the_fairs_organiser_sees_the_dashboard(cast, who, expected):
    assert _status(cast[who], "get", f"/api/v1/fairs/{cast['fair']['id']}/dashboard") == expected


@pytest.mark.parametrize("who, expected", [
    ("owner", 200), ("admin", 200), ("other_organiser", 403), ("employer", 403), ("anonymous", 401),
])
def test_only_the_fairs_organiser_checks_in_by_code(cast, who, expected):
    code = cast["worker"].post(f"/api/v1/fairs/{cast['fair']['id']}/registrations").get_json()["code"]
    assert _status(cast[who], "post", f"/api/v1/fairs/{cast['fair']['id']}/checkins", {"code": code}) == expected


@pytest.mark.parametrize("who, expected", [
    ("worker", 201), ("owner", 403), ("employer", 403), ("admin", 403), ("anonymous", 401),
])
def test_only_workers_register(cast, who, expected):
    assert _status(cast[who], "post", f"/api/v1/fairs/{cast['fair']['id']}/registrations") == expected


@pytest.mark.parametrize("who, expected", [
    ("other_employer", 201), ("owner", 403), ("worker", 403), ("admin", 403), ("anonymous", 401),
])
def test_only_employers_sign_up(cast, who, expected):
    assert _status(cast[who], "post", f"/api/v1/fairs/{cast['fair']['id']}/signups") == expected


@pytest.mark.parametrize("who, expected", [
    ("employer", 201), ("other_employer", 403), ("owner", 403), ("worker", 403), ("anonymous", 401),
])
def test_only_an_approved_employer_posts_at_its_booth(cast, who, expected):
    path = f"/api/v1/fairs/{cast['fair']['id']}/jobs"
    assert _status(cast[who], "post", path, job_payload(title="普工")) == expected


def test_an_employer_cannot_approve_itself_or_take_down_another_booths_posting(cast, app):
    fair_id = cast["fair"]["id"]
    other = cast["other_employer"]
    signup = other.post(f"/api/v1/fairs/{fair_id}/signups").get_json()
    assert other.post(f"/api/v1/fairs/{fair_id}/signups/{signup['id']}/decision", {"approve": True}).status_code == 403
    job = cast["employer"].post(f"/api/v1/fairs/{fair_id}/jobs", job_payload(title="钢筋工")).get_json()
    approved_other = cast["owner"].post(f"/api/v1/fairs/{fair_id}/signups/{signup['id']}/decision",
                                        {"approve": True}).status_code
    assert approved_other == 200
    web = signed_in(app, other)
    assert web.post(f"/employer/fairs/{fair_id}/detach/{job['id']}").status_code == 404
    assert job["id"] in cast["anonymous"].get(f"/api/v1/fairs/{fair_id}").get_json()["jobs"]


def test_an_employer_sees_only_its_own_sign_ups(cast, app):
    web = signed_in(app, cast["other_employer"])
    page = web.get("/employer/fairs").get_data(as_text=True)
    assert "还没有报名" in page
    page = web.get(f"/employer/fairs/{cast['fair']['id']}").get_data(as_text=True)
    assert "单位报名参会" in page and "A1" not in page


def test_organisers_see_only_their_own_fairs_on_their_pages(cast, app, today):
    other = cast["other_organiser"]
    new_fair(other, today, name="外县专场")
    page = signed_in(app, other).get("/organiser/fairs").get_data(as_text=True)
    assert "外县专场" in page and "2026 春风行动 · 松桃专场" not in page
    assert signed_in(app, other).get(f"/organiser/fairs/{cast['fair']['id']}").status_code == 403


@pytest.mark.parametrize("who, path, expected", [
    ("employer", "/organiser/fairs/{id}", 403),
    ("worker", "/organiser/fairs/{id}", 403),
    ("employer", "/fairs/{id}/me", 403),
    ("owner", "/employer/fairs/{id}", 403),
    ("worker", "/employer/fairs", 403),
    ("employer", "/fairs/{id}/checkin", 403),
    ("worker", "/fairs/{id}/booths/999999/poster", 404),
])
def test_pages_refuse_the_wrong_role(cast, app, who, path, expected):
    web = signed_in(app, cast[who])
    assert web.get(path.format(id=cast["fair"]["id"])).status_code == expected


@pytest.mark.parametrize("path", ["/organiser/fairs", "/organiser/fairs/{id}", "/employer/fairs", "/fairs/{id}/me"])
def test_pages_send_strangers_to_sign_in(cast, path):
    r = cast["anonymous"].client.get(path.format(id=cast["fair"]["id"]))
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_an_employer_never_sees_who_registered(cast, app):
    worker = cast["worker"]
    worker.post(f"/api/v1/fairs/{cast['fair']['id']}/registrations")
    page = signed_in(app, cast["employer"]).get(f"/fairs/{cast['fair']['id']}").get_data(as_text=True)
    assert "王师傅" not in page and "签到码" not in page
