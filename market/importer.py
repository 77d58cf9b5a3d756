"""Importing a market in the market-v1 format: employers, jobs, workers and past applications.

Idempotent (rows already present, by external_id or by worker and job, are left as they are), checked by
the same rules as the site, and reported: every rejected row with its reason. History is kept as it was.
"""

from __future__ import annotations

import gzip
import json
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from market import clock
from market.crypto import PersonalDataCipher
from market.db import write_transaction
from market.errors import AppError
from market.identity import normalise_phone, normalise_uscc, parse_id_number, uscc_checksum_ok
from market.models import (
    EMPLOYER_REVIEW,
    EMPLOYER_VERIFIED,
    HIRED,
    NOT_HIRED,
    OUTBOX_PENDING,
    OUTBOX_UPSERT,
    REVIEW_FLAGGED,
    REVIEW_OK,
    WORKER,
    Application,
    AuditEntry,
    Employer,
    Job,
    SearchOutbox,
    User,
    Worker,
)
from market.postings.services import clean
from market.workers.services import ID_CONTEXT, PRIORITY_CONTEXT
from vocab import regions, taxonomy
from vocab.terms import COLLECTED_PRIORITY_GROUPS, benefit_mask, monthly

BATCH = 2000
# After each batch the import leaves the write lock alone for a while: a share of the time it held it, at
# least PAUSE_MIN seconds. SQLite does not queue writers; without the pause the import takes the lock again
# the moment it let go, and the site's writers (which try again every few milliseconds, one at a time per
# process) get in about once a batch each: under load an application then waited 30 s and failed.
PAUSE_SHARE = 0.25
PAUSE_MIN = 0.05


@dataclass
class Report:
    added: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (file, key, reason)
    # Where an import that failed part-way stopped: the file, the rows of it already read, and why.
    stopped: tuple[str, int, str] | None = None
    _position: tuple[str, int] = ("", 0)

    def reject(self, file: str, key: str, reason: str) -> None:
        self.rejected.append((file, key, reason))

    def summary(self) -> str:
        lines = []
        for kind in ("employers", "jobs", "workers", "applications"):
            rejected = sum(1 for r in self.rejected if r[0] == kind)
            lines.append(f"{kind}: {self.added[kind]} added, {self.skipped[kind]} already present, {rejected} rejected")
        if self.stopped is not None:
            kind, rows, reason = self.stopped
            lines.append(f"STOPPED in {kind} after row {rows} ({reason}); everything before it is saved. "
                         "Run the same command again: rows already imported are skipped.")
        return "\n".join(lines)


def _rows(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _count(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return sum(1 for _ in fh)


@contextmanager
def _batch(engine: Engine) -> Iterator[Connection]:
    """One batch's short write transaction, then a pause in which the site's waiting writers take turns."""
    started = time.monotonic()
    with write_transaction(engine) as conn:
        yield conn
    time.sleep(max(PAUSE_MIN, PAUSE_SHARE * (time.monotonic() - started)))


def _flush(engine: Engine, table, batch: list[dict]) -> None:
    """One batch in one short write transaction: the site's own writes wait for at most one batch."""
    if batch:
        with _batch(engine) as conn:
            conn.execute(insert(table), batch)
        batch.clear()


def _counted(rows: Iterator[dict], report: Report, kind: str) -> Iterator[dict]:
    for number, row in enumerate(rows, start=1):
        report._position = (kind, number)
        yield row


def _ids(conn, model) -> dict[str, int]:
    return dict(conn.execute(select(model.external_id, model.id).where(model.external_id.is_not(None))).all())


def import_market(engine: Engine, folder: str | Path, *, cipher: PersonalDataCipher,
                  progress: bool = True, echo: Callable[[str], None] = print) -> Report:
    folder = Path(folder)
    for name in ("employers.jsonl.gz", "jobs.jsonl.gz", "workers.jsonl.gz"):
        if not (folder / name).exists():
            raise FileNotFoundError(f"{folder / name} is missing: point import-market at a market-v1 folder")
    report = Report()
    bar = lambda it, total, desc: tqdm(it, total=total, desc=desc, unit=" rows", disable=not progress,  # noqa: E731
                                       mininterval=0.5)
    try:
        _employers(engine, folder / "employers.jsonl.gz", report, bar)
        _jobs(engine, folder / "jobs.jsonl.gz", report, bar)
        _workers(engine, folder / "workers.jsonl.gz", report, bar, cipher)
        apps = folder / "applications_train.jsonl.gz"
        if apps.exists():
            _applications(engine, apps, report, bar)
    except Exception as exc:
        kind, rows = report._position
        report.stopped = (kind or "start", rows, f"{type(exc).__name__}: {exc}"[:300])
        echo(report.summary())
        raise ImportStopped(report) from exc
    with _batch(engine) as conn:
        # Fresh planner statistics: without them PostgreSQL plans the first queries over a bulk load badly.
        conn.exec_driver_sql("ANALYZE")
        conn.execute(insert(AuditEntry), [{"action": "market.import", "target_type": "market", "target_id": None,
                                           "detail": {"folder": folder.name, **{k: v for k, v in report.added.items()}},
                                           "at": clock.now()}])
    return report


class ImportStopped(RuntimeError):
    """An import that failed part-way; ``report.stopped`` says where. What came before it is saved."""

    def __init__(self, report: Report):
        kind, rows, reason = report.stopped or ("?", 0, "")
        super().__init__(f"import stopped in {kind} after row {rows}: {reason}")
        self.report = report


def _employers(engine: Engine, path: Path, report: Report, bar) -> None:
    with engine.connect() as conn:
        known = _ids(conn, Employer)
        known_uscc = set(conn.execute(select(Employer.uscc)).scalars())
    batch: list[dict] = []
    for row in bar(_counted(_rows(path), report, "employers"), _count(path), "employers"):
        key = str(row.get("external_id") or "")
        if not key:
            report.reject("employers", "?", "external_id 缺失")
            continue
        if key in known:
            report.skipped["employers"] += 1
            continue
        try:
            uscc = normalise_uscc(row.get("uscc"))
        except AppError as exc:
            report.reject("employers", key, exc.message)
            continue
        if uscc in known_uscc:
            report.reject("employers", key, "统一社会信用代码与已有单位重复")
            continue
        if not regions.is_real(row.get("adcode")):
            report.reject("employers", key, f"行政区划代码不存在: {row.get('adcode')}")
            continue
        checksum_ok = uscc_checksum_ok(uscc)
        # A code that fails its check goes to staff, whatever the source said.
        status = EMPLOYER_VERIFIED if row.get("verified") and checksum_ok else EMPLOYER_REVIEW
        batch.append({"external_id": key, "name": str(row.get("name") or "")[:100], "uscc": uscc,
                      "uscc_checksum_ok": checksum_ok, "adcode": row["adcode"], "category": row.get("category"),
                      "size": row.get("size"), "status": status, "cooperation": row.get("cooperation"),
                      "verified_at": clock.now() if status == EMPLOYER_VERIFIED else None,
                      "created_at": clock.now()})
        known[key] = -1
        known_uscc.add(uscc)
        report.added["employers"] += 1
        if len(batch) >= BATCH:
            _flush(engine, Employer.__table__, batch)
    _flush(engine, Employer.__table__, batch)


def _flush_jobs(engine: Engine, batch: list[dict]) -> None:
    """Postings and their outbox rows together: the search index learns of every new posting through the
    outbox, like any other change, and a posting saved is never one the index will not hear of."""
    if not batch:
        return
    with _batch(engine) as conn:
        conn.execute(insert(Job), batch)
        keys = [row["external_id"] for row in batch]
        ids = conn.execute(select(Job.id).where(Job.external_id.in_(keys))).scalars().all()
        now = clock.now()
        conn.execute(insert(SearchOutbox), [{"job_id": job_id, "op": OUTBOX_UPSERT, "status": OUTBOX_PENDING,
                                              "attempts": 0, "next_attempt_at": now, "created_at": now}
                                             for job_id in ids])
    batch.clear()


def _jobs(engine: Engine, path: Path, report: Report, bar) -> None:
    with engine.connect() as conn:
        employers = _ids(conn, Employer)
        known = _ids(conn, Job)
    batch: list[dict] = []
    for row in bar(_counted(_rows(path), report, "jobs"), _count(path), "jobs"):
        key = str(row.get("external_id") or "")
        if key in known:
            report.skipped["jobs"] += 1
            continue
        employer_id = employers.get(str(row.get("employer")))
        if employer_id is None:
            report.reject("jobs", key, f"单位不存在: {row.get('employer')}")
            continue
        try:
            posted = date.fromisoformat(row["posted_at"])
            fields = clean({**row, "posted_at": posted}, today=posted)
        except (AppError, KeyError, ValueError) as exc:
            reason = exc.message + " " + json.dumps(exc.fields, ensure_ascii=False) if isinstance(exc, AppError) else str(exc)
            report.reject("jobs", key, reason)
            continue
        flag = fields.pop("_flag")
        region = regions.get(fields["adcode"])
        now = clock.now()
        batch.append({**fields, "external_id": key, "employer_id": employer_id,
                      "province_adcode": regions.province_adcode_of(fields["adcode"]),
                      "city_adcode": region.city_adcode, "benefit_mask": benefit_mask(fields["benefits"]),
                      "wage_monthly_max": monthly(fields["wage_max"], fields["wage_unit"]), "hired_count": 0,
                      "review_status": REVIEW_FLAGGED if flag else REVIEW_OK, "review_reason": flag,
                      "status": "open", "created_at": now, "updated_at": now, "version": 1})
        known[key] = -1
        report.added["jobs"] += 1
        if len(batch) >= BATCH:
            _flush_jobs(engine, batch)
    _flush_jobs(engine, batch)


def _workers(engine: Engine, path: Path, report: Report, bar, cipher: PersonalDataCipher) -> None:
    with engine.connect() as conn:
        known = _ids(conn, Worker)
        phones = set(conn.execute(select(User.phone).where(User.phone.is_not(None))).scalars())
        hashes = set(conn.execute(select(Worker.id_number_hash).where(Worker.id_number_hash.is_not(None))).scalars())
    users: list[dict] = []
    workers: list[dict] = []
    today = clock.today()

    def flush() -> None:
        if not users:
            return
        # A person's account and profile in the same transaction: never one without the other.
        with _batch(engine) as conn:
            conn.execute(insert(User), users)
            by_phone = dict(conn.execute(select(User.phone, User.id)
                                         .where(User.phone.in_([u["phone"] for u in users]))).all())
            for w in workers:
                w["user_id"] = by_phone[w.pop("_phone")]
            conn.execute(insert(Worker), workers)
        users.clear()
        workers.clear()

    for row in bar(_counted(_rows(path), report, "workers"), _count(path), "workers"):
        key = str(row.get("external_id") or "")
        if key in known:
            report.skipped["workers"] += 1
            continue
        try:
            phone = normalise_phone(row.get("phone"))
            number, birth = parse_id_number(row.get("id_number"), today=today)
        except AppError as exc:
            report.reject("workers", key, exc.message)
            continue
        digest = cipher.blind_index(number)
        if phone in phones:
            report.reject("workers", key, "手机号与已有账号重复")
            continue
        if digest in hashes:
            report.reject("workers", key, "身份证号与已有账号重复")
            continue
        bad = [a for a in (row.get("hometown_adcode"), row.get("current_adcode")) if a and not regions.is_real(a)]
        if bad:
            report.reject("workers", key, f"行政区划代码不存在: {bad[0]}")
            continue
        groups = sorted(g for g in row.get("priority_groups") or [] if g in COLLECTED_PRIORITY_GROUPS)
        phones.add(phone)
        hashes.add(digest)
        name = str(row.get("name") or "")[:60]
        users.append({"phone": phone, "role": WORKER, "name": name, "claimed": False, "active": True,
                      "password_hash": None, "auth_stamp": secrets.token_hex(8), "created_at": clock.now()})
        workers.append({
            "_phone": phone, "external_id": key, "name": name,
            "id_number_cipher": cipher.encrypt(number, context=ID_CONTEXT), "id_number_hash": digest,
            "priority_groups_cipher": cipher.encrypt(json.dumps(groups, ensure_ascii=False), context=PRIORITY_CONTEXT)
            if groups else None,
            # They registered for real-name job matching on the source platform, consent included.
            "sensitive_consent_at": clock.now(), "birth_date": birth,
            "hometown_adcode": row.get("hometown_adcode"), "current_adcode": row.get("current_adcode"),
            "occupations": [o for o in row.get("occupations") or [] if taxonomy.get(o.get("code"))],
            "certificates": row.get("certificates") or [], "expected_wage": row.get("expected_wage"),
            "preferred_type": row.get("preferred_type") or "any", "mobility": row.get("mobility") or "province",
            "labour_brand": row.get("labour_brand"), "discoverable": True,
            "registered_at": date.fromisoformat(row["registered_at"]) if row.get("registered_at") else None,
            "updated_at": clock.now(),
        })
        known[key] = -1
        report.added["workers"] += 1
        if len(users) >= BATCH:
            flush()
    flush()


def _applications(engine: Engine, path: Path, report: Report, bar) -> None:
    with engine.connect() as conn:
        workers = _ids(conn, Worker)
        jobs = _ids(conn, Job)
        existing = set(conn.execute(select(Application.worker_id, Application.job_id)).all())
    batch: list[dict] = []
    for row in bar(_counted(_rows(path), report, "applications"), _count(path), "applications"):
        key = f"{row.get('worker')}→{row.get('job')}"
        worker_id, job_id = workers.get(str(row.get("worker"))), jobs.get(str(row.get("job")))
        if worker_id is None or job_id is None:
            report.reject("applications", key, "求职者或岗位不存在（可能其本身被拒绝导入）")
            continue
        if (worker_id, job_id) in existing:
            report.skipped["applications"] += 1
            continue
        outcome = row.get("outcome")
        if outcome not in (HIRED, NOT_HIRED):
            report.reject("applications", key, f"结果应为 hired 或 not_hired: {outcome}")
            continue
        try:
            applied = date.fromisoformat(row["applied_at"])
        except (KeyError, ValueError):
            report.reject("applications", key, "投递日期无效")
            continue
        existing.add((worker_id, job_id))
        now = clock.now()
        batch.append({"worker_id": worker_id, "job_id": job_id, "status": outcome, "applied_at": applied,
                      "created_at": now, "updated_at": now})
        report.added["applications"] += 1
        if len(batch) >= BATCH:
            _flush(engine, Application.__table__, batch)
    _flush(engine, Application.__table__, batch)
    # Each posting's hires as the history says; only rows that differ are written, a batch at a time.
    with engine.connect() as conn:
        hires = dict(conn.execute(select(Application.job_id, func.count()).where(Application.status == HIRED)
                                  .group_by(Application.job_id)).all())
        current = conn.execute(select(Job.id, Job.hired_count).where(Job.external_id.is_not(None))).all()
    changes = [{"jid": jid, "hc": hires.get(jid, 0)} for jid, count in current if hires.get(jid, 0) != count]
    for start in range(0, len(changes), BATCH):
        with _batch(engine) as conn:
            conn.execute(update(Job).where(Job.id == bindparam("jid")).values(hired_count=bindparam("hc")),
                         changes[start:start + BATCH])
