"""The whole market through its pages: an employer signs up and is verified, posts a job; a worker signs
up, finds it, applies; the employer hires; the worker is told."""

from __future__ import annotations

import pytest
from livesite import PASSWORD, new_phone_number, uscc_with_check
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EMPLOYER_NAME = "东莞市长安精密五金有限公司"
JOB_TITLE = "二保焊电焊工"


def register_through_pages(page, live, *, role: str, phone_number: str, name: str = "") -> None:
    page.goto(live("/register"))
    if role == "employer":
        page.check("input[name=role][value=employer]")
    page.fill("input[name=phone]", phone_number)
    page.click("button:has-text('获取验证码')")
    expect(page.locator(".notice")).to_contain_text("验证码已发送")
    page.fill("input[name=code]", live.sms_code(phone_number))
    if name:
        page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[name=step][value=register]")


def test_employer_posts_worker_applies_and_is_hired(live, open_phone, login) -> None:
    # --- The employer signs up: phone, the code from the SMS, a password.
    boss = open_phone()
    boss_phone = new_phone_number()
    register_through_pages(boss, live, role="employer", phone_number=boss_phone, name="李老板")
    assert boss.url.endswith("/employer/register"), boss.url
    expect(boss.locator("h1")).to_have_text("登记单位")

    # ... and registers its organisation with a valid 统一社会信用代码.
    boss.fill("input[name=name]", EMPLOYER_NAME)
    boss.fill("input[name=uscc]", uscc_with_check("91441900MA5XYT123"))
    boss.fill("input[name=adcode]", "441900")
    with boss.expect_navigation():
        boss.click("button:has-text('提交审核')")
    expect(boss.locator(".notice")).to_contain_text("审核通过后即可发布岗位")
    expect(boss.locator("main")).to_contain_text("审核状态")
    expect(boss.locator("a:has-text('管理岗位')")).to_have_count(0)
    boss.goto(live("/employer/jobs"))
    expect(boss.locator("main")).to_contain_text("单位正在审核")
    expect(boss.locator("a:has-text('发布岗位')")).to_have_count(0)

    # --- Staff verify it on their dashboard.
    staff_phone, _ = live.make_user("admin")
    staff = open_phone()
    login(staff, live, staff_phone)
    staff.click("header a:has-text('人社工作台')")
    card = staff.locator("li.card", has_text=EMPLOYER_NAME)
    expect(card).to_be_visible()
    with staff.expect_navigation():
        card.get_by_role("button", name="通过", exact=True).click()
    expect(staff.locator(".notice")).to_contain_text("已处理")
    expect(staff.locator("li.card", has_text=EMPLOYER_NAME)).to_have_count(0)

    # --- The employer posts a job through the form.
    boss.goto(live("/employer/jobs"))
    expect(boss.locator("main")).not_to_contain_text("单位正在审核")
    boss.click("a:has-text('发布岗位')")
    expect(boss.locator("h1")).to_have_text("发布岗位")
    boss.fill("input[name=title]", JOB_TITLE)
    boss.select_option("select[name=occupation]", "welder")
    boss.fill("input[name=adcode]", "441900")
    boss.fill("input[name=address]", "东莞市长安镇振安中路 88 号")
    boss.fill("input[name=wage_min]", "6500")
    boss.fill("input[name=wage_max]", "8500")
    boss.select_option("select[name=wage_unit]", "month")
    boss.select_option("select[name=employment_type]", "full_time")
    boss.fill("input[name=headcount]", "3")
    boss.check("input[name=benefits][value=包吃]")
    boss.check("input[name=benefits][value=包住]")
    boss.fill("textarea[name=description]", "二保焊，会看图纸，有焊工证优先。")
    with boss.expect_navigation():
        boss.get_by_role("button", name="发布", exact=True).click()
    assert boss.url.endswith("/employer/jobs"), boss.url
    expect(boss.locator(".notice")).to_contain_text("岗位已发布")
    posted = boss.locator("li.card", has_text=JOB_TITLE)
    expect(posted).to_contain_text("6500-8500元/月")
    expect(posted).to_contain_text("招聘中")

    # --- A worker signs up (no name yet) and fills in the profile.
    worker = open_phone()
    worker_phone = new_phone_number()
    register_through_pages(worker, live, role="worker", phone_number=worker_phone)
    assert worker.url.endswith("/me/profile"), worker.url
    worker.fill("input[name=name]", "王建国")
    worker.fill("input[name=current_adcode]", "441900")
    worker.select_option("select[name=occupation]", "welder")
    worker.fill("input[name=years]", "8")
    with worker.expect_navigation():
        worker.click("form.stack button.primary:has-text('保存')")
    expect(worker.locator(".notice")).to_contain_text("资料已保存")
    expect(worker.locator("input[name=name]")).to_have_value("王建国")

    # ... finds the job from the home page search ...
    worker.click("a.brand")
    worker.fill("input[name=q]", "东莞 焊工")
    with worker.expect_navigation():
        worker.click("form.search button:has-text('找工作')")
    expect(worker.locator("p.count")).to_contain_text("共 1 个岗位")
    hit = worker.locator("li.job", has_text=JOB_TITLE)
    expect(hit).to_contain_text(EMPLOYER_NAME)
    expect(hit).to_contain_text("包吃")
    hit.locator("a").click()

    # ... opens it and taps 一键投递.
    expect(worker.locator("h1")).to_have_text(JOB_TITLE)
    expect(worker.locator(".job-detail")).to_contain_text("已认证")
    with worker.expect_navigation():
        worker.locator("button:has-text('一键投递')").tap()
    expect(worker.locator(".notice").first).to_contain_text("投递成功")
    expect(worker.locator("main")).to_contain_text("您已投递：已投递")
    expect(worker.locator("button:has-text('一键投递')")).to_have_count(0)

    worker.click("header a:has-text('我的投递')")
    mine = worker.locator("li.card", has_text=JOB_TITLE)
    expect(mine.locator(".status")).to_have_text("已投递")

    # --- The employer opens the applicants and hires.
    boss.goto(live("/employer/jobs"))
    boss.locator("li.card", has_text=JOB_TITLE).locator("a:has-text('查看投递')").click()
    expect(boss.locator("h1")).to_contain_text(JOB_TITLE)
    applicant = boss.locator("li.applicant", has_text="王建国")
    expect(applicant).to_contain_text(worker_phone)
    expect(applicant.locator(".status")).to_have_text("已投递")
    with boss.expect_navigation():
        applicant.get_by_role("button", name="录用", exact=True).click()
    expect(boss.locator(".notice")).to_contain_text("已更新为：已录用")
    expect(boss.locator("main")).to_contain_text("已录用 1 人")
    expect(boss.locator("li.applicant", has_text="王建国").locator(".status")).to_have_text("已录用")

    # --- The worker sees it, and has the message.
    worker.reload()
    expect(worker.locator("li.card", has_text=JOB_TITLE).locator(".status")).to_have_text("已录用")
    worker.click("header a:has-text('消息')")
    expect(worker.locator("h1")).to_have_text("消息")
    expect(worker.locator("li.card").first).to_contain_text(f"恭喜！您投递的「{JOB_TITLE}」已被录用")
    # The same news went out by SMS.
    assert "已被录用" in (live.sms.last_to(worker_phone) or "")
