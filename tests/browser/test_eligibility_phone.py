"""The worker's subsidy page on a 390 × 844 phone: what they may claim, with the amount, what to bring and
where to go, readable without sideways scrolling, its buttons big enough for a thumb."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SIDEWAYS_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
BUTTON_SIZES = """() => [...document.querySelectorAll('.button')].filter(e => e.offsetParent !== null).map(e => {
  const r = e.getBoundingClientRect();
  return [e.innerText.trim(), r.width, r.height];
})"""


def test_the_eligibility_page_on_a_phone(live, open_phone, login, shots_dir) -> None:
    from sqlmodel import select

    from market.models import User
    from market.workers.services import update_profile, worker_of

    phone = live.make_worker(name="何师傅")
    with live.session() as s:
        user = s.exec(select(User).where(User.phone == phone)).one()
        update_profile(session=s, worker=worker_of(s, user), cipher=live.state.cipher,
                       data={"hometown_adcode": "510703", "current_adcode": "510703",
                             "certificates": [{"name": "电工职业技能等级证书", "level": 4, "number": "DG0001"}]})
    page = open_phone()
    login(page, live, phone)
    page.goto(live("/me/eligibility"))
    claim = page.locator("#rule-mianyang_skill_upgrade")
    expect(claim).to_contain_text("1500 元")
    expect(claim.locator(".bring li").first).to_be_visible()
    expect(claim).to_contain_text("去哪里办")
    expect(claim).to_contain_text("参加失业保险")  # what the platform cannot know is said, not assumed
    expect(page.locator("h2", has_text="暂时还不符合")).to_be_visible()
    box = claim.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate(SIDEWAYS_OVERFLOW) <= 0, "the eligibility page scrolls sideways"
    small = [b for b in page.evaluate(BUTTON_SIZES) if b[1] < 44 or b[2] < 44]
    assert not small, small
    page.screenshot(path=str(shots_dir / "eligibility.png"), full_page=True)
