"""Fan-out of live job fair events to the Server-Sent Events streams of one process.

The ``live_events`` table is the only source of events: a stream sends what has an id above the last one it
sent, so order and replay are exact. One poller per process asks the database, a few times a second, for the
newest event id of every session someone here watches (one query for all of them); a session with news is
read once, and only its own viewers are woken. Redis pub/sub (channel ``live:<session_id>``, message: the new
event's id) wakes the poller at once, so with Redis other processes see an event without waiting for the next
poll; without it, the process that committed an event wakes its own viewers and the others find it within
``poll_interval``.

The poller also writes how many viewers this process holds (``live_presence``), so any process can count
them all, and sends each session's viewers a momentary ``counts`` event (no id: never replayed).
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from market.db import write_intent
from market.models import LiveEvent

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "live:"
KEEPALIVE = b": keepalive\n\n"
SIGNED_IN_KEPT = 500  # signed-in viewers per session and process the organiser's console may rank
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


def counts_frame(data: dict) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: counts\ndata: {payload}\n\n".encode()


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
        self.signed_in: dict[threading.Event, int] = {}  # the viewers who are signed in: their user ids
        self.lock = threading.Lock()
        self.frames: list[Frame] = []
        self.ids: list[int] = []
        # The cache holds every event of the session with low < id <= high (low is None until first read).
        self.low: int | None = None
        self.high = 0
        self.announced = 0  # the highest event id someone said was committed
        self.answered = 0  # the announcement the last read was made for
        self.read_at = -math.inf
        self.counts: bytes | None = None  # the latest momentary counts, and how many have been sent
        self.counts_seq = 0
        self.wakes = 0  # how often its viewers were woken (each wake-up costs every viewer a turn)

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
    """Per process: the streams waiting on each session, the poller that wakes them, and the Redis listener."""

    def __init__(self, engine: Engine, redis_url: str | None = None) -> None:
        self.engine = engine
        self.redis_url = redis_url
        # Tunable per app (tests change them). The poll is how events committed by other processes arrive
        # without Redis (one cheap query per tick for every watched session); with Redis it only covers a
        # message lost while the listener reconnected.
        self.poll_interval = 2.0 if redis_url else 0.2
        self.heartbeat = 15.0
        self.retry_ms = (2000, 5000)  # reconnect delay hint, spread so a restart is not a stampede
        self.max_duration = 30 * 60.0  # a stream then closes; the browser reconnects with Last-Event-ID
        self.counts_interval = 5.0  # how often viewers get the momentary counts (and presence is written)
        # Set by the app: (session, session_id, viewers in all) -> the counts viewers see; and what to do
        # with this process's viewer counts (write presence). Both run in the poller, in short sessions.
        self.counts_source: Callable[[Session, int], dict] | None = None
        self.presence_sink: Callable[[Session, str, dict[int, tuple[int, list[int]]]], None] | None = None
        self.process_name = f"{socket.gethostname()}:{os.getpid()}"
        self._channels: dict[int, Channel] = {}
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._listener: threading.Thread | None = None
        self._poller: threading.Thread | None = None
        self._kick = threading.Event()  # wakes the poller before its tick (a committed event, news from Redis)
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while subscribed to Redis
        self.closed = False
        self._redis = None
        self._reported: dict[int, int] = {}  # the viewer counts last written as presence

    # ---- viewers ----

    def viewers(self, session_id: int | None = None) -> int:
        with self._lock:
            if session_id is not None:
                channel = self._channels.get(session_id)
                return len(channel.waiters) if channel else 0
            return sum(len(c.waiters) for c in self._channels.values())

    def _watch(self, session_id: int, waiter: threading.Event, user_id: int | None) -> Channel:
        self._ensure_threads()
        with self._lock:
            channel = self._channels.get(session_id)
            if channel is None:
                channel = self._channels[session_id] = Channel(session_id)
            channel.waiters.add(waiter)
            if user_id is not None:
                channel.signed_in[waiter] = user_id
            return channel

    def _unwatch(self, channel: Channel, waiter: threading.Event) -> None:
        with self._lock:
            channel.waiters.discard(waiter)
            channel.signed_in.pop(waiter, None)
            if not channel.waiters and self._channels.get(channel.session_id) is channel:
                del self._channels[channel.session_id]

    def frames_after(self, channel: Channel, cursor: int) -> list[Frame]:
        with channel.lock:
            if channel.low is None or channel.announced > channel.answered:
                channel.refresh(self.engine)
            frames = channel.cached_after(cursor)
        if frames is None:  # a viewer far behind: read its backlog directly
            frames = read_frames(self.engine, channel.session_id, cursor)
        return frames

    def stream(self, session_id: int, cursor: int, user_id: int | None = None) -> Iterator[bytes]:
        """The body of a viewer's event stream: what came after ``cursor``, then events as they happen,
        the momentary counts, a comment now and then so proxies keep the connection, until the session ends.

        Nothing here touches the request, and no database session stays open between reads. The loop sleeps
        until the poller (or a commit in this process) wakes it, or its heartbeat is due."""
        waiter = threading.Event()
        channel = self._watch(session_id, waiter, user_id)  # before the first read, so no wake-up falls in between
        try:
            yield f"retry: {random.randint(*self.retry_ms)}\n\n".encode()
            started = last_write = time.monotonic()
            counts_seen = channel.counts_seq
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
                if channel.counts_seq != counts_seen and channel.counts is not None:
                    counts_seen = channel.counts_seq
                    yield channel.counts
                    last_write = time.monotonic()
                now = time.monotonic()
                if self.closed or now - started >= self.max_duration:
                    return
                if now - last_write >= self.heartbeat:
                    yield KEEPALIVE
                    last_write = now
                timeout = min(self.heartbeat - (now - last_write), self.max_duration - (now - started))
                waiter.wait(max(timeout, 0.01))
                waiter.clear()
        finally:
            self._unwatch(channel, waiter)

    # ---- news of events ----

    def _wake(self, channel: Channel) -> None:
        with self._lock:
            waiters = list(channel.waiters)
            channel.wakes += 1
        for waiter in waiters:
            waiter.set()

    def notify(self, session_id: int, event_id: int | None = None) -> None:
        """Wake this process's viewers of a session; ``event_id`` is the committed event they must read."""
        with self._lock:
            channel = self._channels.get(session_id)
            if channel is None:
                return
            channel.announced = max(channel.announced, event_id or channel.high + 1)
        self._kick.set()

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

    # ---- the poller: one per process, started by the first viewer ----

    def _ensure_threads(self) -> None:
        if self.closed:
            return
        if self._pid != os.getpid():  # forked: the parent's threads and connections are not ours
            self._pid, self._listener, self._poller, self._redis = os.getpid(), None, None, None
            self.process_name = f"{socket.gethostname()}:{os.getpid()}"
            self.listening.clear()
        with self._lock:
            if self._poller is None or not self._poller.is_alive():
                self._stop.clear()
                self._poller = threading.Thread(target=self._poll, name="live-poller", daemon=True)
                self._poller.start()
            if self.redis_url and (self._listener is None or not self._listener.is_alive()):
                self._listener = threading.Thread(target=self._listen, name="live-redis-listener", daemon=True)
                self._listener.start()

    def _latest_ids(self, session_ids: list[int]) -> dict[int, int]:
        with Session(self.engine) as s:
            rows = s.exec(select(LiveEvent.session_id, func.max(LiveEvent.id))
                          .where(LiveEvent.session_id.in_(session_ids)).group_by(LiveEvent.session_id)).all()
        return {sid: latest for sid, latest in rows}

    def poll_once(self, *, counts: bool = False) -> None:
        """One tick: read what is new for every watched session, wake those sessions' viewers only; with
        ``counts``, write this process's presence and hand every session its counts."""
        with self._lock:
            channels = dict(self._channels)
            announced = {sid: c for sid, c in channels.items() if c.announced > c.answered}
        if channels:
            latest = self._latest_ids(list(channels))
            for sid, channel in channels.items():
                if latest.get(sid, 0) > channel.high or sid in announced:
                    with channel.lock:
                        channel.announced = max(channel.announced, latest.get(sid, 0))
                        fresh = channel.refresh(self.engine)
                    if fresh:
                        self._wake(channel)
        if counts:
            self._counts(channels)

    def _counts(self, channels: dict[int, Channel]) -> None:
        with self._lock:
            here = {sid: (len(c.waiters), sorted(set(c.signed_in.values()))[:SIGNED_IN_KEPT])
                    for sid, c in channels.items()}
        gone: dict[int, tuple[int, list[int]]] = {sid: (0, []) for sid in self._reported if sid not in here}
        try:
            with Session(self.engine) as s:
                if self.presence_sink is not None and (here or gone):
                    write_intent(s)  # a short write, the lock taken up front (SQLite)
                    self.presence_sink(s, self.process_name, here | gone)
                    s.commit()
                self._reported = {sid: n for sid, (n, _) in here.items() if n}
                if self.counts_source is None:
                    return
                for sid, channel in channels.items():
                    channel.counts = counts_frame(self.counts_source(s, sid))
                    channel.counts_seq += 1
                    self._wake(channel)
        except Exception:  # counts are a courtesy: a busy database must not stop the events
            log.warning("live: could not write presence or counts", exc_info=True)

    def _poll(self) -> None:
        next_counts = time.monotonic() + self.counts_interval
        while not self._stop.is_set():
            self._kick.wait(self.poll_interval)
            self._kick.clear()
            if self._stop.is_set():
                return
            now = time.monotonic()
            due = now >= next_counts
            if due:
                next_counts = now + self.counts_interval
            try:
                self.poll_once(counts=due)
            except Exception:
                log.warning("live: poll failed; trying again", exc_info=True)
                self._stop.wait(min(self.poll_interval * 5, 2.0))

    # ---- the Redis listener: one per process, started by the first viewer ----

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
        """Stop the poller and the listener and end the open streams (tests, shutdown)."""
        self.closed = True
        self._stop.set()
        self._kick.set()
        with self._lock:
            channels = list(self._channels.values())
        for channel in channels:
            self._wake(channel)
        for thread in (self._listener, self._poller):
            if thread is not None:
                thread.join(timeout=5)
        self._listener = self._poller = None
        if self._redis is not None:
            self._redis.close()
            self._redis = None
