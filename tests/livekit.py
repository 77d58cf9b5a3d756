"""Live-room test helpers: a Server-Sent Events reader, a hub tuned for tests, and the organiser's two
first steps (open a session, put a posting on air). The fixtures built on them live in conftest.py."""

from __future__ import annotations

import json
import time

# ---- reading a stream ----


class Sse:
    """Reads a Server-Sent Events body chunk by chunk and parses it; never waits past its deadline (the
    hub under test sends a comment every fraction of a second, so a read always comes back)."""

    def __init__(self, chunks) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""
        self.events: list[dict] = []
        self.momentary: list[dict] = []
        self.comments: list[str] = []
        self.retry: int | None = None
        self.finished = False

    def _parse(self, block: str) -> None:
        event: dict = {}
        data = []
        for line in block.split("\n"):
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                data.append(value)
            elif name in ("id", "event"):
                event[name] = value
            elif name == "retry":
                self.retry = int(value)
        if data or event:
            event["data"] = json.loads("\n".join(data))
            if "id" not in event:  # momentary (counts): kept apart, never replayed
                self.momentary.append(event)
                return
            event["id"] = int(event["id"])
            self.events.append(event)

    def pump(self) -> bool:
        """Reads one chunk; False when the stream has ended."""
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self.finished = True
            return False
        self._buffer += chunk
        while b"\n\n" in self._buffer:
            block, self._buffer = self._buffer.split(b"\n\n", 1)
            self._parse(block.decode("utf-8"))
        return True

    def until(self, done, timeout: float = 5.0) -> Sse:
        deadline = time.monotonic() + timeout
        while not done(self):
            assert time.monotonic() < deadline, f"stream did not get there in {timeout}s: {self.events}"
            if not self.pump():
                break
        return self

    def wait_events(self, n: int, timeout: float = 5.0) -> list[dict]:
        self.until(lambda s: len(s.events) >= n or s.finished, timeout)
        assert len(self.events) >= n, self.events
        return self.events

    def idle(self, seconds: float) -> None:
        """Keep reading for a while (to see that nothing else arrives)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.pump():
            pass


def fast(app):
    hub = app.extensions["live"]
    hub.heartbeat = 0.1
    hub.poll_interval = 30.0  # events must come by notification, not by the slow poll
    hub.max_duration = 15.0  # a guard: no stream in these tests outlives it
    hub.counts_interval = 3600.0  # counts only where a test asks for them
    return hub


def new_session(organiser, title: str = "春风行动 · 东莞专场") -> int:
    r = organiser.post("/api/v1/live/sessions", {"title": title})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def on_air(organiser, session_id: int, job_id: int, status: int = 200) -> dict:
    r = organiser.post(f"/api/v1/live/sessions/{session_id}/on-air", {"job_id": job_id})
    assert r.status_code == status, r.get_json()
    return r.get_json()
