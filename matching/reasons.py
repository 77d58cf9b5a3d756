"""Reasons in plain Chinese for each recommendation, read off the same features the score used.

Worker-facing reasons may mention the worker's own hometown and programmes the worker may apply for.
Employer-facing reasons never name a hometown, a province of origin, a priority group, an age or an ID:
a cooperation match reads 对口协作地区.
"""

from __future__ import annotations

import numpy as np

from vocab import taxonomy
from vocab.certificates import SKILL_LEVELS
from vocab.terms import EMPLOYMENT_TYPES, POVERTY_GROUP, PREFERRED_TYPES, monthly

from .features import F, occupation_codes
from .text import format_age_limit, parse_age_limit
from .types import Posting, WorkerProfile

TRANSPORT_SUBSIDY_PROGRAMME = "跨省务工交通补助"
TYPE_NAMES = {"full_time": "全职", "gig_daily": "日结零工", "seasonal": "季节工", "piece_rate": "计件", "dispatch": "劳务派遣"}


def _km(d: float) -> str:
    if np.isnan(d):
        return ""
    if d < 1:
        return "距离不到 1 公里"
    return f"距离 {round(d)} 公里"


def _trade_name(x: np.ndarray, posting_occ: int) -> str:
    return taxonomy.name_of(occupation_codes()[posting_occ]) if posting_occ >= 0 else ""


def _category(posting_occ: int) -> str:
    occupation = taxonomy.get(occupation_codes()[posting_occ])
    return occupation.category if occupation else ""


def _years_text(years: float) -> str:
    return f"（{int(years)}年经验）" if years and years >= 1 else ""


def _mid_wage_ratio(posting: Posting, expected: int | None) -> float | None:
    lo = posting.wage_min if posting.wage_min is not None else posting.wage_max
    hi = posting.wage_max if posting.wage_max is not None else posting.wage_min
    if not expected or lo is None or hi is None:
        return None
    mid = monthly((lo + hi) / 2, posting.wage_unit)
    return None if mid is None else mid / expected


def worker_reasons(
    x: np.ndarray,
    posting: Posting,
    worker: WorkerProfile,
    posting_occ: int,
    *,
    outside_age: bool = False,
) -> list[str]:
    """Why ``posting`` suits ``worker``: for the worker's own eyes."""
    out: list[str] = []
    name = _trade_name(x, posting_occ)
    if x[F["trade_held"]] and name:
        out.append(f"对口工种：{name}{_years_text(x[F['years_in_trade']])}")
    elif x[F["trade_category_held"]] and posting_occ >= 0:
        out.append(f"相近行业：{_category(posting_occ)}")
    if posting.cert_required and x[F["cert_held"]]:
        out.append(f"持有{posting.cert_required}")
    held = int(x[F["skill_level_held"]])
    if posting.skill_level_required and held and x[F["skill_level_ok"]]:
        out.append(f"技能等级{SKILL_LEVELS.get(held, held)}，符合岗位要求")
    d, dh = float(x[F["dist_current_km"]]), float(x[F["dist_home_km"]])
    if not np.isnan(d):
        out.append(_km(d))
    if not np.isnan(dh) and dh + 1 < d and dh <= 100:
        out.append(f"离家乡 {max(1, round(dh))} 公里，适合返乡就业")
    elif x[F["worker_returned"]] and not np.isnan(d) and d <= 30:
        out.append("家门口就业")
    if posting.cooperation and x[F["cooperation_match"]]:
        extra = " 含交通补助" if "交通补贴" in posting.benefits else ""
        out.append(f"{posting.cooperation}岗位{extra}")
    elif posting.cooperation and x[F["cooperation_province"]]:
        out.append(f"东西部劳务协作岗位（{posting.cooperation}）")
    ratio = _mid_wage_ratio(posting, worker.expected_wage)
    if ratio is not None:
        pct = round((ratio - 1) * 100)
        if pct >= 5:
            out.append(f"工资高于期望 {pct}%")
        elif pct <= -5:
            out.append(f"工资低于期望 {-pct}%")
        else:
            out.append("工资与期望相当")
    if worker.preferred_type != "any" and x[F["type_match"]] == 2:
        out.append(f"{TYPE_NAMES.get(posting.employment_type, '全职')}，符合您的用工偏好")
    if not np.isnan(d) and d > 50:
        board, lodging = "包吃" in posting.benefits, "包住" in posting.benefits
        if board and lodging:
            out.append("包吃包住")
        elif lodging:
            out.append("包住")
        elif board:
            out.append("包吃")
    if x[F["labour_brand_match"]] and worker.labour_brand:
        out.append(f"劳务品牌「{worker.labour_brand}」对口岗位")
    hires = int(x[F["posting_hires"]])
    if hires > 0:
        out.append(f"该岗位已录用 {hires} 人")
    if x[F["history_same_employer"]]:
        out.append("您曾应聘过这家企业")
    if outside_age:
        limit = parse_age_limit(posting.description)
        if limit:
            out.append(f"岗位注明年龄{format_age_limit(limit)}，您的年龄可能不符合")
    if POVERTY_GROUP in worker.priority_groups and worker.hometown_adcode and posting.adcode:
        if str(worker.hometown_adcode)[:2] != str(posting.adcode)[:2]:
            out.append(f"您可申请{TRANSPORT_SUBSIDY_PROGRAMME}")
    return out


def employer_reasons(x: np.ndarray, posting: Posting, worker: WorkerProfile, posting_occ: int) -> list[str]:
    """Why ``worker`` suits ``posting``: for the employer. Nothing about origin, groups, age or identity."""
    out: list[str] = []
    name = _trade_name(x, posting_occ)
    if x[F["trade_held"]] and name:
        out.append(f"工种对口：{name}{_years_text(x[F['years_in_trade']])}")
    elif x[F["trade_category_held"]] and posting_occ >= 0:
        out.append(f"有{_category(posting_occ)}行业经验")
    if posting.cert_required and x[F["cert_held"]]:
        out.append(f"持有{posting.cert_required}")
    held = int(x[F["skill_level_held"]])
    if held:
        out.append(f"技能等级：{SKILL_LEVELS.get(held, held)}")
    d = float(x[F["dist_current_km"]])
    if not np.isnan(d):
        out.append(_km(d))
    if worker.expected_wage:
        lo, hi = x[F["wage_min_ratio"]], x[F["wage_max_ratio"]]
        if not np.isnan(hi) and hi >= 1 and (np.isnan(lo) or lo <= 1):
            out.append("期望工资在岗位薪资范围内")
        elif not np.isnan(lo) and lo > 1:
            out.append("期望工资低于岗位薪资")
    pref = PREFERRED_TYPES[int(x[F["preferred_type"]])]
    etype = int(x[F["employment_type"]])
    if x[F["type_match"]] == 2 and etype < len(EMPLOYMENT_TYPES):
        out.append(f"求职意向：{TYPE_NAMES.get(pref, '全职')}")
    if posting.cooperation and x[F["cooperation_match"]]:
        out.append("对口协作地区")
    return out
