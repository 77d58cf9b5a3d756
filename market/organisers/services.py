"""Organiser accounts on request: a person applies from the site (phone verified by a code, a password
set), staff approve or refuse with a reason, and the applicant hears the outcome by SMS."""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from market import clock
from market.audit import record
from market.auth.services import check_password_rules, consume_code, hash_password
from market.errors import Conflict, FieldErrors, Invalid
from market.identity import normalise_phone
from market.models import (
    ORGANISER,
    ORGANISER_APPROVED,
    ORGANISER_PENDING,
    ORGANISER_REFUSED,
    OrganiserApplication,
    User,
)
from market.sms import SmsSender
from vocab import regions

STATUS_NAMES = {ORGANISER_PENDING: "待审核", ORGANISER_APPROVED: "已通过", ORGANISER_REFUSED: "未通过"}


def apply(*, session: Session, data: dict, sms: SmsSender | None = None) -> OrganiserApplication:
    """Every field's error at once; the code is checked last so a typo elsewhere does not spend it."""
    errors = FieldErrors()
    phone = ""
    try:
        phone = normalise_phone(data.get("phone"))
    except Invalid as exc:
        errors.fields.update(exc.fields)
    name = str(data.get("name") or "").strip()
    errors.check(1 <= len(name) <= 60, "name", "请填写您的姓名")
    organisation = str(data.get("organisation") or "").strip()
    errors.check(2 <= len(organisation) <= 100, "organisation", "请填写机构全称（2-100 个字），如 某某县人社局、某某街道")
    adcode = str(data.get("adcode") or "").strip()
    errors.check(regions.is_real(adcode), "adcode", "机构所在地的行政区划代码不存在")
    purpose = str(data.get("purpose") or "").strip()
    errors.check(len(purpose) <= 500, "purpose", "用途最多 500 字")
    try:
        check_password_rules(data.get("password"))
    except Invalid as exc:
        errors.fields.update(exc.fields)
    errors.raise_if_any()
    if session.exec(select(User.id).where(User.phone == phone)).first():
        raise Conflict("这个手机号已注册，请换一个手机号申请，或联系人社部门", fields={"phone": "已注册"})
    if session.exec(select(OrganiserApplication.id).where(OrganiserApplication.phone == phone,
                                                          OrganiserApplication.status == ORGANISER_PENDING)).first():
        raise Conflict("这个手机号已有一份申请在审核中", fields={"phone": "审核中"})
    consume_code(session, phone, "register", data.get("code"))
    application = OrganiserApplication(phone=phone, name=name, organisation=organisation, adcode=adcode,
                                       purpose=purpose, password_hash=hash_password(str(data.get("password"))))
    session.add(application)
    session.flush()
    record(session, actor=None, action="organiser.apply", target=("organiser", application.id))
    return application


def pending(session: Session) -> list[OrganiserApplication]:
    return list(session.exec(select(OrganiserApplication).where(OrganiserApplication.status == ORGANISER_PENDING)
                             .order_by(col(OrganiserApplication.id)).limit(200)))


def decide(*, session: Session, application: OrganiserApplication, staff: User, approve: bool, note: str = "",
           sms: SmsSender | None = None) -> OrganiserApplication:
    """Approve (the organiser account is made, with the password chosen when applying) or refuse with the
    reason; the applicant is told by SMS once the decision commits."""
    from market.db import after_commit

    if application.status != ORGANISER_PENDING:
        raise Conflict("这份申请已经处理过了", fields={"status": STATUS_NAMES[application.status]})
    note = (note or "").strip()
    if not approve and not note:
        raise Invalid({"note": "不通过时请写明原因"})
    if approve:
        if session.exec(select(User.id).where(User.phone == application.phone)).first():
            raise Conflict("这个手机号在申请后已注册了别的账号，无法开通", fields={"phone": "已注册"})
        user = User(phone=application.phone, role=ORGANISER, name=application.name,
                    password_hash=application.password_hash, phone_verified_at=clock.now(),
                    auth_stamp=secrets.token_hex(8))
        session.add(user)
        session.flush()
        application.user_id = user.id
        text = (f"【零工市场】您为“{application.organisation}”申请的组织者账号已开通，"
                "请用申请时的手机号和密码登录，即可举办招聘会和直播带岗。")
    else:
        text = (f"【零工市场】您为“{application.organisation}”申请的组织者账号未通过审核，原因：{note[:200]}。"
                "可以补充材料后重新申请。")
    application.status = ORGANISER_APPROVED if approve else ORGANISER_REFUSED
    application.review_note = note[:200] or None
    application.decided_by = staff.id
    application.decided_at = clock.now()
    session.add(application)
    record(session, actor=staff, action="organiser.approve" if approve else "organiser.refuse",
           target=("organiser", application.id), note=note[:200] or None)
    if sms is not None:
        phone = application.phone
        after_commit(session, lambda: sms.send(phone, text))
    return application


def application_public(application: OrganiserApplication) -> dict:
    """What staff see (and the applicant's own answer): never the password hash."""
    return {"id": application.id, "name": application.name, "phone": application.phone,
            "organisation": application.organisation, "adcode": application.adcode,
            "place": regions.full_name(application.adcode), "purpose": application.purpose,
            "status": application.status, "status_name": STATUS_NAMES[application.status],
            "review_note": application.review_note}
