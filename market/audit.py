"""The audit trail staff read: who did what to which record. Ids and plain reasons only, never identifiers."""

from __future__ import annotations

from sqlmodel import Session

from market.models import AuditEntry, User


def record(session: Session, *, actor: User | None, action: str, target: tuple[str, int | None],
           **detail: object) -> None:
    session.add(AuditEntry(actor_id=actor.id if actor else None, action=action, target_type=target[0],
                           target_id=target[1], detail={k: v for k, v in detail.items() if v is not None}))
