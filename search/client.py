"""The site's Meilisearch client: the official ``meilisearch`` package for the engine's administration
(indexes, settings, swaps, documents, tasks, keys), and a pooled session of its own for the hot path
(search and multi-search) and health checks, each with a short timeout.

The official client opens a new connection for every call (it calls ``requests.post`` itself); that is
fine for a settings update, but ``python -m bench.client`` measured it against the pooled session on the
same queries, and a search is the one call a person waits for, so searches stay on the pooled session. That
session is urllib3's connection pool itself, with orjson for the bodies: requests on top of it (merging
settings, cookies, hooks and proxies for every call) cost about as much again as the route's own work.

A server that is stopped (SIGSTOP, swapped out, stuck) still accepts TCP connections, and a client that
waits forever then holds a web worker forever. Every call here has a deadline; a missed deadline, a refused
connection or a 5xx raises :class:`SearchUnavailable`, which the app turns into its database fallback.

Two kinds of engine are made from the same class: one with the master key (index creation, settings,
documents, keys: the launcher, the outbox relay and ``search reindex``) and one with the search-only key
from :func:`ensure_search_key` (the web app's queries).
"""

from __future__ import annotations

import http.client
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar, Token
from functools import partial
from typing import Any, cast
from urllib.parse import urlencode

import meilisearch
import orjson
import urllib3
from meilisearch.errors import MeilisearchApiError, MeilisearchCommunicationError, MeilisearchTimeoutError
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

DEFAULT_INDEX = "jobs"
# Key uids are UUIDs chosen by us, so that every process asking for "the search key of index X" gets the
# same key back instead of creating a new one on each start.
_KEY_NAMESPACE = uuid.UUID("5b0d7a4e-3c1f-4f8e-9a57-2f7f1f0c9e11")


class SearchError(Exception):
    """Base class of everything this package raises about the engine."""


class SearchUnavailable(SearchError):
    """The engine did not answer in time, refused the connection, or failed on its side (5xx)."""


class SearchApiError(SearchError):
    """The engine answered with an error about the request (4xx): bad filter, missing index, bad key."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class TaskFailed(SearchError):
    def __init__(self, task: Mapping[str, Any]):
        error = task.get("error") or {}
        super().__init__(f"task {task.get('uid')} ({task.get('type')}) {task.get('status')}: "
                         f"{error.get('code', '')} {error.get('message', '')}".strip())
        self.task = dict(task)


class TaskTimeout(SearchError):
    def __init__(self, uid: int, status: str | None):
        super().__init__(f"task {uid} still {status or 'unknown'} after the wait")
        self.uid = uid
        self.status = status


# Meilisearch leaves Nagle's algorithm on for its sockets. On a kept-alive connection the tail of a response
# then waits for the client's ACK, which Linux delays by 40 ms: a 3 ms search took 45 ms. Asking for an
# immediate ACK just before each response is read (TCP_QUICKACK does not stick, so it is set every time)
# brings it back to the engine's time while keeping the connection pool.
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class _QuickAck(http.client.HTTPConnection):
    def getresponse(self, *args, **kwargs):
        if _QUICKACK is not None and self.sock is not None:
            try:
                self.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except OSError:
                pass
        return super().getresponse(*args, **kwargs)


class _QuickAckHTTPConnection(_QuickAck, HTTPConnection):
    pass


class _QuickAckHTTPSConnection(_QuickAck, HTTPSConnection):
    pass


class _QuickAckHTTPPool(HTTPConnectionPool):
    ConnectionCls = _QuickAckHTTPConnection


class _QuickAckHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _QuickAckHTTPSConnection


def _pool_manager() -> urllib3.PoolManager:
    manager = urllib3.PoolManager(num_pools=4, maxsize=10, retries=False)
    manager.pool_classes_by_scheme = {"http": _QuickAckHTTPPool, "https": _QuickAckHTTPSPool}
    return manager


# Seconds spent in engine calls (sending, waiting, reading the answer), summed over one unit of work: the site
# opens a meter per API request and reports it in its Server-Timing header, so the route's own work (its
# total less this) is measured where it happens. Outside a meter nothing is counted.
_METER: ContextVar[list[float] | None] = ContextVar("search_engine_meter", default=None)


def start_meter() -> tuple[list[float], Token]:
    """A fresh meter for this context: ``([seconds], token)``; hand the token to :func:`stop_meter`."""
    cell = [0.0]
    return cell, _METER.set(cell)


def stop_meter(token: Token) -> None:
    _METER.reset(token)


class SearchEngine:
    """One Meilisearch server, one API key, one live index name.

    ``timeout`` bounds reads and searches (seconds, connect and read each); ``write_timeout`` bounds calls
    that upload documents or settings, which the server only has to enqueue but which can be large.
    The connection pool is created here, never at import time, so each process (gunicorn
    worker, test, CLI) makes its own.
    """

    def __init__(
        self,
        url: str,
        api_key: str | None,
        *,
        index_uid: str = DEFAULT_INDEX,
        timeout: float = 2.0,
        write_timeout: float = 30.0,
    ):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.index_uid = index_uid
        self.timeout = timeout
        self.write_timeout = write_timeout
        # No proxy or netrc look-up on any call: the engine is ours.
        self._http = _pool_manager()
        self._headers = {"Content-Type": "application/json"}  # answers uncompressed: a local hop
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._reads: meilisearch.Client | None = None
        self._writes: meilisearch.Client | None = None

    def official(self, *, write: bool = False) -> meilisearch.Client:
        """The official client on this server and key, with this engine's read or write timeout."""
        # The client hands its timeout to requests, which takes seconds as a float; its annotation says int.
        if write:
            if self._writes is None:
                self._writes = meilisearch.Client(self.url, self.api_key, timeout=cast(int, self.write_timeout))
            return self._writes
        if self._reads is None:
            self._reads = meilisearch.Client(self.url, self.api_key, timeout=cast(int, self.timeout))
        return self._reads

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        """One call of the official client, its errors turned into this package's."""
        try:
            return call()
        except MeilisearchApiError as exc:
            status = int(getattr(exc, "status_code", 0) or 0)
            if status >= 500:
                raise SearchUnavailable(f"{what}: HTTP {status} {exc.message[:200]}") from exc
            raise SearchApiError(status, exc.code or "http_error", exc.message) from exc
        except (MeilisearchCommunicationError, MeilisearchTimeoutError) as exc:
            raise SearchUnavailable(f"{what}: {exc}") from exc

    def __repr__(self) -> str:
        return f"SearchEngine({self.url!r}, index_uid={self.index_uid!r})"

    def with_key(self, api_key: str, **overrides: Any) -> SearchEngine:
        """Another engine on the same server and index with a different key."""
        kwargs: dict[str, Any] = {"index_uid": self.index_uid, "timeout": self.timeout,
                                  "write_timeout": self.write_timeout}
        kwargs.update(overrides)
        return SearchEngine(self.url, api_key, **kwargs)

    def close(self) -> None:
        self._http.clear()

    # -- HTTP --------------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Any:
        started = time.perf_counter()
        try:
            return self._request(method, path, json=json, params=params, timeout=timeout)
        finally:
            meter = _METER.get()
            if meter is not None:
                meter[0] += time.perf_counter() - started

    def _request(self, method: str, path: str, *, json: Any, params: Mapping[str, Any] | None,
                 timeout: float | None) -> Any:
        limit = self.timeout if timeout is None else timeout
        url = self.url + path
        if params:
            url += "?" + urlencode(params)
        try:
            response = self._http.request(method, url, body=None if json is None else orjson.dumps(json),
                                          headers=self._headers, timeout=urllib3.Timeout(connect=limit, read=limit),
                                          retries=False, redirect=False)
        except Urllib3Timeout as exc:
            raise SearchUnavailable(f"{method} {path}: no answer within {limit:g}s") from exc
        except (HTTPError, OSError) as exc:
            raise SearchUnavailable(f"{method} {path}: {exc.__class__.__name__}: {exc}") from exc
        status, content = response.status, response.data
        if status >= 400:
            # Meilisearch can refuse a request (bad key, bad payload) before reading its body; reusing that
            # connection then leaves the next request unanswered. Start afresh after any error.
            self._http.clear()
        if status >= 500:
            raise SearchUnavailable(f"{method} {path}: HTTP {status} {content[:200].decode(errors='replace')}")
        if status >= 400:
            try:
                body = orjson.loads(content)
            except orjson.JSONDecodeError:
                body = {}
            if not isinstance(body, dict):
                body = {}
            raise SearchApiError(status, body.get("code", "http_error"),
                                 body.get("message", content[:200].decode(errors="replace")))
        if status == 204 or not content:
            return None
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise SearchUnavailable(f"{method} {path}: the answer is not JSON") from exc

    def _index(self, index_uid: str | None) -> str:
        return index_uid or self.index_uid

    # -- server ------------------------------------------------------------------------------------------

    def healthy(self) -> bool:
        """True when the server answers /health in time (no key needed)."""
        try:
            return (self.request("GET", "/health") or {}).get("status") == "available"
        except SearchError:
            return False

    def version(self) -> str:
        return self._call("version", lambda: self.official().get_version())["pkgVersion"]

    # -- indexes -----------------------------------------------------------------------------------------

    def get_index(self, index_uid: str | None = None) -> dict | None:
        uid = self._index(index_uid)
        try:
            return self._call(f"index {uid}", lambda: self.official().get_raw_index(uid))
        except SearchApiError as exc:
            if exc.code == "index_not_found":
                return None
            raise

    def list_indexes(self) -> list[dict]:
        out: list[dict] = []
        offset = 0
        while True:
            page = self._call("indexes", partial(self.official().http.get, f"indexes?limit=100&offset={offset}"))
            out.extend(page["results"])
            offset += len(page["results"])
            if not page["results"] or offset >= page["total"]:
                return out

    def create_index(self, index_uid: str | None = None, *, primary_key: str = "id") -> int:
        uid = self._index(index_uid)
        return self._call(f"create {uid}", lambda: self.official(write=True).create_index(
            uid, {"primaryKey": primary_key})).task_uid

    def delete_index(self, index_uid: str | None = None) -> int:
        uid = self._index(index_uid)
        return self._call(f"delete {uid}", lambda: self.official(write=True).delete_index(uid)).task_uid

    def swap_indexes(self, pairs: Sequence[tuple[str, str]]) -> int:
        body: list[Mapping[str, list[str] | bool]] = [{"indexes": [a, b]} for a, b in pairs]
        return self._call("swap", lambda: self.official(write=True).swap_indexes(body)).task_uid

    def get_settings(self, index_uid: str | None = None) -> dict:
        uid = self._index(index_uid)
        return self._call(f"settings of {uid}", lambda: self.official().index(uid).get_settings())

    def update_settings(self, settings: Mapping[str, Any], index_uid: str | None = None) -> int:
        uid = self._index(index_uid)
        return self._call(f"settings of {uid}", lambda: self.official(write=True).index(uid).update_settings(
            dict(settings))).task_uid

    def stats(self, index_uid: str | None = None) -> dict:
        uid = self._index(index_uid)
        return self._call(f"stats of {uid}", lambda: self.official().http.get(f"indexes/{uid}/stats"))

    # -- documents ---------------------------------------------------------------------------------------

    def add_documents(self, documents: Iterable[Mapping[str, Any]], index_uid: str | None = None) -> int:
        """Add or replace whole documents (by primary key); returns the task uid."""
        uid, docs = self._index(index_uid), [dict(d) for d in documents]
        return self._call(f"documents of {uid}", lambda: self.official(write=True).index(uid).add_documents(
            docs, primary_key="id")).task_uid

    def delete_documents(self, ids: Iterable[int | str], index_uid: str | None = None) -> int:
        uid, batch = self._index(index_uid), [str(i) for i in ids]
        return self._call(f"documents of {uid}", lambda: self.official(write=True).http.post(
            f"indexes/{uid}/documents/delete-batch", batch))["taskUid"]

    def get_document(self, doc_id: int | str, index_uid: str | None = None) -> dict | None:
        uid = self._index(index_uid)
        try:
            return self._call(f"document {doc_id}", lambda: self.official().http.get(
                f"indexes/{uid}/documents/{doc_id}"))
        except SearchApiError as exc:
            if exc.code == "document_not_found":
                return None
            raise

    def get_documents(
        self,
        index_uid: str | None = None,
        *,
        fields: Sequence[str] | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> dict:
        """One page of documents: ``{"results": [...], "offset", "limit", "total"}``."""
        uid = self._index(index_uid)
        body: dict[str, Any] = {"limit": limit, "offset": offset}
        if fields:
            body["fields"] = list(fields)
        return self._call(f"documents of {uid}", lambda: self.official(write=True).http.post(
            f"indexes/{uid}/documents/fetch", body))

    # -- search ------------------------------------------------------------------------------------------

    def search(self, params: Mapping[str, Any], index_uid: str | None = None) -> dict:
        return self.request("POST", f"/indexes/{self._index(index_uid)}/search", json=dict(params))

    def multi_search(self, queries: Sequence[Mapping[str, Any]]) -> list[dict]:
        """Several searches in one round trip; each query dict names its ``indexUid`` (default: ours)."""
        body = {"queries": [{"indexUid": self.index_uid, **q} for q in queries]}
        return self.request("POST", "/multi-search", json=body)["results"]

    # -- tasks -------------------------------------------------------------------------------------------

    def task(self, uid: int) -> dict:
        task = self._call(f"task {uid}", lambda: self.official().get_task(int(uid)))
        return task.model_dump(by_alias=True, mode="json")

    def task_status(self, uid: int) -> str:
        """``enqueued``, ``processing``, ``succeeded``, ``failed`` or ``canceled``."""
        return self.task(uid)["status"]

    def wait_for_task(
        self,
        uid: int,
        timeout: float = 10.0,
        *,
        interval: float = 0.02,
        raise_on_failure: bool = True,
    ) -> dict:
        """Poll until the task is finished; raise TaskFailed on failure and TaskTimeout past ``timeout``."""
        deadline = time.monotonic() + timeout
        delay = interval
        status = None
        while True:
            task = self.task(uid)
            status = task["status"]
            if status in ("succeeded", "failed", "canceled"):
                if status != "succeeded" and raise_on_failure:
                    raise TaskFailed(task)
                return task
            if time.monotonic() >= deadline:
                raise TaskTimeout(uid, status)
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 1.5, 0.5)

    def wait_for_tasks(self, uids: Iterable[int], timeout: float = 60.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        return [self.wait_for_task(uid, max(0.1, deadline - time.monotonic())) for uid in uids]

    # -- keys --------------------------------------------------------------------------------------------

    def get_key(self, key_or_uid: str) -> dict | None:
        try:
            return self._call("key", lambda: self.official().http.get(f"keys/{key_or_uid}"))
        except SearchApiError as exc:
            if exc.code == "api_key_not_found":
                return None
            raise

    def create_key(self, *, uid: str | None, name: str, description: str, actions: Sequence[str],
                   indexes: Sequence[str], expires_at: str | None = None) -> dict:
        body: dict[str, Any] = {"name": name, "description": description, "actions": list(actions),
                                "indexes": list(indexes), "expiresAt": expires_at}
        if uid:
            body["uid"] = uid
        return self._call("create key", lambda: self.official(write=True).http.post("keys", body))

    def delete_key(self, key_or_uid: str) -> None:
        self._call("delete key", lambda: self.official(write=True).delete_key(key_or_uid))


def search_key_uid(index_uid: str) -> str:
    return str(uuid.uuid5(_KEY_NAMESPACE, f"search:{index_uid}"))


def ensure_search_key(master: SearchEngine, *, index_uid: str | None = None) -> str:
    """The API key that may only search the live index (created on first call, the same one afterwards).

    It is scoped to the live index name alone: the staging indexes of a reindex (``jobs_<stamp>``) are not
    searchable with it, and after a swap the name ``jobs`` refers to the new content, so the key stays valid.
    """
    live = index_uid or master.index_uid
    uid = search_key_uid(live)
    key = master.get_key(uid)
    if key is None:
        try:
            key = master.create_key(
                uid=uid,
                name=f"{live}-search",
                description=f"Search-only key for the {live} index (the web app's key)",
                actions=["search"],
                indexes=[live],
            )
        except SearchApiError as exc:
            if exc.code != "api_key_already_exists":
                raise
            key = master.get_key(uid)
    if key is None or key.get("actions") != ["search"] or key.get("indexes") != [live]:
        raise SearchError(f"the key {uid} exists but is not a search-only key for {live}")
    return key["key"]
