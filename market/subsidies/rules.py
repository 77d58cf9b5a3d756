"""Subsidy and loan rules read from market/data/subsidy_rules.json, each checked against what the platform
knows of a worker (plain facts, no database). A rule is eligible only when every condition the platform can
know holds; what it cannot know is said in ``why`` and ``bring``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from vocab import regions, taxonomy
from vocab.certificates import SKILL_LEVELS
from vocab.terms import PRIORITY_GROUPS

NATIONWIDE = "000000"


@dataclass(frozen=True)
class Course:
    title: str
    subsidy_yuan: int | None
    adcode: str
    ends_on: str


@dataclass(frozen=True)
class Facts:
    """What the platform knows of one worker, as the rules read it."""

    hometown_adcode: str | None
    current_adcode: str | None
    certificates: list[tuple[str, int | None, str | None]] = field(default_factory=list)  # name, level, number
    # None: the worker has not consented to sensitive data, so the platform does not know.
    priority_groups: frozenset[str] | None = None
    courses: list[Course] = field(default_factory=list)
    hire_adcodes: list[str] = field(default_factory=list)  # where the worker was hired on the platform
    hometown_from_id: bool = False  # the hometown was read from the ID number (户籍地)


@cache
def load_rules() -> tuple[dict, ...]:
    raw = resources.files("market").joinpath("data", "subsidy_rules.json").read_text(encoding="utf-8")
    rules = tuple(json.loads(raw)["rules"])
    for rule in rules:
        if rule["kind"] not in _CHECKS:
            raise ValueError(f"subsidy rule {rule['key']}: unknown kind {rule['kind']}")
        if rule["region"] != NATIONWIDE and not regions.is_real(rule["region"]):
            raise ValueError(f"subsidy rule {rule['key']}: unknown region {rule['region']}")
        if rule.get("group") and rule["group"] not in PRIORITY_GROUPS:
            raise ValueError(f"subsidy rule {rule['key']}: unknown group {rule['group']}")
    return rules


def in_region(adcode: str | None, region: str) -> bool:
    if region == NATIONWIDE:
        return True
    if not adcode:
        return False
    prefix = region[:2] if region.endswith("0000") else region[:4] if region.endswith("00") else region
    return adcode.startswith(prefix)


def _region_name(region: str) -> str:
    return "全国" if region == NATIONWIDE else regions.full_name(region)


@dataclass
class Verdict:
    eligible: bool
    why: list[str]
    amount_yuan: int | None = None
    bring: list[str] = field(default_factory=list)


def _skill_upgrade(rule: dict, f: Facts) -> Verdict:
    why: list[str] = []
    native = in_region(f.hometown_adcode, rule["region"])
    place = _region_name(rule["region"])
    if native:
        source = "身份证号" if f.hometown_from_id else "资料里的老家"
        why.append(f"按{source}，您是{place}户籍")
    else:
        why.append(f"只限{place}户籍的农民工：" + ("资料里没有填老家" if not f.hometown_adcode else
                                               f"您的老家是{regions.full_name(f.hometown_adcode)}"))
    amounts = {int(k): v for k, v in rule["amounts_by_level"].items()}
    leveled = [(name, level, number) for name, level, number in f.certificates if level]
    listed = [c for c in leveled if c[1] in amounts]
    best = min(listed, key=lambda c: c[1]) if listed else None
    bring: list[str] = []
    if best:
        why.append(f"您的{best[0]}是{SKILL_LEVELS[best[1]]}，标准 {amounts[best[1]]} 元")
        if not best[2]:
            bring.append(f"{best[0]}的证书编号（资料里还没有填）")
    elif leveled:
        why.append("文件只列了初级工、中级工、高级工的标准；技师、高级技师请到窗口咨询")
    else:
        why.append("需要持有初级工（五级）及以上的职业技能等级证书，资料里没有带等级的证书")
    return Verdict(native and best is not None, why, amounts[best[1]] if best and native else None, bring)


def _cross_province_transport(rule: dict, f: Facts) -> Verdict:
    why: list[str] = []
    region = rule["region"]
    native = in_region(f.hometown_adcode, region)
    why.append(f"您是{_region_name(region)}户籍" if native else f"只限{_region_name(region)}户籍的{rule['group']}")
    if f.priority_groups is None:
        known_group = False
        why.append(f"平台不知道您是否为{rule['group']}：如是，请在“我的资料”里单独同意后勾选，或带证明到窗口")
    else:
        known_group = rule["group"] in f.priority_groups
        why.append(f"您登记为{rule['group']}" if known_group else f"资料里没有登记为{rule['group']}")
    home_province = region[:2]
    paired = {p.east_province for p in taxonomy.pairs_for_west(home_province)}
    names = {p.east_province: p.name for p in taxonomy.pairs_for_west(home_province)}
    work_places = [a for a in [*f.hire_adcodes, f.current_adcode] if a]
    away = [a for a in work_places if a[:2] != home_province and (not rule.get("paired_only") or a[:2] in paired)]
    if away:
        why.append(f"在{regions.full_name(away[0])}务工" + (f"（{names[away[0][:2]]}）" if away[0][:2] in names else ""))
    else:
        provinces = "、".join(regions.full_name(p + "0000") for p in sorted(paired)) or "外省"
        why.append(f"需要在协作省份（{provinces}）务工：资料里的所在地和录用记录都不在那里")
    return Verdict(native and known_group and bool(away), why)


def _training(rule: dict, f: Facts) -> Verdict:
    subsidised = [c for c in f.courses if c.subsidy_yuan]
    if not subsidised:
        return Verdict(False, ["需要报名一门标明培训补贴的课程：可在“职业技能培训”里查找"])
    best = max(subsidised, key=lambda c: c.subsidy_yuan or 0)
    why = [f"您报名了“{best.title}”（{best.ends_on} 结业），课程标明可申请培训补贴 {best.subsidy_yuan} 元"]
    return Verdict(True, why, best.subsidy_yuan)


def _startup_loan(rule: dict, f: Facts) -> Verdict:
    region = rule["region"]
    native = in_region(f.hometown_adcode, region)
    why = [f"您是{_region_name(region)}户籍" if native else f"只限{_region_name(region)}户籍的返乡人员"]
    home = bool(f.hometown_adcode and f.current_adcode and f.current_adcode[:4] == f.hometown_adcode[:4])
    why.append("您现在在老家所在的市（州）" if home else "需要已经回到老家所在的市（州）：资料里的现在所在地不在老家")
    away = [a for a in f.hire_adcodes if f.hometown_adcode and a[:2] != f.hometown_adcode[:2]]
    if away:
        why.append(f"平台上有您在{regions.full_name(away[0])}务工的录用记录")
    return Verdict(native and home, why)


_CHECKS = {"skill_upgrade": _skill_upgrade, "cross_province_transport": _cross_province_transport,
           "training": _training, "startup_loan": _startup_loan}


def concerns(rule: dict, f: Facts) -> bool:
    """Is the rule about this worker's places at all (home, where they are, where they were hired)?"""
    places = [f.hometown_adcode, f.current_adcode, *f.hire_adcodes]
    return rule["region"] == NATIONWIDE or any(in_region(p, rule["region"]) for p in places if p)


def evaluate(f: Facts, rules: tuple[dict, ...] | None = None) -> list[dict]:
    """The rules that concern the worker, each as the contract's item."""
    out = []
    for rule in rules if rules is not None else load_rules():
        if not concerns(rule, f):
            continue
        verdict = _CHECKS[rule["kind"]](rule, f)
        unknown = list(rule.get("unknown", []))
        why = "；".join(verdict.why)
        if unknown:
            why += "。平台无法核实：" + "；".join(unknown)
        out.append({"key": rule["key"], "name": rule["name"], "amount_yuan": verdict.amount_yuan,
                    "eligible": verdict.eligible, "why": why, "bring": [*rule.get("bring", []), *verdict.bring],
                    "where": rule["where"], "source": rule["source"]})
    out.sort(key=lambda item: not item["eligible"])
    return out
