"""axe-core (pinned in package.json) on the key pages, on a phone-sized screen: no serious or critical
violations (on the job list, no moderate ones either). Each page is also weighed: what came over the wire
(gzip) against the uncompressed bodies, and every page's wire weight stays under 12 KB."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGE_BUDGET_BYTES = 12 * 1024
# Pages held to moderate findings too (a missing heading, landmarks that cannot be told apart): the first page
# everyone sees.
STRICT_PAGES = {"job list"}


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return result


def _weigh(page, url: str) -> tuple[int, int]:
    """(bytes on the wire, bytes of the bodies once decoded) for everything the page loads."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    wire: dict[str, int] = {}
    decoded: dict[str, int] = {}
    cdp.on("Network.dataReceived", lambda e: decoded.__setitem__(e["requestId"], decoded.get(e["requestId"], 0)
                                                                    + e["dataLength"]))
    cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="networkidle")
    cdp.detach()
    return sum(wire.values()), sum(decoded.values())


@pytest.fixture
def key_pages(live):
    """Each key page with the person who sees it (None: a visitor)."""
    employer_phone, employer_id = live.make_employer()
    job_ids = [live.make_job(employer_id, title=t, description=f"{t}，长期招聘，工资按月发放，包吃包住。" * 2)
               for t in ("电焊工", "普工", "叉车司机", "保洁员", "厨师", "快递员", "电工", "保安")]
    worker_phone = live.make_worker(name="王建国")
    return [
        ("job list", None, "/"),
        ("posting", None, f"/jobs/{job_ids[0]}"),
        ("register", None, "/register"),
        ("profile", worker_phone, "/me/profile"),
        ("employer job form", employer_phone, "/employer/jobs/new"),
        ("complaint form", worker_phone, "/me/complaints"),
    ]


def test_key_pages_have_no_serious_accessibility_violations_and_stay_light(live, open_phone, login, key_pages):
    if not AXE.exists():
        pytest.skip("axe-core is missing: run `npm ci` (make test does)")
    failures, weights = [], []
    phones: dict[str | None, object] = {}
    for label, phone_number, path in key_pages:
        if phone_number not in phones:
            phones[phone_number] = open_phone(bypass_csp=True)  # axe-core is the test's script, not the site's
            if phone_number:
                login(phones[phone_number], live, phone_number)
        page = phones[phone_number]
        wire, decoded = _weigh(page, live(path))
        weights.append((label, path, wire, decoded))
        found = _axe(page)
        print(label, [(v["id"], v["impact"]) for v in found])
        limit = ("moderate", "serious", "critical") if label in STRICT_PAGES else ("serious", "critical")
        bad = [v for v in found if v["impact"] in limit]
        if bad:
            failures.append(f"{label} ({path}): {bad}")
    print("\npage weights (everything the page loads; wire = gzip as served, bodies = uncompressed):")
    for label, path, wire, decoded in weights:
        print(f"  {label:<18} {path:<22} wire {wire:>6} B   bodies {decoded:>6} B")
    assert not failures, "\n".join(failures)
    heavy = [(label, wire) for label, _, wire, _ in weights if wire > PAGE_BUDGET_BYTES]
    assert not heavy, f"over {PAGE_BUDGET_BYTES} bytes on the wire: {heavy}"
