"""The State Council's holiday arrangements as published by the ``chinesecalendar`` package.

Pure Python (no Django): the sync service stores this data as ``CalendarDay`` rows and the
engine's tests use it directly. The package lists, per year it knows, every day off of a
public-holiday period (weekend days inside the period included) and every make-up working day
(调休上班, always a Saturday or Sunday). It is updated once a year after the State Council
publishes the next year's arrangement (usually in November or December).
"""

from __future__ import annotations

import datetime
from typing import Literal

from chinese_calendar import constants

__all__ = ["PackageDay", "package_days", "package_years"]

HOLIDAY: Literal["holiday"] = "holiday"
MAKEUP_WORKDAY: Literal["makeup_workday"] = "makeup_workday"

PackageDay = tuple[str, str]  # (kind, Chinese name)


def gettext_noop(message: str) -> str:
    """Marks ``message`` for Kefu's translation catalogs (``makemessages`` finds it by this
    name) and returns it unchanged: the names are stored in Chinese, pages translate them."""
    return message


#: The names this module stores, listed so the English catalog translates them on pages.
HOLIDAY_NAMES = (
    gettext_noop("元旦"),
    gettext_noop("春节"),
    gettext_noop("清明"),
    gettext_noop("劳动节"),
    gettext_noop("端午"),
    gettext_noop("国庆节"),
    gettext_noop("中秋"),
    gettext_noop("抗战胜利70周年纪念日"),
)

_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in constants.Holiday}
# The package's official Chinese name of the 2015 one-off holiday is 36 characters long.
_CHINESE_NAMES["Anti-Fascist 70th Day"] = "抗战胜利70周年纪念日"


def chinese_name(english: str) -> str:
    return _CHINESE_NAMES.get(english, english)


def package_days(years: set[int] | None = None) -> dict[datetime.date, PackageDay]:
    """``{date: (kind, name)}`` for every holiday and make-up working day the package knows,
    limited to ``years`` when given. ``kind`` is ``"holiday"`` or ``"makeup_workday"``."""
    days: dict[datetime.date, PackageDay] = {}
    for day, english in constants.holidays.items():
        if years is None or day.year in years:
            days[day] = (HOLIDAY, chinese_name(english))
    for day, english in constants.workdays.items():
        if years is None or day.year in years:
            days[day] = (MAKEUP_WORKDAY, chinese_name(english))
    return days


def package_years() -> list[int]:
    """The years the installed package has the State Council's arrangement for."""
    return sorted({day.year for day in constants.holidays} | {d.year for d in constants.workdays})
