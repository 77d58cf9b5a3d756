"""The policy centre's side of the search engine: one index beside the jobs', fed after commit."""

from __future__ import annotations

import logging
import threading

from search import policies as library
from search.client import SearchEngine, SearchError, ensure_search_key

log = logging.getLogger(__name__)


class PolicyIndex:
    def __init__(self, admin: SearchEngine, uid: str):
        self.admin, self.uid = admin, uid
        self._ready = False
        self._searcher: SearchEngine | None = None
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        with self._lock:
            if not self._ready:
                library.ensure_index(self.admin, self.uid)
                self._ready = True

    def push(self, documents: list[dict], *, strict: bool = False, timeout: float = 30.0) -> None:
        """Waits up to ``timeout`` seconds for the engine to apply the documents. After a publish a failure is
        logged (the database still answers, and ``policies reindex`` repairs the index); ``strict`` raises it
        instead."""
        try:
            self._ensure()
            library.upsert(self.admin, self.uid, documents, timeout=timeout)
        except SearchError as exc:
            if strict:
                raise
            log.warning("policy index update failed (%s); the policy centre answers from the database", exc)

    def search(self, q: str, *, province: str | None, rule: str | None) -> list[library.PolicyHit]:
        self._ensure()
        if self._searcher is None:
            self._searcher = self.admin.with_key(ensure_search_key(self.admin, index_uid=self.uid),
                                                 index_uid=self.uid)
        return library.search(self._searcher, self.uid, q, province=province, rule=rule)
