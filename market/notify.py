"""Telling people what happened: a line in their inbox, and an SMS once the change has committed."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from market import clock
from market.db import after_commit
from market.errors import NotFound
from market.models import Application, Notification, User
from market.sms import SmsSender


def notify(session: Session, *, user: User, app: Application | None, body: str, sms: SmsSender | None) -> None:
    """The inbox line commits with the change it reports; the SMS goes only after that commit."""
    if user.id is None:
        raise NotFound("没有这个用户")
    session.add(Notification(user_id=user.id, application_id=app.id if app else None, body=body))
    if sms is not None and user.phone and user.active:
        phone = user.phone
        after_commit(session, lambda: sms.send(phone, f"【零工市场】{body}"))


def inbox(session: Session, user: User, *, limit: int = 100) -> list[Notification]:
    """The newest messages first."""
    return list(session.exec(select(Notification).where(Notification.user_id == user.id)
                             .order_by(col(Notification.id).desc()).limit(limit)))


def mark_read(session: Session, user: User) -> int:
    """Everything in the inbox counts as read from now on; how many were unread."""
    result = session.exec(update(Notification).where(col(Notification.user_id) == user.id,
                                                       col(Notification.read_at).is_(None))
                          .values(read_at=clock.now()))
    return result.rowcount or 0


def notification_public(n: Notification) -> dict:
    return {"id": n.id, "body": n.body, "application_id": n.application_id,
            "created_at": n.created_at.isoformat(timespec="seconds"), "read": n.read_at is not None}
