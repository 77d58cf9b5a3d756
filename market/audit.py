"""The audit trail staff read: who did what to which record. Ids and plain reasons only, never identifiers."""

from __future__ import annotations

from sqlmodel import Session, select

from market import clock
from market.models import AuditEntry, User

#: Every action the site records, by its Chinese name (the trail shows these, and filters by them).
ACTION_NAMES = {
    "user.register": "注册账号", "user.create": "创建账号", "user.delete": "注销账号",
    "user.password_reset": "重设密码", "worker.counter_register": "窗口登记求职者",
    "employer.register": "登记单位", "employer.resubmit": "单位修改后重新提交", "employer.verify": "单位审核通过",
    "employer.reject": "单位审核不通过",
    "job.create": "发布岗位", "job.update": "修改岗位", "job.pause": "暂停岗位", "job.resume": "恢复岗位",
    "job.close": "关闭岗位", "job.take_down": "下架岗位", "job.review_cleared": "岗位复核通过",
    "job.invite": "邀请求职者投递",
    "application.create": "投递", "application.withdraw": "撤回投递", "application.viewed": "查看投递",
    "application.interview": "约面试", "application.hired": "录用", "application.not_hired": "不录用",
    "complaint.file": "欠薪投诉", "complaint.in_progress": "受理投诉", "complaint.resolved": "投诉办结",
    "complaint.dismissed": "投诉不予受理",
    "live.create": "开直播", "live.on_air": "岗位上播", "live.end": "结束直播",
    "organiser.apply": "申请组织者账号", "organiser.approve": "组织者申请通过", "organiser.refuse": "组织者申请不通过",
}
TARGET_NAMES = {"user": "账号", "worker": "求职者", "employer": "单位", "job": "岗位", "application": "投递",
                "complaint": "投诉", "live_session": "直播", "organiser": "组织者申请"}
ROLE_NAMES = {"worker": "求职者", "employer": "招工单位", "organiser": "组织者", "admin": "人社"}


def record(session: Session, *, actor: User | None, action: str, target: tuple[str, int | None],
           **detail: object) -> None:
    session.add(AuditEntry(actor_id=actor.id if actor else None, action=action, target_type=target[0],
                           target_id=target[1], detail={k: v for k, v in detail.items() if v is not None}))


def trail(session: Session, *, actor_id: int | None = None, action: str | None = None,
          limit: int = 200) -> list[dict]:
    """The newest entries first, in China time, with people's names and Chinese labels; filtered by the
    person who acted and by the action (or the family of actions: "job" for every job.*)."""
    query = select(AuditEntry, User).join(User, User.id == AuditEntry.actor_id, isouter=True)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action == action if "." in action else AuditEntry.action.startswith(f"{action}."))
    rows = session.exec(query.order_by(AuditEntry.id.desc()).limit(limit))
    out = []
    for entry, user in rows:
        at = clock.to_china(entry.at)
        out.append({
            "id": entry.id, "actor_id": entry.actor_id,
            "actor": (f"{user.name or '未署名'}（{ROLE_NAMES.get(user.role, user.role)}）" if user else "系统"),
            "action": entry.action, "action_name": ACTION_NAMES.get(entry.action, entry.action),
            "target_type": entry.target_type, "target_id": entry.target_id,
            "target": f"{TARGET_NAMES.get(entry.target_type, entry.target_type)} {entry.target_id or ''}".strip(),
            "detail": entry.detail, "at": entry.at.isoformat(timespec="seconds"),
            "at_china": at.strftime("%Y-%m-%d %H:%M") if at else "",
        })
    return out


def actors(session: Session, limit: int = 200) -> list[tuple[int, str]]:
    """People who appear in the trail, for the filter: (user id, name with role)."""
    rows = session.exec(select(User).where(User.id.in_(select(AuditEntry.actor_id).distinct()))
                        .order_by(User.role, User.name).limit(limit))
    return [(u.id, f"{u.name or '未署名'}（{ROLE_NAMES.get(u.role, u.role)}）") for u in rows]
