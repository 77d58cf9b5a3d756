"""A pluggable SMS sender. No real gateway is reachable from here: development logs, tests collect."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger("market.sms")


class SmsSender:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LogSmsSender(SmsSender):
    """Development: the message goes to the server log, where the developer reads the code."""

    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s****%s: %s", phone[:3], phone[-4:], text)


@dataclass
class MemorySmsSender(SmsSender):
    """Tests: keeps every message, newest last."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))

    def last_to(self, phone: str) -> str | None:
        for to, text in reversed(self.sent):
            if to == phone:
                return text
        return None


class NoSmsSender(SmsSender):
    """No gateway configured (SMS_BACKEND=none): nothing is sent, and the code is never written anywhere."""

    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s****%s not sent: no SMS gateway is configured", phone[:3], phone[-4:])


def make_sender(backend: str) -> SmsSender:
    if backend == "none":
        return NoSmsSender()
    if backend == "memory":
        return MemorySmsSender()
    if backend == "log":
        return LogSmsSender()
    raise ValueError(f"unknown SMS_BACKEND {backend!r}: use 'log' (development) or plug in a gateway sender")
