"""The labour bureau's statistics: applications and hires, offered wages, registrations, fairs, complaints,
and the flows from home province to work province.

Every figure is a count or a median over a group; a group with fewer than SUPPRESSED_BELOW people (or
postings, or complaints) behind it is left out, so no one can be picked out of a table of small numbers.
Periods are dates with both ends included.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from market import clock, validate
from market.errors import FieldErrors
from market.models import (
    COMPLAINT_RESOLVED,
    FAIR_KIND_NAMES,
    HIRED,
    JOB_TAKEN_DOWN,
    Application,
    ComplaintEvent,
    Employer,
    Fair,
    FairJob,
    Job,
    User,
    WageComplaint,
    Worker,
)
from vocab import regions, taxonomy
from vocab.terms import monthly

SUPPRESSED_BELOW = 5
MAX_SPAN = timedelta(days=3 * 366)
NO_TRADE = "未识别工种"
NO_PLACE = "未填写"


def parse_period(raw_from: str | None, raw_to: str | None) -> tuple[date, date]:
    """Both dates included; at most about three years."""
    errors = FieldErrors()
    bounds: dict[str, date] = {}
    for field_name, raw, label in (("from", raw_from, "开始日期"), ("to", raw_to, "结束日期")):
        text = (raw or "").strip()
        if not text:
            errors.add(field_name, f"请填写{label}（{field_name}），如 2026-01-01")
            continue
        day = validate.day(text, field_name, label, errors=errors)
        if day is not None:
            bounds[field_name] = day
    if len(bounds) == 2:
        start, end = bounds["from"], bounds["to"]
        if start > end:
            errors.add("to", "结束日期（to）不能早于开始日期（from）")
        elif end - start > MAX_SPAN:
            errors.add("to", "统计区间最长 3 年，请缩短")
    errors.raise_if_any()
    return bounds["from"], bounds["to"]


def parse_choice(raw: str | None, choices: dict[str, str], *, field_name: str = "by") -> str:
    """One of ``choices`` (code → Chinese label); empty means the first."""
    text = (raw or "").strip()
    if not text:
        return next(iter(choices))
    if text not in choices:
        errors = FieldErrors()
        named = "、".join(f"{code}（{label}）" for code, label in choices.items())
        errors.add(field_name, f"分组方式（{field_name}）应为 {named} 之一")
        errors.raise_if_any()
    return text


# ---- names -------------------------------------------------------------------------------------------


def province_name(code: str) -> str:
    region = regions.get(f"{code}0000")
    return region.name if region else code


def place_name(adcode: str | None) -> str:
    """A province or city by its full name; a municipality's placeholder city (北京市市辖区) is the municipality."""
    if not adcode:
        return NO_PLACE
    if adcode[:2] in regions.MUNICIPALITIES:
        # 重庆 keeps its counties apart from its districts (500200): two rows that must not read the same.
        return province_name(adcode[:2]) + ("（所辖县）" if adcode[2:4] == "02" else "")
    return regions.full_name(adcode) or adcode


def trade_name(code: str | None) -> str:
    return taxonomy.name_of(code) if code and taxonomy.get(code) else NO_TRADE


def city_of(adcode: str | None) -> str | None:
    """The city a place belongs to (a prefecture city without counties is its own city)."""
    region = regions.get(adcode)
    return region.city_adcode if region else None


def _province_of(adcode: str | None) -> str | None:
    return regions.province_adcode_of(adcode) if adcode else None


# ---- the flows (the contract's shape) ----------------------------------------------------------------


def flows(session: Session, *, start: date, end: date) -> list[dict]:
    """One GROUP BY in SQL; the same statement on SQLite and PostgreSQL. Busiest routes first."""
    from_province = func.substr(Worker.hometown_adcode, 1, 2)
    to_province = func.substr(Job.province_adcode, 1, 2)
    applications = func.count(col(Application.id))
    hires = func.sum(case((col(Application.status) == HIRED, 1), else_=0))
    rows = session.exec(
        select(from_province, to_province, applications, hires)
        .select_from(Application)
        .join(Worker, col(Worker.id) == Application.worker_id)
        .join(Job, col(Job.id) == Application.job_id)
        .where(Application.applied_at >= start, Application.applied_at <= end,
               col(Worker.hometown_adcode).is_not(None), Worker.hometown_adcode != "")
        .group_by(from_province, to_province)
        .having(applications >= SUPPRESSED_BELOW)
        .order_by(applications.desc(), from_province, to_province))
    return [{"from_province": f, "to_province": t, "applications": int(n), "hires": int(h or 0)}
            for f, t, n, h in rows]


# ---- applications and hires by trade and by region ---------------------------------------------------

APPLICATION_GROUPS = {"trade": "按工种", "province": "按岗位所在省份", "city": "按岗位所在城市"}


def applications(session: Session, *, start: date, end: date, by: str = "trade") -> list[dict]:
    """Applications made in the period (by application date) and how many of them ended in a hire, per
    trade of the posting or per its province or city. Groups with fewer than 5 applications are left out."""
    column = {"trade": col(Job.occupation), "province": col(Job.province_adcode), "city": col(Job.city_adcode)}[by]
    count = func.count(col(Application.id))
    hires = func.sum(case((col(Application.status) == HIRED, 1), else_=0))
    rows = session.exec(
        select(column, count, hires)
        .select_from(Application)
        .join(Job, col(Job.id) == Application.job_id)
        .where(Application.applied_at >= start, Application.applied_at <= end)
        .group_by(column)
        .having(count >= SUPPRESSED_BELOW)
        .order_by(count.desc(), column))
    out = []
    for key, n, h in rows:
        name = trade_name(key) if by == "trade" else place_name(key)
        out.append({"key": key or "", "name": name, "applications": int(n), "hires": int(h or 0)})
    return out


# ---- offered wages -----------------------------------------------------------------------------------

WAGE_GROUPS = {"trade": "按工种", "city": "按城市", "trade_city": "按工种和城市"}


def wages(session: Session, *, start: date, end: date, by: str = "trade") -> list[dict]:
    """The median wage postings offered, as a month's pay (vocab.terms.monthly: a day's × 26, an hour's
    × 8 × 26), over postings published in the period; piece rates have no monthly figure and are left out,
    and so are postings staff took down. Both ends of the offered range: the median lower and upper wage.
    Groups with fewer than 5 postings are left out."""
    rows = session.exec(  # sqlmodel's select() overloads stop at four columns
        select(Job.occupation, Job.city_adcode, Job.wage_min, Job.wage_max, Job.wage_unit)  # type: ignore[call-overload]
        .where(Job.posted_at >= start, Job.posted_at <= end, Job.status != JOB_TAKEN_DOWN))
    groups: dict[tuple, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for trade, city, low, high, unit in rows:
        low_m, high_m = monthly(low, unit), monthly(high, unit)
        if low_m is None or high_m is None:
            continue
        key = {"trade": (trade,), "city": (city,), "trade_city": (trade, city)}[by]
        lows, highs = groups[key]
        lows.append(low_m)
        highs.append(high_m)
    return wage_rows(groups, by=by)


def wage_rows(groups: dict[tuple, tuple[list[int], list[int]]], *, by: str) -> list[dict]:
    """Medians per group, small groups left out, the groups with most postings first."""
    out = []
    for key, (lows, highs) in groups.items():
        if len(lows) < SUPPRESSED_BELOW:
            continue
        row: dict = {}
        if by in ("trade", "trade_city"):
            row |= {"trade": key[0] or "", "trade_name": trade_name(key[0])}
        if by in ("city", "trade_city"):
            city = key[-1]
            row |= {"city": city or "", "city_name": place_name(city)}
        row |= {"postings": len(lows), "median_wage_min": round(statistics.median(lows)),
                "median_wage_max": round(statistics.median(highs))}
        out.append(row)
    out.sort(key=lambda r: (-r["postings"], r.get("trade", ""), r.get("city", "")))
    return out


# ---- registered workers ------------------------------------------------------------------------------

WORKER_GROUPS = {"hometown_province": "按户籍省份", "hometown_city": "按户籍城市",
                 "current_province": "按现在务工地省份", "current_city": "按现在务工地城市"}


def workers(session: Session, *, start: date, end: date, by: str = "hometown_province") -> list[dict]:
    """Workers who registered in the period (by registration date; deleted accounts not counted), per
    hometown or per the place they work now, by province or city. Groups under 5 workers are left out."""
    place, level = by.split("_")
    column = Worker.hometown_adcode if place == "hometown" else Worker.current_adcode
    rows = session.exec(
        select(column, func.count(col(Worker.id)))
        .join(User, col(User.id) == Worker.user_id)
        .where(col(Worker.registered_at) >= start, col(Worker.registered_at) <= end, col(User.active).is_(True))
        .group_by(column))
    counts: dict[str | None, int] = defaultdict(int)
    for adcode, n in rows:
        key = (_province_of(adcode) if level == "province" else city_of(adcode)) if adcode else None
        counts[key] += int(n)
    return count_rows(counts)


def count_rows(counts: dict[str | None, int]) -> list[dict]:
    out: list[dict] = [{"key": key or "", "name": place_name(key), "workers": n}
           for key, n in counts.items() if n >= SUPPRESSED_BELOW]
    out.sort(key=lambda r: (-r["workers"], r["key"]))
    return out


# ---- fairs -------------------------------------------------------------------------------------------

FAIR_GROUPS = {"kind": "按招聘会类型"}


def fairs(session: Session, *, start: date, end: date, by: str = "kind") -> list[dict]:
    """Fairs held in the period (any of their days in it), per kind: how many, how many online, the
    postings offered, the applications made to them during the fair and the hires among those. Counts of
    people under 5 are shown as None, not as a number."""
    held = session.exec(select(Fair.id, Fair.kind, Fair.online)
                        .where(Fair.starts_on <= end, Fair.ends_on >= start)).all()
    per_kind: dict[str, dict] = {}
    fair_kind = {}
    for fair_id, kind, online in held:
        row = per_kind.setdefault(kind, {"kind": kind, "name": FAIR_KIND_NAMES.get(kind, kind), "fairs": 0,
                                         "online": 0, "postings": None, "applications": None, "hires": None})
        row["fairs"] += 1
        row["online"] += 1 if online else 0
        fair_kind[fair_id] = kind
    if fair_kind:
        postings: dict[str, int] = defaultdict(int)
        apps: dict[str, int] = defaultdict(int)
        hires: dict[str, int] = defaultdict(int)
        for fair_id in session.exec(select(FairJob.fair_id).where(col(FairJob.fair_id).in_(list(fair_kind)))):
            postings[fair_kind[fair_id]] += 1
        counted = session.exec(
            select(Fair.kind, func.count(col(Application.id)),
                   func.sum(case((col(Application.status) == HIRED, 1), else_=0)))
            .select_from(FairJob)
            .join(Fair, col(Fair.id) == FairJob.fair_id)
            .join(Application, col(Application.job_id) == FairJob.job_id)
            .where(col(Fair.id).in_(list(fair_kind)), Application.applied_at >= Fair.starts_on,
                   Application.applied_at <= Fair.ends_on, Application.applied_at >= start,
                   Application.applied_at <= end)
            .group_by(Fair.kind)).all()
        for kind, n, h in counted:
            apps[kind], hires[kind] = int(n), int(h or 0)
        for kind, row in per_kind.items():
            row["postings"] = postings.get(kind, 0)
            if apps.get(kind, 0) >= SUPPRESSED_BELOW:
                row["applications"], row["hires"] = apps[kind], hires[kind]
    return sorted(per_kind.values(), key=lambda r: (-r["fairs"], r["kind"]))


# ---- complaint resolution times ----------------------------------------------------------------------

COMPLAINT_GROUPS = {"province": "按被投诉单位所在省份", "all": "合计"}


def _resolved_at(session: Session, ids: list[int]) -> dict[int, datetime]:
    """When each complaint was resolved: its first 'resolved' step in its history."""
    if not ids:
        return {}
    rows = session.exec(select(ComplaintEvent.complaint_id, func.min(ComplaintEvent.at))
                        .where(col(ComplaintEvent.complaint_id).in_(ids), ComplaintEvent.to_status == COMPLAINT_RESOLVED)
                        .group_by(col(ComplaintEvent.complaint_id))).all()
    return {cid: at for cid, at in rows}


def complaints(session: Session, *, start: date, end: date, by: str = "province") -> list[dict]:
    """Wage complaints filed in the period: how many, how many resolved, and the median days from filing
    to resolution (to one decimal). Groups with fewer than 5 complaints are left out."""
    # Days in China: a complaint filed at 07:00 Beijing time on the 1st is the 1st's.
    first = datetime.combine(start, time.min, tzinfo=clock.CHINA)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=clock.CHINA)
    rows = session.exec(  # sqlmodel's select() overloads stop at four columns
        select(WageComplaint.id, WageComplaint.status, WageComplaint.created_at, WageComplaint.updated_at,  # type: ignore[call-overload]
               Employer.adcode)
        .join(Employer, col(Employer.id) == WageComplaint.employer_id)
        .where(WageComplaint.created_at >= first, WageComplaint.created_at < after)).all()
    resolved_ids = [cid for cid, status, *_ in rows if status == COMPLAINT_RESOLVED]
    resolved_at = _resolved_at(session, resolved_ids)
    groups: dict[str | None, dict] = {}
    for cid, status, created, updated, adcode in rows:
        key = _province_of(adcode) if by == "province" else None
        g = groups.setdefault(key, {"filed": 0, "days": []})
        g["filed"] += 1
        if status == COMPLAINT_RESOLVED:
            done = clock.to_china(resolved_at.get(cid, updated))
            g["days"].append(max((done - clock.to_china(created)).total_seconds(), 0) / 86400)
    out = []
    for key, g in groups.items():
        if g["filed"] < SUPPRESSED_BELOW:
            continue
        out.append({"key": key or "", "name": place_name(key) if by == "province" else "全部",
                    "filed": g["filed"], "resolved": len(g["days"]),
                    "median_days": round(statistics.median(g["days"]), 1) if g["days"] else None})
    out.sort(key=lambda r: (-r["filed"], r["key"]))
    return out


# ---- the catalogue the pages, the API and the export share ------------------------------------------


@dataclass(frozen=True)
class Statistic:
    slug: str
    title: str
    explain: str
    groups: dict[str, str]
    compute: Callable[..., list[dict]]
    # (key in a row, Chinese column heading); the first ones name the group, the others are numbers.
    columns: Callable[[str], list[tuple[str, str]]]
    # The numbers the chart draws, as bars side by side.
    measures: tuple[str, ...]


def _application_columns(by: str) -> list[tuple[str, str]]:
    return [("name", APPLICATION_GROUPS[by].removeprefix("按")), ("applications", "投递"), ("hires", "录用")]


def _wage_columns(by: str) -> list[tuple[str, str]]:
    named = {"trade": [("trade_name", "工种")], "city": [("city_name", "城市")],
             "trade_city": [("trade_name", "工种"), ("city_name", "城市")]}[by]
    return named + [("postings", "岗位数"), ("median_wage_min", "工资下限中位数（元/月）"),
                    ("median_wage_max", "工资上限中位数（元/月）")]


def _worker_columns(by: str) -> list[tuple[str, str]]:
    return [("name", WORKER_GROUPS[by].removeprefix("按")), ("workers", "登记人数")]


def _fair_columns(by: str) -> list[tuple[str, str]]:
    return [("name", "招聘会类型"), ("fairs", "场次"), ("online", "其中线上"), ("postings", "岗位数"),
            ("applications", "招聘会期间投递"), ("hires", "其中录用")]


def _complaint_columns(by: str) -> list[tuple[str, str]]:
    return [("name", "被投诉单位所在省份" if by == "province" else "范围"), ("filed", "投诉件数"),
            ("resolved", "已办结"), ("median_days", "办结用时中位数（天）")]


def named_flows(session: Session, *, start: date, end: date, by: str = "province") -> list[dict]:
    return [row | {"from_name": province_name(row["from_province"]), "to_name": province_name(row["to_province"])}
            for row in flows(session, start=start, end=end)]


def _flow_columns(by: str) -> list[tuple[str, str]]:
    return [("from_name", "户籍省份"), ("to_name", "岗位省份"), ("applications", "投递"), ("hires", "录用")]


STATISTICS: dict[str, Statistic] = {s.slug: s for s in (
    Statistic("flows", "劳动力流向", "按投递日期统计（含首尾两天），从求职者户籍省份到岗位所在省份。"
              "投递少于 5 次的组合不显示，没有填写户籍的求职者不计入。", {"province": "按省份"}, named_flows,
              _flow_columns, ("applications", "hires")),
    Statistic("applications", "投递与录用", "按投递日期统计（含首尾两天）；录用为这些投递中已录用的。"
              "投递少于 5 次的组合不显示。", APPLICATION_GROUPS, applications, _application_columns, ("applications", "hires")),
    Statistic("wages", "岗位工资中位数", "统计期内发布的岗位所开工资折算成月薪（日薪 × 26，时薪 × 8 × 26）后的中位数；"
              "计件岗位无法折算，不计入；已下架的岗位不计入。少于 5 个岗位的组合不显示。",
              WAGE_GROUPS, wages, _wage_columns, ("median_wage_min", "median_wage_max")),
    Statistic("workers", "登记求职者", "统计期内登记的求职者（按登记日期，已注销的不计），按户籍地或现在务工地。"
              "少于 5 人的地区不显示。", WORKER_GROUPS, workers, _worker_columns, ("workers",)),
    Statistic("fairs", "招聘会成效", "统计期内举办（有一天在统计期内）的招聘会；投递只计招聘会举办期间向其岗位的投递。"
              "少于 5 次的投递不显示具体数字。", FAIR_GROUPS, fairs, _fair_columns, ("fairs", "postings")),
    Statistic("complaints", "欠薪投诉办结用时", "统计期内提交的欠薪投诉，从提交到办结的天数中位数。"
              "少于 5 件的省份不显示。", COMPLAINT_GROUPS, complaints, _complaint_columns, ("median_days",)),
)}


@dataclass
class Report:
    """One statistic for one period and grouping, as the page, the API and the workbook show it."""

    statistic: Statistic
    start: date
    end: date
    by: str
    rows: list[dict]
    columns: list[tuple[str, str]]

    def chart(self) -> dict:
        """What the chart script draws: the first 20 groups (the table has them all), one series a number."""
        shown = self.rows[:20]
        heads = dict(self.columns)
        names = [k for k, _ in self.columns if k not in self.statistic.measures
                 and k.endswith("name")] or [self.columns[0][0]]
        return {"title": self.statistic.title,
                "labels": [" → ".join(str(r.get(k) or "") for k in names) if self.statistic.slug == "flows"
                           else " ".join(str(r.get(k) or "") for k in names) for r in shown],
                "series": [{"name": heads.get(m, m), "values": [r.get(m) for r in shown]}
                           for m in self.statistic.measures]}

    def display(self, row: dict, key: str) -> object:
        """A cell as the page and the workbook show it: the number, or why there is none."""
        value = row.get(key)
        if value is not None:
            return value
        return "尚无办结" if key == "median_days" else f"少于 {SUPPRESSED_BELOW}"

    def as_json(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "by": self.by,
                "rows": self.rows, "available": True, "suppressed_below": SUPPRESSED_BELOW}


def report(session: Session, *, slug: str, start: date, end: date, by: str) -> Report:
    stat = STATISTICS[slug]
    rows = stat.compute(session, start=start, end=end, by=by)
    return Report(statistic=stat, start=start, end=end, by=by, rows=rows, columns=stat.columns(by))


def workbook(rep: Report) -> bytes:
    """The report as an .xlsx: a title line, the period, the table with the same numbers as the page."""
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = rep.statistic.title[:31]
    ws.append([rep.statistic.title, rep.statistic.groups[rep.by]])
    ws.append(["统计期", f"{rep.start.isoformat()} 至 {rep.end.isoformat()}（含首尾两天）"])
    ws.append([rep.statistic.explain])
    ws.append([])
    ws.append([label for _, label in rep.columns])
    for row in rep.rows:
        ws.append([rep.display(row, key) for key, _ in rep.columns])
    if not rep.rows:
        ws.append(["暂无数据"])
    for letter, width in zip("ABCDEF", (22, 14, 14, 18, 18, 14), strict=False):
        ws.column_dimensions[letter].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
