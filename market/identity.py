"""Checking and normalising what people type: phone numbers, ID numbers (GB 11643), credit codes (GB 32100).

Forgiving on form (full-width digits, spaces, +86, a lowercase x), strict on substance (check characters,
real dates).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from market.errors import Invalid


def normalise(text: str | None) -> str:
    """Full-width letters and digits to half-width; spaces and dashes out."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s\-－—_·.()（）]", "", text)


_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str | None, field: str = "phone") -> str:
    phone = normalise(raw)
    for prefix in ("+86", "0086", "86"):
        if phone.startswith(prefix) and len(phone) == 11 + len(prefix):
            phone = phone[len(prefix):]
            break
    if not phone:
        raise Invalid({field: "请填写手机号"})
    if not _PHONE.match(phone):
        raise Invalid({field: "手机号应为 11 位数字，以 1 开头"})
    return phone


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2, as GB 11643 uses it."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def parse_id_number(raw: str | None, *, today: date, field: str = "id_number") -> tuple[str, date]:
    """A valid resident ID number, normalised, and the birth date it carries."""
    value = normalise(raw).upper()
    if not value:
        raise Invalid({field: "请填写身份证号"})
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise Invalid({field: "身份证号应为 18 位，最后一位可以是数字或 X"})
    if id_check_character(value[:17]) != value[17]:
        raise Invalid({field: "身份证号校验位不对，请核对后重新填写"})
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise Invalid({field: "身份证号中的出生日期不存在"}) from None
    if birth > today or birth.year < 1900:
        raise Invalid({field: "身份证号中的出生日期不对"})
    return value, birth


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_uscc(raw: str | None, field: str = "uscc") -> str:
    value = normalise(raw).upper()
    if not value:
        raise Invalid({field: "请填写统一社会信用代码"})
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        raise Invalid({field: "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）"})
    return value


def uscc_checksum_ok(code: str) -> bool:
    """GB 32100 check character over the first 17 characters (base 31)."""
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]
