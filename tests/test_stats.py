"""The labour bureau's flow statistics: applications and hires from home province to work province, by
application date with both ends included, small cells left out, staff only."""

from datetime import date

import pytest
from sqlalchemy import update

from market.models import Application

GUIZHOU, SICHUAN = "520502", "510104"
BOUND_START, MIDDLE, BOUND_END = date(2025, 3, 1), date(2025, 3, 15), date(2025, 3, 31)


@pytest.fixture
def flows_market(make_employer, make_job, make_worker, session):
    """Six workers from Guizhou apply in Guangdong (two of them hired) and five of them in Zhejiang; three
    from Sichuan apply in Guangdong (one hired); five with no hometown on file apply in Guangdong.
    Two of the Guizhou applications in Guangdong fall on the first and the last day of March 2025."""
    employer = make_employer()
    guangdong = make_job(employer, title="电焊工", adcode="441900", headcount=20)
    zhejiang = make_job(employer, title="普工", adcode="330106", headcount=20)
    guizhou = [make_worker(name=f"贵州{i}", hometown_adcode=GUIZHOU) for i in range(6)]
    sichuan = [make_worker(name=f"四川{i}", hometown_adcode=SICHUAN) for i in range(3)]
    nowhere = [make_worker(name=f"无户籍{i}", hometown_adcode="") for i in range(5)]

    def apply(worker, job) -> int:
        r = worker.post(f"/api/v1/jobs/{job['id']}/applications")
        assert r.status_code == 201, r.get_json()
        return r.get_json()["id"]

    gz_gd = [apply(w, guangdong) for w in guizhou]
    gz_zj = [apply(w, zhejiang) for w in guizhou[:5]]
    sc_gd = [apply(w, guangdong) for w in sichuan]
    none_gd = [apply(w, guangdong) for w in nowhere]
    for app_id in (gz_gd[2], gz_gd[3], sc_gd[0]):
        r = employer.post(f"/api/v1/applications/{app_id}/status", {"status": "hired"})
        assert r.status_code == 200, r.get_json()

    def dated(ids: list[int], day: date) -> None:
        session.exec(update(Application).where(Application.id.in_(ids)).values(applied_at=day))

    dated(gz_gd[2:] + gz_zj + sc_gd + none_gd, MIDDLE)
    dated([gz_gd[0]], BOUND_START)
    dated([gz_gd[1]], BOUND_END)
    session.commit()


def _flows(api, start: date, end: date) -> dict:
    r = api.get(f"/api/v1/stats/flows?from={start.isoformat()}&to={end.isoformat()}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_flows_go_from_home_province_to_work_province_with_hires_busiest_first(flows_market, admin):
    answer = _flows(admin, BOUND_START, BOUND_END)
    assert answer["suppressed_below"] == 5
    assert answer["flows"] == [
        {"from_province": "52", "to_province": "44", "applications": 6, "hires": 2},
        {"from_province": "52", "to_province": "33", "applications": 5, "hires": 0},
    ]


def test_cells_under_five_applications_and_workers_without_a_hometown_are_left_out(flows_market, admin):
    flows = _flows(admin, BOUND_START, BOUND_END)["flows"]
    # Sichuan → Guangdong has 3 applications (one hire): too few to show. No hometown: never a row.
    assert {(f["from_province"], f["to_province"]) for f in flows} == {("52", "44"), ("52", "33")}
    assert sum(f["applications"] for f in flows) == 11


def test_both_ends_of_the_period_are_included(flows_market, admin):
    def guizhou_to_guangdong(start: date, end: date) -> int | None:
        cells = {(f["from_province"], f["to_province"]): f["applications"] for f in _flows(admin, start, end)["flows"]}
        return cells.get(("52", "44"))

    assert guizhou_to_guangdong(BOUND_START, BOUND_END) == 6
    assert guizhou_to_guangdong(date(2025, 3, 2), BOUND_END) == 5
    assert guizhou_to_guangdong(BOUND_START, date(2025, 3, 30)) == 5
    # Both boundary days left out: four applications, under the threshold.
    assert guizhou_to_guangdong(date(2025, 3, 2), date(2025, 3, 30)) is None
    assert guizhou_to_guangdong(MIDDLE, MIDDLE) is None
    assert _flows(admin, date(2025, 4, 1), date(2025, 4, 30))["flows"] == []


def test_only_staff_read_the_statistics(flows_market, make_worker, make_employer, make_user, client):
    path = "/api/v1/stats/flows?from=2025-03-01&to=2025-03-31"
    for caller in (make_worker(), make_employer(), make_user("organiser")):
        assert caller.get(path).status_code == 403
    assert client.get(path).status_code == 401


@pytest.mark.parametrize(("query", "field"), [
    ("to=2025-03-31", "from"),
    ("from=2025-03-01", "to"),
    ("from=2025/03/01&to=2025-03-31", "from"),
    ("from=2025-03-01&to=三月底", "to"),
    ("from=2025-04-01&to=2025-03-31", "to"),
    ("from=2021-01-01&to=2025-03-31", "to"),
])
def test_a_wrong_period_is_named(admin, query, field):
    r = admin.get(f"/api/v1/stats/flows?{query}")
    assert r.status_code == 422
    assert list(r.get_json()["error"]["fields"]) == [field]


def test_three_years_is_the_longest_period(admin):
    assert admin.get("/api/v1/stats/flows?from=2022-04-01&to=2025-03-31").status_code == 200


def test_staff_read_the_flows_as_a_table_with_province_names(flows_market, admin, make_worker):
    r = admin.client.post("/login", data={"phone": admin.user.phone, "password": "password123"})
    assert r.status_code == 302
    page = admin.client.get("/admin/stats?from=2025-03-01&to=2025-03-31").get_data(as_text=True)
    assert "贵州省" in page and "广东省" in page and "浙江省" in page
    assert "四川省" not in page
    r = admin.client.get("/admin/stats?from=2025-04-01&to=2025-03-01")
    assert r.status_code == 422 and "结束日期（to）不能早于开始日期" in r.get_data(as_text=True)

    worker = make_worker()
    worker.client.post("/login", data={"phone": worker.user.phone, "password": "password123"})
    assert worker.client.get("/admin/stats").status_code == 403
