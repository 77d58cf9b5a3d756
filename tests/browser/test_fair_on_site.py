"""A fair on phones: the organiser creates it, a worker scans its code and checks in, and the organiser's
dashboard shows it without a reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from market import clock
from market.models import FairRegistration

pytestmark = pytest.mark.browser


def test_worker_checks_in_by_the_fairs_code_and_the_dashboard_follows(live, open_phone, login) -> None:
    organiser_phone, _ = live.make_user("organiser", name="松桃县人社局")
    today = clock.today()
    desk = open_phone()
    desk.clock.install()  # the dashboard's refresh timer runs on a clock the test moves
    login(desk, live, organiser_phone)
    desk.goto(live("/organiser/fairs"))
    desk.fill("input[name=name]", "春风行动 · 松桃广场专场")
    desk.select_option("select[name=kind]", "spring_breeze")
    desk.fill("input[name=starts_on]", today.isoformat())
    desk.fill("input[name=ends_on]", (today + timedelta(days=2)).isoformat())
    desk.fill("input[name=adcode]", "520628")
    with desk.expect_navigation():
        desk.click("text=创建招聘会")
    expect(desk.locator("h1")).to_have_text("春风行动 · 松桃广场专场")
    expect(desk.locator("#checked-in")).to_have_text("0")
    fair_id = int(desk.url.rstrip("/").split("/")[-1])

    worker = open_phone()
    worker.goto(live(f"/fairs/{fair_id}/checkin"))  # what the fair's QR code opens
    assert "/login" in worker.url  # signing in first, then back to the check-in page
    worker.fill("input[name=phone]", live.make_worker(name="龙师傅"))
    worker.fill("input[name=password]", "password123")
    with worker.expect_navigation():
        worker.click("form.stack button.primary")
    assert worker.url.endswith(f"/fairs/{fair_id}/checkin"), worker.url
    worker.click("text=我已到场，签到")
    expect(worker.locator("main")).to_contain_text("签到成功")
    assert live.count(FairRegistration, fair_id=fair_id) == 1

    desk.clock.fast_forward(16_000)
    expect(desk.locator("#checked-in")).to_have_text("1")
    expect(desk.locator("#registrations")).to_have_text("1")
