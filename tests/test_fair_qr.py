"""QR codes that decode to the site's public address of a posting or of a fair's check-in, and booth posters."""

from __future__ import annotations

import re

import numpy as np
import pytest
import zxingcpp

from tests.conftest import job_payload
from tests.fairkit import approved, new_fair

PUBLIC = "https://jobs.tongren.example.cn"


def decode_svg(svg: str) -> list[str]:
    """Draws the SVG's modules (segno writes each row's dark runs as a path of M/m/h commands) into a
    bitmap and reads it with zxing-cpp, as a phone's camera would read the printed code."""
    assert svg.lstrip().startswith(("<?xml", "<svg"))
    size = re.search(r'width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"', svg)
    scale_m = re.search(r"scale\(([\d.]+)\)", svg)
    scale = float(scale_m.group(1)) if scale_m else 1.0
    modules = round(float(size.group(1)) / scale)
    grid = np.full((modules, modules), 255, np.uint8)
    x = y = 0.0
    for cmd, args in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", re.search(r' d="([^"]+)"', svg).group(1)):
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if cmd == "M":
            x, y = nums
        elif cmd == "m":
            x, y = x + nums[0], y + nums[1]
        elif cmd == "h":
            end = x + nums[0]
            grid[int(y), int(min(x, end)):int(max(x, end))] = 0
            x = end
        else:
            raise AssertionError(f"unexpected path command {cmd}")
    bitmap = np.kron(grid, np.ones((8, 8), np.uint8))
    return [r.text for r in zxingcpp.read_barcodes(bitmap)]


@pytest.fixture
def app(database_url, tmp_path):
    from market import create_app
    from tests.conftest import _truncate

    app = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SEARCH_ENABLED": False, "MODEL_DIR": str(tmp_path / "models"),
        "REDIS_URL": None, "PUBLIC_URL": PUBLIC + "/",
    })
    yield app
    _truncate(app.extensions["market"].engine)
    app.extensions["market"].engine.dispose()


@pytest.fixture
def organiser(make_user):
    return make_user("organiser", name="铜仁市人社局")


def test_a_postings_qr_code_opens_the_posting_on_the_public_site(make_job, client):
    job = make_job()
    r = client.get(f"/jobs/{job['id']}/qr.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert decode_svg(r.get_data(as_text=True)) == [f"{PUBLIC}/jobs/{job['id']}"]
    # and that page is the posting with its one-tap apply
    page = client.get(f"/jobs/{job['id']}").get_data(as_text=True)
    assert job["title"] in page and "登录后投递" in page


def test_a_fairs_qr_code_opens_its_check_in_page(organiser, today, client):
    fair = new_fair(organiser, today)
    r = client.get(f"/fairs/{fair['id']}/qr.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert decode_svg(r.get_data(as_text=True)) == [f"{PUBLIC}/fairs/{fair['id']}/checkin"]


def test_no_qr_code_for_a_posting_nobody_may_see_or_a_missing_one(make_job, admin, client):
    job = make_job()
    admin.post(f"/api/v1/admin/jobs/{job['id']}/take-down", {"reason": "虚假招聘"})
    assert client.get(f"/jobs/{job['id']}/qr.svg").status_code == 404
    assert client.get("/jobs/999999/qr.svg").status_code == 404
    assert client.get("/fairs/999999/qr.svg").status_code == 404


def test_booth_poster_carries_each_postings_code_and_prints_on_a4(organiser, make_employer, today, client):
    fair = new_fair(organiser, today)
    employer = make_employer(name="贵州梵净山茶业有限公司")
    approved(organiser, employer, fair["id"], booth="A8")
    ids = []
    for title in ("采茶工", "制茶师傅"):
        r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", job_payload(title=title, adcode="520628",
                                                                           occupation=None))
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    r = client.get(f"/fairs/{fair['id']}/booths/{employer.employer_id}/poster")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "A8 号展位" in page and "贵州梵净山茶业有限公司" in page and "采茶工" in page and "制茶师傅" in page
    assert "poster.css" in page and "<script" not in page
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    decoded = [decode_svg(s) for s in svgs]
    assert decoded == [[f"{PUBLIC}/jobs/{ids[0]}"], [f"{PUBLIC}/jobs/{ids[1]}"],
                       [f"{PUBLIC}/fairs/{fair['id']}/checkin"]]
    with client.get("/static/poster.css") as static:
        css = static.get_data(as_text=True)
    assert "size: A4" in css and "@media print" in css


def test_no_poster_for_an_employer_not_approved_at_the_fair(organiser, make_employer, today, client):
    fair = new_fair(organiser, today)
    employer = make_employer()
    employer.post(f"/api/v1/fairs/{fair['id']}/signups")
    assert client.get(f"/fairs/{fair['id']}/booths/{employer.employer_id}/poster").status_code == 404


def test_public_url_comes_from_the_environment():
    from market.config import Settings

    assert Settings.from_env({"PUBLIC_URL": "https://gig.example.cn"}).PUBLIC_URL == "https://gig.example.cn"
