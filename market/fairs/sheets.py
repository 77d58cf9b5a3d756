"""Job sheets (岗位表): the Excel workbook employers fill in for a fair, read row by row into postings.

A file that is bad as a whole (not a workbook, too large, too long, a required column missing, formulas
or macros) imports nothing; otherwise every good row becomes a posting and every bad one is reported with
its row number and column, and the good rows commit together.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session, select

from market.audit import record
from market.errors import AppError, Invalid
from market.fairs import services as fairs
from market.models import EMPLOYER_VERIFIED, Employer, Fair, Job, User
from market.postings import services as postings
from vocab import certificates, regions, taxonomy
from vocab.terms import BENEFITS, EMPLOYMENT_TYPE_NAMES, WAGE_UNIT_NAMES

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000

TITLE, TRADE, HEADCOUNT, WAGE_MIN, WAGE_MAX, WAGE_UNIT = "岗位名称", "工种", "招聘人数", "工资下限", "工资上限", "工资单位"
PLACE, ADDRESS, TYPE, BENEFIT, CERT, CLOSES = "工作地点", "详细地址", "用工类型", "福利", "证书要求", "截止日期"
COLUMNS = (TITLE, TRADE, HEADCOUNT, WAGE_MIN, WAGE_MAX, WAGE_UNIT, PLACE, ADDRESS, TYPE, BENEFIT, CERT, CLOSES)
REQUIRED = (TITLE, HEADCOUNT, WAGE_MIN, WAGE_MAX, WAGE_UNIT, PLACE, TYPE)
# The posting rules name fields; the report names the sheet's columns.
_COLUMN_OF = {"title": TITLE, "occupation": TRADE, "headcount": HEADCOUNT, "wage_min": WAGE_MIN,
              "wage_max": WAGE_MAX, "wage_unit": WAGE_UNIT, "adcode": PLACE, "address": ADDRESS,
              "employment_type": TYPE, "benefits": BENEFIT, "cert_required": CERT, "closes_at": CLOSES,
              "description": TITLE}
_UNITS = {name: code for code, name in WAGE_UNIT_NAMES.items()} | {
    "元/日": "day", "元/时": "hour", "元每月": "month", "元每天": "day", "元每小时": "hour", "元每件": "piece",
    "月": "month", "天": "day", "日": "day", "小时": "hour", "件": "piece"}
_TYPES = {name: code for code, name in EMPLOYMENT_TYPE_NAMES.items()} | {"日结": "gig_daily", "零工": "gig_daily"}
_BENEFIT_SPLIT = re.compile(r"[、,，;；]")
_WAGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:元)?$")
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Rejection:
    row: int
    field: str
    message: str


@dataclass
class Report:
    accepted: int = 0
    created: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "rejected": [r.__dict__ for r in self.rejected]}


class SheetRefused(AppError):
    """The file as a whole: nothing imported."""

    status = 422
    code = "sheet_refused"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message, fields={"file": message}, status=status, code=code)


# ---- The template ----

def template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "岗位"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="C00000" if cell.value in REQUIRED else "000000")
    for column, width in zip("ABCDEFGHIJKL", (18, 12, 10, 10, 10, 10, 20, 24, 12, 22, 26, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    units = DataValidation(type="list", formula1='"' + ",".join(WAGE_UNIT_NAMES.values()) + '"', allow_blank=True)
    types = DataValidation(type="list", formula1='"' + ",".join(EMPLOYMENT_TYPE_NAMES.values()) + '"',
                           allow_blank=True)
    sheet.add_data_validation(units)
    sheet.add_data_validation(types)
    units.add(f"F2:F{MAX_ROWS + 1}")
    types.add(f"I2:I{MAX_ROWS + 1}")
    notes = book.create_sheet("填写说明")
    for line in (
        ("第一张表的第一行是列名，从第二行起每行一个岗位；红色列必填。列的顺序可以不同，多余的列不读。",),
        ("岗位名称", "必填，最多 60 个字，不得限定性别、民族、户籍，不得收取任何费用"),
        ("工种", "可空：按岗位名称判断；填写时用工种目录里的名称，如 电焊工"),
        ("招聘人数", "必填，整数"),
        ("工资下限 / 工资上限", "必填，整数元，如 4000 或 4000元"),
        ("工资单位", "必填：" + "、".join(WAGE_UNIT_NAMES.values())),
        ("工作地点", "必填：地名如 广东省东莞市、贵州松桃，或 6 位区划代码；重名的地方请写上省市"),
        ("详细地址", "可空"),
        ("用工类型", "必填：" + "、".join(EMPLOYMENT_TYPE_NAMES.values())),
        ("福利", "可空，用 、 或逗号分开：" + "、".join(BENEFITS)),
        ("证书要求", "可空，一个证书，如 焊工证、电工证、叉车证"),
        ("截止日期", "可空（默认招聘会最后一天），晚于今天，如 2027-03-31"),
        ("同一单位再次上传同名、同地点的岗位，会更新原岗位。不要使用公式，不要保存为带宏的文件。",),
    ):
        notes.append(list(line))
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- Reading a file ----

def _open(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise SheetRefused(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请删去多余内容或分成几个文件上传",
                           status=413, code="too_large")
    if data.startswith(_XLS_MAGIC):
        raise SheetRefused("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传",
                           status=415, code="old_xls")
    if not data.startswith(_ZIP_MAGIC):
        raise SheetRefused("文件不是 Excel 工作簿（.xlsx），请用模板填写后上传", status=415, code="not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile:
        raise SheetRefused("文件不是 Excel 工作簿（.xlsx），请用模板填写后上传", status=415, code="not_xlsx") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SheetRefused("文件不是 Excel 工作簿（.xlsx），请用模板填写后上传", status=415, code="not_xlsx")
    content_types = archive.read("[Content_Types].xml")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise SheetRefused("文件带有宏，为安全起见不能导入：请另存为不带宏的 Excel 工作簿（.xlsx）", code="macros")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise SheetRefused("文件打不开，可能已损坏：请用模板重新填写后上传", status=415, code="not_xlsx") from None


def _read_rows(data: bytes) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    """The header's columns and the non-empty data rows with their sheet row numbers."""
    book = _open(data)
    try:
        sheet = book.worksheets[0]
        header: dict[str, int] | None = None
        rows: list[tuple[int, tuple]] = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            for cell in cells:
                if getattr(cell, "data_type", None) == "f" or (
                        isinstance(cell.value, str) and cell.value.startswith("=") and len(cell.value) > 1):
                    raise SheetRefused(f"第 {number} 行的 {getattr(cell, 'coordinate', '')} 格是公式：请把公式换成数值"
                                       "（复制后“选择性粘贴 → 数值”）再上传", code="formulas")
            values = tuple(cell.value for cell in cells)
            if header is None:
                header = {str(v).strip(): i for i, v in enumerate(values) if v is not None and str(v).strip()}
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise SheetRefused(f"岗位超过 {MAX_ROWS} 行，请分成几个文件上传", code="too_many_rows")
    finally:
        book.close()
    if header is None:
        raise SheetRefused("第一张表是空的：第一行应是列名，请用模板填写", code="missing_columns")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SheetRefused("缺少必填的列：" + "、".join(missing) + "（第一张表的第一行是列名，请用模板填写）",
                           code="missing_columns")
    return header, rows


# ---- One row ----

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value: Any, label: str) -> int | str | None:
    """A whole number of 元 (or people): 4000, 4000.0, "4000", "4000元". A message when it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return f"{label}应为数字"
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = _WAGE.match(str(value).strip().replace(",", "").replace("，", ""))
        if not match:
            return f"{label}应为数字，如 4000 或 4000元"
        number = float(match.group(1))
    if not number.is_integer():
        return f"{label}应为整数"
    return int(number)


def _closes(value: Any, fair: Fair) -> date | str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return fair.ends_on
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    return "截止日期应为日期，如 2027-03-31 或 2027/3/31"


def _occupation(value: str) -> str | None | bool:
    """A trade by code or any of its names; False when the sheet names no trade the catalogue knows."""
    if not value:
        return None
    if taxonomy.get(value):
        return value
    for occupation in taxonomy.occupations().values():
        if value == occupation.name or value in occupation.aliases:
            return occupation.code
    return False


def _place(value: str) -> str | tuple[str]:
    """An adcode, or (message,)."""
    if not value:
        return ("请填写工作地点，如 广东省东莞市",)
    found = regions.places_named(value)
    if not found:
        return (f"没有找到地点“{value}”：请写省、市、区县的名称，如 广东省东莞市，或 6 位区划代码",)
    if len(found) > 1:
        names = "、".join(regions.full_name(r.adcode) for r in found[:6])
        return (f"“{value}”有 {len(found)} 个地方：{names}，请写上省市，如“{regions.full_name(found[0].adcode)}”",)
    return found[0].adcode


def row_to_posting(values: tuple, header: dict[str, int], fair: Fair) -> tuple[dict[str, Any], dict[str, str]]:
    """A posting's fields from a row, and what is wrong with it by column (before the posting rules)."""

    def cell(column: str) -> Any:
        at = header.get(column)
        return values[at] if at is not None and at < len(values) else None

    errors: dict[str, str] = {}
    data: dict[str, Any] = {"title": _text(cell(TITLE)), "address": _text(cell(ADDRESS))}
    trade = _occupation(_text(cell(TRADE)))
    if trade is False:
        errors[TRADE] = f"工种“{_text(cell(TRADE))}”不在工种目录里，不知道可以空着"
    else:
        data["occupation"] = trade
    for column, key, label in ((HEADCOUNT, "headcount", "招聘人数"), (WAGE_MIN, "wage_min", "工资下限"),
                               (WAGE_MAX, "wage_max", "工资上限")):
        number = _whole(cell(column), label)
        if isinstance(number, str):
            errors[column] = number
        else:
            data[key] = number
    unit = _text(cell(WAGE_UNIT)).replace(" ", "")
    if unit not in _UNITS:
        errors[WAGE_UNIT] = "工资单位应为：" + "、".join(WAGE_UNIT_NAMES.values())
    else:
        data["wage_unit"] = _UNITS[unit]
    place = _place(_text(cell(PLACE)))
    if isinstance(place, tuple):
        errors[PLACE] = place[0]
    else:
        data["adcode"] = place
    kind = _text(cell(TYPE))
    if kind not in _TYPES:
        errors[TYPE] = "用工类型应为：" + "、".join(EMPLOYMENT_TYPE_NAMES.values())
    else:
        data["employment_type"] = _TYPES[kind]
    data["benefits"] = [b.strip() for b in _BENEFIT_SPLIT.split(_text(cell(BENEFIT))) if b.strip()]
    cert = _text(cell(CERT))
    if cert:
        name = certificates.canonical(cert)
        if name is None:
            errors[CERT] = f"证书“{cert}”不在平台的证书目录里，请写证书的名称，如 焊工证、电工证"
        else:
            data["cert_required"] = name
    closes = _closes(cell(CLOSES), fair)
    if isinstance(closes, str):
        errors[CLOSES] = closes
    else:
        data["closes_at"] = closes
    return data, errors


def _postings_by_title_and_place(session: Session, employer: Employer) -> dict[tuple[str, str], Job]:
    """The employer's postings by (title, place), the newest where several share both: what a row updates."""
    out: dict[tuple[str, str], Job] = {}
    for job in session.exec(select(Job).where(Job.employer_id == employer.id).order_by(Job.id)):
        out[(job.title, job.adcode)] = job
    return out


def import_sheet(*, session: Session, fair: Fair, employer: Employer, actor: User, data: bytes) -> Report:
    """Every good row becomes (or updates) the employer's posting at the fair; bad rows are reported.

    Runs in the caller's transaction: the view commits once, so the good rows land together.
    """
    if employer.status != EMPLOYER_VERIFIED:
        raise Invalid({"employer_id": "这个单位还没有通过人社部门审核，不能发布岗位"})
    header, rows = _read_rows(data)
    report = Report()
    existing = _postings_by_title_and_place(session, employer)
    offered = fairs.offered_job_ids(session, fair)
    for number, values in rows:
        fields, errors = row_to_posting(values, header, fair)
        if errors:
            report.rejected.extend(Rejection(number, column, message) for column, message in errors.items())
            continue
        current = existing.get((fields["title"], fields["adcode"]))
        try:  # the posting rules refuse before anything is added or changed
            if current is None:
                job = postings.create_job(session=session, employer=employer, actor=actor, data=fields)
                report.created += 1
            else:
                job = postings.update_job(session=session, job=current, actor=actor, data=fields)
                report.updated += 1
        except Invalid as exc:
            for key, message in exc.fields.items():
                errors.setdefault(_COLUMN_OF.get(key, key), message)
            report.rejected.extend(Rejection(number, column, message) for column, message in errors.items())
            continue
        except AppError as exc:  # a posting staff took down
            report.rejected.append(Rejection(number, TITLE, exc.message))
            continue
        existing[(job.title, job.adcode)] = job
        fairs.attach_imported(session, fair, job, offered)
        report.accepted += 1
        report.job_ids.append(job.id)
    record(session, actor=actor, action="fair.import", target=("fair", fair.id), employer=employer.id,
           accepted=report.accepted, rejected_rows=len({r.row for r in report.rejected}))
    return report
