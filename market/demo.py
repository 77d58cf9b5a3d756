"""A believable demo market for an empty database, made here (never read from a data folder): enough
employers, postings, workers and applications across trades and places that every page has something to
show — recommendations, candidates, pipelines with outcomes, the statistics of labour flows, a fair,
complaints, the staff desk's queues — and still loaded in a couple of seconds.

The accounts in ``ACCOUNTS`` sign in with ``PASSWORD``; the other people are unclaimed accounts, as if
registered at a counter."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from sqlmodel import Session, select

from market import clock
from market.applications import services as applications
from market.audit import record
from market.auth.services import hash_password
from market.complaints.services import file_complaint
from market.crypto import PersonalDataCipher
from market.employers.services import decide, register_employer
from market.errors import Conflict
from market.identity import _USCC_CHARS, _USCC_WEIGHTS, id_check_character
from market.live.services import create_session
from market.models import (
    EMPLOYER,
    HIRED,
    INTERVIEW,
    NOT_HIRED,
    VIEWED,
    WORKER,
    Application,
    Employer,
    Fair,
    OrganiserApplication,
    User,
    Worker,
)
from market.postings.services import create_job
from market.workers.services import update_profile, worker_of
from vocab import taxonomy

PASSWORD = "demo12345"
ACCOUNTS = [
    ("admin", "13900000001", "人社局窗口"),
    ("organiser", "13900000002", "春风行动招聘会"),
    ("employer", "13900000011", "东莞市长安精密五金有限公司"),
    ("employer", "13900000012", "贵阳筑家家政服务有限公司"),
    ("employer", "13900000013", "沧州渤海建工集团有限公司"),
    ("worker", "13900000021", "张建国"),
    ("worker", "13900000022", "李秀英"),
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
        ("养老院护理员", "elder_carer", 4500, 5500, "month", "full_time", ["包吃", "五险一金"], None,
         "南明区养老院，照护失能老人，公司免费培训。", None),
        ("食堂厨师", "cook", 5000, 6500, "month", "full_time", ["包吃"], None, "机关食堂大锅菜，早八晚五。", None),
    ],
    "13900000013": [
        ("钢筋工", "rebar", 300, 400, "day", "gig_daily", ["包住", "日结"], None, "沧州市区住宅项目，扎钢筋，管住。", None),
        ("架子工（持证）", "scaffolder", 350, 450, "day", "seasonal", ["包吃", "包住"], "特种作业操作证（高处作业）",
         "外架搭设，持高处作业证，工期三个月。", "京冀劳务协作"),
        ("木工（支模）", "carpenter", 320, 420, "day", "seasonal", ["包住"], None, "主体施工支模，有经验。", None),
        ("建筑普工", "site_labourer", 200, 260, "day", "gig_daily", ["日结"], None, "工地清理、搬运，身体健康即可。", None),
    ],
}


# More organisations, each with postings of its trades; their owners are unclaimed accounts.
MORE_EMPLOYERS = [
    ("深圳市宝安区鹏程电子科技有限公司", "440306", "制造业", ["electronics", "inspector", "factory_worker"]),
    ("广州市天河区粤味餐饮管理有限公司", "440106", "餐饮", ["cook", "waiter", "pastry"]),
    ("杭州市西湖区顺达快递服务有限公司", "330106", "物流运输", ["courier", "porter", "warehouse"]),
    ("苏州市吴中区精工汽车零部件有限公司", "320506", "制造业", ["auto_assembly", "cnc", "welder"]),
    ("成都市武侯区蓉城物业服务有限公司", "510107", "生活服务", ["security_guard", "cleaner", "electrician"]),
    ("毕节市七星关区乌蒙建筑劳务有限公司", "520502", "建筑施工", ["mason", "rebar", "painter", "site_labourer"]),
    ("昆明市五华区春城家政服务有限公司", "530102", "家政服务", ["housekeeper", "elder_carer", "nanny"]),
    ("南宁市兴宁区邕州物流有限公司", "450102", "物流运输", ["truck_driver", "forklift", "rider"]),
    ("北京市朝阳区京东方养老服务中心", "110105", "家政服务", ["elder_carer", "cook", "cleaner"]),
    ("郑州市金水区中原电商服务有限公司", "410105", "电子商务", ["ecommerce", "warehouse", "courier"]),
]
# (trade, title, monthly range or a day's, unit, type, benefits, certificate, description)
TEMPLATES = {
    "electronics": ("电子装配工", 5200, 6800, "month", "full_time", ["包吃", "包住", "五险一金"], None, "SMT 车间插件、组装，两班倒，有经验优先。"),
    "inspector": ("质检员", 5000, 6500, "month", "full_time", ["包吃", "五险一金"], None, "来料和成品检验，会用卡尺。"),
    "factory_worker": ("普工（长白班）", 4800, 6200, "month", "full_time", ["包吃", "包住", "全勤奖"], None, "流水线装配，无经验可培训。"),
    "cook": ("炒锅师傅", 6500, 8500, "month", "full_time", ["包吃", "包住"], None, "粤菜、家常菜，3年以上经验。"),
    "waiter": ("餐厅服务员", 4200, 5200, "month", "full_time", ["包吃", "包住", "节日福利"], None, "点菜传菜，做六休一。"),
    "pastry": ("面点师", 5500, 7000, "month", "full_time", ["包吃", "包住"], None, "包子、饺子、烧麦，早班。"),
    "courier": ("快递员", 6000, 9000, "month", "full_time", ["五险一金", "交通补贴"], None, "片区派件，多劳多得，电动车公司配。"),
    "porter": ("装卸工（日结）", 220, 300, "day", "gig_daily", ["日结"], None, "夜班卸车，当天结清。"),
    "warehouse": ("仓库管理员", 5000, 6500, "month", "full_time", ["包吃", "五险一金"], None, "出入库登记、盘点，会用电脑。"),
    "auto_assembly": ("汽车装调工", 6500, 8500, "month", "full_time", ["包吃", "包住", "五险一金"], None, "总装线装配调试，1年以上相关经验优先。"),
    "cnc": ("数控车工", 7000, 9500, "month", "full_time", ["包吃", "包住", "五险一金"], None, "会编程、会看图纸，3年以上经验。"),
    "welder": ("电焊工（二保焊）", 7500, 10000, "month", "full_time", ["包吃", "包住", "五险一金"],
               "特种作业操作证（焊接与热切割作业）", "汽车零部件焊接，持证上岗。"),
    "security_guard": ("小区保安", 4000, 4800, "month", "full_time", ["包住", "五险一金"], "保安员证", "门岗、巡逻，做二休一。"),
    "cleaner": ("保洁员", 150, 180, "day", "gig_daily", ["日结"], None, "写字楼保洁，白班。"),
    "electrician": ("物业电工", 6000, 7500, "month", "full_time", ["包住", "五险一金"], "特种作业操作证（电工作业）", "小区配电维护，持低压电工证。"),
    "mason": ("砌筑工", 300, 380, "day", "seasonal", ["包住"], None, "安置房项目砌墙，工期四个月。"),
    "rebar": ("钢筋工", 300, 400, "day", "gig_daily", ["包住", "日结"], None, "住宅项目扎钢筋，管住。"),
    "painter": ("油漆工", 280, 350, "day", "seasonal", ["包住"], None, "外墙涂料施工。"),
    "site_labourer": ("建筑普工", 200, 260, "day", "gig_daily", ["日结"], None, "工地清理、搬运，身体健康即可。"),
    "housekeeper": ("住家保姆", 5500, 7000, "month", "full_time", ["包吃", "包住"], None, "照顾老人和孩子日常起居，做饭打扫。"),
    "elder_carer": ("养老护理员", 5000, 6500, "month", "full_time", ["包吃", "包住", "五险一金"], None, "养老院护理，公司免费培训，不收任何费用。"),
    "nanny": ("育婴员（月嫂）", 8000, 12000, "month", "full_time", ["包吃", "包住"], None, "新生儿护理，持证优先。"),
    "truck_driver": ("货车司机（B2）", 8000, 11000, "month", "full_time", ["包住", "五险一金"], "机动车驾驶证（B2及以上）", "省内干线运输，跑长途有补贴。"),
    "forklift": ("叉车司机", 6000, 7500, "month", "full_time", ["包吃", "五险一金"], "特种设备作业人员证（叉车司机）", "仓库装卸，两班倒。"),
    "rider": ("外卖骑手", 6000, 10000, "month", "full_time", ["交通补贴"], None, "众包和专送都可以，日结周结自选。"),
    "ecommerce": ("电商客服", 4500, 6000, "month", "full_time", ["包住", "五险一金", "全勤奖"], None, "打字快，会用电脑，白班。"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = ["建军", "秀兰", "志强", "桂英", "海涛", "春梅", "国平", "晓燕", "明亮", "丽娟", "大勇", "红霞", "文斌", "玉芬", "永福"]
# (hometown, current place, trade, years, mobility, certificates as the worker typed them)
PEOPLE = [
    ("520502", "441900", "welder", 8, "cross", ["焊工证（中级）"]), ("520502", "440306", "electronics", 3, "cross", []),
    ("520521", "440306", "factory_worker", 2, "cross", []), ("520502", "520502", "mason", 12, "local", []),
    ("520522", "520502", "rebar", 6, "local", []), ("520102", "520102", "cleaner", 4, "local", []),
    ("510107", "510107", "security_guard", 5, "province", ["保安员证"]), ("511302", "510107", "electrician", 7, "province", ["电工证"]),
    ("511302", "330106", "courier", 3, "cross", []), ("411302", "330106", "porter", 2, "cross", []),
    ("411302", "410105", "ecommerce", 1, "province", []), ("410105", "410105", "warehouse", 4, "local", []),
    ("530102", "530102", "housekeeper", 9, "local", []), ("532301", "530102", "elder_carer", 3, "province", []),
    ("450102", "450102", "truck_driver", 10, "province", ["B2驾驶证"]), ("451102", "450102", "forklift", 4, "province", ["叉车证"]),
    ("520502", "440106", "cook", 11, "cross", []), ("520203", "440106", "waiter", 1, "cross", []),
    ("520203", "320506", "auto_assembly", 5, "cross", []), ("341202", "320506", "cnc", 6, "cross", []),
    ("341202", "320506", "welder", 4, "cross", ["电焊证"]), ("520521", "441900", "factory_worker", 5, "cross", []),
    ("520502", "441900", "electronics", 2, "cross", []), ("430802", "110105", "elder_carer", 6, "cross", []),
    ("430802", "110105", "cook", 8, "cross", []), ("130902", "130902", "site_labourer", 15, "local", []),
    ("130902", "130902", "carpenter", 9, "province", []), ("520502", "441900", "porter", 3, "cross", []),
    ("520522", "440306", "inspector", 2, "cross", []), ("510107", "330106", "rider", 2, "cross", []),
    ("520102", "520102", "housekeeper", 7, "local", ["家政服务员职业技能等级证书"]), ("450102", "440106", "pastry", 4, "cross", []),
    ("520502", "520102", "painter", 5, "province", []), ("411302", "410105", "courier", 2, "province", []),
    ("532301", "530102", "nanny", 3, "province", []), ("520521", "440306", "factory_worker", 1, "cross", []),
]


def _uscc(body17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return body17 + _USCC_CHARS[(31 - total % 31) % 31]


def _id_number(region: str, birth: str, seq: str) -> str:
    first17 = region + birth + seq
    return first17 + id_check_character(first17)


def _account(session: Session, phone: str, role: str, name: str, password_hash: str) -> User:
    """A demo account that signs in with PASSWORD (as ``create_user`` makes one, without hashing again)."""
    user = User(phone=phone, role=role, name=name, password_hash=password_hash, phone_verified_at=clock.now(),
                auth_stamp=secrets.token_hex(8))
    session.add(user)
    session.flush()
    if role == WORKER:
        session.add(Worker(user_id=user.id, name=name, registered_at=clock.today()))
        session.flush()
    record(session, actor=None, action="user.create", target=("user", user.id), role=role)
    return user


def _unclaimed(session: Session, phone: str, role: str, name: str) -> User:
    user = User(phone=phone, role=role, name=name, claimed=False, auth_stamp=phone[-8:])
    session.add(user)
    session.flush()
    if role == WORKER:
        session.add(Worker(user_id=user.id, name=name, registered_at=clock.today()))
        session.flush()
    return user


def _job_data(rng: random.Random, occupation: str, adcode: str, today) -> dict:
    title, lo, hi, unit, etype, benefits, cert, text = TEMPLATES[occupation]
    return {"title": title, "occupation": occupation, "description": text, "adcode": adcode,
            "wage_min": lo, "wage_max": hi, "wage_unit": unit, "employment_type": etype,
            "headcount": rng.randint(2, 12), "benefits": benefits, "cert_required": cert,
            "posted_at": today - timedelta(days=rng.randint(3, 20)),
            "closes_at": today + timedelta(days=rng.randint(15, 40))}


def load_demo(session: Session, *, cipher: PersonalDataCipher) -> list[tuple[str, str, str]]:
    """Creates the demo accounts and market once; returns (role, phone, password) for each account."""
    if session.exec(select(User.id)).first() is not None:
        return []
    rng = random.Random(7)
    today = clock.today()
    users = {}
    # One password hash for every demo account: argon2 is slow on purpose, and they share the password.
    shared_hash = hash_password(PASSWORD)
    for role, phone, name in ACCOUNTS:
        users[phone] = _account(session, phone, role, name, shared_hash)
    admin, organiser = users["13900000001"], users["13900000002"]
    for phone, (uscc, adcode, category) in EMPLOYERS.items():
        user = users[phone]
        employer = register_employer(session=session, user=user,
                                     data={"name": user.name, "uscc": uscc, "adcode": adcode, "category": category})
        decide(session=session, employer=employer, staff=admin, approve=True, note="营业执照已核验")
    session.flush()
    jobs = []
    for phone, postings in JOBS.items():
        employer = session.exec(select(Employer).where(Employer.owner_id == users[phone].id)).one()
        for title, occupation, lo, hi, unit, etype, benefits, cert, text, coop in postings:
            jobs.append(create_job(session=session, employer=employer, actor=users[phone], data={
                "title": title, "occupation": occupation, "description": text, "adcode": employer.adcode,
                "wage_min": lo, "wage_max": hi, "wage_unit": unit, "employment_type": etype,
                "headcount": rng.randint(2, 10), "benefits": benefits, "cert_required": cert,
                "cooperation": coop, "posted_at": today - timedelta(days=rng.randint(3, 8)),
                "closes_at": today + timedelta(days=rng.randint(20, 40))}))
    for i, (name, adcode, category, trades) in enumerate(MORE_EMPLOYERS):
        owner = _unclaimed(session, f"1390000{1100 + i:04d}", EMPLOYER, name)
        employer = register_employer(session=session, user=owner, data={
            "name": name, "uscc": _uscc(f"91{adcode}MA{i + 1:07d}"), "adcode": adcode, "category": category})
        decide(session=session, employer=employer, staff=admin, approve=True, note="营业执照已核验")
        for occupation in trades:
            jobs.append(create_job(session=session, employer=employer, actor=owner,
                                   data=_job_data(rng, occupation, adcode, today)))
    # The staff desk's queues: one organisation waiting, one refused with its reason, an organiser's request.
    waiting = _unclaimed(session, "13900001201", EMPLOYER, "遵义市汇川区黔北建材有限公司")
    register_employer(session=session, user=waiting, data={
        "name": waiting.name, "uscc": _uscc("91520303MA0000001"), "adcode": "520303", "category": "制造业"})
    refused = _unclaimed(session, "13900001202", EMPLOYER, "某某人力资源公司")
    employer = register_employer(session=session, user=refused, data={
        "name": refused.name, "uscc": _uscc("91441900MA0000002"), "adcode": "441900", "category": "劳务派遣"})
    decide(session=session, employer=employer, staff=admin, approve=False, note="营业执照照片不清楚，请重新上传")
    session.add(OrganiserApplication(phone="13900001301", name="吴主任", password_hash=shared_hash,
                                     organisation="六盘水市六枝特区就业局", adcode="520203",
                                     purpose="送岗位下乡专场招聘会"))

    welder = worker_of(session, users["13900000021"])
    update_profile(session=session, worker=welder, cipher=cipher, data={
        "name": "张建国", "hometown_adcode": "520502", "current_adcode": "441900",
        "occupations": [{"code": "welder", "years": 15}, {"code": "rebar", "years": 2}],
        "certificates": [{"name": "特种作业操作证（焊接与热切割作业）", "level": None}],
        "expected_wage": 7500, "preferred_type": "full_time", "mobility": "cross", "sensitive_consent": True,
        "id_number": _id_number("520502", "19810412", "003"), "priority_groups": ["脱贫人口"]})
    carer = worker_of(session, users["13900000022"])
    update_profile(session=session, worker=carer, cipher=cipher, data={
        "name": "李秀英", "hometown_adcode": "520102", "current_adcode": "520102",
        "occupations": [{"code": "housekeeper", "years": 6}, {"code": "cook", "years": 3}],
        "certificates": [{"name": "家政服务员职业技能等级证书", "level": 4}],
        "expected_wage": 5500, "preferred_type": "any", "mobility": "local", "labour_brand": "黔灵家政"})
    people = [(welder, users["13900000021"]), (carer, users["13900000022"])]
    for i, (home, current, trade, years, mobility, certificates) in enumerate(PEOPLE):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        user = _unclaimed(session, f"1390000{2000 + i:04d}", WORKER, name)
        worker = worker_of(session, user)
        update_profile(session=session, worker=worker, cipher=cipher, data={
            "name": name, "hometown_adcode": home, "current_adcode": current,
            "occupations": [{"code": trade, "years": years}],
            "certificates": [{"name": c} for c in certificates],
            "expected_wage": rng.choice([4500, 5500, 6500, 7500]), "preferred_type": rng.choice(["full_time", "any"]),
            "mobility": mobility})
        people.append((worker, user))
    session.flush()
    _applications(session, rng, people, jobs, today)
    _fairs_and_complaints(session, people, jobs, organiser, today)
    return [(role, phone, PASSWORD) for role, phone, _ in ACCOUNTS]


def _applications(session: Session, rng: random.Random, people, jobs, today) -> None:
    """Each person applies to postings of their trade (and a nearby one or two); employers move them on,
    so the pipelines show every outcome and the flows page has its provinces."""
    by_trade: dict[str, list] = {}
    for job in jobs:
        by_trade.setdefault(job.occupation, []).append(job)
    employers = {e.id: e for e in session.exec(select(Employer))}
    owners = {u.id: u for u in session.exec(select(User).where(User.role == EMPLOYER))}
    outcomes = [None, VIEWED, INTERVIEW, HIRED, NOT_HIRED, HIRED, None]
    for n, (worker, user) in enumerate(people):
        trade = worker.occupations[0]["code"]
        category = taxonomy.get(trade).category
        picks = list(by_trade.get(trade, []))
        picks += rng.sample([j for j in jobs if taxonomy.get(j.occupation).category == category], 1)
        for job in picks[:2 if n < 2 else 4]:
            if job.cert_required and n == 0:
                continue  # the welder's own list keeps its certified postings to recommend
            employer = employers[job.employer_id]
            try:
                app, made = applications.apply(session=session, worker=worker, user=user, job=job, employer=employer)
            except Conflict:
                continue  # filled by earlier hires
            if not made:
                continue
            app.applied_at = max(job.posted_at, today - timedelta(days=rng.randint(1, 12)))
            session.add(app)
            outcome = outcomes[(n + job.id) % len(outcomes)]
            if outcome is not None and n != 0:
                applications.decide(session=session, app=app, job=job, actor=owners[employer.owner_id],
                                    worker_user=user, to_status=outcome,
                                    interview_at=(today + timedelta(days=2)).isoformat() + "T10:00"
                                    if outcome == INTERVIEW else None,
                                    interview_place="公司人事部" if outcome == INTERVIEW else None)
    session.flush()


def _fairs_and_complaints(session: Session, people, jobs, organiser: User, today) -> None:
    session.add(Fair(organiser_id=organiser.id, name="2026 春风行动·东莞专场招聘会", kind="spring_breeze",
                     starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=4), online=True,
                     adcode="441900", address="东莞市人力资源市场一楼大厅", target_groups=["脱贫人口", "返乡"],
                     description="粤黔协作岗位专场，现场和直播同步。"))
    session.add(Fair(organiser_id=organiser.id, name="送岗位下乡·毕节七星关", kind="jobs_to_villages",
                     starts_on=today - timedelta(days=10), ends_on=today - timedelta(days=10), adcode="520502",
                     address="七星关区碧海街道便民服务中心", target_groups=["大龄"], description="家门口就业岗位。"))
    create_session(session=session, organiser=organiser, title="春风行动直播带岗：东莞五金厂")
    filed = 0
    for worker, user in people[2:]:
        app = session.exec(select(Application).where(Application.worker_id == worker.id,
                                                     Application.status == HIRED)).first()
        if app is None:
            continue
        file_complaint(session=session, worker=worker, user=user, today=today, data={
            "job_id": app.job_id, "amount_owed": 4200 + 800 * filed,
            "period_start": (today - timedelta(days=60)).isoformat(), "period_end": (today - timedelta(days=30)).isoformat(),
            "description": "干满一个月，老板说月底结，到现在没给。"})
        filed += 1
        if filed == 3:
            break
