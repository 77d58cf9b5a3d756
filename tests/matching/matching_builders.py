"""Builders of tiny hand-made markets for the matching tests (no benchmark data needed)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from matching.types import Application, Posting, WorkerProfile

AS_OF = date(2026, 6, 1)

# Real county-level places (cpca adcodes)
BIJIE = "520502"  # 贵州省毕节市七星关区
GUIYANG = "520102"  # 贵州省贵阳市南明区
LIUZHI = "520203"  # 贵州省六盘水市六枝特区
DONGGUAN = "441900"  # 广东省东莞市
SHENZHEN = "440305"  # 广东省深圳市南山区
GUANGZHOU = "440106"  # 广东省广州市天河区
HANGZHOU = "330106"  # 浙江省杭州市西湖区
CHENGDU = "510107"  # 四川省成都市武侯区
BEIJING = "110105"  # 北京市朝阳区
KUNMING = "530102"  # 云南省昆明市五华区
NANNING = "450102"  # 广西南宁市兴宁区

WELD_CERT = "特种作业操作证（焊接与热切割作业）"

_counter = {"p": 0, "w": 0}


def make_posting(**kw) -> Posting:
    _counter["p"] += 1
    base = dict(
        id=f"P{_counter['p']:05d}",
        employer_id="E1",
        title="普工（长期）",
        occupation="factory_worker",
        description="某公司现招聘车间普工5名。岗位要求：1年以上普工相关经验优先。",
        adcode=GUIYANG,
        lat=None,
        lng=None,
        wage_min=4000,
        wage_max=6000,
        wage_unit="month",
        employment_type="full_time",
        headcount=5,
        benefits=[],
        cert_required=None,
        skill_level_required=None,
        cooperation=None,
        posted_at=AS_OF - timedelta(days=10),
        closes_at=AS_OF + timedelta(days=20),
    )
    base.update(kw)
    return Posting(**base)


def make_worker(**kw) -> WorkerProfile:
    _counter["w"] += 1
    base = dict(
        id=f"W{_counter['w']:05d}",
        current_adcode=GUIYANG,
        hometown_adcode=GUIYANG,
        occupations=[("factory_worker", 3)],
        certificates=[],
        expected_wage=5000,
        preferred_type="any",
        mobility="province",
        birth_date=date(1990, 5, 5),
        priority_groups=frozenset(),
        labour_brand=None,
        discoverable=True,
    )
    base.update(kw)
    return WorkerProfile(**base)


# ---------------------------------------------------------------- a small synthetic market

PLACES = [BIJIE, GUIYANG, LIUZHI, DONGGUAN, SHENZHEN, GUANGZHOU, HANGZHOU, CHENGDU, KUNMING, NANNING]
TRADES = [
    ("welder", "电焊工", WELD_CERT),
    ("factory_worker", "普工", None),
    ("cook", "炒锅师傅", None),
    ("security_guard", "保安员", "保安员证"),
    ("courier", "快递员", None),
    ("housekeeper", "家政阿姨", None),
]
TRADE_NAMES = {"welder": "焊工", "factory_worker": "普工", "cook": "中式烹调师", "security_guard": "保安员",
               "courier": "快递员", "housekeeper": "家政服务员"}


def synthetic_market(seed: int = 7, n_workers: int = 150, n_postings: int = 500, start: date = date(2026, 2, 1),
                     end: date = AS_OF):
    """Workers apply mostly to nearby postings of their trade; a few wander. Deterministic for a seed."""
    from vocab import regions

    rng = random.Random(seed)
    postings = []
    span = (end - start).days
    for i in range(n_postings):
        code, title, cert = rng.choice(TRADES)
        place = rng.choice(PLACES)
        posted = start + timedelta(days=rng.randrange(0, span + 10))
        cooperation = "粤黔协作" if place[:2] == "44" and rng.random() < 0.3 else None
        label = code if rng.random() > 0.15 else rng.choice(TRADES)[0]
        age = rng.choice(["年龄18-45周岁；", "年龄18-55周岁；", ""])
        postings.append(
            Posting(
                id=f"J{i:05d}", employer_id=f"E{i % 40:03d}", title=f"{title}{rng.choice(['', '（长期）', '5名'])}",
                occupation=label,
                description=f"现招聘{title}。岗位要求：{age}{rng.randint(1, 3)}年以上{TRADE_NAMES[code]}相关经验优先。",
                adcode=place, lat=None, lng=None, wage_min=rng.randrange(3000, 6000, 100),
                wage_max=rng.randrange(6000, 9000, 100), wage_unit="month",
                employment_type=rng.choice(["full_time", "full_time", "gig_daily"]), headcount=rng.randint(1, 10),
                benefits=rng.sample(["包吃", "包住", "交通补贴", "五险一金"], rng.randint(0, 3)),
                cert_required=cert if rng.random() < 0.5 else None, skill_level_required=None,
                cooperation=cooperation, posted_at=posted, closes_at=posted + timedelta(days=rng.randint(15, 40)),
            )
        )
    workers = []
    for i in range(n_workers):
        code = rng.choice(TRADES)[0]
        home = rng.choice(PLACES)
        cur = home if rng.random() < 0.6 else rng.choice(PLACES)
        certs = [(WELD_CERT, None)] if code == "welder" and rng.random() < 0.7 else []
        if code == "security_guard" and rng.random() < 0.7:
            certs.append(("保安员证", None))
        workers.append(
            WorkerProfile(
                id=f"W{i:05d}", current_adcode=cur, hometown_adcode=home, occupations=[(code, rng.randint(0, 10))],
                certificates=certs, expected_wage=rng.randrange(4000, 8000, 100),
                preferred_type=rng.choice(["full_time", "gig_daily", "any"]),
                mobility=rng.choice(["local", "province", "cross"]),
                birth_date=date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                priority_groups=frozenset(["脱贫人口"]) if rng.random() < 0.1 else frozenset(),
                labour_brand=None, discoverable=True,
            )
        )
    trade_of = {p.id: next(c for c, t, _ in TRADES if p.title.startswith(t)) for p in postings}
    applications = []
    seen = set()
    for w in workers:
        for _ in range(rng.randint(1, 6)):
            day = start + timedelta(days=rng.randrange(span))
            open_ = [p for p in postings if p.posted_at <= day < p.closes_at]
            if not open_:
                continue

            def appeal(p, w=w):
                d = regions.distance_between(w.current_adcode, p.adcode) or 0.0
                s = 3.0 if trade_of[p.id] == w.occupations[0][0] else 0.2
                return s / (1.0 + d / 60.0) ** 2 + (1.0 if p.cert_required and p.cert_required in w.certificate_names() else 0)

            weights = [appeal(p) for p in open_]
            p = rng.choices(open_, weights=weights)[0]
            if (w.id, p.id) in seen or (p.cert_required and p.cert_required not in w.certificate_names()):
                continue
            seen.add((w.id, p.id))
            applications.append(Application(w.id, p.id, day, hired=rng.random() < 0.25))
    return postings, workers, applications


