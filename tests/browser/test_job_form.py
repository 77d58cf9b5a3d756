"""The posting form refuses a discriminatory requirement, says why next to the field, and posts nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from market.models import Job

pytestmark = pytest.mark.browser


def test_sex_requirement_is_refused_next_to_the_field(live, open_phone, login) -> None:
    boss_phone, employer_id = live.make_employer()
    page = open_phone()
    login(page, live, boss_phone)
    page.goto(live("/employer/jobs"))
    page.click("a:has-text('发布岗位')")

    page.fill("input[name=title]", "普工")
    page.select_option("select[name=occupation]", "factory_worker")
    page.fill("input[name=adcode]", "441900")
    page.fill("input[name=wage_min]", "5000")
    page.fill("input[name=wage_max]", "6500")
    page.fill("input[name=headcount]", "10")
    page.fill("textarea[name=description]", "流水线装配，限男性，两班倒。")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="发布", exact=True).click()
    assert nav.value.status == 422

    # The reason sits with the description box, in Chinese, and the page still is the form.
    reason = page.locator("label:has(textarea[name=description]) .field-error")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("不得限定性别")
    expect(page.locator("h1")).to_have_text("发布岗位")
    # What was typed is still there to correct.
    expect(page.locator("input[name=title]")).to_have_value("普工")
    expect(page.locator("textarea[name=description]")).to_have_value("流水线装配，限男性，两班倒。")
    expect(page.locator("input[name=wage_min]")).to_have_value("5000")

    # Nothing was posted: not in the employer's list, not on the public list, not in the database.
    page.goto(live("/employer/jobs"))
    expect(page.locator("li.card")).to_have_count(0)
    page.goto(live("/"))
    expect(page.locator("p.count")).to_contain_text("共 0 个岗位")
    assert live.count(Job, employer_id=employer_id) == 0

    # Without the requirement the same form posts.
    page.goto(live("/employer/jobs/new"))
    page.fill("input[name=title]", "普工")
    page.fill("input[name=adcode]", "441900")
    page.fill("input[name=wage_min]", "5000")
    page.fill("input[name=wage_max]", "6500")
    page.fill("input[name=headcount]", "10")
    page.fill("textarea[name=description]", "流水线装配，男女不限，两班倒。")
    with page.expect_navigation():
        page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("岗位已发布")
    expect(page.locator("li.card", has_text="普工")).to_have_count(1)
    assert live.count(Job, employer_id=employer_id) == 1
