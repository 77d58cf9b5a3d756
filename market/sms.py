"""A pluggable SMS sender: an HTTP gateway in production, the log in development, a list in tests.

Messages go after the commit that caused them (market.db.after_commit), so a gateway that fails never undoes
a change; the failure is logged with the phone masked, never the text (it may hold a code).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

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
        log.warning("SMS to %s (not sent, SMS_BACKEND=log): %s", _masked(phone), text)


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


class SmsError(RuntimeError):
    """The gateway did not take the message."""


def _masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


class HttpSmsSender(SmsSender):
    """A real gateway: POST ``url`` with JSON ``{"phone", "text", "sign"}`` and ``Authorization: Bearer
    <key>``; a 2xx answer whose JSON does not say ``"ok": false`` means the gateway took the message.
    One session per sender (connections reused); a short timeout, since it runs after the response."""

    delivers = True

    def __init__(self, url: str, key: str, *, sign: str = "零工市场", timeout: float = 5.0):
        import requests

        self.url, self.sign, self.timeout = url, sign, timeout
        self._http = requests.Session()
        self._http.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})

    def submit(self, phone: str, text: str) -> dict[str, Any]:
        """Send one message; the gateway's JSON answer. Raises SmsError when it is not accepted."""
        import requests

        try:
            response = self._http.post(self.url, json={"phone": phone, "text": text, "sign": self.sign},
                                       timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsError(f"gateway unreachable: {type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not 200 <= response.status_code < 300 or (isinstance(body, dict) and body.get("ok") is False):
            detail = body.get("error") if isinstance(body, dict) else None
            raise SmsError(f"gateway answered {response.status_code}: {str(detail or '')[:100]}")
        return body if isinstance(body, dict) else {}

    def send(self, phone: str, text: str) -> None:
        try:
            self.submit(phone, text)
        except SmsError as exc:
            log.error("SMS to %s not sent: %s", _masked(phone), exc)


class NoSmsSender(SmsSender):
    """No gateway configured (SMS_BACKEND=none): nothing is sent, and the code is never written anywhere."""

    def send(self, phone: str, text: str) -> None:
        log.warning("SMS to %s****%s not sent: no SMS gateway is configured", phone[:3], phone[-4:])


def make_sender(backend: str, settings: Any = None) -> SmsSender:
    if backend == "none":
        return NoSmsSender()
    if backend == "memory":
        return MemorySmsSender()
    if backend == "log":
        return LogSmsSender()
    if backend == "http":
        if settings is None or not settings.SMS_GATEWAY_URL or not settings.SMS_GATEWAY_KEY:
            raise ValueError("SMS_BACKEND=http needs SMS_GATEWAY_URL and SMS_GATEWAY_KEY")
        return HttpSmsSender(settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY, sign=settings.SMS_GATEWAY_SIGN,
                             timeout=settings.SMS_GATEWAY_TIMEOUT)
    raise ValueError(f"unknown SMS_BACKEND {backend!r}: use 'http' (a gateway), 'none', 'log' (development) or 'memory'")
