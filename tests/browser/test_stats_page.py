"""A statistics page on a 390 px wide phone: the ECharts chart drawn from the page's numbers, the same
numbers as a table, nothing scrolling sideways."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "echarts.min.js"
SIDEWAYS_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_registered_workers_page_shows_its_chart_and_its_table(live, open_phone, login, shots_dir) -> None:
    assert VENDOR.exists(), "static/vendor/echarts.min.js is missing: run `make vendor` (copies it from node_modules)"
    for i in range(6):
        live.make_worker(name=f"工人{i}")  # each lives in 东莞 and registered today
    staff_phone, _ = live.make_user("admin")
    page = open_phone()
    login(page, live, staff_phone)
    page.goto(live("/admin/stats/workers?by=current_city"))

    # The chart: ECharts draws an SVG inside the chart box, with a bar for 东莞.
    expect(page.locator("#stats-chart svg")).to_have_count(1)
    expect(page.locator("#stats-chart svg path").first).to_be_attached()
    assert page.evaluate("() => typeof window.echarts") == "object"
    box = page.locator("#stats-chart").bounding_box()
    assert box["width"] > 300 and box["height"] >= 200, box
    # The table: the same number, readable without the chart.
    row = page.locator("table.stats-table tr", has_text="广东省东莞市")
    expect(row.locator("td").nth(1)).to_have_text("6")
    assert page.evaluate(SIDEWAYS_OVERFLOW) <= 0, "the statistics page scrolls sideways"
    page.screenshot(path=str(shots_dir / "stats-workers.png"), full_page=True)
