"""A small, believable demo market for an empty database: made here, not read from any data folder."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, select

from market import clock
from market.auth.services import create_user
from market.crypto import PersonalDataCipher
from market.employers.services import decide, register_employer
from market.identity import id_check_character
from market.models import Employer, User
from market.postings.services import create_job
from market.workers.services import update_profile, worker_of

PASSWORD = "demo12345"
ACCOUNTS = [
    ("admin", "13900000001", "人社局窗口"),
    ("organiser", "13900000002", "春风行动招聘会"),
    ("employer", "13900000011", "东莞市长安精密五金有限公司"),
    ("employer", "13900000012", "贵阳筑家家政服务有限公司"),
    ("employer", "13900000013", "沧州渤海建工集团有限公司"),
    ("worker", "13900000021", "张建国"),
    ("worker", "13900000022", "李秀英"),
    ("trainer", "13900000031", "绵阳市涪城区职业技能培训学校"),
    ("station_staff", "13900000032", "长安镇零工驿站"),
]
EMPLOYERS = {
    "13900000011": ("91441900MA4UJ0XK12", "441900", "制造业"),
    "13900000012": ("91520102MA6DKX2N39", "520102", "生活服务"),
    "13900000013": ("91130900MA07RL5C2B", "130902", "建筑施工"),
}
JOBS = {
    "13900000011": [
        ("急招电焊工（二保焊）", "welder", 7000, 9500, "month", "full_time", ["包吃", "包住", "五险一金"],
         "特种作业操作证（焊接与热切割作业）", "长安镇五金厂招二保焊工，持证上岗，计件加底薪，年底双薪。粤黔协作岗位，贵州籍员工报销来莞车费。", "粤黔协作"),
        ("普工（长白班）", "factory_worker", 5200, 6500, "month", "full_time", ["包吃", "包住", "全勤奖"], None,
         "流水线装配，坐着干活，无经验可培训，18-50周岁。", None),
        ("叉车司机", "forklift", 6000, 7500, "month", "full_time", ["包吃", "五险一金"], "特种设备作业人员证（叉车司机）",
         "仓库装卸，持叉车证，两班倒。", None),
        ("临时装卸工（日结）", "porter", 220, 280, "day", "gig_daily", ["日结"], None, "周末到货卸车，当天结清工钱。", None),
    ],
    "13900000012": [
        ("住家保姆", "housekeeper", 5500, 7000, "month", "full_time", ["包吃", "包住"], None,
         "照顾一家三口日常起居，做饭打扫，会做黔菜优先。", None),
        ("育婴员（月嫂）", "nanny", 8000, 12000, "month", "full_time", ["包吃", "包住"], None,
         "持育婴员证优先，公司免费岗前培训，不收任何费用。", None),
        ("钟点工（保洁）", "cleaner", 150, 200, "day", "gig_daily", ["日结", "交通补贴"], None,
         "观山湖区小区保洁，按天结算。", None),
        ("刺绣工（贵州绣娘）", "embroiderer", 3500, 5000, "month", "piece_rate", ["节日福利"], None,
         "苗绣、马尾绣订单，可在家接单，计件结算。", None),
    ],
    "13900000013": [
        ("钢筋工", "rebar", 300, 400, "day", "gig_daily", ["包住", "日结"], None, "沧州市区住宅项目，扎钢筋，管住。", None),
        ("架子工（持证）", "scaffolder", 350, 450, "day", "seasonal", ["包吃", "包住"], "特种作业操作证（高处作业）",
         "外架搭设，持高处作业证，工期三个月。", "京冀劳务协作"),
        ("木工（支模）", "carpenter", 320, 420, "day", "seasonal", ["包住"], None, "主体施工支模，有经验。", None),
        ("建筑普工", "site_labourer", 200, 260, "day", "gig_daily", ["日结"], None, "工地清理、搬运，身体健康即可。", None),
    ],
}


def _id_number(region: str, birth: str, seq: str) -> str:
    first17 = region + birth + seq
    return first17 + id_check_character(first17)


def load_demo(session: Session, *, cipher: PersonalDataCipher) -> list[tuple[str, str, str]]:
    """Creates the demo accounts and market once; returns (role, phone, password) for each account."""
    if session.exec(select(User.id)).first() is not None:
        return []
    rng = random.Random(7)
    today = clock.today()
    users = {}
    for role, phone, name in ACCOUNTS:
        users[phone] = create_user(session=session, phone=phone, password=PASSWORD, role=role, name=name)
    admin = users["13900000001"]
    for phone, (uscc, adcode, category) in EMPLOYERS.items():
        user = users[phone]
        employer = register_employer(session=session, user=user,
                                     data={"name": user.name, "uscc": uscc, "adcode": adcode, "category": category})
        decide(session=session, employer=employer, staff=admin, approve=True, note="营业执照已核验")
    session.flush()
    for phone, jobs in JOBS.items():
        employer = session.exec(select(Employer).where(Employer.owner_id == users[phone].id)).one()
        for title, occupation, lo, hi, unit, etype, benefits, cert, text, coop in jobs:
            create_job(session=session, employer=employer, actor=users[phone], data={
                "title": title, "occupation": occupation, "description": text, "adcode": employer.adcode,
                "wage_min": lo, "wage_max": hi, "wage_unit": unit, "employment_type": etype,
                "headcount": rng.randint(2, 10), "benefits": benefits, "cert_required": cert,
                "cooperation": coop, "posted_at": today - timedelta(days=rng.randint(0, 5)),
                "closes_at": today + timedelta(days=rng.randint(20, 40))})
    welder = worker_of(session, users["13900000021"])
    update_profile(session=session, worker=welder, cipher=cipher, data={
        "name": "张建国", "hometown_adcode": "520502", "current_adcode": "441900",
        "occupations": [{"code": "welder", "years": 15}],
        "certificates": [{"name": "特种作业操作证（焊接与热切割作业）", "level": None}],
        "expected_wage": 7500, "preferred_type": "full_time", "mobility": "cross", "sensitive_consent": True,
        "id_number": _id_number("520502", "19810412", "003"), "priority_groups": ["脱贫人口"]})
    carer = worker_of(session, users["13900000022"])
    update_profile(session=session, worker=carer, cipher=cipher, data={
        "name": "李秀英", "hometown_adcode": "520102", "current_adcode": "520102",
        "occupations": [{"code": "housekeeper", "years": 6}, {"code": "cook", "years": 3}],
        "certificates": [{"name": "家政服务员职业技能等级证书", "level": 4}],
        "expected_wage": 5500, "preferred_type": "any", "mobility": "local", "labour_brand": "黔灵家政"})
    _demo_services(session, users=users, admin=admin, today=today)
    return [(role, phone, PASSWORD) for role, phone, _ in ACCOUNTS]


def _demo_services(session: Session, *, users: dict, admin: User, today) -> None:
    """A gig station with its staff, a subsidised course and a policy summary written for the demo."""
    from market.models import PartnerAccount
    from market.policies.services import publish
    from market.stations.services import create_station
    from market.training.services import create_course

    station = create_station(session=session, staff=admin, data={
        "name": "长安镇零工驿站", "adcode": "441900", "address": "长安镇人民广场东侧", "hours": "每天 6:00-18:00",
        "services": ["零工登记", "岗位信息发布", "技能培训报名", "政策咨询", "休息等候"], "phone": "0769-00000000"})
    staff = session.exec(select(PartnerAccount).where(PartnerAccount.user_id == users["13900000032"].id)).one()
    staff.station_id = station.id
    session.add(staff)
    start = today + timedelta(days=14)
    create_course(session=session, institution=users["13900000031"], data={
        "title": "电工（中级）技能提升班", "occupation": "electrician", "level": 4, "adcode": "510703",
        "address": "涪城区培训基地", "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=20)).isoformat(),
        "seats": 40, "fee_yuan": 0, "subsidy_yuan": 1500, "description": "理论加实操，结业参加等级认定。"})
    publish(session=session, staff=admin, index=None, data={
        "title": "技能提升补贴怎么领（示例摘要）", "issuer": "零工市场示例", "region_adcode": "510700",
        "body": "这是演示用的摘要，不是政策原文。持有职业技能等级证书的本地户籍农民工，可按等级申请技能提升补贴。",
        "measures": [{"text": "初级工、中级工、高级工按不同标准发放技能提升补贴", "for_workers": True,
                      "rule": "mianyang_skill_upgrade"}]})
