"""Employers: registration with a unified social credit code, and verification by staff."""

from __future__ import annotations

from sqlmodel import Session, select

from market import clock
from market.audit import record
from market.errors import Conflict, FieldErrors, Forbidden, Invalid
from market.identity import normalise_uscc, uscc_checksum_ok
from market.models import (
    EMPLOYER,
    EMPLOYER_PENDING,
    EMPLOYER_REJECTED,
    EMPLOYER_REVIEW,
    EMPLOYER_VERIFIED,
    Employer,
    Job,
    User,
)
from market.notify import notify
from market.outbox import enqueue_index
from market.sms import SmsSender
from vocab import regions

STATUS_NAMES = {EMPLOYER_PENDING: "待审核", EMPLOYER_REVIEW: "待人工核实（信用代码校验未通过）",
                EMPLOYER_VERIFIED: "已认证", EMPLOYER_REJECTED: "未通过审核"}


def employer_of(session: Session, user: User) -> Employer | None:
    return session.exec(select(Employer).where(Employer.owner_id == user.id)).first()


def register_employer(*, session: Session, user: User, data: dict) -> Employer:
    """A code that fails its GB 32100 check goes to manual review: never silently accepted."""
    if user.role != EMPLOYER:
        raise Forbidden("只有招工账号可以登记单位")
    if employer_of(session, user):
        raise Conflict("这个账号已登记过单位")
    name, uscc, adcode = _checked(session, data, None)
    checksum_ok = uscc_checksum_ok(uscc)
    employer = Employer(
        owner_id=user.id, name=name, uscc=uscc, uscc_checksum_ok=checksum_ok, adcode=adcode,
        category=(str(data.get("category") or "").strip() or None), size=data.get("size") or None,
        status=EMPLOYER_PENDING if checksum_ok else EMPLOYER_REVIEW,
        review_note=None if checksum_ok else "统一社会信用代码校验位不符，需人工核实营业执照",
    )
    session.add(employer)
    session.flush()
    record(session, actor=user, action="employer.register", target=("employer", employer.id),
           checksum_ok=checksum_ok)
    return employer


def _checked(session: Session, data: dict, employer: Employer | None) -> tuple[str, str, str]:
    """The name, code and place of a registration (or a corrected one), every field's error at once."""
    errors = FieldErrors()
    name = str(data.get("name") or "").strip()
    errors.check(2 <= len(name) <= 100, "name", "请填写单位全称（2-100 个字）")
    uscc = ""
    try:
        uscc = normalise_uscc(data.get("uscc"))
    except Invalid as exc:
        errors.fields.update(exc.fields)
    adcode = str(data.get("adcode") or "").strip()
    errors.check(regions.is_real(adcode), "adcode", "单位所在地的行政区划代码不存在")
    errors.raise_if_any()
    same = session.exec(select(Employer).where(Employer.uscc == uscc)).first()
    if same is not None and (employer is None or same.id != employer.id):
        raise Conflict("这个统一社会信用代码已登记，如有疑问请联系人社部门", fields={"uscc": "已登记"})
    return name, uscc, adcode


def resubmit(*, session: Session, user: User, employer: Employer, data: dict) -> Employer:
    """A refused (or held for a manual check) organisation corrects its details and asks again."""
    if employer.owner_id != user.id:
        raise Forbidden("只能修改自己单位的登记")
    if employer.status not in (EMPLOYER_REJECTED, EMPLOYER_REVIEW):
        raise Conflict("只有未通过或待人工核实的登记可以修改后重新提交",
                       fields={"status": STATUS_NAMES.get(employer.status, employer.status)})
    name, uscc, adcode = _checked(session, data, employer)
    checksum_ok = uscc_checksum_ok(uscc)
    employer.name, employer.uscc, employer.adcode, employer.uscc_checksum_ok = name, uscc, adcode, checksum_ok
    employer.category = str(data.get("category") or "").strip() or employer.category
    employer.status = EMPLOYER_PENDING if checksum_ok else EMPLOYER_REVIEW
    employer.review_note = None if checksum_ok else "统一社会信用代码校验位不符，需人工核实营业执照"
    session.add(employer)
    record(session, actor=user, action="employer.resubmit", target=("employer", employer.id),
           checksum_ok=checksum_ok)
    return employer


def outcome_message(employer: Employer, note: str | None) -> str:
    if employer.status == EMPLOYER_VERIFIED:
        return f"您的单位“{employer.name}”已通过人社部门审核，现在可以发布岗位了。"
    return (f"您的单位“{employer.name}”未通过审核，原因：{note or '未说明'}。"
            "请在“单位审核”页面修改后重新提交。")


def decide(*, session: Session, employer: Employer, staff: User, approve: bool, note: str = "",
           sms: SmsSender | None = None) -> Employer:
    """Approve or refuse (with the reason); the owner learns the outcome in the inbox and by SMS."""
    if employer.status == EMPLOYER_VERIFIED and approve:
        return employer
    if not approve and not note.strip():
        raise Invalid({"note": "不通过时请写明原因"})
    employer.status = EMPLOYER_VERIFIED if approve else EMPLOYER_REJECTED
    employer.verified_at = clock.now() if approve else None
    employer.review_note = note.strip()[:200] or None
    session.add(employer)
    # Its postings appear in (or leave) search with the verification.
    for job_id in session.exec(select(Job.id).where(Job.employer_id == employer.id)):
        assert job_id is not None  # a primary key
        enqueue_index(session, job_id)
    record(session, actor=staff, action="employer.verify" if approve else "employer.reject",
           target=("employer", employer.id), note=note.strip()[:200] or None)
    owner = session.get(User, employer.owner_id) if employer.owner_id else None
    if owner is not None:
        notify(session, user=owner, app=None, body=outcome_message(employer, employer.review_note), sms=sms)
    return employer


def employer_public(employer: Employer) -> dict:
    """What the organisation's own account and staff see of it."""
    return {"id": employer.id, "name": employer.name, "uscc": employer.uscc, "adcode": employer.adcode,
            "status": employer.status, "status_name": STATUS_NAMES.get(employer.status, employer.status),
            "review_note": employer.review_note,
            "can_resubmit": employer.status in (EMPLOYER_REJECTED, EMPLOYER_REVIEW),
            "category": employer.category}
