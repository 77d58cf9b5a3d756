"""python -m market.stats.check: the statistics counted straight from a market-v1 folder agree with the
site's on the database the folder was imported into, and a figure that differs is shown and fails."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from market.models import HIRED, Application
from market.stats import check
from tests.conftest import id_number, uscc_with_check
from tests.marketfiles import write_jsonl_gz

PERIOD = ["--from", "2026-03-01", "--to", "2026-04-30"]


@pytest.fixture
def folder(tmp_path):
    """Twelve postings (welders by the month and by the day in 东莞, cleaners in 贵阳, one posted in
    February), twelve workers from 毕节 and 成都 registered in March, and applications in and out of the
    period."""
    write_jsonl_gz(tmp_path / "employers.jsonl.gz", [{
        "external_id": "E1", "name": "东莞长安五金厂", "uscc": uscc_with_check("91441900MA4UJ0XK1"),
        "adcode": "441900", "category": "制造业", "size": 300, "verified": True, "cooperation": None}])
    base = {"employer": "E1", "description": "踏实肯干。", "address": "", "lat": 22.8, "lng": 113.8,
            "employment_type": "full_time", "headcount": 5, "benefits": [], "cert_required": None,
            "skill_level_required": None, "cooperation": None, "closes_at": "2026-05-30"}
    jobs = []
    for i in range(6):
        jobs.append({**base, "external_id": f"J{i}", "title": "电焊工", "occupation": "welder", "adcode": "441900",
                     "wage_min": 5000 + 200 * i, "wage_max": 7000 + 300 * i, "wage_unit": "month",
                     "posted_at": "2026-03-02"})
    for i in range(6, 11):
        jobs.append({**base, "external_id": f"J{i}", "title": "保洁员", "occupation": None, "adcode": "520102",
                     "wage_min": 120 + i, "wage_max": 150 + i, "wage_unit": "day", "posted_at": "2026-04-30"})
    jobs.append({**base, "external_id": "J11", "title": "电焊工", "occupation": "welder", "adcode": "441900",
                 "wage_min": 9000, "wage_max": 9900, "wage_unit": "month", "posted_at": "2026-02-27"})
    write_jsonl_gz(tmp_path / "jobs.jsonl.gz", jobs)
    workers = [{"external_id": f"W{i}", "name": f"工人{i}", "gender": "男", "birth_date": "1985-01-01",
                "id_number": id_number("520502" if i < 7 else "510104", "19850101", f"{100 + i}"),
                "phone": f"158000001{i:02d}", "hometown_adcode": "520502" if i < 7 else "510104",
                "current_adcode": "441900" if i % 2 else "520102", "occupations": [{"code": "welder", "years": 3}],
                "certificates": [], "expected_wage": 6000, "preferred_type": "any", "mobility": "cross",
                "priority_groups": [], "labour_brand": None, "registered_at": f"2026-03-{i + 1:02d}"}
               for i in range(12)]
    write_jsonl_gz(tmp_path / "workers.jsonl.gz", workers)
    apps = [{"worker": f"W{i}", "job": f"J{i % 3}", "applied_at": "2026-03-05",
             "outcome": "hired" if i % 4 == 0 else "not_hired"} for i in range(12)]
    apps += [{"worker": f"W{i}", "job": f"J{6 + i % 2}", "applied_at": "2026-04-30", "outcome": "not_hired"}
             for i in range(6)]
    apps.append({"worker": "W0", "job": "J11", "applied_at": "2026-02-28", "outcome": "hired"})
    write_jsonl_gz(tmp_path / "applications_train.jsonl.gz", apps)
    return tmp_path


def test_the_files_and_the_site_agree_and_a_difference_is_shown(app, database_url, folder, session, capsys):
    result = app.test_cli_runner().invoke(args=["import-market", str(folder)])
    assert result.exit_code == 0 and "applications: 19 added" in result.output, result.output
    args = ["--data", str(folder), *PERIOD, "--database-url", database_url]
    assert check.main(args) == 0
    out = capsys.readouterr().out
    assert "Every figure agrees." in out
    # 12 applications on 5 March to three 东莞 welder postings (W0, W4, W8 hired), 6 to 贵阳 cleaners on 30 April.
    assert "== applications/trade: 2 groups from the files, 2 from the site; all equal" in out
    assert "applications 18 | 18, hires 3 | 3" in out
    assert "== wages/trade: 2 groups from the files, 2 from the site; all equal" in out

    session.exec(update(Application).where(Application.status != HIRED).values(status=HIRED))
    session.commit()
    assert check.main(args) == 1
    out = capsys.readouterr().out
    assert "≠" in out and "figures differ." in out
