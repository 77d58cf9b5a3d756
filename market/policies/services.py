"""Policy documents staff publish, their measures a worker can use, and finding them (the engine first,
the database when it cannot answer)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import Session, col, or_, select

from market.audit import record
from market.db import after_commit
from market.errors import FieldErrors, NotFound
from market.models import PolicyDocument, User
from market.subsidies.rules import load_rules
from search import policies as library
from search.client import SearchError
from vocab import regions

if TYPE_CHECKING:
    from market.policies.index import PolicyIndex


def rule_names() -> dict[str, str]:
    return {r["key"]: r["name"] for r in load_rules()}


def parse_measures(text: str) -> list[dict]:
    """The staff form's measures: one a line; ★ first marks one a worker can use; #rule_key links a rule."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        for_workers = line.startswith("★")
        line = line.lstrip("★").strip()
        rule = None
        if "#" in line:
            line, _, rule = line.rpartition("#")
            line, rule = line.strip(), rule.strip() or None
        out.append({"text": line, "for_workers": for_workers, "rule": rule})
    return out


def publish(*, session: Session, staff: User, data: dict, index: PolicyIndex | None) -> PolicyDocument:
    errors = FieldErrors()
    title = str(data.get("title") or "").strip()
    errors.check(4 <= len(title) <= 200, "title", "请填写文件标题（4 到 200 个字）")
    body = str(data.get("body") or "").strip()
    errors.check(len(body) <= 40000, "body", "正文最多 40000 个字")
    region = str(data.get("region_adcode") or "").strip() or None
    errors.check(region is None or regions.is_real(region), "region_adcode", "适用地区的行政区划代码不存在")
    issued_on = None
    if data.get("issued_on"):
        try:
            issued_on = date.fromisoformat(str(data["issued_on"]))
        except ValueError:
            errors.add("issued_on", "发布日期应为日期，如 2025-04-14")
    raw = data.get("measures")
    measures = parse_measures(raw) if isinstance(raw, str) else raw or []
    known = rule_names()
    clean = []
    for m in measures if isinstance(measures, list) else []:
        text = str((m or {}).get("text") or "").strip() if isinstance(m, dict) else ""
        if not 2 <= len(text) <= 500:
            errors.add("measures", "每条措施 2 到 500 个字")
            continue
        rule = m.get("rule") or None
        if rule is not None and rule not in known:
            errors.add("measures", f"措施关联的补贴规则不存在：{rule}")
            continue
        clean.append({"text": text, "for_workers": bool(m.get("for_workers")), "rule": rule})
    errors.check(bool(body or clean), "body", "请填写正文或至少一条措施")
    errors.raise_if_any()
    policy = PolicyDocument(title=title, issuer=str(data.get("issuer") or "").strip()[:200],
                            doc_number=str(data.get("doc_number") or "").strip()[:60], region_adcode=region,
                            issued_on=issued_on, body=body, measures=clean, published_by=staff.id)
    session.add(policy)
    session.flush()
    record(session, actor=staff, action="policy.publish", target=("policy", policy.id))
    if index is not None:
        document = search_document(policy)
        after_commit(session, lambda: index.push([document]))
    return policy


def search_document(policy: PolicyDocument) -> dict:
    names = [r.name for r in regions.chain(policy.region_adcode)] if policy.region_adcode else []
    return library.policy_document(policy_public(policy), place_names=names)


def get_policy(session: Session, policy_id: int) -> PolicyDocument:
    policy = session.get(PolicyDocument, policy_id)
    if policy is None:
        raise NotFound("没有这份政策文件")
    return policy



def find(*, session: Session, index: PolicyIndex | None, q: str | None, province: str | None = None,
         rule: str | None = None) -> dict:
    """Policies for a query: highlighted hits from the engine, or the database's (degraded) when it is down."""
    q = (q or "").strip()
    if q and index is not None:
        try:
            hits = index.search(q, province=province, rule=rule)
            return {"degraded": False, "items": [
                {"id": h.id, "title": h.title, "title_marked": h.title_marked, "worker_measures": h.worker_measures,
                 "measures_marked": h.measures_marked, "snippet_marked": h.snippet_marked, "rules": h.rules}
                for h in hits]}
        except (SearchError, OSError):
            pass
    stmt = select(PolicyDocument)
    if q:
        stmt = stmt.where(or_(col(PolicyDocument.title).contains(q), col(PolicyDocument.body).contains(q)))
    if province:
        stmt = stmt.where(col(PolicyDocument.region_adcode).startswith(province[:2]))
    rows = [p for p in session.exec(stmt.order_by(col(PolicyDocument.id).desc()).limit(200))
            if not rule or rule in {m.get("rule") for m in p.measures}]
    items = []
    for p in rows[:20]:
        workers = [m["text"] for m in p.measures if m.get("for_workers")]
        items.append({"id": p.id, "title": p.title, "title_marked": p.title, "worker_measures": workers,
                      "measures_marked": workers, "snippet_marked": p.body[:80], "rules":
                      sorted({m["rule"] for m in p.measures if m.get("rule")})})
    return {"degraded": bool(q and index is not None), "items": items}


def policy_for_rules(session: Session) -> dict[str, int]:
    """The latest published document whose measures name each subsidy rule (the eligibility page links it)."""
    out: dict[str, int] = {}
    for policy in session.exec(select(PolicyDocument).order_by(col(PolicyDocument.id).desc()).limit(500)):
        assert policy.id is not None  # a stored document
        for m in policy.measures:
            if m.get("rule"):
                out.setdefault(m["rule"], policy.id)
    return out


def policy_public(policy: PolicyDocument) -> dict:
    return {"id": policy.id, "title": policy.title, "issuer": policy.issuer, "doc_number": policy.doc_number,
            "region_adcode": policy.region_adcode,
            "region": regions.full_name(policy.region_adcode) if policy.region_adcode else "全国",
            "issued_on": policy.issued_on.isoformat() if policy.issued_on else None, "body": policy.body,
            "measures": policy.measures}


REINDEX_WAIT_SECONDS = 600.0  # an operator's command waits behind whatever the engine has queued


def reindex(*, session: Session, index: PolicyIndex) -> int:
    documents = [search_document(p) for p in session.exec(select(PolicyDocument).order_by(col(PolicyDocument.id)))]
    if documents:
        index.push(documents, strict=True, timeout=REINDEX_WAIT_SECONDS)
    return len(documents)
