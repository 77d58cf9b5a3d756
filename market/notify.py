"""Telling people what happened: a line in their inbox, and an SMS once the change has committed."""

from __future__ import annotations

from sqlmodel import Session

from market.db import after_commit
from market.models import Application, Notification, User
from market.sms import SmsSender


def notify(session: Session, *, user: User, app: Application | None, body: str, sms: SmsSender | None) -> None:
    """The inbox line commits with the change it reports; the SMS goes only after that commit."""
    session.add(Notification(user_id=user.id, application_id=app.id if app else None, body=body))
    if sms is not None and user.phone and user.active:
        phone = user.phone
        after_commit(session, lambda: sms.send(phone, f"【零工市场】{body}"))
