"""Fan-out of live job fair events to the Server-Sent Events streams of one process.

The ``live_events`` table is the only source of events: a stream sends what has an id above the last one it
sent, so order and replay are exact. Redis pub/sub (channel ``live:<session_id>``, message: the new event's
id) only says when to look. One listener per process feeds a hub that maps each session to the streams
watching it; a session's new events are read once per process and shared by all its viewers. Without Redis,
the process that commits an event wakes its own viewers, and a slow poll lets other processes converge.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from market.models import LiveEvent

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "live:"
KEEPALIVE = b": keepalive\n\n"
ENDED = "ended"


@dataclass(frozen=True)
class Frame:
    """One event as it goes on the wire, encoded once for every viewer."""

    id: int
    event: str
    data: bytes


def encode(event: LiveEvent) -> Frame:
    payload = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))
    text = f"id: {event.id}\nevent: {event.event}\ndata: {payload}\n\n"
    return Frame(id=event.id, event=event.event, data=text.encode("utf-8"))


def read_frames(engine: Engine, session_id: int, after: int, limit: int = 500) -> list[Frame]:
    """Events of a session with an id above ``after``, oldest first, in a session closed before returning."""
    with Session(engine) as s:
        rows = s.exec(select(LiveEvent).where(LiveEvent.session_id == session_id, LiveEvent.id > after)
                      .order_by(LiveEvent.id).limit(limit)).all()
        return [encode(row) for row in rows]


class Channel:
    """A session's viewers in this process and the session's recent events, read once for all of them."""

    KEEP = 128

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        self.waiters: set[threading.Event] = set()
        self.lock = threading.Lock()
        self.frames: list[Frame] = []
        self.ids: list[int] = []
        # The cache holds every event of the session with low < id <= high (low is None until first read).
        self.low: int | None = None
        self.high = 0
        self.announced = 0  # the highest event id someone said was committed
        self.answered = 0  # the announcement the last read was made for
        self.read_at = -math.inf

    def stale(self, poll_interval: float) -> bool:
        return (self.low is None or self.announced > self.answered
                or time.monotonic() - self.read_at >= poll_interval)

    def refresh(self, engine: Engine) -> bool:
        """Caller holds ``lock``. True when new events came in."""
        # Read after the announcement: an id announced (committed) before this line is in what we read.
        # An announced id that is not ours to see (another deployment sharing Redis) costs one read only.
        self.answered = self.announced
        with Session(engine) as s:
            if self.low is None:
                rows = list(s.exec(select(LiveEvent).where(LiveEvent.session_id == self.session_id)
                                   .order_by(LiveEvent.id.desc()).limit(self.KEEP)))
                rows.reverse()
                self.low = rows[0].id - 1 if len(rows) == self.KEEP else 0
            else:
                rows = list(s.exec(select(LiveEvent).where(LiveEvent.session_id == self.session_id,
                                                           LiveEvent.id > self.high)
                                   .order_by(LiveEvent.id).limit(self.KEEP * 4)))
        self.read_at = time.monotonic()
        for row in rows:
            self.frames.append(encode(row))
            self.ids.append(row.id)
        if rows:
            self.high = rows[-1].id
        if len(self.frames) > 2 * self.KEEP:
            drop = len(self.frames) - self.KEEP
            self.low = self.ids[drop - 1]
            del self.frames[:drop], self.ids[:drop]
        return bool(rows)

    def cached_after(self, cursor: int) -> list[Frame] | None:
        """Caller holds ``lock``. None when the cache does not reach back to ``cursor``."""
        if self.low is None or cursor < self.low:
            return None
        return self.frames[bisect.bisect_right(self.ids, cursor):]


class LiveHub:
    """Per process: the streams waiting on each session, and the Redis listener that wakes them."""

    def __init__(self, engine: Engine, redis_url: str | None = None) -> None:
        self.engine = engine
        self.redis_url = redis_url
        # Tunable per app (tests shorten them). Without Redis the poll is how other processes' events arrive;
        # with Redis it only covers a message lost while the listener reconnected.
        self.poll_interval = 15.0 if redis_url else 2.0
        self.heartbeat = 15.0
        self.retry_ms = (2000, 5000)  # reconnect delay hint, spread so a restart is not a stampede
        self.max_duration = 30 * 60.0  # a stream then closes; the browser reconnects with Last-Event-ID
        self._channels: dict[int, Channel] = {}
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._listener: threading.Thread | None = None
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while subscribed to Redis
        self.closed = False
        self._redis = None

    # ---- viewers ----

    def viewers(self, session_id: int | None = None) -> int:
        with self._lock:
            if session_id is not None:
                channel = self._channels.get(session_id)
                return len(channel.waiters) if channel else 0
            return sum(len(c.waiters) for c in self._channels.values())

    def _watch(self, session_id: int, waiter: threading.Event) -> Channel:
        self._ensure_listener()
        with self._lock:
            channel = self._channels.get(session_id)
            if channel is None:
                channel = self._channels[session_id] = Channel(session_id)
            channel.waiters.add(waiter)
            return channel

    def _unwatch(self, channel: Channel, waiter: threading.Event) -> None:
        with self._lock:
            channel.waiters.discard(waiter)
            if not channel.waiters and self._channels.get(channel.session_id) is channel:
                del self._channels[channel.session_id]

    def frames_after(self, channel: Channel, cursor: int) -> list[Frame]:
        with channel.lock:
            fresh = channel.stale(self.poll_interval) and channel.refresh(self.engine)
            frames = channel.cached_after(cursor)
        if fresh:  # found by the poll: the other viewers, asleep until their own poll, get it now
            with self._lock:
                waiters = list(channel.waiters)
            for waiter in waiters:
                waiter.set()
        if frames is None:  # a viewer far behind: read its backlog directly
            frames = read_frames(self.engine, channel.session_id, cursor)
        return frames

    def stream(self, session_id: int, cursor: int) -> Iterator[bytes]:
        """The body of a viewer's event stream: what came after ``cursor``, then events as they happen,
        a comment now and then so proxies keep the connection, until the session ends.

        Nothing here touches the request, and no database session stays open between reads."""
        waiter = threading.Event()
        channel = self._watch(session_id, waiter)  # before the first read, so no wake-up falls in between
        try:
            yield f"retry: {random.randint(*self.retry_ms)}\n\n".encode()
            started = last_write = time.monotonic()
            while True:
                frames = self.frames_after(channel, cursor)
                if frames:
                    for frame in frames:
                        yield frame.data
                        cursor = frame.id
                        if frame.event == ENDED:
                            return
                    last_write = time.monotonic()
                    continue
                now = time.monotonic()
                if self.closed or now - started >= self.max_duration:
                    return
                if now - last_write >= self.heartbeat:
                    yield KEEPALIVE
                    last_write = now
                timeout = min(self.poll_interval, self.heartbeat - (now - last_write),
                              self.max_duration - (now - started))
                waiter.wait(max(timeout, 0.01))
                waiter.clear()
        finally:
            self._unwatch(channel, waiter)

    # ---- news of events ----

    def notify(self, session_id: int, event_id: int | None = None) -> None:
        """Wake this process's viewers of a session; ``event_id`` is the committed event they must read."""
        with self._lock:
            channel = self._channels.get(session_id)
            if channel is None:
                return
            channel.announced = max(channel.announced, event_id or 0)
            if event_id is None:
                channel.read_at = -math.inf
            waiters = list(channel.waiters)
        for waiter in waiters:
            waiter.set()

    def _wake_all(self) -> None:
        with self._lock:
            ids = list(self._channels)
        for session_id in ids:
            self.notify(session_id)

    def publish(self, session_id: int, event_id: int) -> None:
        """After commit: tell every process (through Redis when there is one) and this one's viewers."""
        self.notify(session_id, event_id)
        if not self.redis_url:
            return
        try:
            self._client().publish(f"{CHANNEL_PREFIX}{session_id}", str(event_id))
        except Exception:  # viewers elsewhere still get it by the poll
            log.warning("live: could not publish event %s of session %s to Redis", event_id, session_id,
                        exc_info=True)

    def _client(self):
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.redis_url, socket_connect_timeout=1, socket_timeout=1)
        return self._redis

    # ---- the Redis listener: one per process, started by the first viewer ----

    def _ensure_listener(self) -> None:
        if not self.redis_url or self.closed:
            return
        if self._pid != os.getpid():  # forked: the parent's thread and connections are not ours
            self._pid, self._listener, self._redis = os.getpid(), None, None
            self.listening.clear()
        if self._listener is not None and self._listener.is_alive():
            return
        with self._lock:
            if self._listener is None or not self._listener.is_alive():
                self._stop.clear()
                self._listener = threading.Thread(target=self._listen, name="live-redis-listener", daemon=True)
                self._listener.start()

    def _listen(self) -> None:
        import redis

        backoff = 0.5
        while not self._stop.is_set():
            pubsub = None
            try:
                client = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=10,
                                              health_check_interval=15)
                pubsub = client.pubsub()
                pubsub.psubscribe(CHANNEL_PREFIX + "*")
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message["type"] == "psubscribe":
                        backoff = 0.5
                        self._wake_all()  # anything published while we were not listening
                        self.listening.set()
                    elif message["type"] == "pmessage":
                        self._handle(message["channel"], message["data"])
            except Exception:
                if not self._stop.is_set():
                    log.warning("live: Redis listener lost its connection; retrying in %.1fs", backoff,
                                exc_info=True)
            finally:
                self.listening.clear()
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except Exception:
                        pass
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)

    def _handle(self, channel: bytes | str, data: bytes | str) -> None:
        if isinstance(channel, bytes):
            channel = channel.decode()
        if isinstance(data, bytes):
            data = data.decode()
        try:
            session_id, event_id = int(channel[len(CHANNEL_PREFIX):]), int(data)
        except ValueError:
            return
        self.notify(session_id, event_id)

    def close(self) -> None:
        """Stop the listener and end the open streams (tests, shutdown)."""
        self.closed = True
        self._stop.set()
        self._wake_all()
        if self._listener is not None:
            self._listener.join(timeout=5)
            self._listener = None
        if self._redis is not None:
            self._redis.close()
            self._redis = None
