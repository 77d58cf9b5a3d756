"""The job list is light enough for a cheap phone on a metered plan: under 60 KB for everything the page
loads, and no inline script (one small deferred file adds suggestions to the search box)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BUDGET_BYTES = 60 * 1024
TITLES = ["电焊工", "普工", "叉车司机", "保洁员", "厨师", "快递员", "钢筋工", "木工", "油漆工", "保安",
          "服务员", "仓库管理员", "缝纫工", "外卖骑手", "搬运工", "质检员", "电工", "月嫂", "养老护理员", "数控车工"]
BENEFITS = [["包吃", "包住"], ["包吃"], [], ["包住", "五险一金"]]


@pytest.fixture
def twenty_jobs(live) -> list[int]:
    employers = [live.make_employer(name=f"东莞市第{n + 1}制造有限公司")[1] for n in range(4)]
    ids = []
    for n, title in enumerate(TITLES):
        employer_id = employers[n % len(employers)]
        ids.append(live.make_job(employer_id, title=title, occupation=None, wage_min=4000 + 100 * n,
                                 wage_max=6000 + 100 * n, benefits=BENEFITS[n % len(BENEFITS)],
                                 description=f"{title}，长期招聘，工资按时发放。" * 3))
    return ids


def load_and_weigh(page, url: str) -> dict:
    """Opens ``url`` and sums what came over the wire for every request, from Chromium's network events."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    wire: dict[str, int] = {}
    urls: dict[str, str] = {}
    kinds: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
    bodies: dict[str, int] = {}

    def on_response(response) -> None:
        bodies[response.url] = len(response.body())

    page.on("response", on_response)
    page.goto(url, wait_until="networkidle")
    html = page.content()
    return {"wire": wire, "urls": urls, "kinds": kinds, "bodies": bodies, "html": html}


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "worker"])
def test_job_list_is_under_60_kb_and_has_no_inline_script(live, open_phone, login, twenty_jobs, signed_in) -> None:
    page = open_phone()
    if signed_in:
        login(page, live, live.make_worker())
    weighed = load_and_weigh(page, live("/"))

    expect(page.locator("li.job")).to_have_count(20)
    expect(page.locator("p.count")).to_contain_text("共 20 个岗位")

    total_wire = sum(weighed["wire"].values())
    total_bodies = sum(weighed["bodies"].values())
    listing = "\n".join(f"  {weighed['wire'].get(rid, 0):>7} B  {url}" for rid, url in weighed["urls"].items())
    print(f"\njob list ({'worker' if signed_in else 'visitor'}): {total_wire} bytes on the wire "
          f"(bodies {total_bodies} bytes) in {len(weighed['urls'])} requests\n{listing}")
    assert weighed["wire"], "no network traffic was seen"
    assert total_wire < BUDGET_BYTES, f"{total_wire} bytes on the wire, budget {BUDGET_BYTES}:\n{listing}"
    assert total_bodies < BUDGET_BYTES

    # No inline script; the one file fetched is the search box's suggestions, deferred and small (the list
    # and the search work without it).
    html = weighed["html"].lower()
    assert html.count("<script") == html.count("<script src=") == 1
    assert 'src="/static/suggest.js" defer' in html
    scripts = {rid: url for rid, url in weighed["urls"].items()
               if weighed["kinds"].get(rid) == "Script" or url.split("?")[0].endswith(".js")}
    assert [url.split("?")[0].rsplit("/", 1)[-1] for url in scripts.values()] == ["suggest.js"]
    assert all(weighed["bodies"].get(url, 0) < 2048 for url in scripts.values())
