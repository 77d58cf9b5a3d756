"""The certificates a worker holds, with level and number: one row each in ``worker_certificate``.

The profile's JSON list (``Worker.certificates``) is kept equal to the rows, for the ranker and old clients;
the subsidy rules read the rows.
"""

from __future__ import annotations

import re

from sqlmodel import Session, delete, select

from market.errors import FieldErrors
from market.models import Worker, WorkerCertificate
from vocab import certificates as catalogue
from vocab.certificates import SKILL_LEVELS

_NUMBER = re.compile(r"^[0-9A-Za-z\-]{4,40}$")
MAX_CERTIFICATES = 20


def parse(errors: FieldErrors, raw: object, *, held: list[dict] | None = None) -> list[dict]:
    """Certificates as the profile sends them: names, or {"name", "level"?, "number"?}.

    A name without a ``level`` (or ``number``) key keeps what the worker already had for that certificate,
    so a form that only lists names never erases them; a key sent empty clears it.
    """
    before = {c["name"]: c for c in held or []}
    out: list[dict] = []
    if raw is not None and not isinstance(raw, list):
        errors.add("certificates", "证书（certificates）应为列表")
        return []
    items = raw or []
    if len(items) > MAX_CERTIFICATES:
        errors.add("certificates", f"证书最多填 {MAX_CERTIFICATES} 个")
        return []
    for item in items:
        item = item if isinstance(item, dict) else {"name": item}
        name = str(item.get("name") or "").strip()
        if not name or len(name) > 60:
            errors.add("certificates", "证书名称不能为空，最多 60 个字")
            continue
        if name in [c["name"] for c in out]:
            continue
        old = before.get(name, {})
        resolved = catalogue.resolve(name)
        level = item["level"] if "level" in item else old.get("level")
        if level in (None, ""):
            level = resolved.level if resolved else None
        else:
            try:
                level = int(level)
            except (TypeError, ValueError):
                level = -1
            if level not in SKILL_LEVELS:
                errors.add("certificates", "技能等级应为 5（五级/初级工）到 1（一级/高级技师）")
                continue
        number = item["number"] if "number" in item else old.get("number")
        number = str(number or "").strip().replace(" ", "") or None
        if number is not None and not _NUMBER.match(number):
            errors.add("certificates", "证书编号只能是 4 到 40 位数字、字母或短横线")
            continue
        out.append({"name": name, "level": level, "number": number,
                    "code": resolved.certificate.name if resolved else None})
    return out


def replace(session: Session, worker: Worker, items: list[dict]) -> None:
    """The worker's rows become ``items`` (in order); the profile's JSON list follows."""
    session.exec(delete(WorkerCertificate).where(WorkerCertificate.worker_id == worker.id))
    for position, item in enumerate(items):
        session.add(WorkerCertificate(worker_id=worker.id, code=item["code"], name=item["name"],
                                      level=item["level"], number=item["number"], position=position))
    worker.certificates = [{"name": i["name"], "level": i["level"], "number": i["number"]} for i in items]


def held(session: Session, worker: Worker) -> list[WorkerCertificate]:
    return list(session.exec(select(WorkerCertificate).where(WorkerCertificate.worker_id == worker.id)
                             .order_by(WorkerCertificate.position)))


def public(item: dict, *, with_number: bool) -> dict:
    """What a page or the API shows of one certificate; the number only to the worker and staff."""
    level = item.get("level")
    out = {"name": item["name"], "level": level, "level_name": SKILL_LEVELS.get(level) if level else None,
           "code": catalogue.canonical(item["name"])}
    if with_number:
        out["number"] = item.get("number")
    return out
