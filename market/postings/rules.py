"""What a posting may not ask of workers, judged on its requirements rather than on mentions.

Refused: requirements on sex, ethnicity, household registration or home region (就业促进法 第三条),
headcounts split by sex ("招男工 10 名": 就业促进法 第二十七条), fees charged to workers or deducted from
their wages (押金, 报名费, "工衣费从工资扣" …: 劳动合同法 第九条), and a full-time wage below the
province's minimum wage (最低工资规定 第十二条; the figures are cited data in vocab/data/minimum_wages.json).
Flagged for staff: age limits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vocab import minimum_wage, regions
from vocab.terms import FULL_TIME, monthly

_LIMIT = r"(?:限|仅限|只限|只招|只要|只收|仅招|要求|必须是|必须为)"
_NO = r"(?:不招|不要|不收|不录用|拒绝|谢绝|拒收)"
_AWAY = r"(?:勿扰|免谈|勿投|不要|不招|不考虑)"

_SEX = [
    re.compile(_LIMIT + r"\s*(?:男|女)(?:性|士|生|工)?(?![女男])(?!不限)"),
    re.compile(r"(?<![男女])(?:男|女)(?:性|士|生|工)?优先"),
    re.compile(r"性别[:：\s]*(?:限|要求)?\s*(?:男|女)(?![女男])"),
    # headcounts by sex: 招男工 10 名, 女工5人, 男工若干, 需男性 3 名
    re.compile(r"(?<![男女])(?:男|女)(?:工|性|士|生)(?![女男])\s*(?:\d+|[一二两三四五六七八九十百几]+|若干)\s*(?:名|人|位|个)"),
    re.compile(r"(?:招|招聘|急招|急聘|聘|需|需要)\s*(?:男|女)(?:工|性|士|生|的)(?![女男])(?!.{0,4}(?:均可|都可|不限|皆可))"),
    re.compile(r"男女各\s*(?:\d+|[一二两三四五六七八九十]+|半)"),
]
_ETHNIC = [
    re.compile(_LIMIT + r"\s*汉族"),
    re.compile(r"汉族优先"),
    re.compile(_NO + r"\s*(?:少数民族|[\u4e00-\u9fff]{1,4}族)"),
    re.compile(r"(?:少数民族|(?<![自治])[\u4e00-\u9fff]{1,3}族(?:人)?)\s*" + _AWAY),
]
_ORIGIN_FIXED = [
    re.compile(_LIMIT + r"\s*(?:本地|本市|本省|本县|本区|当地)(?:户口|户籍|人|籍)"),
    re.compile(r"(?:本地|本市|本省|当地)(?:户口|户籍|人)优先"),
    re.compile(r"户籍(?:限|要求)|限.{1,6}户籍"),
    re.compile(_NO + r"\s*(?:外地|外省|外来|非本地)(?:人|户口|户籍|籍)?"),
    re.compile(r"(?:外地|外省|非本地)(?:人|户口|户籍)?\s*" + _AWAY),
]
# 不要河南人 / 四川籍勿扰: the place must be a real region name, so 不要求经验的人 is not read as one.
_ORIGIN_PLACE = [
    re.compile(_NO + r"\s*([\u4e00-\u9fff]{2,4}?)(?:人|籍)"),
    re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:人|籍)\s*" + _AWAY),
    re.compile(_LIMIT + r"\s*([\u4e00-\u9fff]{2,4}?)(?:籍|户口)"),
]

_FEES = ("押金", "报名费", "服装费", "工装费", "工衣费", "工服费", "厂服费", "工牌费", "体检费", "培训费", "保证金",
         "中介费", "介绍费", "工本费", "建档费", "管理费")
# A fee taken out of the wage: "工衣费从工资扣", "工资里扣除培训费", "押一个月工资". Board and lodging a
# worker chose, and the worker's own social insurance and tax, may be deducted: they are not fees.
_DEDUCTIBLE = ("伙食", "餐", "饭", "住宿", "房", "水电", "社保", "保险", "个税", "税", "公积金")
_DEDUCTED_FEE = [
    re.compile(r"([\u4e00-\u9fff]{1,4}费|押金|保证金)[^，。；,;]{0,8}?(?:从|在)?(?:工资|薪资|薪水|首月工资|第一个月工资)"
               r"(?:里|中)?(?:扣除|抵扣|代扣|扣)"),
    re.compile(r"(?:工资|薪资|薪水)(?:里|中)?(?:扣除|抵扣|代扣|扣)[^，。；,;]{0,4}?([\u4e00-\u9fff]{1,4}费|押金|保证金)"),
]
_WAGE_WITHHELD = re.compile(r"(?:押|压|扣押|扣留)\s*(?:一|1|两|2|半)?\s*个?月(?:的)?工资|工资(?:押|压)\s*(?:一|1|两|2)?\s*个?月")
_FEE_WAIVED_BEFORE = re.compile(r"(?:不收|无|免|免费|不需|无需|不用|不交|不需要|无须|公司承担|公司出|公司报销|报销|包|零)[^，。；,;]{0,3}$")
_FEE_WAIVED_AFTER = re.compile(r"^[^，。；,;]{0,3}(?:全免|免费|由公司承担|公司承担|公司报销|报销|由企业承担|企业承担|公司出|全包)")
_NEGATED_LIST = re.compile(r"(?:不收取?|无需缴纳|不收任何|无任何|免收)[^。；;]{0,20}$")

_AGE = [
    re.compile(r"(\d{2})\s*(?:周岁|岁)?\s*(?:-|~|～|至|到|—|－)\s*(\d{2})\s*(?:周岁|岁)"),
    re.compile(r"年龄\s*[:：]?\s*(\d{2})\s*(?:-|~|～|至|到|—|－)\s*(\d{2})"),
]
_AGE_MAX = re.compile(r"(?:年龄)?(?:不超过|不大于|小于|低于)?\s*(\d{2})\s*(?:周岁|岁)(?:以下|以内|内)")
_AGE_MAX2 = re.compile(r"年龄\s*(?:不超过|不大于|小于|低于|在)\s*(\d{2})")
_AGE_MIN = re.compile(r"(\d{2})\s*(?:周岁|岁)以上")


@dataclass(frozen=True)
class Screening:
    refusals: dict[str, str]
    age_min: int | None = None
    age_max: int | None = None

    @property
    def flag_reason(self) -> str | None:
        if self.age_min is None and self.age_max is None:
            return None
        return f"含年龄要求：{describe_age(self.age_min, self.age_max)}"


def describe_age(age_min: int | None, age_max: int | None) -> str:
    if age_min is not None and age_max is not None:
        return f"{age_min}-{age_max}周岁"
    if age_max is not None:
        return f"{age_max}周岁以下"
    return f"{age_min}周岁以上"


def _is_place(word: str) -> bool:
    return bool(regions.lookup_name(word)) or bool(regions.lookup_name(regions.short_name(word)))


def _discrimination(text: str) -> str | None:
    for pattern in _SEX:
        if pattern.search(text):
            return "招聘不得限定性别（如“限男性”），请删去性别要求"
    for pattern in _ETHNIC:
        m = pattern.search(text)
        if m and "自治" not in text[max(0, m.start() - 2):m.end()]:
            return "招聘不得限定民族（如“限汉族”），请删去民族要求"
    for pattern in _ORIGIN_FIXED:
        if pattern.search(text):
            return "招聘不得限定户籍或地域（如“限本地户口”），请删去户籍、地域要求"
    for pattern in _ORIGIN_PLACE:
        for m in pattern.finditer(text):
            word = m.group(1)
            if any(_is_place(word[i:]) for i in range(len(word) - 1)):
                return "招聘不得排斥或限定某地的人（如“不要某省人”），请删去地域要求"
    return None


def _deductions(text: str) -> str | None:
    if _WAGE_WITHHELD.search(text):
        return "不得扣押劳动者工资（如“押一个月工资”），请删去"
    for pattern in _DEDUCTED_FEE:
        for m in pattern.finditer(text):
            fee = m.group(1)
            if any(word in fee for word in _DEDUCTIBLE):
                continue
            fee = next((f for f in _FEES if f in fee), fee[-3:])
            return f"不得从工资里扣{fee}等费用，请删去扣费内容"
    return None


def _fees(text: str) -> str | None:
    deducted = _deductions(text)
    if deducted:
        return deducted
    for fee in _FEES:
        for m in re.finditer(fee, text):
            before, after = text[max(0, m.start() - 12):m.start()], text[m.end():m.end() + 10]
            if _FEE_WAIVED_BEFORE.search(before) or _FEE_WAIVED_AFTER.search(after) or _NEGATED_LIST.search(before):
                continue
            return f"不得向求职者收取{fee}等任何费用，请删去收费内容"
    return None


def parse_age_limit(text: str) -> tuple[int | None, int | None]:
    text = unicodedata.normalize("NFKC", text or "")
    for pattern in _AGE:
        m = pattern.search(text)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if 14 <= lo < hi <= 80:
                return lo, hi
    hi_m = _AGE_MAX.search(text) or _AGE_MAX2.search(text)
    lo_m = _AGE_MIN.search(text)
    lo = int(lo_m.group(1)) if lo_m and 14 <= int(lo_m.group(1)) <= 80 else None
    hi = int(hi_m.group(1)) if hi_m and 14 <= int(hi_m.group(1)) <= 80 else None
    return lo, hi


def screen(title: str, description: str) -> Screening:
    """Refusals keyed by the field they are in, and any age limit to flag for review."""
    refusals: dict[str, str] = {}
    for field, raw in (("title", title), ("description", description)):
        text = unicodedata.normalize("NFKC", raw or "")
        reason = _discrimination(text) or _fees(text)
        if reason:
            refusals[field] = reason
    age_min, age_max = parse_age_limit(f"{title}\n{description}")
    return Screening(refusals, age_min, age_max)


def below_minimum_wage(*, wage_min: int | None, wage_max: int | None, wage_unit: str | None,
                       employment_type: str | None, adcode: str | None) -> str | None:
    """A full-time posting whose lowest wage, as a month's, is below the province's lowest minimum wage
    tier: the refusal's text, or None. Piece rates have no monthly figure and are not judged here."""
    if employment_type != FULL_TIME:
        return None
    lowest = wage_min if wage_min is not None else wage_max
    month = monthly(lowest, wage_unit)
    row = minimum_wage.for_place(adcode)
    if month is None or row is None or month >= row.lowest:
        return None
    return (f"全职岗位的工资（折合每月 {month} 元）低于{row.province}最低工资标准（每月 {row.lowest} 元起），"
            "请提高工资")
# ---- fraud signals: held for staff review before the posting goes live ----

# Contact moved off the platform: an instruction to reach the employer by WeChat or QQ (加微信, 微信联系,
# 私聊QQ, 微信号：abc123 …), the way recruitment scams start. A mention without an instruction to contact
# (工资微信转账, 公司公众号) passes.
_CHAT = r"(?:微信|威信|薇信|徽信|[Vv]信|[Vv][Xx]|[Ww][Xx]|[Qq]{2}|扣扣|企鹅号)"
_CONTACT = r"(?:加|联系|私聊|私信|咨询|详询|详聊|详情|报名|沟通|添加|扫码|找)"
_OFFSITE = [
    re.compile(_CONTACT + r"[^，。；,;\n]{0,6}?" + _CHAT),
    re.compile(_CHAT + r"\s*(?:号|账号|联系|咨询|详聊|私聊|报名)?\s*[:：]\s*[A-Za-z0-9_-]{5,}"),
    re.compile(_CHAT + r"\s*(?:号|账号)\s*[A-Za-z0-9_-]{5,}"),
    re.compile(r"(?:只|仅|请)(?:用|通过|走)?" + _CHAT),
    re.compile(r"(?:不接|勿打)电话[^。；;\n]{0,8}" + _CHAT),
]


def offsite_contact(title: str, description: str) -> str | None:
    """The reason to hold a posting that asks workers to contact it by WeChat or QQ, or None."""
    text = unicodedata.normalize("NFKC", f"{title}\n{description}")
    for pattern in _OFFSITE:
        if pattern.search(text):
            return "要求通过微信/QQ 联系（招聘骗局常见做法），请改为在平台投递或留单位电话"
    return None


# A wage this many times the local median for the trade (and at least this much above it, 元/月) is the
# bait of a scam more often than a real offer; the median needs enough postings to mean anything.
WAGE_OUTLIER_RATIO = 2.0
WAGE_OUTLIER_MARGIN = 3000
WAGE_MEDIAN_MIN_POSTINGS = 5


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def wage_outlier(monthly_max: int | None, local: list[int], *, place: str, trade: str) -> str | None:
    """The reason to hold a posting whose top monthly wage is far above the local median for its trade."""
    if monthly_max is None or len(local) < WAGE_MEDIAN_MIN_POSTINGS:
        return None
    mid = median(local)
    if mid and monthly_max >= mid * WAGE_OUTLIER_RATIO and monthly_max - mid >= WAGE_OUTLIER_MARGIN:
        return (f"工资远高于{place}{trade}岗位的中位数（约 {int(mid)} 元/月，本岗位最高折合 {monthly_max} 元/月），"
                "需人社部门核实")
    return None


# A burst: a new account (registered within this many days) posting this many postings within this many
# hours. A real new employer posts a few vacancies; scam accounts post dozens before anyone looks.
NEW_ACCOUNT_DAYS = 7
BURST_POSTINGS = 10
BURST_HOURS = 1


def burst(recent_postings: int, account_age_days: int) -> str | None:
    """The reason to hold the postings of a new account that posts many at once. ``recent_postings``
    counts this one."""
    if account_age_days <= NEW_ACCOUNT_DAYS and recent_postings >= BURST_POSTINGS:
        return (f"新注册单位（注册 {account_age_days} 天）{BURST_HOURS} 小时内发布了 {recent_postings} 个岗位，"
                "需人社部门核实")
    return None
