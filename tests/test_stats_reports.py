"""The bureau's statistics beyond the flows, each against counts made by hand on a small market built here:
applications and hires by trade and region, median offered wages, registrations, fairs, complaint
resolution times; small groups left out; staff only; the Excel workbook carries the page's numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import select

from market import clock
from market.models import (
    COMPLAINT_IN_PROGRESS,
    COMPLAINT_RESOLVED,
    HIRED,
    JOB_TAKEN_DOWN,
    Application,
    Employer,
    Fair,
    FairJob,
    Job,
    WageComplaint,
    Worker,
)
from market.stats import services

GUIZHOU_HOME, SICHUAN_HOME = "520502", "510104"  # 毕节市七星关区, 成都市锦江区
DONGGUAN, GUIYANG = "441900", "520102"
BEFORE = clock.today() - timedelta(days=400)  # outside a period of today, inside one of 3 years


@pytest.fixture
def market(make_employer, make_job, make_worker, make_user, session, today):
    """Postings published today:
    - 东莞 welders: 6000–8000/month, 5000–7000/month, 200–300/day, 25–30/hour, 7000–9000/month, a piece rate
      (no monthly figure), one taken down (20000–30000, never counted) and one published long ago;
    - 贵阳 welders: 4000–5000 and 4500–5500 a month; 东莞 cleaners: four at 3000–4000 a month.
    Ten workers registered today: six from 毕节 (Guizhou), four from 成都 (Sichuan); seven of them live in
    东莞, three in 贵阳; an eleventh from 毕节 registered long ago. Applications today: four to a 东莞 welder
    posting (one hired), two to a 贵阳 welder posting (one hired), four to a 东莞 cleaner posting (one
    hired), and one made long ago."""
    employer = make_employer()
    # Registered a month ago: a dozen postings at once from a new account would be held as a burst.
    session.exec(update(Employer).where(Employer.id == employer.employer_id)
                 .values(created_at=clock.now() - timedelta(days=30)))
    session.commit()
    welder = {"title": "电焊工", "occupation": "welder"}
    dg = [make_job(employer, **welder, adcode=DONGGUAN, wage_min=lo, wage_max=hi, wage_unit=unit)
          for lo, hi, unit in ((6000, 8000, "month"), (5000, 7000, "month"), (200, 300, "day"),
                               (25, 30, "hour"), (7000, 9000, "month"))]
    make_job(employer, **welder, adcode=DONGGUAN, wage_min=2, wage_max=3, wage_unit="piece",
             employment_type="piece_rate")
    gone = make_job(employer, **welder, adcode=DONGGUAN, wage_min=20000, wage_max=30000)
    old = make_job(employer, **welder, adcode=DONGGUAN, wage_min=20000, wage_max=30000)
    gy = [make_job(employer, **welder, adcode=GUIYANG, wage_min=lo, wage_max=hi)
          for lo, hi in ((4000, 5000), (4500, 5500))]
    cleaners = [make_job(employer, title="保洁员", occupation="cleaner", adcode=DONGGUAN, wage_min=3000,
                         wage_max=4000, description="写字楼保洁。") for _ in range(4)]
    session.exec(update(Job).where(Job.id == gone["id"]).values(status=JOB_TAKEN_DOWN))
    session.exec(update(Job).where(Job.id == old["id"]).values(posted_at=BEFORE))
    session.commit()

    people = [make_worker(name=f"工人{i}", hometown_adcode=GUIZHOU_HOME if i < 6 else SICHUAN_HOME,
                          current_adcode=DONGGUAN if i < 7 else GUIYANG) for i in range(10)]
    early = make_worker(name="老用户", hometown_adcode=GUIZHOU_HOME)
    session.exec(update(Worker).where(Worker.id == early.worker_id).values(registered_at=BEFORE))
    session.commit()

    def apply(worker, job, *, hire: bool = False) -> int:
        r = worker.post(f"/api/v1/jobs/{job['id']}/applications")
        assert r.status_code == 201, r.get_json()
        if hire:
            r = employer.post(f"/api/v1/applications/{r.get_json()['id']}/status", {"status": HIRED})
            assert r.status_code == 200, r.get_json()
        return r.get_json()["id"]

    for i in range(4):
        apply(people[i], dg[0], hire=i == 0)
    for i in (4, 5):
        apply(people[i], gy[0], hire=i == 4)
    for i in (6, 7, 8, 9):
        apply(people[i], cleaners[0], hire=i == 6)
    long_ago = apply(people[9], dg[1])
    session.exec(update(Application).where(Application.id == long_ago).values(applied_at=BEFORE))
    session.commit()
    return {"employer": employer, "jobs": dg + gy + cleaners}


def _stat(api, slug: str, start: date, end: date, by: str | None = None) -> dict:
    query = f"/api/v1/stats/{slug}?from={start.isoformat()}&to={end.isoformat()}" + (f"&by={by}" if by else "")
    r = api.get(query)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["suppressed_below"] == 5
    return body


def test_applications_and_hires_by_trade_province_and_city(market, admin, today):
    by_trade = _stat(admin, "applications", today, today)["rows"]
    # Welders: 4 in 东莞 + 2 in 贵阳, two hired. Cleaners: 4 applications, under 5, left out.
    assert by_trade == [{"key": "welder", "name": "焊工", "applications": 6, "hires": 2}]
    by_province = _stat(admin, "applications", today, today, "province")["rows"]
    assert by_province == [{"key": "440000", "name": "广东省", "applications": 8, "hires": 2}]
    by_city = _stat(admin, "applications", today, today, "city")["rows"]
    assert by_city == [{"key": "441900", "name": "广东省东莞市", "applications": 8, "hires": 2}]


def test_the_application_made_before_the_period_counts_only_when_the_period_covers_it(market, admin, today):
    rows = _stat(admin, "applications", BEFORE, today, "city")["rows"]
    assert rows[0]["applications"] == 9
    assert _stat(admin, "applications", BEFORE, BEFORE)["rows"] == []


def test_median_offered_wages_as_a_months_pay_without_piece_rates(market, admin, today):
    by_trade = _stat(admin, "wages", today, today)["rows"]
    # Seven welder postings: lower 4000 4500 5000 5200 5200 6000 7000, upper 5000 5500 6240 7000 7800 8000 9000
    # (a day's wage × 26, an hour's × 8 × 26). The piece rate, the one taken down and the old one are out;
    # four cleaner postings are too few to show.
    assert by_trade == [{"trade": "welder", "trade_name": "焊工", "postings": 7,
                         "median_wage_min": 5200, "median_wage_max": 7000}]
    by_city = _stat(admin, "wages", today, today, "city")["rows"]
    # 东莞: five welders and four cleaners; 贵阳's two postings are left out.
    assert by_city == [{"city": "441900", "city_name": "广东省东莞市", "postings": 9,
                        "median_wage_min": 5000, "median_wage_max": 6240}]
    both = _stat(admin, "wages", today, today, "trade_city")["rows"]
    assert both == [{"trade": "welder", "trade_name": "焊工", "city": "441900", "city_name": "广东省东莞市",
                     "postings": 5, "median_wage_min": 5200, "median_wage_max": 7800}]


def test_registered_workers_by_hometown_and_by_place_of_work(market, admin, today):
    def rows(by: str, start: date = today) -> list:
        return [(r["name"], r["workers"]) for r in _stat(admin, "workers", start, today, by)["rows"]]

    assert rows("hometown_province") == [("贵州省", 6)]  # 四川's four are too few
    assert rows("hometown_city") == [("贵州省毕节市", 6)]
    assert rows("current_province") == [("广东省", 7)]  # 贵阳's three are too few
    assert rows("current_city") == [("广东省东莞市", 7)]
    assert rows("hometown_province", BEFORE) == [("贵州省", 7)]


@pytest.fixture
def fairs(session, admin):
    """Three 春风行动 fairs in March 2026 (one online, one running into April) and a special fair in May."""
    made = [Fair(organiser_id=admin.user.id, name=f"春风行动{i}", kind="spring_breeze", starts_on=start,
                 ends_on=end, online=online)
            for i, (start, end, online) in enumerate(((date(2026, 3, 2), date(2026, 3, 3), False),
                                                      (date(2026, 3, 10), date(2026, 3, 10), True),
                                                      (date(2026, 3, 30), date(2026, 4, 2), False)))]
    made.append(Fair(organiser_id=admin.user.id, name="五月专场", kind="special", starts_on=date(2026, 5, 6),
                     ends_on=date(2026, 5, 6)))
    session.add_all(made)
    session.commit()
    return made


def test_fairs_held_in_the_period_by_kind(fairs, market, admin, session):
    # Two of the market's postings at the first fair, applied to on the fair's days (five applications, one
    # hire), one more application after it.
    first = fairs[0]
    jobs = market["jobs"][:2]
    session.add_all([FairJob(fair_id=first.id, job_id=j["id"]) for j in jobs])
    ids = list(session.exec(select(Application.id).where(Application.job_id.in_([j["id"] for j in jobs]))))
    session.exec(update(Application).where(Application.id.in_(ids)).values(applied_at=first.starts_on))
    session.commit()
    body = _stat(admin, "fairs", date(2026, 3, 1), date(2026, 3, 31))
    rows = {r["kind"]: r for r in body["rows"]}
    assert set(rows) == {"spring_breeze"}  # the May fair is outside the period
    assert (rows["spring_breeze"]["fairs"], rows["spring_breeze"]["online"]) == (3, 1)
    assert body["available"] is True
    assert rows["spring_breeze"]["postings"] == 2
    assert rows["spring_breeze"]["applications"] >= 5


@pytest.fixture
def complaints(session, make_employer, make_worker):
    """March 2026. Against an employer in 广东: five complaints, resolved after 1, 2, 3 and 4 days and one
    still being handled. Against one in 贵州: two, resolved after 10 days. One more filed at 00:30 Beijing time
    on 1 April (still 31 March in UTC)."""
    guangdong, guizhou = make_employer(), make_employer(adcode="520102", name="贵阳市南明区建筑劳务有限公司")
    worker = make_worker()

    def complaint(employer, filed: datetime, days: float | None) -> WageComplaint:
        done = filed + timedelta(days=days) if days is not None else filed
        return WageComplaint(worker_id=worker.worker_id, employer_id=employer.employer_id, amount_owed=3000,
                             period_start=date(2026, 2, 1), period_end=date(2026, 2, 28),
                             status=COMPLAINT_RESOLVED if days is not None else COMPLAINT_IN_PROGRESS,
                             created_at=filed, updated_at=done)

    march = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
    rows = [complaint(guangdong, march, d) for d in (1, 2, 3, 4, None)]
    rows += [complaint(guizhou, march, 10), complaint(guizhou, march, 10)]
    rows.append(complaint(guangdong, datetime(2026, 3, 31, 16, 30, tzinfo=UTC), 1))
    session.add_all(rows)
    session.commit()


def test_complaint_resolution_times_by_province_and_in_all(complaints, admin):
    march = (date(2026, 3, 1), date(2026, 3, 31))
    assert _stat(admin, "complaints", *march)["rows"] == [
        {"key": "440000", "name": "广东省", "filed": 5, "resolved": 4, "median_days": 2.5}]
    assert _stat(admin, "complaints", *march, "all")["rows"] == [
        {"key": "", "name": "全部", "filed": 7, "resolved": 6, "median_days": 3.5}]
    # The complaint filed on 1 April (Beijing time) is April's.
    april = _stat(admin, "complaints", date(2026, 4, 1), date(2026, 4, 30), "all")["rows"]
    assert april == []  # one complaint: under 5, left out
    assert _stat(admin, "complaints", date(2026, 3, 1), date(2026, 4, 1), "all")["rows"][0]["filed"] == 8


@pytest.mark.parametrize("slug", ["applications", "wages", "workers", "fairs", "complaints"])
def test_only_staff_read_the_statistics(slug, make_worker, make_employer, make_user, client):
    path = f"/api/v1/stats/{slug}?from=2026-03-01&to=2026-03-31"
    for caller in (make_worker(), make_employer(), make_user("organiser")):
        assert caller.get(path).status_code == 403
        caller.client.post("/login", data={"phone": caller.user.phone, "password": "password123"})
        assert caller.client.get(f"/admin/stats/{slug}").status_code == 403
        assert caller.client.get(f"/admin/stats/{slug}.xlsx").status_code == 403
    assert client.get(path).status_code == 401
    assert client.get(f"/admin/stats/{slug}.xlsx").status_code in (302, 401)


def test_a_wrong_grouping_or_period_is_named(admin):
    r = admin.get("/api/v1/stats/wages?from=2026-03-01&to=2026-03-31&by=county")
    assert r.status_code == 422
    assert list(r.get_json()["error"]["fields"]) == ["by"]
    r = admin.get("/api/v1/stats/workers?from=2026-03-31&to=2026-03-01")
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["to"]


def _signed_in(admin):
    r = admin.client.post("/login", data={"phone": admin.user.phone, "password": "password123"})
    assert r.status_code == 302
    return admin.client


def test_the_page_shows_the_numbers_as_a_table_and_carries_them_for_the_chart(market, admin, today):
    browser = _signed_in(admin)
    page = browser.get(f"/admin/stats/wages?from={today}&to={today}&by=city").get_data(as_text=True)
    assert "<td>广东省东莞市</td><td>9</td><td>5000</td><td>6240</td>" in page
    assert "贵阳" not in page.split("<table")[1]
    assert '<script type="application/json" id="stats-chart-data">' in page
    assert "/static/vendor/echarts.min.js" in page and "/static/stats-chart.js" in page
    # No script on the page but the chart's data and the two files.
    assert page.count("<script") == 3


def test_the_excel_export_opens_and_has_the_same_numbers(market, admin, today):
    browser = _signed_in(admin)
    for slug, by in (("applications", "trade"), ("wages", "trade_city"), ("workers", "hometown_city")):
        api_rows = _stat(admin, slug, today, today, by)["rows"]
        r = browser.get(f"/admin/stats/{slug}.xlsx?from={today}&to={today}&by={by}")
        assert r.status_code == 200
        assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = load_workbook(BytesIO(r.data)).active
        lines = [list(row) for row in sheet.iter_rows(values_only=True)]
        header = next(i for i, line in enumerate(lines) if line and line[0] in ("工种", "户籍城市"))
        table = [line for line in lines[header + 1:] if any(v is not None for v in line)]
        assert len(table) == len(api_rows)
        numbers = [[v for v in line if isinstance(v, int)] for line in table]
        columns = [key for key, _ in services.STATISTICS[slug].columns(by)]
        expected = [[row[k] for k in columns if isinstance(row[k], int)] for row in api_rows]
        assert numbers == expected
        assert f"{today.isoformat()} 至 {today.isoformat()}" in str(lines[1])


def test_the_flows_page_offers_the_statistics_and_its_workbook(admin):
    browser = _signed_in(admin)
    page = browser.get("/admin/stats?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    for title in ("投递与录用", "岗位工资中位数", "登记求职者", "招聘会成效", "欠薪投诉办结用时"):
        assert title in page
    r = browser.get("/admin/stats/flows.xlsx?from=2026-03-01&to=2026-03-31")
    assert r.status_code == 200
    assert load_workbook(BytesIO(r.data)).active["A1"].value == "劳动力流向"
