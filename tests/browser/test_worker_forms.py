"""A worker's journey through the forms, by clicking, on a phone-sized Chromium: registers (the resend waits
visibly), fills the profile with places by name and with the picker, several trades and certificates, meets
each mistake (an ambiguous place, an unknown certificate, a wrong ID number) without losing anything, saves
twice, searches, applies and withdraws after being asked. And the same forms with JavaScript off."""

from __future__ import annotations

import pytest
from conftest import PHONE
from livesite import PASSWORD, new_phone_number
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

JOB_TITLE = "二保焊电焊工"


def id_number(seq: str = "123") -> str:
    from market.identity import id_check_character

    first17 = "520628" + "19880306" + seq
    return first17 + id_check_character(first17)


def wrong_id_number() -> str:
    good = id_number()
    return good[:17] + ("1" if good[17] != "1" else "2")


def place(page, name: str):
    return page.locator(f"fieldset[data-place={name}]")


def save(page) -> None:
    with page.expect_navigation():
        page.click("form.stack button.primary:has-text('保存')")


def field_values(page) -> dict:
    """What the profile form holds now, field by field (several rows: a list)."""
    return page.evaluate("""() => {
        const out = {};
        for (const el of document.querySelectorAll('form.stack [name]')) {
            if (el.type === 'hidden' || el.type === 'submit' || el.tagName === 'BUTTON') continue;
            if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) continue;
            (out[el.name] = out[el.name] || []).push(el.value);
        }
        return out;
    }""")


@pytest.fixture
def posted_job(live) -> int:
    _, employer_id = live.make_employer()
    return live.make_job(employer_id, title=JOB_TITLE, description="二保焊，会看图纸，持焊工证。")


def test_worker_registers_fills_the_profile_by_name_searches_applies_and_withdraws(live, open_phone, posted_job):
    page = open_phone()
    phone_number = new_phone_number()

    # --- Registers: after the code is sent the resend button waits, and says for how long.
    page.goto(live("/register"))
    page.fill("input[name=phone]", phone_number)
    with page.expect_navigation():
        page.click("button:has-text('获取验证码')")
    expect(page.locator(".notice")).to_contain_text("验证码已发送")
    expect(page.locator(".countdown")).to_contain_text("秒后可以重新获取验证码")
    expect(page.locator("button[name=step][value=code]")).to_be_disabled()
    page.fill("input[name=code]", live.sms_code(phone_number))
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[name=step][value=register]")
    assert page.url.endswith("/me/profile"), page.url

    # --- Fills the profile: places by name and with the picker, two trades, two certificates.
    page.fill("input[name=name]", "王建国")
    page.fill("input[name=current_adcode]", "朝阳区")  # two places have this name
    home = place(page, "hometown_adcode")
    home.locator("select[data-level=p]").select_option(label="贵州省")
    expect(home.locator("select[data-level=c] option", has_text="铜仁市")).to_have_count(1)
    home.locator("select[data-level=c]").select_option(label="铜仁市")
    expect(home.locator("select[data-level=d] option", has_text="松桃苗族自治县")).to_have_count(1)
    home.locator("select[data-level=d]").select_option(label="松桃苗族自治县")
    expect(home.locator("input[name=hometown_adcode]")).to_have_value("贵州省铜仁市松桃苗族自治县")
    trades, years = page.locator("select[name=occupation]"), page.locator("input[name=years]")
    trades.nth(0).select_option("welder")
    years.nth(0).fill("8")
    trades.nth(1).select_option("electrician")
    years.nth(1).fill("2")
    page.locator("input[name=cert_text]").nth(0).fill("焊工证")
    page.locator("select[name=cert_name]").nth(1).select_option("电工职业技能等级证书")
    page.locator("select[name=cert_level]").nth(1).select_option("3")
    page.fill("input[name=expected_wage]", "7000")
    page.check("input[name=sensitive_consent]")
    page.fill("input[name=id_number]", wrong_id_number())
    typed = field_values(page)
    save(page)

    # ... two mistakes at once: each marked beside its field, and nothing typed is lost.
    expect(page.locator("#err-current_adcode")).to_contain_text("“朝阳区”有好几个地方")
    expect(page.locator("input[name=current_adcode]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=id_number]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-id_number")).to_be_visible()
    kept = field_values(page)
    for name in ("name", "current_adcode", "hometown_adcode", "occupation", "years", "cert_text", "cert_name",
                 "cert_level", "expected_wage", "sensitive_consent", "id_number"):
        assert kept.get(name, [])[:2] == typed.get(name, [])[:2], name

    # --- Picks the place it meant, writes a certificate nobody knows, fixes the ID number.
    page.check("input[name=current_adcode__pick][value='110105']")
    page.locator("input[name=cert_text]").nth(0).fill("会开挖掘机")
    page.fill("input[name=id_number]", id_number())
    save(page)
    expect(page.locator("#err-certificates")).to_contain_text("不认识证书“会开挖掘机”")
    expect(page.locator("input[name=cert_text]").nth(0)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=cert_text]").nth(0)).to_have_value("会开挖掘机")
    page.locator("input[name=cert_text]").nth(0).fill("焊工证（中级）")
    save(page)
    expect(page.locator(".notice")).to_contain_text("资料已保存")
    expect(page.locator("input[name=current_adcode]")).to_have_value("北京市朝阳区")
    expect(page.locator("input[name=hometown_adcode]")).to_have_value("贵州省铜仁市松桃苗族自治县")
    expect(page.locator("select[name=cert_name]").nth(0)).to_have_value("特种作业操作证（焊接与热切割作业）")

    # --- Moves to 东莞 by typing its name, saves, then saves again untouched: nothing is lost.
    page.fill("input[name=current_adcode]", "广东东莞")
    save(page)
    expect(page.locator("input[name=current_adcode]")).to_have_value("广东省东莞市")
    before = field_values(page)
    save(page)
    expect(page.locator(".notice")).to_contain_text("资料已保存")
    assert field_values(page) == before
    assert before["occupation"][:2] == ["welder", "electrician"] and before["years"][:2] == ["8", "2"]
    assert before["cert_level"][:2] == ["4", "3"]

    # --- Searches, applies, and withdraws after being asked.
    page.click("a.brand")
    page.fill("input[name=q]", "东莞 焊工")
    with page.expect_navigation():
        page.click("form.search button:has-text('找工作')")
    with page.expect_navigation():
        page.locator("li.job", has_text=JOB_TITLE).locator("a").click()
    with page.expect_navigation():
        page.click("button:has-text('一键投递')")
    expect(page.locator("p[role=status].notice")).to_contain_text("投递成功")
    page.click("header a:has-text('我的投递')")
    card = page.locator("li.card", has_text=JOB_TITLE)
    with page.expect_navigation():
        card.get_by_role("button", name="撤回").click()
    expect(page.locator("h1")).to_have_text("撤回投递")
    expect(page.locator("main")).to_contain_text(f"确定要撤回对「{JOB_TITLE}」的投递吗？")
    with page.expect_navigation():
        page.click("a:has-text('不了，返回')")
    expect(page.locator("li.card", has_text=JOB_TITLE).locator(".status")).to_have_text("已投递")
    with page.expect_navigation():
        page.locator("li.card", has_text=JOB_TITLE).get_by_role("button", name="撤回").click()
    with page.expect_navigation():
        page.click("button:has-text('确定撤回')")
    expect(page.locator(".notice")).to_contain_text("已撤回")
    expect(page.locator("li.card", has_text=JOB_TITLE).locator(".status")).to_have_text("已撤回")


def test_without_javascript_the_picker_steps_and_the_wait_is_written(live, browser, login):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        phone_number = new_phone_number()
        page.goto(live("/register"))
        page.fill("input[name=phone]", phone_number)
        with page.expect_navigation():
            page.click("button:has-text('获取验证码')")
        expect(page.locator(".countdown")).to_contain_text("以后可以重新获取验证码（约 60 秒）")

        login(page, live, live.make_worker())
        page.goto(live("/me/profile"))
        home = place(page, "hometown_adcode")
        expect(home.locator("button.step")).to_be_visible()
        home.locator("select[data-level=p]").select_option(label="贵州省")
        with page.expect_navigation():
            home.locator("button.step").click()
        home = place(page, "hometown_adcode")
        home.locator("select[data-level=c]").select_option(label="铜仁市")
        with page.expect_navigation():
            home.locator("button.step").click()
        home = place(page, "hometown_adcode")
        home.locator("select[data-level=d]").select_option(label="松桃苗族自治县")
        save(page)
        expect(page.locator(".notice")).to_contain_text("资料已保存")
        expect(page.locator("input[name=hometown_adcode]")).to_have_value("贵州省铜仁市松桃苗族自治县")
        expect(page.locator("input[name=current_adcode]")).to_have_value("广东省东莞市")
    finally:
        context.close()
