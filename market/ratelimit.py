"""Rate limits by address, phone number and account: fixed windows counted in Redis when REDIS_URL is
set, so every process and host shares them, and in this process's memory when it is not, or while Redis
does not answer (the limiter fails open to the local count, never to an error).

People at a fair share one Wi-Fi address, so limits per address are generous; limits per phone number or
account are strict (they are what stops guessing one person's password or flooding one phone with codes).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from market.errors import AppError

log = logging.getLogger("market.ratelimit")

# After Redis fails, it is tried again only after this long: until then the local counts answer at once.
REDIS_RETRY_SECONDS = 5.0
PREFIX = "gm:rl:"


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` events per ``window`` seconds for one ``scope`` (address, phone, account…)."""

    scope: str
    limit: int
    window: int


class RateLimited(AppError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int, message: str = "操作太频繁，请稍后再试"):
        super().__init__(f"{message}（约 {max(1, retry_after)} 秒后）")
        self.retry_after = max(1, retry_after)


class _Local:
    """Fixed windows in this process's memory."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> tuple[int, float]:
        count, until = self._counts.get(key, (0, 0.0))
        return (count, until) if until > now else (0, 0.0)

    def count(self, key: str, window: int) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            count, until = self._live(key, now)
        return count, int(until - now) + 1 if count else window

    def add(self, key: str, window: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, until = self._live(key, now)
            self._counts[key] = (count + 1, until or now + window)
            if len(self._counts) > 100_000:  # forget windows that ended
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return count + 1


class RateLimiter:
    def __init__(self, redis_url: str | None = None, *, enabled: bool = True) -> None:
        self.redis_url = redis_url
        self.enabled = enabled
        self.local = _Local()
        self._redis = None
        self._redis_down_until = 0.0

    # -- Redis, when it answers --

    def _client(self):
        if not self.redis_url or time.monotonic() < self._redis_down_until:
            return None
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return self._redis

    def _failed(self, exc: Exception) -> None:
        log.warning("rate limits: Redis did not answer (%s); counting in this process for now",
                    type(exc).__name__)
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    def redis_status(self) -> str:
        if not self.redis_url:
            return "disabled"
        try:
            import redis

            client = self._redis or redis.Redis.from_url(self.redis_url, socket_connect_timeout=0.5,
                                                         socket_timeout=0.5)
            client.ping()
            return "ok"
        except Exception:
            return "unreachable"

    def _count(self, key: str, window: int) -> tuple[int, int]:
        client = self._client()
        if client is not None:
            try:
                pipe = client.pipeline()
                pipe.get(PREFIX + key)
                pipe.ttl(PREFIX + key)
                raw, ttl = pipe.execute()
                return int(raw or 0), int(ttl) if ttl and ttl > 0 else window
            except Exception as exc:
                self._failed(exc)
        return self.local.count(key, window)

    def _add(self, key: str, window: int) -> int:
        client = self._client()
        if client is not None:
            try:
                pipe = client.pipeline()
                pipe.incr(PREFIX + key)
                pipe.expire(PREFIX + key, window, nx=True)
                count, _ = pipe.execute()
                return int(count)
            except Exception as exc:
                self._failed(exc)
        return self.local.add(key, window)

    # -- what views call --

    def check(self, rules: list[Rule], *, message: str = "操作太频繁，请稍后再试") -> None:
        """Raise ``RateLimited`` if any rule's window is already full; counts nothing."""
        if not self.enabled:
            return
        for rule in rules:
            count, retry = self._count(_key(rule), rule.window)
            if count >= rule.limit:
                raise RateLimited(retry, message)

    def hit(self, rules: list[Rule], *, message: str = "操作太频繁，请稍后再试") -> None:
        """Count one event against every rule; raise ``RateLimited`` if that goes past any of them."""
        if not self.enabled:
            return
        over = None
        for rule in rules:
            count = self._add(_key(rule), rule.window)
            if count > rule.limit and over is None:
                over = rule
        if over is not None:
            _, retry = self._count(_key(over), over.window)
            raise RateLimited(retry, message)

    def clear(self, rules: list[Rule]) -> None:
        """Forget the counts (a successful sign-in clears its failures)."""
        client = self._client()
        keys = [_key(r) for r in rules]
        if client is not None:
            try:
                client.delete(*[PREFIX + k for k in keys])
            except Exception as exc:
                self._failed(exc)
        with self.local._lock:
            for key in keys:
                self.local._counts.pop(key, None)


def _key(rule: Rule) -> str:
    return f"{rule.scope}:{rule.window}"
