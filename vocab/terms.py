"""The terms of a posting and a profile, declared once: codes, their Chinese names, and what a wage is
per month."""

from __future__ import annotations

# A month of work: 26 days (the API's wage_min promises a day's wage × 26), a day of 8 hours.
DAYS_PER_MONTH = 26
HOURS_PER_DAY = 8

MONTH, DAY, HOUR, PIECE = "month", "day", "hour", "piece"
WAGE_UNITS = (MONTH, DAY, HOUR, PIECE)
WAGE_UNIT_NAMES = {MONTH: "元/月", DAY: "元/天", HOUR: "元/小时", PIECE: "元/件"}

FULL_TIME, GIG_DAILY, SEASONAL, PIECE_RATE, DISPATCH = "full_time", "gig_daily", "seasonal", "piece_rate", "dispatch"
EMPLOYMENT_TYPES = (FULL_TIME, GIG_DAILY, SEASONAL, PIECE_RATE, DISPATCH)
EMPLOYMENT_TYPE_NAMES = {FULL_TIME: "全职", GIG_DAILY: "日结零工", SEASONAL: "季节工", PIECE_RATE: "计件",
                         DISPATCH: "劳务派遣"}

# The order is part of the stored data: Job.benefit_mask keeps bit i for BENEFITS[i]. Append only.
BENEFITS = ("包吃", "包住", "五险一金", "日结", "交通补贴", "全勤奖", "节日福利")

ANY = "any"
PREFERRED_TYPES = (FULL_TIME, GIG_DAILY, ANY)
PREFERRED_TYPE_NAMES = {FULL_TIME: "长期全职", GIG_DAILY: "日结零工", ANY: "都可以"}

LOCAL, PROVINCE, CROSS = "local", "province", "cross"
MOBILITIES = (LOCAL, PROVINCE, CROSS)
MOBILITY_NAMES = {LOCAL: "只在本地（县/市内）", PROVINCE: "省内都可以", CROSS: "可以跨省"}

POVERTY_GROUP, OLDER_WORKER = "脱贫人口", "大龄"
PRIORITY_GROUPS = (POVERTY_GROUP, OLDER_WORKER)
# What the profile still asks and keeps: 脱贫人口 decides the cross-province transport subsidy. 大龄 is no
# longer asked: no rule uses it, and age follows from the ID number's birth date anyway.
COLLECTED_PRIORITY_GROUPS = (POVERTY_GROUP,)


def monthly(amount: float | int | str | None, unit: str | None) -> int | None:
    """A wage as yuan a month, the one rule everywhere: a month's as it is, a day's × 26, an hour's × 8 × 26.

    A piece rate (or an unknown unit, or no amount) has no monthly figure: None, so a wage filter never
    compares a rate per piece with a month's pay.
    """
    if amount is None or amount == "":
        return None
    value = float(amount)
    if unit == MONTH:
        return round(value)
    if unit == DAY:
        return round(value * DAYS_PER_MONTH)
    if unit == HOUR:
        return round(value * HOURS_PER_DAY * DAYS_PER_MONTH)
    return None


def benefit_mask(benefits: list[str] | tuple[str, ...]) -> int:
    """The benefits as bits of BENEFITS, so "has all of these" is one integer test on any database."""
    return sum(1 << BENEFITS.index(b) for b in set(benefits) if b in BENEFITS)


# What viewers of a live fair ask in every stream, as terms of the posting.
PAY_DAILY, PAY_WEEKLY, PAY_MONTHLY = "daily", "weekly", "monthly"
PAY_CYCLES = (PAY_DAILY, PAY_WEEKLY, PAY_MONTHLY)
PAY_CYCLE_NAMES = {PAY_DAILY: "日结", PAY_WEEKLY: "周结", PAY_MONTHLY: "月结"}

DAY_SHIFT, TWO_SHIFTS, THREE_SHIFTS, NIGHT_SHIFT, FLEXIBLE_SHIFT = (
    "day", "two_shifts", "three_shifts", "night", "flexible")
SHIFT_PATTERNS = (DAY_SHIFT, TWO_SHIFTS, THREE_SHIFTS, NIGHT_SHIFT, FLEXIBLE_SHIFT)
SHIFT_PATTERN_NAMES = {DAY_SHIFT: "长白班", TWO_SHIFTS: "两班倒", THREE_SHIFTS: "三班倒", NIGHT_SHIFT: "长夜班",
                       FLEXIBLE_SHIFT: "弹性排班"}

THREE_MEALS, WORK_MEALS, MEAL_ALLOWANCE, NO_MEALS = "three_meals", "work_meals", "allowance", "none"
MEALS = (THREE_MEALS, WORK_MEALS, MEAL_ALLOWANCE, NO_MEALS)
MEAL_NAMES = {THREE_MEALS: "包三餐", WORK_MEALS: "包工作餐", MEAL_ALLOWANCE: "有餐补", NO_MEALS: "不包吃"}

# The youngest a person may be employed (劳动法 第十五条) and the oldest an age limit may name.
WORKING_AGE_MIN, WORKING_AGE_MAX = 16, 70
HOURS_PER_DAY_MAX = 12
