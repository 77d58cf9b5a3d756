"""Signing in and out: redirects stay on the site, logout ends a session everywhere it was copied, and
API tokens are listed and revoked one by one."""

from __future__ import annotations

import pytest


def _login(client, user, next_url: str | None = None):
    path = "/login" + (f"?next={next_url}" if next_url is not None else "")
    return client.post(path, data={"phone": user.user.phone, "password": "password123"})


@pytest.mark.parametrize("target", [
    "/%09/evil.example/x", "//evil.example/x", "/\\evil.example/x", "\\\\evil.example", "https://evil.example/",
    "/%0d%0a/evil.example", "%2F%2Fevil.example", "/%20/evil.example", "javascript:alert(1)",
])
def test_sign_in_never_redirects_off_the_site(make_user, client, target):
    user = make_user("worker")
    r = _login(client, user, target)
    assert r.status_code == 302
    location = r.headers["Location"]
    assert "evil.example" not in location and not location.startswith("javascript")


def test_sign_in_follows_a_path_on_the_site(make_user, client):
    user = make_user("worker")
    r = _login(client, user, "/me/applications?x=1")
    assert r.status_code == 302 and r.headers["Location"] == "/me/applications?x=1"


def test_a_copied_session_cookie_stops_working_after_logout(app, make_user):
    user = make_user("worker")
    browser, thief = app.test_client(), app.test_client()
    assert _login(browser, user).status_code == 302
    cookie = browser.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    assert thief.get("/me/applications").status_code == 200  # the copy works while the session lives
    browser.post("/logout")
    r = thief.get("/me/applications")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_tokens_are_listed_and_a_revoked_one_stops_working(make_user, client):
    user = make_user("worker")
    phone = user.user.phone
    r = client.post("/api/v1/auth/token", json={"phone": phone, "password": "password123", "label": "小程序"})
    token = r.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    items = client.get("/api/v1/me/sign-ins", headers=headers).get_json()["items"]
    mine = [i for i in items if i["current"]]
    assert len(mine) == 1 and mine[0]["label"] == "小程序" and mine[0]["kind"] == "api"
    assert {i["label"] for i in items} >= {"小程序", "tests"}
    # Revoked from another sign-in (the fixture's token): this one dies at once, the other lives.
    r = user.delete(f"/api/v1/me/sign-ins/{mine[0]['id']}")
    assert r.status_code == 200 and r.get_json()["revoked"] is True
    assert client.get("/api/v1/me/profile", headers=headers).status_code == 401
    assert user.get("/api/v1/me/profile").status_code == 200


def test_api_logout_ends_that_token_only(make_user, client):
    user = make_user("worker")
    token = client.post("/api/v1/auth/token", json={"phone": user.user.phone, "password": "password123"}
                        ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 200
    assert client.get("/api/v1/me/sign-ins", headers=headers).status_code == 401
    assert user.get("/api/v1/me/sign-ins").status_code == 200


def test_no_one_revokes_another_persons_sign_in(make_user):
    alice, bob = make_user("worker"), make_user("worker")
    bobs = bob.get("/api/v1/me/sign-ins").get_json()["items"][0]["id"]
    assert alice.delete(f"/api/v1/me/sign-ins/{bobs}").status_code == 404
    assert bob.get("/api/v1/me/profile").status_code == 200


def test_the_account_page_lists_devices_and_signs_one_out(app, make_user):
    user = make_user("worker")
    phone_browser, laptop = app.test_client(), app.test_client()
    _login(phone_browser, user)
    _login(laptop, user)
    page = laptop.get("/me/security").get_data(as_text=True)
    assert "退出该设备" in page and "就是现在这个" in page
    other = [i for i in user.get("/api/v1/me/sign-ins").get_json()["items"] if i["kind"] == "web"]
    assert len(other) == 2
    victim = min(i["id"] for i in other)  # the phone signed in first
    r = laptop.post(f"/me/security/{victim}/revoke")
    assert r.status_code == 302
    assert phone_browser.get("/me/applications").status_code == 302
    assert laptop.get("/me/applications").status_code == 200
