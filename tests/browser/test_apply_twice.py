"""A double tap on 一键投递, or the same form sent twice, makes one application."""

from __future__ import annotations

import pytest
from livesite import HoldFirstAnswer
from playwright.sync_api import expect

from market.models import Application

pytestmark = pytest.mark.browser

# Both copies of the form leave the page before either answer comes back.
SEND_FORM_TWICE = """async () => {
  const form = document.querySelector("form[action$='/apply']");
  const send = () => fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"});
  const answers = await Promise.all([send(), send()]);
  return answers.map(r => r.status);
}"""


@pytest.fixture
def worker_on_job(live, open_phone, login):
    _, employer_id = live.make_employer()
    job_id = live.make_job(employer_id, title="叉车司机", occupation="forklift")
    page = open_phone()
    login(page, live, live.make_worker())
    page.goto(live(f"/jobs/{job_id}"))
    expect(page.locator("h1")).to_have_text("叉车司机")
    return page, job_id


def posts_to_apply(page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/apply") and sent.append(r.url))
    return sent


def assert_one_application(live, page, job_id: int) -> None:
    page.goto(live(f"/jobs/{job_id}"))
    expect(page.locator("main")).to_contain_text("您已投递：已投递")
    expect(page.locator("button:has-text('一键投递')")).to_have_count(0)
    page.goto(live("/me/applications"))
    expect(page.locator("li.card")).to_have_count(1)
    expect(page.locator("li.card .status")).to_have_text("已投递")
    assert live.count(Application, job_id=job_id) == 1


def test_double_tap_applies_once(live, worker_on_job) -> None:
    page, job_id = worker_on_job
    sent = posts_to_apply(page)
    with page.expect_navigation():
        page.locator("button:has-text('一键投递')").dblclick()
    expect(page.locator("main")).to_contain_text("您已投递")
    assert sent, "the tap sent nothing"
    assert_one_application(live, page, job_id)


def test_second_tap_while_the_first_is_on_its_way_applies_once(live, worker_on_job) -> None:
    """On a slow network the page stays up after the first tap, and people tap again."""
    page, job_id = worker_on_job
    sent = posts_to_apply(page)
    hold = HoldFirstAnswer(live.app.wsgi_app, "/apply")
    live.app.wsgi_app = hold
    try:
        box = page.locator("button:has-text('一键投递')").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.touchscreen.tap(x, y)
        assert hold.handled.wait(timeout=10), "the first tap never reached the server"
        # The page has not changed yet: the same button is under the finger. This tap abandons the first.
        page.touchscreen.tap(x, y)
        expect(page.locator(".notice").first).to_contain_text("您已投递过这个岗位")
    finally:
        hold.release()
    assert len(sent) == 2
    expect(page.locator("main")).to_contain_text("您已投递：已投递")
    assert_one_application(live, page, job_id)


def test_same_form_sent_twice_at_once_applies_once(live, worker_on_job) -> None:
    page, job_id = worker_on_job
    sent = posts_to_apply(page)
    statuses = page.evaluate(SEND_FORM_TWICE)
    assert len(sent) == 2
    errors, live.server_errors[:] = list(live.server_errors), []
    # Both answers are the job page again (after the redirect), neither an error page.
    assert statuses == [200, 200], (statuses, errors)
    assert_one_application(live, page, job_id)
