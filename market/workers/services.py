"""Workers' real-name profiles, the separate consent for sensitive data, and deleting an account."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, delete, select

from market import clock, validate
from market.audit import record
from market.crypto import PersonalDataCipher, mask_id_number
from market.errors import Conflict, FieldErrors, Invalid
from market.identity import parse_id_number
from market.models import WORKER, Notification, SignIn, User, Worker
from market.skills import certificates as held_certificates
from vocab import regions, taxonomy
from vocab.terms import COLLECTED_PRIORITY_GROUPS, MOBILITIES, PREFERRED_TYPES, PRIORITY_GROUPS

ID_CONTEXT = b"worker.id_number"
PRIORITY_CONTEXT = b"worker.priority_groups"


def worker_of(session: Session, user: User) -> Worker | None:
    return session.exec(select(Worker).where(Worker.user_id == user.id)).first()


def require_worker(session: Session, user: User) -> Worker:
    """The signed-in worker's profile; a worker account always has one unless it was deleted."""
    worker = worker_of(session, user)
    if worker is None:
        from market.errors import Forbidden

        raise Forbidden("请先完善求职资料")
    return worker


def _occupations(errors: FieldErrors, raw) -> list[dict]:
    out: list[dict] = []
    if not isinstance(raw, list | None):
        errors.add("occupations", "工种（occupations）应为列表")
        return out
    for item in raw or []:
        code = item.get("code") if isinstance(item, dict) else item
        if not isinstance(code, str) or taxonomy.get(code) is None:
            errors.add("occupations", "工种不在工种目录里，请从列表中选择")
            continue
        try:
            years = int((item.get("years") if isinstance(item, dict) else 0) or 0)
        except (TypeError, ValueError):
            errors.add("occupations", "工龄应为整数（年）")
            continue
        if not 0 <= years <= 60:
            errors.add("occupations", "工龄应在 0 到 60 年之间")
            continue
        if code not in [o["code"] for o in out]:
            out.append({"code": code, "years": years})
    return out


def update_profile(*, session: Session, worker: Worker, cipher: PersonalDataCipher, data: dict,
                   today: date | None = None) -> Worker:
    today = today or clock.today()
    errors = FieldErrors()
    if "name" in data:
        name = (validate.text(data.get("name"), "name", "姓名", max_length=30, errors=errors) or "").strip()
        errors.check(1 <= len(name) <= 30, "name", "请填写真实姓名（最多 30 个字）")
        worker.name = name
    for field, label in (("hometown_adcode", "户籍所在地"), ("current_adcode", "现在所在地")):
        if field in data:
            value = str(data.get(field) or "").strip() or None
            if value and not regions.is_real(value):
                errors.add(field, f"{label}的行政区划代码不存在")
            setattr(worker, field, value)
    if "occupations" in data:
        worker.occupations = _occupations(errors, data["occupations"])
    certificates = None
    if "certificates" in data:
        certificates = held_certificates.parse(errors, data["certificates"], held=worker.certificates)
    if "expected_wage" in data:
        wage = data.get("expected_wage")
        if wage in (None, ""):
            worker.expected_wage = None
        else:
            worker.expected_wage = validate.integer(wage, "expected_wage", "期望月薪（元/月）", low=500, high=100000,
                                                    errors=errors)
    if "preferred_type" in data:
        errors.check(data["preferred_type"] in PREFERRED_TYPES, "preferred_type", "请选择想做的工作类型")
        worker.preferred_type = data["preferred_type"]
    if "mobility" in data:
        errors.check(data["mobility"] in MOBILITIES, "mobility", "请选择愿意去多远工作：本地、省内或跨省")
        worker.mobility = data["mobility"]
    if "labour_brand" in data:
        brand = data.get("labour_brand") or None
        errors.check(brand is None or brand in [b.name for b in taxonomy.labour_brands()], "labour_brand",
                     "劳务品牌不在列表里")
        worker.labour_brand = brand
    if "discoverable" in data:
        flag = validate.boolean(data["discoverable"], "discoverable", "是否让招工单位找到我", errors=errors)
        worker.discoverable = worker.discoverable if flag is None else flag

    # Sensitive personal information (PIPL Art. 29): only with its own, separate consent.
    consent = data.get("sensitive_consent")
    if consent is not None:
        consent = validate.boolean(consent, "sensitive_consent", "同意处理敏感个人信息", errors=errors)
    if not isinstance(data.get("id_number") or "", str):
        errors.add("id_number", "身份证号（id_number）应为文字")
        data = {k: v for k, v in data.items() if k != "id_number"}
    if not isinstance(data.get("priority_groups") or [], list):
        errors.add("priority_groups", "重点群体（priority_groups）应为列表")
        data = {k: v for k, v in data.items() if k != "priority_groups"}
    if consent is True and worker.sensitive_consent_at is None:
        worker.sensitive_consent_at = clock.now()
    wants_sensitive = bool(data.get("id_number")) or bool(data.get("priority_groups"))
    if wants_sensitive and worker.sensitive_consent_at is None:
        errors.add("sensitive_consent", "填写身份证号或重点群体信息前，请先单独勾选同意处理敏感个人信息")
    if consent is False:
        _forget_sensitive(worker)
    if data.get("id_number") and "sensitive_consent" not in errors:
        try:
            number, birth = parse_id_number(data["id_number"], today=today)
        except Invalid as exc:
            errors.fields.update(exc.fields)
        else:
            digest = cipher.blind_index(number)
            other = session.exec(select(Worker.id).where(Worker.id_number_hash == digest)).first()
            if other is not None and other != worker.id:
                raise Conflict("这个身份证号已被另一个账号使用，如有疑问请到人社窗口办理",
                               fields={"id_number": "已被使用"})
            worker.id_number_cipher = cipher.encrypt(number, context=ID_CONTEXT)
            worker.id_number_hash = digest
            worker.birth_date = birth
    if "priority_groups" in data and "sensitive_consent" not in errors:
        groups = data.get("priority_groups") or []
        if any(g not in PRIORITY_GROUPS for g in groups):
            errors.add("priority_groups", f"重点群体只能是：{'、'.join(PRIORITY_GROUPS)}")
        else:
            groups = sorted({g for g in groups if g in COLLECTED_PRIORITY_GROUPS})  # 大龄: no longer kept
            worker.priority_groups_cipher = (
                cipher.encrypt(json.dumps(groups, ensure_ascii=False), context=PRIORITY_CONTEXT)
                if groups else None)
    errors.raise_if_any()
    if certificates is not None:
        held_certificates.replace(session, worker, certificates)
    worker.updated_at = clock.now()
    session.add(worker)
    return worker


def _forget_sensitive(worker: Worker) -> None:
    worker.sensitive_consent_at = None
    worker.id_number_cipher = worker.id_number_hash = None
    worker.priority_groups_cipher = None
    worker.birth_date = None


def id_number(worker: Worker, cipher: PersonalDataCipher) -> str | None:
    return cipher.decrypt(worker.id_number_cipher, context=ID_CONTEXT) if worker.id_number_cipher else None


def priority_groups(worker: Worker, cipher: PersonalDataCipher) -> list[str]:
    if not worker.priority_groups_cipher:
        return []
    return json.loads(cipher.decrypt(worker.priority_groups_cipher, context=PRIORITY_CONTEXT))


# What others see of an account that was deleted (an application in an employer's list, a complaint).
DELETED_NAME = "已注销"
# Accounts nobody has used for this long are deleted like an account its owner deletes (README: retention).
RETENTION_DAYS = 3 * 365


def delete_account(*, session: Session, user: User, worker: Worker | None) -> None:
    """Removes the person: profile, identifiers, phone, hometown, birth date, inbox, sign-ins.
    Applications stay, anonymous, for the employers' records; the external id stays so that importing
    the same source again does not bring the person back."""
    if worker is not None:
        _forget_sensitive(worker)
        worker.name = ""
        worker.occupations = []
        held_certificates.replace(session, worker, [])
        worker.expected_wage = None
        worker.current_adcode = worker.hometown_adcode = None
        worker.labour_brand = None
        worker.registered_at = None
        worker.discoverable = False
        session.add(worker)
    session.exec(update(SignIn).where(col(SignIn.user_id) == user.id, col(SignIn.revoked_at).is_(None))
                 .values(revoked_at=clock.now(), label=""))
    session.exec(delete(Notification).where(col(Notification.user_id) == user.id))
    user.phone = None
    user.name = ""
    user.password_hash = None
    user.active = False
    user.auth_stamp = secrets.token_hex(8)
    session.add(user)
    record(session, actor=user, action="user.delete", target=("user", user.id))


def _base(worker: Worker) -> dict:
    region = regions.get(worker.current_adcode)
    return {
        "id": worker.id,
        "name": worker.name,
        "current_adcode": worker.current_adcode,
        "current_place": regions.full_name(worker.current_adcode) if region else "",
        "occupations": [{**o, "name": taxonomy.name_of(o["code"])} for o in worker.occupations],
        "certificates": [held_certificates.public(c, with_number=False) for c in worker.certificates or []],
        "expected_wage": worker.expected_wage,
        "preferred_type": worker.preferred_type,
        "mobility": worker.mobility,
        "labour_brand": worker.labour_brand,
    }


def _with_numbers(worker: Worker) -> list[dict]:
    return [held_certificates.public(c, with_number=True) for c in worker.certificates or []]


def worker_for_self(worker: Worker, cipher: PersonalDataCipher) -> dict:
    return {**_base(worker), "certificates": _with_numbers(worker), "external_id": worker.external_id,
            "id_number": id_number(worker, cipher),
            "birth_date": worker.birth_date.isoformat() if worker.birth_date else None,
            "hometown_adcode": worker.hometown_adcode, "priority_groups": priority_groups(worker, cipher),
            "sensitive_consent": worker.sensitive_consent_at is not None, "discoverable": worker.discoverable}


def worker_for_staff(worker: Worker, cipher: PersonalDataCipher) -> dict:
    number = id_number(worker, cipher)
    return {**_base(worker), "certificates": _with_numbers(worker), "external_id": worker.external_id,
            "id_number_masked": mask_id_number(number) if number else None,
            "hometown_adcode": worker.hometown_adcode, "priority_groups": priority_groups(worker, cipher),
            "discoverable": worker.discoverable}


def worker_for_employer(worker: Worker, *, deleted: bool = False) -> dict:
    """No ID number, birth date, hometown or priority group: ever. A deleted account is "已注销"."""
    if deleted:
        return {"id": worker.id, "name": DELETED_NAME, "deleted": True, "current_adcode": None,
                "current_place": "", "occupations": [], "certificates": [], "expected_wage": None,
                "preferred_type": None, "mobility": None, "labour_brand": None}
    return _base(worker)


def inactive_users(session: Session, *, before: datetime) -> list[User]:
    """Active accounts with no sign-in, application or profile change since ``before``."""
    from market.models import Application

    last_sign_in = select(func.max(SignIn.created_at)).where(SignIn.user_id == User.id).scalar_subquery()
    last_application = (select(func.max(Application.created_at)).join(Worker, col(Worker.id) == Application.worker_id)
                        .where(Worker.user_id == User.id).scalar_subquery())
    last_profile = select(func.max(Worker.updated_at)).where(Worker.user_id == User.id).scalar_subquery()
    rows = session.exec(select(User).where(
        col(User.active).is_(True), User.role == WORKER, User.created_at < before,
        *[or_(last.is_(None), last < before) for last in (last_sign_in, last_application, last_profile)]))
    return list(rows)


def purge_inactive(*, session: Session, today: date, days: int = RETENTION_DAYS) -> int:
    """Delete the accounts of workers inactive for ``days``; returns how many."""
    before = datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=clock.CHINA)
    users = inactive_users(session, before=before)
    for user in users:
        worker = session.exec(select(Worker).where(Worker.user_id == user.id)).first()
        delete_account(session=session, user=user, worker=worker)
    return len(users)


def register_at_counter(*, session: Session, staff: User, cipher: PersonalDataCipher, data: dict) -> Worker:
    """Staff register a worker who came to the counter without a smartphone. The account is unclaimed:
    the worker can later sign in by verifying the phone and setting a password."""
    from market.identity import normalise_phone

    phone = normalise_phone(data.get("phone"))
    if session.exec(select(User.id).where(User.phone == phone)).first():
        raise Conflict("这个手机号已注册", fields={"phone": "已注册"})
    user = User(phone=phone, role="worker", name=str(data.get("name") or "").strip()[:60], claimed=False,
                auth_stamp=secrets.token_hex(8))
    session.add(user)
    session.flush()
    assert user.id is not None  # flushed
    worker = Worker(user_id=user.id, registered_at=clock.today())
    session.add(worker)
    session.flush()
    update_profile(session=session, worker=worker, cipher=cipher, data=data)
    record(session, actor=staff, action="worker.counter_register", target=("worker", worker.id))
    return worker
