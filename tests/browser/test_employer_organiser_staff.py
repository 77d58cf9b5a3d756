"""Journeys of employers, organisers and staff on a 390×844 phone, by clicking: verification refused with
a reason, corrected and approved; a posting's candidates invited and the applicant hired; an organiser's
application from the site; the staff desk's review and audit trail, without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from livesite import PASSWORD, new_phone_number, uscc_with_check
from playwright.sync_api import expect
from test_main_flow import register_through_pages

pytestmark = pytest.mark.browser

SIDEWAYS_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def click_through(page, button) -> None:
    """Click an action, and its confirmation step when the page asks for one."""
    with page.expect_navigation():
        button.click()
    confirm = page.locator("main form button.primary", has_text=re.compile(r"^确(定|认)"))
    if confirm.count():
        with page.expect_navigation():
            confirm.first.click()


def fits(page) -> None:
    page.wait_for_load_state()
    assert page.evaluate(SIDEWAYS_OVERFLOW) <= 0, f"{page.url} scrolls sideways on a phone"


def test_refused_employer_corrects_and_is_approved(live, open_phone, login) -> None:
    boss = open_phone()
    boss_phone = new_phone_number()
    register_through_pages(boss, live, role="employer", phone_number=boss_phone, name="李老板")
    boss.fill("input[name=name]", "长安五金")
    boss.fill("input[name=uscc]", uscc_with_check("91441900MA5XYT456"))
    boss.fill("input[name=adcode]", "441900")
    with boss.expect_navigation():
        boss.click("button:has-text('提交审核')")
    expect(boss.locator("#employer-status")).to_have_text("待审核")
    expect(boss.locator("main")).to_contain_text("结果会发到“消息”")

    staff_phone, _ = live.make_user("admin")
    staff = open_phone()
    login(staff, live, staff_phone)
    with staff.expect_navigation():
        staff.click("header a:has-text('人社工作台')")
    fits(staff)
    card = staff.locator("li.card", has_text="长安五金")
    card.locator("input[name=note]").fill("单位名称应与营业执照一致，请填写全称")
    with staff.expect_navigation():
        card.get_by_role("button", name="不通过", exact=True).click()
    expect(staff.locator(".notice")).to_contain_text("已处理")

    # The employer reads the outcome, in the inbox and on the status page, and by SMS.
    with boss.expect_navigation():
        boss.click("header a:has-text('消息')")
    expect(boss.locator("li.card").first).to_contain_text("未通过审核，原因：单位名称应与营业执照一致，请填写全称")
    assert "单位名称应与营业执照一致" in (live.sms.last_to(boss_phone) or "")
    boss.goto(live("/employer/register"))
    expect(boss.locator("#employer-status")).to_have_text("未通过审核")
    expect(boss.locator("main .error")).to_contain_text("单位名称应与营业执照一致")
    fits(boss)
    # A mistake while correcting keeps what was typed ...
    boss.fill("input[name=name]", "东莞市长安精密五金有限公司")
    boss.fill("input[name=adcode]", "999999")
    with boss.expect_navigation():
        boss.click("button:has-text('重新提交审核')")
    expect(boss.locator("#err-adcode")).to_be_visible()
    expect(boss.locator("input[name=name]")).to_have_value("东莞市长安精密五金有限公司")
    # ... and the corrected registration goes back to staff.
    boss.fill("input[name=adcode]", "441900")
    with boss.expect_navigation():
        boss.click("button:has-text('重新提交审核')")
    expect(boss.locator(".notice")).to_contain_text("已重新提交")
    expect(boss.locator("#employer-status")).to_have_text("待审核")

    staff.reload()
    card = staff.locator("li.card", has_text="东莞市长安精密五金有限公司")
    with staff.expect_navigation():
        card.get_by_role("button", name="通过", exact=True).click()
    with boss.expect_navigation():
        boss.click("header a:has-text('消息')")
    expect(boss.locator("li.card").first).to_contain_text("已通过人社部门审核")
    boss.goto(live("/employer/register"))
    expect(boss.locator("#employer-status")).to_have_text("已认证")
    expect(boss.locator("a:has-text('管理岗位')")).to_be_visible()


def test_employer_invites_a_candidate_who_applies_and_is_hired(live, open_phone, login) -> None:
    boss_phone, employer_id = live.make_employer()
    worker_phone = live.make_worker(name="陈师傅")
    boss = open_phone()
    login(boss, live, boss_phone)
    boss.goto(live("/employer/jobs"))
    boss.click("a:has-text('发布岗位')")
    boss.fill("input[name=title]", "二保焊电焊工")
    boss.select_option("select[name=occupation]", "welder")
    boss.fill("input[name=adcode]", "441900")
    boss.fill("input[name=wage_min]", "6500")
    boss.fill("input[name=wage_max]", "8500")
    boss.fill("input[name=headcount]", "3")
    # a fee taken out of the wage is refused next to the field, keeping the rest
    boss.fill("textarea[name=description]", "二保焊，工衣费从工资扣。")
    with boss.expect_navigation():
        boss.get_by_role("button", name="发布", exact=True).click()
    expect(boss.locator("#err-description")).to_contain_text("不得从工资里扣工衣费")
    expect(boss.locator("input[name=title]")).to_have_value("二保焊电焊工")
    boss.fill("textarea[name=description]", "二保焊，公司发工衣。")
    with boss.expect_navigation():
        boss.get_by_role("button", name="发布", exact=True).click()
    expect(boss.locator(".notice")).to_contain_text("岗位已发布")

    boss.goto(live("/employer/jobs"))
    card = boss.locator("li.card", has_text="二保焊电焊工")
    href = card.locator("a[href*='/applicants']").first.get_attribute("href")
    job_id = int(href.split("/jobs/")[1].split("/")[0])
    boss.goto(live(f"/employer/jobs/{job_id}/candidates"))
    fits(boss)
    candidate = boss.locator("li.card", has_text="陈师傅")
    expect(candidate.locator(".reasons")).to_contain_text("工种对口：焊工")
    with boss.expect_navigation():
        candidate.get_by_role("button", name="邀请投递").click()
    expect(boss.locator(".notice")).to_contain_text("已发出邀请")
    expect(boss.locator("li.card", has_text="陈师傅")).to_contain_text("已邀请投递")

    worker = open_phone()
    login(worker, live, worker_phone)
    with worker.expect_navigation():
        worker.click("header a:has-text('消息')")
    expect(worker.locator("li.card").first).to_contain_text("邀请您投递岗位“二保焊电焊工”")
    worker.goto(live(f"/jobs/{job_id}"))
    with worker.expect_navigation():
        worker.locator("button:has-text('一键投递')").click()
    expect(worker.locator(".notice").first).to_contain_text("投递成功")

    boss.goto(live(f"/employer/jobs/{job_id}/applicants"))
    fits(boss)
    applicant = boss.locator("li.applicant", has_text="陈师傅")
    click_through(boss, applicant.get_by_role("button", name="录用", exact=True))
    expect(boss.locator(".notice")).to_contain_text("已录用")
    with worker.expect_navigation():
        worker.click("header a:has-text('消息')")
    expect(worker.locator("li.card").first).to_contain_text("已被录用")


def test_an_organiser_applies_from_the_site_and_staff_approve(live, open_phone, login) -> None:
    visitor = open_phone()
    visitor.goto(live("/register"))
    visitor.click("a:has-text('申请组织者账号')")
    expect(visitor.locator("h1")).to_have_text("申请组织者账号")
    fits(visitor)
    phone = new_phone_number()
    visitor.fill("input[name=phone]", phone)
    visitor.fill("input[name=name]", "刘主任")
    visitor.fill("input[name=organisation]", "毕节市七星关区就业局")
    visitor.fill("input[name=adcode]", "520502")
    visitor.fill("textarea[name=purpose]", "春风行动专场招聘会")
    with visitor.expect_navigation():
        visitor.click("button:has-text('获取验证码')")
    expect(visitor.locator(".notice")).to_contain_text("验证码已发送")
    expect(visitor.locator("input[name=organisation]")).to_have_value("毕节市七星关区就业局")
    visitor.fill("input[name=code]", live.sms_code(phone))
    visitor.fill("input[name=password]", "short")
    with visitor.expect_navigation():
        visitor.click("button:has-text('提交申请')")
    expect(visitor.locator("#err-password")).to_contain_text("至少 8 位")
    expect(visitor.locator("input[name=name]")).to_have_value("刘主任")
    visitor.fill("input[name=password]", PASSWORD)
    with visitor.expect_navigation():
        visitor.click("button:has-text('提交申请')")
    expect(visitor.locator("#applied")).to_contain_text("毕节市七星关区就业局")

    staff_phone, _ = live.make_user("admin")
    staff = open_phone()
    login(staff, live, staff_phone)
    with staff.expect_navigation():
        staff.click("header a:has-text('人社工作台')")
    card = staff.locator("li.card", has_text="毕节市七星关区就业局")
    expect(card).to_contain_text("刘主任")
    with staff.expect_navigation():
        card.get_by_role("button", name="通过", exact=True).click()
    expect(staff.locator(".notice")).to_contain_text("申请人会收到短信")
    assert "组织者账号已开通" in (live.sms.last_to(phone) or "")

    organiser = open_phone()
    login(organiser, live, phone)
    expect(organiser.locator("header a:has-text('直播带岗')")).to_be_visible()


def test_staff_review_a_flagged_posting_and_read_the_audit_trail(live, open_phone, login) -> None:
    boss_phone, employer_id = live.make_employer(name="东莞市长安精密五金有限公司")
    live.make_job(employer_id, title="普工（长白班）", occupation="factory_worker",
                  description="流水线装配，年龄18-35周岁。")
    staff_phone, _ = live.make_user("admin")
    staff = open_phone()
    login(staff, live, staff_phone)
    with staff.expect_navigation():
        staff.click("header a:has-text('人社工作台')")
    fits(staff)
    card = staff.locator("li.card", has_text="普工（长白班）")
    expect(card).to_contain_text("含年龄要求：18-35周岁")
    card.locator("input[name=reason]").fill("年龄限制过严，涉嫌就业歧视")
    click_through(staff, card.get_by_role("button", name="下架", exact=True))
    expect(staff.locator(".notice")).to_contain_text("已下架")

    boss = open_phone()
    login(boss, live, boss_phone)
    with boss.expect_navigation():
        boss.click("header a:has-text('消息')")
    expect(boss.locator("li.card").first).to_contain_text("已被人社部门下架，原因：年龄限制过严，涉嫌就业歧视")

    # The trail: China time, names and Chinese labels; filtered by person and by action.
    staff.click("a:has-text('操作记录')")
    expect(staff.locator("h1")).to_have_text("操作记录")
    fits(staff)
    entries = staff.locator("li.audit-entry")
    expect(entries.first).to_contain_text("人社窗口（人社）")
    expect(entries.first).to_contain_text("下架岗位")
    expect(entries.first).to_contain_text("年龄限制过严")
    staff.select_option("select[name=action]", label="登记单位")
    with staff.expect_navigation():
        staff.click("button:has-text('筛选')")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("登记单位")
    staff.select_option("select[name=action]", value="")
    staff.select_option("select[name=actor]", label="人社窗口（人社）")
    with staff.expect_navigation():
        staff.click("button:has-text('筛选')")
    texts = entries.all_inner_texts()
    assert texts and all("人社窗口（人社）" in t for t in texts), texts
    assert all(re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", t) for t in texts), texts

    # Every staff page fits the phone.
    for path in ("/admin/", "/admin/audit", "/admin/workers/new", "/admin/complaints", "/admin/stats"):
        staff.goto(live(path))
        fits(staff)
