"""On a 390 px wide phone: buttons big enough for a thumb, no sideways scrolling, and screenshots of the
job list and a job to look at (see ``shots_dir`` in conftest)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MIN_TAP_PX = 44
# Size of every element the page styles as a button: (text, width, height), in CSS pixels.
BUTTON_SIZES = """() => [...document.querySelectorAll('.button')].filter(e => e.offsetParent !== null).map(e => {
  const r = e.getBoundingClientRect();
  return [e.innerText.trim(), Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10];
})"""
SIDEWAYS_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def job_id(live) -> int:
    _, employer_id = live.make_employer()
    for title in ("普工", "叉车司机", "保洁员"):
        live.make_job(employer_id, title=title, occupation=None, benefits=["包吃"])
    return live.make_job(employer_id, title="电焊工（二保焊、氩弧焊均可）", cert_required=None,
                         address="广东省东莞市长安镇振安中路 88 号 3 栋 2 楼",
                         description="二保焊，会看图纸。做六休一，每天 10 小时，加班另算。")


def too_small(sizes: list) -> list:
    return [s for s in sizes if s[1] < MIN_TAP_PX or s[2] < MIN_TAP_PX]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "worker"])
def test_job_detail_buttons_are_thumb_sized(live, open_phone, login, job_id, signed_in, shots_dir) -> None:
    page = open_phone()
    if signed_in:
        login(page, live, live.make_worker())
    page.goto(live(f"/jobs/{job_id}"))
    cta = page.locator(".job-detail .button")
    expect(cta).to_have_text("一键投递" if signed_in else "登录后投递")

    sizes = page.evaluate(BUTTON_SIZES)
    assert sizes, "no buttons on the job page"
    assert not too_small(sizes), f"buttons under {MIN_TAP_PX}x{MIN_TAP_PX} CSS px: {too_small(sizes)}"
    # The main action spans the screen and sits within the first screenful.
    box = cta.bounding_box()
    assert box["width"] >= 300, box
    assert box["y"] + box["height"] <= 844, f"the {cta.inner_text()} button is below the fold: {box}"
    assert page.evaluate(SIDEWAYS_OVERFLOW) <= 0, "the job page scrolls sideways"
    page.screenshot(path=str(shots_dir / f"job-detail-{'worker' if signed_in else 'visitor'}.png"), full_page=True)


def test_job_list_fits_the_phone(live, open_phone, job_id, shots_dir) -> None:
    page = open_phone()
    page.goto(live("/"))
    expect(page.locator("li.job")).to_have_count(4)
    assert page.evaluate(SIDEWAYS_OVERFLOW) <= 0, "the job list scrolls sideways"
    sizes = page.evaluate(BUTTON_SIZES)
    assert not too_small(sizes), f"buttons under {MIN_TAP_PX}x{MIN_TAP_PX} CSS px: {too_small(sizes)}"
    # Each job card is one big tap target.
    for card in page.locator("li.job a").all():
        box = card.bounding_box()
        assert box["height"] >= MIN_TAP_PX and box["width"] >= 300, box
    shot = shots_dir / "job-list.png"
    page.screenshot(path=str(shot), full_page=True)
    page.screenshot(path=str(shots_dir / "job-list-first-screen.png"))
    assert shot.stat().st_size > 10_000
