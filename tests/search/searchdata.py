"""A small market whose right answers are known, for the search tests."""

from __future__ import annotations

import datetime as dt

DAY = dt.date(2026, 5, 15)


def posting(id, title, adcode, *, occupation=None, description="", wage=(5000, 7000), unit="month",
            type="full_time", benefits=(), cooperation=None, posted=DAY - dt.timedelta(days=10),
            closes=DAY + dt.timedelta(days=20), lat=None, lng=None, **extra):
    from vocab import regions
    region = regions.get(adcode)
    return {
        "id": id, "external_id": f"J{id:06d}", "title": title, "description": description,
        "employer_name": "测试人力资源有限公司", "employer_id": 7, "employer_verified": True,
        "occupation": occupation, "adcode": adcode, "address": regions.full_name(adcode),
        "lat": lat if lat is not None else region.lat, "lng": lng if lng is not None else region.lng,
        "wage_min": wage[0], "wage_max": wage[1], "wage_unit": unit, "employment_type": type,
        "headcount": 3, "benefits": list(benefits), "cert_required": None, "skill_level_required": None,
        "cooperation": cooperation, "posted_at": posted, "closes_at": closes, "status": "open", **extra,
    }


DONGGUAN, SHENZHEN, SUZHOU_WUZHONG, GUANGZHOU_BAIYUN = "441900", "440305", "320506", "440111"
BEIJING_CHAOYANG, CHAOYANG_CITY_COUNTY, CHANGCHUN_CHAOYANG = "110105", "211321", "220104"
GUIYANG_NANMING, BIJIE, HAIDIAN = "520102", "520502", "110108"

MARKET = [
    # Dongguan welders under three aliases, and a declared-wrong one the title corrects
    posting(1, "电焊工", DONGGUAN, occupation="welder"),
    posting(2, "急招氩弧焊工", DONGGUAN, occupation="welder"),
    posting(3, "二保焊工 包吃住", DONGGUAN, occupation="painter", benefits=("包吃", "包住")),
    # Dongguan, not welding, but the text says 东莞 and 电焊 many times: a plain text search ranks it high
    posting(4, "厨师（东莞电焊厂食堂）", DONGGUAN, occupation="cook",
            description="东莞电焊厂食堂招厨师，东莞长安镇，负责电焊车间工人伙食。东莞东莞电焊电焊工"),
    # welders elsewhere, one whose description names Dongguan
    posting(5, "焊工", SHENZHEN, occupation="welder", description="原东莞厂区搬迁到深圳，焊工"),
    posting(6, "电焊师傅", SUZHOU_WUZHONG, occupation=None),
    # Suzhou factory work with and without board and lodging
    posting(10, "车间普工", SUZHOU_WUZHONG, occupation="factory_worker", benefits=("包吃", "包住")),
    posting(11, "流水线工人", SUZHOU_WUZHONG, occupation="factory_worker", benefits=("包吃",)),
    posting(12, "操作工", SUZHOU_WUZHONG, occupation="factory_worker", benefits=("包住", "五险一金"),
            type="dispatch"),
    # Guangzhou porters: day wage with daily pay, and a monthly one
    posting(20, "装卸工", GUANGZHOU_BAIYUN, occupation="porter", wage=(200, 300), unit="day",
            type="gig_daily", benefits=("日结",)),
    posting(21, "搬运工", GUANGZHOU_BAIYUN, occupation="porter", wage=(6000, 7000)),
    # three 朝阳s
    posting(30, "保安员", BEIJING_CHAOYANG, occupation="security_guard"),
    posting(31, "保安", CHAOYANG_CITY_COUNTY, occupation="security_guard"),
    posting(32, "门卫", CHANGCHUN_CHAOYANG, occupation="security_guard"),
    # Guizhou and elsewhere cooks; a cooperation posting
    posting(40, "黔菜师傅", GUIYANG_NANMING, occupation="cook"),
    posting(41, "厨师", BIJIE, occupation="cook"),
    posting(42, "大厨", SHENZHEN, occupation="cook", cooperation="粤黔协作", description="粤黔协作劳务协作岗位"),
    posting(43, "粤菜师傅", GUANGZHOU_BAIYUN, occupation="cook"),
    # housekeeping under its colloquial name
    posting(50, "住家保姆", HAIDIAN, occupation=None, wage=(6000, 9000)),
    # dates: closed before the day, closing on the day (closed), posted on the day (open), not yet posted
    posting(60, "保洁员", HAIDIAN, occupation="cleaner", posted=DAY - dt.timedelta(days=30),
            closes=DAY - dt.timedelta(days=1)),
    posting(61, "保洁员", HAIDIAN, occupation="cleaner", closes=DAY),
    posting(62, "保洁员", HAIDIAN, occupation="cleaner", posted=DAY),
    posting(63, "保洁员", HAIDIAN, occupation="cleaner", posted=DAY + dt.timedelta(days=1)),
    # drivers: 司机 is a part of their trade names, not a trade
    posting(80, "货车司机", SHENZHEN, occupation="truck_driver"),
    posting(81, "叉车司机", BIJIE, occupation="forklift"),
    # one trade, worded two ways that share few words
    posting(90, "化工总控工", HAIDIAN, occupation="chemical"),
    posting(91, "磷化工操作工", HAIDIAN, occupation="chemical", benefits=("包吃", "包住")),
    # not searchable: closed by the platform, unverified employer
    posting(70, "电焊工", DONGGUAN, occupation="welder", status="closed"),
    posting(71, "电焊工", DONGGUAN, occupation="welder", employer_verified=False),
]


