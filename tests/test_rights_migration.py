"""Upgrading a database with complaints filed before the life cycle existed: each gets a history (filed, and
its last step with that step's note), a deadline while open, and employers get their accepted count."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from market.db import make_engine
from market.migrate import alembic_config


def _insert(conn, table: str, **values) -> int:
    """A row with the given values and a plain filler for every other required column."""
    columns = sa.inspect(conn).get_columns(table)
    row = dict(values)
    for col in columns:
        if col["name"] in row or col["nullable"] or col["name"] == "id":
            continue
        kind = str(col["type"]).upper()
        row[col["name"]] = (0 if "INT" in kind else False if "BOOL" in kind else "[]" if "JSON" in kind
                            else datetime(2026, 3, 1, tzinfo=UTC) if "DATETIME" in kind or "TIMESTAMP" in kind
                            else date(2026, 3, 1) if "DATE" in kind else 1.0 if "FLOAT" in kind else "x")
    sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"
    return conn.execute(sa.text(sql), row).lastrowid


def test_complaints_filed_before_the_life_cycle_get_a_history_deadlines_and_counts(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    cfg = alembic_config(url)
    before = ScriptDirectory.from_config(cfg).get_revision("0007").down_revision
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, before)
    with engine.begin() as conn:
        staff = _insert(conn, "users", phone="13900000001", role="admin")
        owner = _insert(conn, "users", phone="13900000002", role="employer")
        person = _insert(conn, "users", phone="13900000003", role="worker")
        stranger = _insert(conn, "users", phone="13900000004", role="worker")
        employer = _insert(conn, "employers", owner_id=owner, name="老单位", uscc="91441900MA00000001",
                           adcode="441900", status="verified")
        worker = _insert(conn, "workers", user_id=person, name="王师傅")
        other = _insert(conn, "workers", user_id=stranger, name="路人")
        job = _insert(conn, "jobs", employer_id=employer, title="冲压工", adcode="441900", province_adcode="440000",
                      wage_min=5000, wage_max=6000, wage_unit="month", employment_type="full_time", headcount=1,
                      posted_at=date(2026, 3, 1), closes_at=date(2026, 4, 1))
        _insert(conn, "applications", worker_id=worker, job_id=job, status="hired", applied_at=date(2026, 3, 2))
        made = datetime(2026, 3, 10, tzinfo=UTC)
        moved = datetime(2026, 3, 12, tzinfo=UTC)
        ids = {}
        for name, who, status, note in (("accepted", worker, "in_progress", "已受理"), ("waiting", worker, "filed", None),
                                        ("closed", worker, "resolved", "已补发"),
                                        ("stranger", other, "in_progress", None)):
            ids[name] = _insert(conn, "wage_complaints", worker_id=who, employer_id=employer, amount_owed=100,
                                period_start=date(2026, 3, 1), period_end=date(2026, 3, 9), status=status,
                                resolution_note=note, handled_by=staff if status != "filed" else None,
                                created_at=made, updated_at=moved)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        history = conn.execute(sa.text("SELECT complaint_id, action, note FROM complaint_events ORDER BY id")).all()
        due = dict(conn.execute(sa.text("SELECT id, due_on FROM wage_complaints")).all())
        count = conn.execute(sa.text("SELECT open_wage_complaints FROM employers")).scalar_one()
    assert [(a, n) for c, a, n in history if c == ids["accepted"]] == [("filed", ""), ("accept", "已受理")]
    assert [(a, n) for c, a, n in history if c == ids["closed"]] == [("filed", ""), ("resolve", "已补发")]
    assert [a for c, a, _ in history if c == ids["waiting"]] == ["filed"]
    assert str(due[ids["waiting"]]) == "2026-03-17" and str(due[ids["accepted"]]) == "2026-06-04"
    assert due[ids["closed"]] is None
    assert count == 1  # the stranger never applied there
    engine.dispose()
