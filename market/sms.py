"""A pluggable SMS sender. No real gateway is reachable from here: development logs, tests collect."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger("market.sms")


class SmsSender:
    # Whether a message handed to this sender reaches a phone. Pages say "已通知" only when it does;
    # otherwise "已记录，短信未发送".
    delivers = False

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LogSmsSender(SmsSender):
    """Development: the message goes to the server log, where the developer reads the code."""

    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s****%s: %s", phone[:3], phone[-4:], text)


@dataclass
class MemorySmsSender(SmsSender):
    """Tests: keeps every message, newest last (standing in for a gateway)."""

    delivers = True
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))

    def last_to(self, phone: str) -> str | None:
        for to, text in reversed(self.sent):
            if to == phone:
                return text
        return None


def make_sender(backend: str) -> SmsSender:
    if backend == "memory":
        return MemorySmsSender()
    if backend == "log":
        return LogSmsSender()
    raise ValueError(f"unknown SMS_BACKEND {backend!r}: use 'log' (development) or plug in a gateway sender")
