"""The policy centre's index: policy documents and their measures, searched with highlights.

A second index beside the jobs', on the same engine. Documents are plain dicts in and out; the site decides
what a policy is and when it changes (no Flask, no database here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from search.client import SearchApiError, SearchEngine

# Private-use characters around matched words, never markup: the page escapes the text, then marks them.
HIGHLIGHT_PRE, HIGHLIGHT_POST = "\ue000", "\ue001"


def index_name(jobs_index: str) -> str:
    """The policy index is named after the live jobs index, so each deployment (and test) has its own."""
    return f"{jobs_index}_policies"


def policy_settings() -> dict[str, Any]:
    return {
        # Measures first: they are what a worker acts on; the title names the document; the body is the rest.
        "searchableAttributes": ["title", "measures", "doc_number", "issuer", "place_names", "body"],
        "filterableAttributes": ["province_adcode", "region_adcode", "rules"],
        "sortableAttributes": ["issued_on"],
        "displayedAttributes": ["id", "title", "issuer", "doc_number", "region_adcode", "issued_on", "measures",
                                "worker_measures", "rules", "body"],
        "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
        "typoTolerance": {"minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8}},
    }


def policy_document(policy: Mapping[str, Any], *, place_names: Iterable[str] = ()) -> dict[str, Any]:
    """The search document of one policy (``measures``: [{"text", "for_workers", "rule"}])."""
    measures = list(policy.get("measures") or [])
    region = policy.get("region_adcode")
    return {
        "id": policy["id"],
        "title": policy["title"],
        "issuer": policy.get("issuer") or "",
        "doc_number": policy.get("doc_number") or "",
        "region_adcode": region,
        "province_adcode": (region[:2] + "0000") if region else None,
        "place_names": list(place_names),
        "issued_on": policy.get("issued_on"),
        "measures": [m["text"] for m in measures],
        "worker_measures": [m["text"] for m in measures if m.get("for_workers")],
        "rules": sorted({m["rule"] for m in measures if m.get("rule")}),
        "body": policy.get("body") or "",
    }


def ensure_index(engine: SearchEngine, uid: str, *, timeout: float = 60.0) -> None:
    if engine.get_index(uid) is None:
        try:
            engine.wait_for_task(engine.create_index(uid), timeout)
        except SearchApiError as exc:
            if exc.code != "index_already_exists":
                raise
    engine.wait_for_task(engine.update_settings(policy_settings(), index_uid=uid), timeout)


def upsert(engine: SearchEngine, uid: str, documents: Iterable[Mapping[str, Any]], *, timeout: float = 30.0) -> int:
    """Pushes documents and waits until the engine has applied them (a failed task raises)."""
    task = engine.add_documents(list(documents), index_uid=uid)
    engine.wait_for_task(task, timeout)
    return task


@dataclass(frozen=True)
class PolicyHit:
    id: int
    title: str
    title_marked: str           # with HIGHLIGHT_PRE/POST around the words that matched
    worker_measures: list[str]
    measures_marked: list[str]  # the worker's measures, highlighted
    snippet_marked: str         # the body cropped around the match
    rules: list[str]


def search(engine: SearchEngine, uid: str, q: str, *, province: str | None = None, rule: str | None = None,
           limit: int = 20) -> list[PolicyHit]:
    filters = []
    if province:
        filters.append(f'province_adcode = "{province[:2]}0000"')
    if rule:
        filters.append(f'rules = "{rule}"')
    params: dict[str, Any] = {
        "q": q, "limit": limit, "attributesToHighlight": ["title", "worker_measures", "body"],
        "attributesToCrop": ["body"], "cropLength": 40, "highlightPreTag": HIGHLIGHT_PRE,
        "highlightPostTag": HIGHLIGHT_POST,
    }
    if filters:
        params["filter"] = " AND ".join(filters)
    result = engine.search(params, index_uid=uid)
    hits = []
    for hit in result.get("hits", []):
        formatted = hit.get("_formatted", {})
        hits.append(PolicyHit(id=int(hit["id"]), title=hit["title"], title_marked=formatted.get("title", hit["title"]),
                              worker_measures=hit.get("worker_measures", []),
                              measures_marked=formatted.get("worker_measures", hit.get("worker_measures", [])),
                              snippet_marked=formatted.get("body", ""), rules=hit.get("rules", [])))
    return hits
