"""The demo market `make run` loads: every page has something to show (`make run` prints how long it took)."""

from datetime import timedelta

from sqlmodel import Session, func, select

from market.demo import ACCOUNTS, PASSWORD, load_demo
from market.models import (
    HIRED,
    INTERVIEW,
    NOT_HIRED,
    Application,
    Employer,
    Fair,
    Job,
    LiveSession,
    OrganiserApplication,
    WageComplaint,
    Worker,
)


def _signed_in(app, phone: str):
    client = app.test_client()
    r = client.post("/api/v1/auth/token", json={"phone": phone, "password": PASSWORD})
    assert r.status_code == 200, r.get_json()
    return client, {"Authorization": f"Bearer {r.get_json()['token']}"}


def test_the_demo_market_fills_every_page(app, today):
    state = app.extensions["market"]
    with Session(state.engine) as session:  # how long it takes is printed by `make run`, not timed here
        accounts = load_demo(session, cipher=state.cipher)
        session.commit()
    assert [phone for _, phone, _ in accounts] == [phone for _, phone, _ in ACCOUNTS]

    with Session(state.engine) as session:
        assert session.exec(select(func.count()).select_from(Employer)).one() >= 12
        assert session.exec(select(func.count()).select_from(Job)).one() >= 40
        assert len({j.adcode[:2] for j in session.exec(select(Job))}) >= 8
        assert len({j.occupation for j in session.exec(select(Job))}) >= 20
        assert session.exec(select(func.count()).select_from(Worker)).one() >= 30
        statuses = set(session.exec(select(Application.status)))
        assert {HIRED, NOT_HIRED, INTERVIEW} <= statuses
        assert session.exec(select(func.count()).select_from(WageComplaint)).one() >= 2
        assert session.exec(select(func.count()).select_from(Fair)).one() >= 1
        assert session.exec(select(func.count()).select_from(LiveSession)).one() >= 1
        assert session.exec(select(func.count()).select_from(OrganiserApplication)).one() == 1
        statuses = {e.status for e in session.exec(select(Employer))}
        assert {"verified", "pending", "rejected"} <= statuses
    with Session(state.engine) as session:  # loading twice does nothing
        assert load_demo(session, cipher=state.cipher) == []

    # the welder's recommendations span trades and places, each with its reasons
    client, auth = _signed_in(app, "13900000021")
    me = client.get("/api/v1/me/profile", headers=auth).get_json()
    items = client.get(f"/api/v1/workers/{me['id']}/recommendations?k=10", headers=auth).get_json()["items"]
    assert len(items) >= 5 and all(it["reasons"] for it in items)
    assert len({it["job"]["place"] for it in items}) >= 3 or len({it["job"]["title"] for it in items}) >= 3
    # an employer's posting has candidates; staff see the flows between provinces
    client, auth = _signed_in(app, "13900000011")
    jobs = client.get("/api/v1/employer/jobs", headers=auth).get_json()["items"]
    found = [client.get(f"/api/v1/jobs/{j['id']}/candidates", headers=auth).get_json()["items"] for j in jobs]
    assert any(found)
    client, auth = _signed_in(app, "13900000001")
    flows = client.get(f"/api/v1/stats/flows?from={today.replace(day=1) - timedelta(days=40)}&to={today}", headers=auth).get_json()
    assert flows["flows"], flows
    assert client.get("/api/v1/admin/employers", headers=auth).get_json()["items"]
