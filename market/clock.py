"""Dates and times. "Today" is the date in China."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(CHINA).date()


@overload
def to_china(moment: datetime) -> datetime: ...
@overload
def to_china(moment: None) -> None: ...
@overload
def to_china(moment: datetime | None) -> datetime | None: ...
def to_china(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA)
