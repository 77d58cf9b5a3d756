"""import-market: a market-v1 folder comes in once, with its history, and bad rows are reported."""

import json

import pytest
from sqlalchemy import text

from tests.conftest import id_number, uscc_with_check
from tests.marketfiles import write_jsonl_gz


def _write(folder, name, rows):
    write_jsonl_gz(folder / name, rows)


@pytest.fixture
def market_dir(tmp_path):
    good_uscc = uscc_with_check("91441900MA4UJ0XK1")
    employers = [
        {"external_id": "E1", "name": "东莞长安五金厂", "uscc": good_uscc, "adcode": "441900", "category": "制造业",
         "size": 300, "verified": True, "cooperation": "粤黔协作"},
        {"external_id": "E2", "name": "校验位不对的公司", "uscc": good_uscc[:17] + ("0" if good_uscc[17] != "0" else "1"),
         "adcode": "520102", "category": "生活服务", "size": 20, "verified": True, "cooperation": None},
        {"external_id": "E3", "name": "地点不存在", "uscc": uscc_with_check("91520102MA6DKX2N3"), "adcode": "999999",
         "category": "x", "size": 1, "verified": True, "cooperation": None},
    ]
    base = {"description": "二保焊，年龄18-45周岁。", "adcode": "441900", "address": "广东省东莞市长安镇", "lat": 22.8,
            "lng": 113.8, "wage_min": 6000, "wage_max": 8000, "wage_unit": "month", "employment_type": "full_time",
            "headcount": 2, "benefits": ["包吃"], "cert_required": None, "skill_level_required": None,
            "cooperation": "粤黔协作", "occupation": "welder"}
    jobs = [
        {**base, "external_id": "J1", "employer": "E1", "title": "电焊工", "posted_at": "2026-01-05", "closes_at": "2026-02-05"},
        {**base, "external_id": "J2", "employer": "E1", "title": "普工", "occupation": None,
         "posted_at": "2026-05-20", "closes_at": "2026-06-20"},
        {**base, "external_id": "J3", "employer": "E1", "title": "限男性普工", "posted_at": "2026-05-20", "closes_at": "2026-06-20"},
        {**base, "external_id": "J4", "employer": "E9", "title": "没有单位", "posted_at": "2026-05-20", "closes_at": "2026-06-20"},
        {**base, "external_id": "J5", "employer": "E1", "title": "面议岗位", "wage_min": 0, "wage_max": 0,
         "posted_at": "2026-05-20", "closes_at": "2026-06-20"},
    ]
    person = {"gender": "男", "birth_date": "1981-04-12", "hometown_adcode": "520502", "current_adcode": "441900",
              "occupations": [{"code": "welder", "years": 12}], "certificates": [], "expected_wage": 7000,
              "preferred_type": "full_time", "mobility": "cross", "priority_groups": ["脱贫人口"],
              "labour_brand": None, "registered_at": "2025-12-01"}
    secret = id_number("520502", "19810412", "111")
    workers = [
        {**person, "external_id": "W1", "name": "张建国", "id_number": secret, "phone": "15800000001"},
        {**person, "external_id": "W2", "name": "李四", "id_number": secret[:17] + ("1" if secret[17] != "1" else "2"),
         "phone": "15800000002"},
        {**person, "external_id": "W3", "name": "王五", "id_number": id_number("520502", "19900101", "222"),
         "phone": "15800000001"},
    ]
    apps = [
        {"worker": "W1", "job": "J1", "applied_at": "2026-01-06", "outcome": "hired"},
        {"worker": "W1", "job": "J2", "applied_at": "2026-05-21", "outcome": "not_hired"},
        {"worker": "W2", "job": "J1", "applied_at": "2026-01-07", "outcome": "hired"},
    ]
    _write(tmp_path, "employers.jsonl.gz", employers)
    _write(tmp_path, "jobs.jsonl.gz", jobs)
    _write(tmp_path, "workers.jsonl.gz", workers)
    _write(tmp_path, "applications_train.jsonl.gz", apps)
    return tmp_path, secret


def _counts(engine):
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("employers", "jobs", "workers", "users", "applications")}


def test_import_keeps_history_reports_rejects_and_is_idempotent(app, engine, market_dir, client):
    market_dir, secret = market_dir
    runner = app.test_cli_runner()
    report = market_dir / "rejected.jsonl"
    result = runner.invoke(args=["import-market", str(market_dir), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "employers: 2 added" in result.output and "jobs: 2 added" in result.output
    assert "workers: 1 added" in result.output and "applications: 2 added" in result.output
    reasons = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    by_key = {r["key"]: r["reason"] for r in reasons}
    assert "行政区划" in by_key["E3"]
    assert "性别" in by_key["J3"] and "单位不存在" in by_key["J4"] and "面议" in by_key["J5"]
    assert "校验位" in by_key["W2"] and "手机号" in by_key["W3"]
    first = _counts(engine)

    again = runner.invoke(args=["import-market", str(market_dir)])
    assert again.exit_code == 0
    assert "jobs: 0 added, 2 already present" in again.output
    assert _counts(engine) == first

    with engine.connect() as conn:
        # A code failing its check waits for staff, whatever the file says.
        assert conn.execute(text("SELECT status FROM employers WHERE external_id='E2'")).scalar() == "manual_review"
        # History as it was: the closed January posting, its hire counted.
        assert conn.execute(text("SELECT hired_count FROM jobs WHERE external_id='J1'")).scalar() == 1
        assert conn.execute(text("SELECT review_status FROM jobs WHERE external_id='J1'")).scalar() == "flagged"
        # The occupation left blank is read from the title.
        assert conn.execute(text("SELECT occupation FROM jobs WHERE external_id='J2'")).scalar() == "factory_worker"
        assert conn.execute(text("SELECT claimed FROM users")).scalar() in (False, 0)
        for row in conn.execute(text("SELECT * FROM workers")):
            assert secret not in " ".join(str(v) for v in row)

    # Browsable as of its day, with exact totals.
    assert client.get("/api/v1/jobs?open_on=2026-01-10").get_json()["total"] == 1
    assert client.get("/api/v1/jobs?open_on=2026-06-01").get_json()["total"] == 1
    # Imported people cannot sign in before claiming.
    r = client.post("/api/v1/auth/token", json={"phone": "15800000001", "password": "anything1"})
    assert r.status_code == 401


def test_import_names_a_missing_folder_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["import-market", str(tmp_path)])
    assert result.exit_code != 0
    assert "employers.jsonl.gz" in str(result.exception) + result.output
