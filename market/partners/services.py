"""The bureau's partners: training institutions and gig-station staff. Their accounts work once the
bureau's staff approved them; an account made by an administrator (or on the command line) is approved."""

from __future__ import annotations

from sqlmodel import Session, col, select

from market import clock
from market.audit import record
from market.errors import FieldErrors, Forbidden, NotFound
from market.models import (
    PARTNER_APPROVED,
    PARTNER_PENDING,
    PARTNER_REJECTED,
    PARTNER_ROLES,
    STATION_STAFF,
    TRAINER,
    GigStation,
    PartnerAccount,
    User,
)
from vocab import regions

ROLE_NAMES = {TRAINER: "培训机构", STATION_STAFF: "零工驿站工作人员"}
STATUS_NAMES = {PARTNER_PENDING: "待审核", PARTNER_APPROVED: "已通过", PARTNER_REJECTED: "未通过"}


def account_of(session: Session, user: User) -> PartnerAccount | None:
    return session.exec(select(PartnerAccount).where(PartnerAccount.user_id == user.id)).first()


def open_account(session: Session, *, user: User, approved: bool, actor: User | None = None) -> PartnerAccount:
    """The partner record every trainer or station-staff account has (pending unless ``approved``)."""
    assert user.id is not None  # a stored account
    account = PartnerAccount(user_id=user.id, role=user.role, organisation=user.name or "",
                             status=PARTNER_APPROVED if approved else PARTNER_PENDING)
    if approved:
        account.decided_at, account.decided_by = clock.now(), actor.id if actor else None
    session.add(account)
    return account


def apply(*, session: Session, user: User, data: dict) -> PartnerAccount:
    """The partner says who it is (organisation, place, station); a changed application waits for review."""
    if user.role not in PARTNER_ROLES:
        raise Forbidden("只有培训机构和零工驿站工作人员需要提交机构资料")
    errors = FieldErrors()
    organisation = str(data.get("organisation") or "").strip()
    errors.check(2 <= len(organisation) <= 100, "organisation", "请填写机构名称（2 到 100 个字）")
    adcode = str(data.get("adcode") or "").strip() or None
    errors.check(adcode is None or regions.is_real(adcode), "adcode", "所在地的行政区划代码不存在")
    station_id = data.get("station_id")
    if station_id not in (None, ""):
        try:
            station_id = int(station_id)
        except (TypeError, ValueError):
            station_id = -1
        errors.check(session.get(GigStation, station_id) is not None, "station_id", "没有这个零工驿站")
    else:
        station_id = None
    errors.raise_if_any()
    account = account_of(session, user) or open_account(session, user=user, approved=False)
    changed = (account.organisation, account.adcode, account.station_id) != (organisation, adcode, station_id)
    account.organisation, account.adcode, account.station_id = organisation, adcode, station_id
    if changed and account.status != PARTNER_PENDING:
        account.status, account.decided_at, account.decided_by = PARTNER_PENDING, None, None
    session.add(account)
    session.flush()
    record(session, actor=user, action="partner.apply", target=("partner", account.id), role=user.role)
    return account


def pending(session: Session) -> list[PartnerAccount]:
    return list(session.exec(select(PartnerAccount).where(PartnerAccount.status == PARTNER_PENDING)
                             .order_by(col(PartnerAccount.id)).limit(200)))


def decide(*, session: Session, staff: User, account_id: int, approve: bool, note: str = "") -> PartnerAccount:
    account = session.get(PartnerAccount, account_id)
    if account is None:
        raise NotFound("没有这个机构申请")
    account.status = PARTNER_APPROVED if approve else PARTNER_REJECTED
    account.note = note.strip()[:200] or None
    account.decided_by, account.decided_at = staff.id, clock.now()
    session.add(account)
    record(session, actor=staff, action="partner.decide", target=("partner", account.id),
           approved=approve)
    return account


def require_approved(session: Session, user: User, role: str) -> PartnerAccount:
    """The partner's approved account, or 403 with what is missing."""
    if user.role != role:
        raise Forbidden(f"只有{ROLE_NAMES[role]}账号可以这样做")
    account = account_of(session, user)
    if account is None or account.status != PARTNER_APPROVED:
        raise Forbidden("机构账号还没有通过人社部门审核")
    return account


def public(account: PartnerAccount) -> dict:
    return {"id": account.id, "user_id": account.user_id, "role": account.role,
            "role_name": ROLE_NAMES.get(account.role, account.role), "organisation": account.organisation,
            "adcode": account.adcode, "place": regions.full_name(account.adcode) if account.adcode else "",
            "station_id": account.station_id, "status": account.status,
            "status_name": STATUS_NAMES[account.status], "note": account.note}
