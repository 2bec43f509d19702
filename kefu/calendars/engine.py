"""Business-calendar arithmetic: working days and business hours (pure Python, no Django).

Every deadline in Kefu that the regulations state in working days or business hours goes
through a :class:`BusinessCalendar`: complaint deadlines (R-TKT-05 "handled within 3 days",
R-TKT-06 "rectified within 1 / 3 working days") and the repair flow's time limits (R-TKT-08).
"Working day" (工作日) means the organisation's calendar: Monday to Friday, except public holidays
(法定节假日), plus the official make-up working days (调休上班) that fall on a weekend
(rules.md, preamble). ``kefu.calendars.services.get_calendar(project)`` builds one from the
database; this module only does the arithmetic, so it can be tested exhaustively.

Conventions
-----------
* **Working days are counted after the start day.** ``add_working_days(d, n)`` is the n-th
  working day *after* ``d``; the start day never counts, whether or not it is a working day.
  That is the usual reading of "3个工作日内": a complaint received on Wednesday 2026-09-30 must
  be handled by the end of the third working day after it — 2026-10-10, because 1–7 October
  are the National Day holiday and Saturday 10 October is a make-up working day. Combine with
  :meth:`BusinessCalendar.working_day_end` for the deadline moment (close of business).
  ``add_working_days(d, 0)`` is ``d`` itself, so adding n then m days equals adding n + m.
* **Business hours are wall-clock intervals** in the calendar's time zone (default
  Asia/Shanghai), the same on every working day, possibly several (a lunch break:
  08:30–12:00 and 13:30–18:00). An interval includes its start and excludes its end.
* **Moments are timezone-aware datetimes.** Results are returned in the calendar's time zone.
  Naive datetimes are refused: a deadline must never depend on the server's local time.
* **Adding business hours gives the earliest moment at which that much business time has
  passed.** Four hours from 14:00 with a close at 18:00 is 18:00 the same day (not 08:30 the
  next working day); adding zero returns the start unchanged.
* **Every search is bounded.** If no working time exists within :data:`SEARCH_LIMIT_DAYS`
  consecutive days (a calendar configured as one long holiday), :class:`NoWorkingTimeError` is
  raised instead of looping; dates beyond year 9999 raise :class:`CalendarError`.
"""

from __future__ import annotations

import bisect
import datetime
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_HOURS",
    "SEARCH_LIMIT_DAYS",
    "BusinessCalendar",
    "CalendarError",
    "Interval",
    "NoWorkingTimeError",
    "parse_intervals",
]

Interval = tuple[datetime.time, datetime.time]

#: Business hours used when the organisation has configured none (08:30–18:00, no break).
DEFAULT_HOURS: tuple[Interval, ...] = ((datetime.time(8, 30), datetime.time(18, 0)),)
#: The base rule's days off (``date.weekday()`` numbers): Saturday and Sunday.
WEEKEND = frozenset({5, 6})
#: How many consecutive days without working time a search may cross before giving up.
SEARCH_LIMIT_DAYS = 366

_ONE_DAY = datetime.timedelta(days=1)
_MICROSECONDS_PER_HOUR = 3_600_000_000
_TIME_RE = re.compile(r"(\d{1,2})[:：](\d{2})")


def gettext(message: str) -> str:
    """``message`` in the active language when running inside Kefu (Django's catalogs); as
    written (Chinese) otherwise — the engine itself imports no Django."""
    try:
        from django.apps import apps
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is always installed with Kefu
        return message
    if not (settings.configured and apps.ready):
        return message
    from django.utils.translation import gettext as django_gettext

    return django_gettext(message)


class CalendarError(ValueError):
    """The calendar cannot answer: bad input or a result outside the supported dates."""


class NoWorkingTimeError(CalendarError):
    """No working day (or working time) within :data:`SEARCH_LIMIT_DAYS` days."""


def parse_intervals(text: str) -> list[Interval]:
    """Parse ``"08:30-12:00, 13:30-18:00"`` into intervals (also accepts ``～``, ``–`` and
    full-width commas). Raises :class:`CalendarError` with a Chinese message when malformed."""
    intervals: list[Interval] = []
    normalized = text.replace("，", ",").replace("；", ",").replace(";", ",").replace("\n", ",")
    for raw in normalized.split(","):
        part = raw.strip()
        if not part:
            continue
        for dash in ("～", "~", "–", "—", "至", "到"):
            part = part.replace(dash, "-")
        pieces = [p.strip() for p in part.split("-")]
        if len(pieces) != 2:
            raise CalendarError(
                gettext("“%(part)s”格式不对，应写成 08:30-12:00。") % {"part": raw.strip()}
            )
        times = []
        for piece in pieces:
            match = _TIME_RE.fullmatch(piece)
            try:
                times.append(datetime.time(int(match[1]), int(match[2])))  # type: ignore[index]
            except (TypeError, ValueError) as exc:
                raise CalendarError(
                    gettext("“%(part)s”中的时间无法识别，应写成 08:30-12:00。")
                    % {"part": raw.strip()}
                ) from exc
        intervals.append((times[0], times[1]))
    return intervals


def _normalize_hours(hours: Iterable[Interval]) -> tuple[Interval, ...]:
    intervals = sorted((start, end) for start, end in hours)
    if not intervals:
        raise CalendarError(gettext("营业时间不能为空。"))
    merged: list[Interval] = []
    for start, end in intervals:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise CalendarError(gettext("营业时间应为当地时间，不能带时区。"))
        if start >= end:
            raise CalendarError(
                gettext("营业时间 %(start)s–%(end)s 的结束时间必须晚于开始时间。")
                % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
            )
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            raise CalendarError(
                gettext("营业时间 %(a)s 与 %(b)s 重叠。")
                % {"a": f"{prev[0]:%H:%M}–{prev[1]:%H:%M}", "b": f"{start:%H:%M}–{end:%H:%M}"}
            )
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)  # 08:30–12:00 + 12:00–18:00 = 08:30–18:00
        else:
            merged.append((start, end))
    return tuple(merged)


def _to_duration(amount: datetime.timedelta | int | float | Decimal) -> datetime.timedelta:
    """Hours (int, float, Decimal) or a timedelta → timedelta, exact to the microsecond."""
    if isinstance(amount, datetime.timedelta):
        duration = amount
    elif isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise TypeError("hours must be a number of hours or a timedelta")
    else:
        if isinstance(amount, float) and not math.isfinite(amount):
            raise CalendarError(gettext("小时数必须是有限的数。"))
        try:
            micro = (Decimal(str(amount)) * _MICROSECONDS_PER_HOUR).to_integral_value()
            duration = datetime.timedelta(microseconds=int(micro))
        except (InvalidOperation, OverflowError) as exc:
            raise CalendarError(gettext("小时数超出可计算范围。")) from exc
    if duration < datetime.timedelta(0):
        raise CalendarError(gettext("小时数不能为负数。"))
    return duration


class BusinessCalendar:
    """Working days and business hours of one organisation (or one project's hours).

    :param exceptions: ``{date: is_working}`` for days that differ from the base rule —
        public holidays (``False``), make-up working days (``True``), company rest days
        (``False``). Entries that agree with the base rule are harmless.
    :param hours: business-hour intervals ``(start, end)`` of local wall-clock time, applied
        to every working day; touching intervals are merged, overlapping ones refused.
    :param known_years: the years the holiday data is known for (``None``: don't track).
        Dates in other years are still computed with the base rule, but :meth:`covers` and
        :meth:`unknown_years` let callers warn that the result may ignore holidays.
    :param tz: the organisation's time zone (``ZoneInfo`` or its name).
    :param weekend: ``date.weekday()`` numbers of the base rule's days off.
    """

    def __init__(
        self,
        exceptions: Mapping[datetime.date, bool] | None = None,
        hours: Iterable[Interval] = DEFAULT_HOURS,
        *,
        known_years: Iterable[int] | None = None,
        tz: datetime.tzinfo | str = "Asia/Shanghai",
        weekend: Iterable[int] = WEEKEND,
    ) -> None:
        self.exceptions: dict[datetime.date, bool] = dict(exceptions or {})
        for day in self.exceptions:
            if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
                raise TypeError("exception keys must be dates")
        self._exception_dates = sorted(self.exceptions)
        self.hours: tuple[Interval, ...] = _normalize_hours(hours)
        self.known_years: frozenset[int] | None = (
            None if known_years is None else frozenset(known_years)
        )
        self.tz: datetime.tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.weekend = frozenset(weekend)
        if not self.weekend <= set(range(7)):
            raise CalendarError("weekend must hold weekday numbers 0–6")
        if len(self.weekend) == 7 and not any(self.exceptions.values()):
            raise NoWorkingTimeError(gettext("日历中没有任何工作日。"))

    def __repr__(self) -> str:
        hours = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.hours)
        return f"<BusinessCalendar {len(self.exceptions)} exceptions, hours {hours}>"

    # -- days ---------------------------------------------------------------------------------

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether ``day`` is a working day: the exception if there is one, else Mon–Fri."""
        day = _check_date(day)
        working = self.exceptions.get(day)
        if working is None:
            return day.weekday() not in self.weekend
        return working

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after ``day``."""
        start = day = _check_date(day)
        for _ in range(SEARCH_LIMIT_DAYS):
            day = _shift(day, 1)
            if self.is_working_day(day):
                return day
        raise NoWorkingTimeError(
            gettext("%(start)s 之后 %(days)s 天内没有工作日，请检查日历设置。")
            % {"start": start, "days": SEARCH_LIMIT_DAYS}
        )

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``day`` (the start day never counts); ``n = 0``
        returns ``day``. Used for "within N working days" deadlines (R-TKT-05/06)."""
        day = _check_date(day)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int")
        if n < 0:
            raise CalendarError(gettext("工作日数不能为负数。"))
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """How many working days ``d`` satisfy ``start < d <= end`` (negative when ``end`` is
        before ``start``), so ``working_days_between(d, add_working_days(d, n)) == n``."""
        start, end = _check_date(start), _check_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        days = (end - start).days
        full_weeks, rest = divmod(days, 7)
        count = full_weeks * (7 - len(self.weekend))
        first = start.weekday()
        count += sum(1 for k in range(1, rest + 1) if (first + k) % 7 not in self.weekend)
        lo = bisect.bisect_right(self._exception_dates, start)
        hi = bisect.bisect_right(self._exception_dates, end)
        for day in self._exception_dates[lo:hi]:
            base = day.weekday() not in self.weekend
            working = self.exceptions[day]
            if working != base:
                count += 1 if working else -1
        return count

    def working_day_end(self, day: datetime.date) -> datetime.datetime:
        """Close of business on ``day`` (end of its last business-hour interval), aware."""
        day = _check_date(day)
        return self._aware(datetime.datetime.combine(day, self.hours[-1][1]))

    # -- known data ---------------------------------------------------------------------------

    def covers(self, day: datetime.date) -> bool:
        """Whether holiday data is known for ``day``'s year (always true without
        ``known_years``)."""
        return self.known_years is None or _check_date(day).year in self.known_years

    def unknown_years(self, start: datetime.date, end: datetime.date) -> list[int]:
        """Years between ``start`` and ``end`` (inclusive, either order) without holiday data."""
        start, end = sorted((_check_date(start), _check_date(end)))
        if self.known_years is None:
            return []
        return [y for y in range(start.year, end.year + 1) if y not in self.known_years]

    # -- moments ------------------------------------------------------------------------------

    def is_working_time(self, moment: datetime.datetime) -> bool:
        """Whether ``moment`` is inside business hours on a working day."""
        wall = self._wall(moment)
        if not self.is_working_day(wall.date()):
            return False
        now = wall.time()
        return any(start <= now < end for start, end in self.hours)

    def next_working_moment(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment`` itself if it is working time, else the next opening (start of the next
        business-hour interval on a working day). Idempotent; never earlier than ``moment``."""
        wall = self._wall(moment)
        day, now = wall.date(), wall.time()
        for offset in range(SEARCH_LIMIT_DAYS + 1):
            current = _shift(day, offset)
            if not self.is_working_day(current):
                continue
            for start, end in self.hours:
                if offset == 0:
                    if now < end:
                        return self._aware(datetime.datetime.combine(current, max(start, now)))
                else:
                    return self._aware(datetime.datetime.combine(current, start))
        raise NoWorkingTimeError(
            gettext("%(start)s 之后 %(days)s 天内没有营业时间，请检查日历设置。")
            % {"start": day, "days": SEARCH_LIMIT_DAYS}
        )

    def add_business_hours(
        self, moment: datetime.datetime, hours: datetime.timedelta | int | float | Decimal
    ) -> datetime.datetime:
        """The earliest moment at which ``hours`` of business time have passed since
        ``moment``, skipping non-working days and out-of-hours time — for limits a policy states
        in business hours (R-TKT-05's one-hour escalation, R-TKT-08's repair steps).
        ``hours`` may be fractional or a ``timedelta``; zero returns ``moment``. A result that
        uses up an interval exactly is that interval's end (e.g. 18:00)."""
        remaining = _to_duration(hours)
        wall = self._wall(moment)
        if not remaining:
            return self._aware(wall)
        day = wall.date()
        idle_days = 0
        while True:
            progressed = False
            if self.is_working_day(day):
                for start, end in self.hours:
                    seg_start = max(datetime.datetime.combine(day, start), wall)
                    seg_end = datetime.datetime.combine(day, end)
                    if seg_start >= seg_end:
                        continue
                    available = seg_end - seg_start
                    if remaining <= available:
                        return self._aware(seg_start + remaining)
                    remaining -= available
                    progressed = True
            idle_days = 0 if progressed else idle_days + 1
            if idle_days > SEARCH_LIMIT_DAYS:
                raise NoWorkingTimeError(
                    gettext("连续 %(days)s 天没有营业时间（至 %(day)s），请检查日历设置。")
                    % {"days": SEARCH_LIMIT_DAYS, "day": day}
                )
            day = _shift(day, 1)

    def business_time_between(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> datetime.timedelta:
        """Business time elapsed from ``start`` to ``end`` (negative if ``end`` is earlier);
        ``business_time_between(m, add_business_hours(m, h)) == h``."""
        a, b = self._wall(start), self._wall(end)
        if b < a:
            return -self.business_time_between(end, start)
        total = datetime.timedelta(0)
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                for s, e in self.hours:
                    lo = max(datetime.datetime.combine(day, s), a)
                    hi = min(datetime.datetime.combine(day, e), b)
                    if lo < hi:
                        total += hi - lo
            if day == b.date():
                break
            day = _shift(day, 1)
        return total

    # -- helpers ------------------------------------------------------------------------------

    def _wall(self, moment: datetime.datetime) -> datetime.datetime:
        """Naive local wall-clock time of an aware ``moment``."""
        if not isinstance(moment, datetime.datetime):
            raise TypeError("expected a timezone-aware datetime")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError(gettext("时间必须带时区（例如 2026-09-30T16:00:00+08:00）。"))
        try:
            return moment.astimezone(self.tz).replace(tzinfo=None)
        except OverflowError as exc:
            raise CalendarError(gettext("日期超出可计算范围。")) from exc

    def _aware(self, wall: datetime.datetime) -> datetime.datetime:
        return wall.replace(tzinfo=self.tz)


def _check_date(day: datetime.date) -> datetime.date:
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        raise TypeError("expected a date (not a datetime)")
    return day


def _shift(day: datetime.date, days: int) -> datetime.date:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError as exc:
        raise CalendarError(gettext("日期超出可计算范围。")) from exc
