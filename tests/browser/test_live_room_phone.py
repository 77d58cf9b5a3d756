"""On a phone: a viewer watches the live room while the organiser puts postings on air from the console; the
card changes without reloading, and the viewer applies and asks from it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from market.models import Application, LiveApplication, LiveQuestion

pytestmark = pytest.mark.browser


def test_a_viewer_sees_a_posting_go_on_air_and_applies_from_the_card(live, open_phone, login, shots_dir):
    from market.live import services as live_services
    from market.models import User

    _, employer_id = live.make_employer(name="东莞长安电子厂")
    welder = live.make_job(employer_id, title="电焊工", pay_cycle="weekly", couple_rooms=True,
                           shift_pattern="two_shifts", hours_per_day=10, meals="three_meals", age_min=18, age_max=50)
    packer = live.make_job(employer_id, title="包装工", pay_cycle="daily")
    organiser_phone, organiser = live.make_user("organiser", name="人社局直播间")
    with live.session() as s:
        host = s.get(User, organiser.id)
        room = live_services.create_session(session=s, organiser=host, title="春风行动 · 东莞专场")
        s.flush()
        for job_id in (welder, packer):
            live_services.add_to_queue(session=s, live=room, actor=host, job_id=job_id, today=live_services.clock.today())
        session_id = room.id

    viewer = open_phone()
    login(viewer, live, live.make_worker(name="李师傅"))
    viewer.goto(live(f"/live/{session_id}"))
    expect(viewer.locator("#live-waiting")).to_be_visible()
    expect(viewer.locator("#live-job")).to_be_hidden()

    host_page = open_phone()
    login(host_page, live, organiser_phone)
    host_page.goto(live(f"/organiser/live/{session_id}"))
    with host_page.expect_navigation():
        host_page.click("#next-on-air")
    expect(host_page.locator("main")).to_contain_text("上播中")

    # The card appears on the viewer's phone by itself, with the terms viewers ask about.
    expect(viewer.locator("#job-title")).to_have_text("电焊工", timeout=5000)
    expect(viewer.locator("#live-job")).to_be_visible()
    expect(viewer.locator("#job-pay-cycle")).to_have_text("周结")
    expect(viewer.locator("#job-board")).to_have_text("包三餐，包住，有夫妻房")
    expect(viewer.locator("#job-shift")).to_have_text("两班倒，每天 10 小时")
    expect(viewer.locator("#job-age")).to_have_text("18-50周岁")
    button = viewer.locator("#apply-button")
    box = button.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 200  # a large target on a phone
    viewer.screenshot(path=str(shots_dir / "live-card.png"), full_page=True)

    url_before = viewer.url
    button.click()
    expect(viewer.locator("#job-applied")).to_have_text("投递成功，单位会尽快联系您")
    assert viewer.url == url_before  # still on the room, the stream still open
    expect(button).to_be_disabled()
    assert live.count(Application, job_id=welder) == 1 and live.count(LiveApplication, job_id=welder) == 1

    viewer.fill("#question-form textarea", "宿舍有空调吗？")
    viewer.click("#question-form button")
    expect(viewer.locator("#question-sent")).to_have_text("问题已提交，主持人审核后会公开")
    assert live.count(LiveQuestion, session_id=session_id) == 1

    # The next posting replaces the card; applying to it is a new application.
    with host_page.expect_navigation():
        host_page.click("#next-on-air")
    expect(viewer.locator("#job-title")).to_have_text("包装工", timeout=5000)
    expect(viewer.locator("#job-pay-cycle")).to_have_text("日结")
    expect(button).to_be_enabled()
    button.click()
    expect(viewer.locator("#job-applied")).to_have_text("投递成功，单位会尽快联系您")
    assert live.count(Application, job_id=packer) == 1


def test_the_organiser_of_a_fair_picks_its_posting_on_a_phone_and_puts_it_on_air(live, open_phone, login, shots_dir):
    """No typed words or numbers: the fair's booths list their postings, one tap queues one, one tap puts it on
    air, and the viewer's card shows it."""
    from datetime import timedelta

    from market import clock
    from market.live import services as live_services
    from market.models import SIGNUP_APPROVED, Fair, FairJob, FairSignup, LiveQueueItem, User

    _, employer_id = live.make_employer(name="松桃县包装有限公司")
    packer = live.make_job(employer_id, title="包装工", pay_cycle="daily")
    live.make_job(employer_id, title="仓管员")  # not brought to the fair
    organiser_phone, organiser = live.make_user("organiser", name="松桃县人社局")
    with live.session() as s:
        fair = Fair(organiser_id=organiser.id, name="春风行动 · 松桃专场", kind="spring_breeze",
                    starts_on=clock.today(), ends_on=clock.today() + timedelta(days=3), adcode="520628")
        s.add(fair)
        s.flush()
        s.add_all([FairSignup(fair_id=fair.id, employer_id=employer_id, status=SIGNUP_APPROVED, booth="A2"),
                   FairJob(fair_id=fair.id, job_id=packer)])
        room = live_services.create_session(session=s, organiser=s.get(User, organiser.id), title="春风行动 · 直播",
                                            fair_id=fair.id)
        s.flush()
        session_id = room.id

    viewer = open_phone()
    viewer.goto(live(f"/live/{session_id}"))  # anyone may watch, signed in or not
    expect(viewer.locator("#live-waiting")).to_be_visible()

    host = open_phone()
    login(host, live, organiser_phone)
    host.goto(live(f"/organiser/live/{session_id}"))
    picker = host.locator("#fair-picks-list")
    expect(picker).to_contain_text("展位 A2")
    expect(picker).to_contain_text("包装工")
    expect(picker).not_to_contain_text("仓管员")
    add = picker.get_by_role("button", name="把 包装工 加入队列")
    box = add.bounding_box()
    assert box and box["height"] >= 44 and box["x"] + box["width"] <= 390  # a finger's target, on the screen
    with host.expect_navigation():
        add.click()
    assert host.url.endswith("#fair-picks")
    expect(picker).to_contain_text("已在队列")
    expect(host.locator("#queue")).to_contain_text("包装工")
    assert live.count(LiveQueueItem, session_id=session_id) == 1
    host.screenshot(path=str(shots_dir / "live-fair-picker.png"), full_page=True)

    with host.expect_navigation():
        host.click("#next-on-air")
    expect(host.locator("#queue")).to_contain_text("上播中")
    expect(viewer.locator("#job-title")).to_have_text("包装工", timeout=5000)
    expect(viewer.locator("#job-pay-cycle")).to_have_text("日结")
