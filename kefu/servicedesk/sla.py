"""SLA arithmetic: due moments, pauses and escalation thresholds (pure Python, no Django).

A work order's deadlines (issue 3 item 8; R-TKT-05…08, R-CB-03/04) are computed here from a
*calendar* — any object with the methods of :class:`kefu.calendars.engine.BusinessCalendar`
(``tz``, ``is_working_day``, ``next_working_day``, ``add_working_days``, ``working_day_end``,
``add_business_hours``, ``business_time_between``) — so every rule can be tested without a
database. ``kefu.servicedesk.deadlines`` stores the results on the order.

Units and conventions
---------------------
``minutes``, ``hours``
    Elapsed (wall-clock) time: 15 minutes after 10:00 is 10:15, also at night or on a holiday.
``calendar_days``
    Wall-clock days in the calendar's time zone: 2 days after 2026-09-30 17:00 is
    2026-10-02 17:00, holidays included (R-TKT-05 "within 2 days", "within 10 days").
``working_days``
    ``n`` working days: **close of business of the n-th working day after the start date**,
    ``calendar.working_day_end(calendar.add_working_days(start.date(), n))``. The start day never
    counts (``BusinessCalendar`` convention), so "1 working day" from Wednesday 2026-09-30
    17:00 — National Day holiday 1–7 October — is 2026-10-08 at close of business (R-TKT-06).
    ``0`` working days is the close of business of the start day when it is a working day and
    the start is before its close, else that of the next working day (never before the start).
``business_hours``
    ``calendar.add_business_hours(start, n)``: the earliest moment at which ``n`` hours of
    business time have passed, skipping nights, weekends and holidays.
``same_day``
    The end of the start's calendar day, 23:59:59.999 local time — "handed to the service
    centre director the same day" (R-TKT-05). An amount ``n`` means the end of the n-th calendar
    day after the start day (normally 0).

Pauses ("on hold", waiting for the customer or an appointment)
----------------------------------------------------------------
Time on hold never counts. :func:`pause` returns what is left on the clock when the order is
put on hold — for ``working_days`` and ``business_hours`` the *business* time between the pause
and the due moment, otherwise wall-clock seconds — negative when the deadline had already
passed. :func:`resume` turns that remainder back into a due moment from the resume moment: for
business units the remaining working time is restored exactly, however many nights, weekends
and holidays the hold spanned. Several pauses add up (:func:`apply_pauses`): the working time
between start and final due, minus the working time inside the pauses, is the target's working
time. A pause and a resume at the same instant change nothing.

Escalation steps
----------------
A target's escalation is a list of steps (:func:`validate_steps`), each
``{"at_percent": p}`` — p % of the way from start to due, measured in working time for business
units — or ``{"after_breach_minutes": m}`` — m wall-clock minutes after the due moment; plus
``"notify"``: one of :data:`NOTIFY_ROLES`, an optional ``"label"`` and an optional
``"handover": true`` meaning "this notification *is* the hand-over the target asks for" (the
``escalate`` target of R-TKT-05: the system tells the director, so the target is met).
:func:`thresholds` turns steps into moments.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from kefu.calendars.engine import gettext

__all__ = [
    "BUSINESS_UNITS",
    "END_OF_DAY",
    "NOTIFY_ROLES",
    "UNITS",
    "Calendar",
    "SlaError",
    "apply_pauses",
    "due_at",
    "elapsed",
    "fraction_elapsed",
    "pause",
    "resume",
    "thresholds",
    "validate_steps",
]

MINUTES = "minutes"
HOURS = "hours"
CALENDAR_DAYS = "calendar_days"
WORKING_DAYS = "working_days"
BUSINESS_HOURS = "business_hours"
SAME_DAY = "same_day"
#: Every unit a target may use (the values of ``choices.DurationUnit``).
UNITS = (MINUTES, HOURS, CALENDAR_DAYS, WORKING_DAYS, BUSINESS_HOURS, SAME_DAY)
#: Units measured in the calendar's working time (pauses and percentages too).
BUSINESS_UNITS = frozenset({WORKING_DAYS, BUSINESS_HOURS})
#: Who an escalation step notifies: the order's first-contact owner (R-TKT-03), its assignee,
#: the owner's direct supervisor (org.Staff.supervisor), the manager (head of the responsible
#: department, else of the owner's department) and the general manager (top of the owner's
#: supervisor chain).
NOTIFY_ROLES = ("owner", "assignee", "supervisor", "manager", "general_manager")
#: "The same day" ends at 23:59:59.999 local time.
END_OF_DAY = datetime.time(23, 59, 59, 999000)
#: A percentage step may lie at most this far past the due moment (1000 % = ten times the time).
MAX_PERCENT = 1000
#: At most this many minutes after a breach (30 days).
MAX_AFTER_BREACH_MINUTES = 30 * 24 * 60
#: An amount may not exceed this many units (sanity bound: a typo such as 10000 days).
MAX_AMOUNT = Decimal(100_000)
LABEL_MAX = 50

_SECONDS = {MINUTES: 60, HOURS: 3600, CALENDAR_DAYS: 86400, BUSINESS_HOURS: 3600}
_UTC = datetime.UTC
_ONE_MICROSECOND = datetime.timedelta(microseconds=1)


class SlaError(ValueError):
    """A target or escalation step that cannot be computed (message in Chinese)."""


class Calendar(Protocol):
    """What this module needs of a calendar (``kefu.calendars.engine.BusinessCalendar``)."""

    tz: datetime.tzinfo

    def is_working_day(self, day: datetime.date) -> bool: ...

    def next_working_day(self, day: datetime.date) -> datetime.date: ...

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date: ...

    def working_day_end(self, day: datetime.date) -> datetime.datetime: ...

    def add_business_hours(
        self, moment: datetime.datetime, hours: datetime.timedelta
    ) -> datetime.datetime: ...

    def business_time_between(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> datetime.timedelta: ...


# -- helpers ----------------------------------------------------------------------------------


def _check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise SlaError(gettext("未知的时限单位：%(unit)s。") % {"unit": unit})
    return unit


def _check_moment(moment: datetime.datetime, name: str = "moment") -> datetime.datetime:
    if not isinstance(moment, datetime.datetime):
        raise TypeError(f"{name} must be a timezone-aware datetime")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise SlaError(gettext("时间必须带时区（例如 2026-09-30T16:00:00+08:00）。"))
    return moment


def _tz(cal: Calendar, moment: datetime.datetime) -> datetime.tzinfo:
    return getattr(cal, "tz", None) or moment.tzinfo  # type: ignore[return-value]


def _amount(amount: int | float | Decimal | str) -> Decimal:
    if isinstance(amount, bool):
        raise TypeError("amount must be a number")
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise SlaError(gettext("时限必须是数字。")) from exc
    if not value.is_finite():
        raise SlaError(gettext("时限必须是有限的数。"))
    if value < 0:
        raise SlaError(gettext("时限不能为负数。"))
    if value > MAX_AMOUNT:
        raise SlaError(gettext("时限过大，请检查。"))
    return value


def _whole(value: Decimal, unit: str) -> int:
    if value != value.to_integral_value():
        raise SlaError(
            gettext("以“%(unit)s”计的时限必须是整数。")
            % {"unit": gettext("工作日") if unit == WORKING_DAYS else gettext("当天内")}
        )
    return int(value)


def _duration(value: Decimal, seconds_per_unit: int) -> datetime.timedelta:
    micro = (value * seconds_per_unit * 1_000_000).to_integral_value()
    return datetime.timedelta(microseconds=int(micro))


def _seconds(delta: datetime.timedelta) -> float:
    return delta / datetime.timedelta(seconds=1)


def _delta(seconds: float) -> datetime.timedelta:
    return datetime.timedelta(microseconds=round(seconds * 1_000_000))


def _plus_elapsed(moment: datetime.datetime, delta: datetime.timedelta, tz) -> datetime.datetime:
    """``moment + delta`` as elapsed time (through UTC), expressed in ``tz``."""
    return (moment.astimezone(_UTC) + delta).astimezone(tz)


def _business_back(
    cal: Calendar, moment: datetime.datetime, duration: datetime.timedelta
) -> datetime.datetime:
    """The earliest ``t <= moment`` with ``business_time_between(t, moment) <= duration`` —
    i.e. ``duration`` of business time *before* ``moment`` (for a deadline already passed when
    it was paused). Exponential search then bisection on microseconds."""
    if duration <= datetime.timedelta(0):
        return moment
    span = duration
    limit = datetime.timedelta(days=3660)
    while cal.business_time_between(moment - span, moment) <= duration:
        span *= 2
        if span > limit:
            raise SlaError(gettext("暂停前已超时过久，无法计算。"))
    lo, hi = span, datetime.timedelta(0)  # offsets back from moment: f(lo) > duration >= f(hi)
    while lo - hi > _ONE_MICROSECOND:
        mid = hi + (lo - hi) // 2
        if cal.business_time_between(moment - mid, moment) <= duration:
            hi = mid
        else:
            lo = mid
    return (moment - hi).astimezone(_tz(cal, moment))


# -- due moments ------------------------------------------------------------------------------


def due_at(
    cal: Calendar,
    start: datetime.datetime,
    amount: int | float | Decimal | str,
    unit: str,
) -> datetime.datetime:
    """The due moment of a target of ``amount`` ``unit`` starting at ``start`` (see the module
    docstring for each unit's convention). Never earlier than ``start``."""
    _check_moment(start, "start")
    _check_unit(unit)
    value = _amount(amount)
    tz = _tz(cal, start)
    if unit in (MINUTES, HOURS):
        return _plus_elapsed(start, _duration(value, _SECONDS[unit]), tz)
    if unit == CALENDAR_DAYS:
        local = start.astimezone(tz)
        return local + _duration(value, _SECONDS[unit])  # wall-clock days (same local time)
    if unit == BUSINESS_HOURS:
        return cal.add_business_hours(start, _duration(value, _SECONDS[unit]))
    local_day = start.astimezone(tz).date()
    if unit == SAME_DAY:
        day = local_day + datetime.timedelta(days=_whole(value, unit))
        return datetime.datetime.combine(day, END_OF_DAY, tzinfo=tz)
    # WORKING_DAYS
    n = _whole(value, unit)
    if n > 0:
        return cal.working_day_end(cal.add_working_days(local_day, n))
    if cal.is_working_day(local_day):
        close = cal.working_day_end(local_day)
        if close > start:
            return close
    return cal.working_day_end(cal.next_working_day(local_day))


def elapsed(
    cal: Calendar, start: datetime.datetime, end: datetime.datetime, unit: str
) -> datetime.timedelta:
    """Time from ``start`` to ``end`` as the unit measures it: business time for
    ``working_days``/``business_hours``, elapsed time otherwise (negative if ``end`` is
    earlier)."""
    _check_unit(unit)
    _check_moment(start, "start")
    _check_moment(end, "end")
    if unit in BUSINESS_UNITS:
        return cal.business_time_between(start, end)
    return end - start


def pause(due: datetime.datetime, paused_at: datetime.datetime, unit: str, cal: Calendar) -> float:
    """Seconds left on the clock when a deadline due at ``due`` is paused at ``paused_at``:
    business seconds for business units, wall-clock seconds otherwise; negative when the
    deadline had already passed."""
    return _seconds(elapsed(cal, paused_at, due, unit))


def resume(
    remaining: float,
    resumed_at: datetime.datetime,
    unit: str,
    cal: Calendar,
    *,
    not_before: datetime.datetime | None = None,
) -> datetime.datetime:
    """The new due moment when a paused deadline with ``remaining`` seconds (from
    :func:`pause`) resumes at ``resumed_at``. Business units restore exactly the remaining
    business time (a negative remainder puts the due that much business time before the
    resume moment: the deadline stays passed — at the earliest such moment, e.g. the previous
    close of business, but never before ``not_before``, the clock's start: both lie in the same
    stretch of non-working time, so the business time is the same)."""
    _check_unit(unit)
    _check_moment(resumed_at, "resumed_at")
    delta = _delta(remaining)
    tz = _tz(cal, resumed_at)
    if unit in BUSINESS_UNITS:
        if delta >= datetime.timedelta(0):
            return cal.add_business_hours(resumed_at, delta)
        due = _business_back(cal, resumed_at, -delta)
        if not_before is not None and due < not_before:
            due = not_before.astimezone(tz)
        return due
    return _plus_elapsed(resumed_at, delta, tz)


def apply_pauses(
    cal: Calendar,
    due: datetime.datetime,
    unit: str,
    pauses: Iterable[tuple[datetime.datetime, datetime.datetime]],
    *,
    start: datetime.datetime | None = None,
) -> datetime.datetime:
    """``due`` moved by each completed pause ``(paused_at, resumed_at)`` in turn: the hold
    time of each pause does not count. Pauses must be in order and not overlap. ``start``
    (the clock's start) keeps the due from moving before it (see :func:`resume`)."""
    previous: datetime.datetime | None = None
    for paused_at, resumed_at in pauses:
        _check_moment(paused_at, "paused_at")
        _check_moment(resumed_at, "resumed_at")
        if resumed_at < paused_at or (previous is not None and paused_at < previous):
            raise SlaError(gettext("暂停记录的时间顺序不对。"))
        due = resume(pause(due, paused_at, unit, cal), resumed_at, unit, cal, not_before=start)
        previous = resumed_at
    return due


def fraction_elapsed(
    start: datetime.datetime,
    due: datetime.datetime,
    now: datetime.datetime,
    unit: str,
    cal: Calendar,
) -> float:
    """How much of the time from ``start`` to ``due`` has passed at ``now`` (0.0 … and above
    1.0 when overdue), measured as the unit measures time."""
    total = elapsed(cal, start, due, unit)
    if total <= datetime.timedelta(0):
        return 1.0 if now >= due else 0.0
    return elapsed(cal, start, now, unit) / total


# -- escalation -------------------------------------------------------------------------------


def validate_steps(steps: Any) -> list[dict[str, Any]]:
    """The escalation steps normalised (numbers as int/float, ``label`` and ``handover`` only
    when given); ``SlaError`` with a Chinese message naming the step otherwise."""
    if steps in (None, ""):
        return []
    if not isinstance(steps, Sequence) or isinstance(steps, str | bytes):
        raise SlaError(gettext("升级步骤必须是列表。"))
    cleaned: list[dict[str, Any]] = []
    for number, step in enumerate(steps, start=1):
        where = {"n": number}
        if not isinstance(step, Mapping):
            raise SlaError(gettext("第 %(n)s 个升级步骤格式不对。") % where)
        unknown = set(step) - {"at_percent", "after_breach_minutes", "notify", "label", "handover"}
        if unknown:
            raise SlaError(
                gettext("第 %(n)s 个升级步骤有未知的项：%(keys)s。")
                % {**where, "keys": "、".join(sorted(map(str, unknown)))}
            )
        has_percent, has_minutes = "at_percent" in step, "after_breach_minutes" in step
        if has_percent == has_minutes:
            raise SlaError(
                gettext("第 %(n)s 个升级步骤须且只能设置“时限百分比”或“超时后分钟数”之一。") % where
            )
        out: dict[str, Any] = {}
        if has_percent:
            value = _step_number(step["at_percent"], where)
            if not 0 <= value <= MAX_PERCENT:
                raise SlaError(
                    gettext("第 %(n)s 个升级步骤的百分比须在 0–%(max)s 之间。")
                    % {**where, "max": MAX_PERCENT}
                )
            out["at_percent"] = value
        else:
            value = _step_number(step["after_breach_minutes"], where)
            if value != int(value) or not 0 <= value <= MAX_AFTER_BREACH_MINUTES:
                raise SlaError(
                    gettext("第 %(n)s 个升级步骤的超时后分钟数须是 0–%(max)s 之间的整数。")
                    % {**where, "max": MAX_AFTER_BREACH_MINUTES}
                )
            out["after_breach_minutes"] = int(value)
        notify = step.get("notify")
        if notify not in NOTIFY_ROLES:
            raise SlaError(
                gettext("第 %(n)s 个升级步骤的通知对象须是 %(roles)s 之一。")
                % {**where, "roles": "、".join(NOTIFY_ROLES)}
            )
        out["notify"] = notify
        label = step.get("label")
        if label not in (None, ""):
            if not isinstance(label, str) or len(label) > LABEL_MAX:
                raise SlaError(
                    gettext("第 %(n)s 个升级步骤的说明须是不超过 %(max)s 个字的文字。")
                    % {**where, "max": LABEL_MAX}
                )
            out["label"] = label
        if "handover" in step:
            if not isinstance(step["handover"], bool):
                raise SlaError(
                    gettext("第 %(n)s 个升级步骤的 handover 须是 true 或 false。") % where
                )
            if step["handover"]:
                out["handover"] = True
        cleaned.append(out)
    return cleaned


def _step_number(value: Any, where: dict) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SlaError(gettext("第 %(n)s 个升级步骤的数值必须是数字。") % where)
    if isinstance(value, float | Decimal) and not Decimal(str(value)).is_finite():
        raise SlaError(gettext("第 %(n)s 个升级步骤的数值必须是有限的数。") % where)
    if isinstance(value, Decimal):
        value = float(value)
    return int(value) if value == int(value) else value


def thresholds(
    start: datetime.datetime,
    due: datetime.datetime,
    steps: Sequence[Mapping[str, Any]],
    unit: str,
    cal: Calendar,
) -> list[tuple[int, datetime.datetime]]:
    """``(step index, moment)`` for each step, in the order they fall due (then by index).

    ``at_percent`` p: p % of the way from ``start`` to ``due`` — in business time for business
    units (80 % of a 10-business-hour target is 8 business hours after the start, skipping the
    night) — exactly ``due`` at 100 %, never after ``due`` below 100 % nor before it above.
    ``after_breach_minutes`` m: ``due`` + m wall-clock minutes.
    """
    _check_moment(start, "start")
    _check_moment(due, "due")
    _check_unit(unit)
    tz = _tz(cal, due)
    business = unit in BUSINESS_UNITS
    total = elapsed(cal, start, due, unit) if due > start else datetime.timedelta(0)
    total_us = total // _ONE_MICROSECOND
    moments: list[tuple[datetime.datetime, int]] = []
    for index, step in enumerate(steps):
        if "after_breach_minutes" in step:
            minutes = Decimal(str(step["after_breach_minutes"]))
            moment = _plus_elapsed(due, _duration(minutes, 60), tz)
        else:
            percent = Decimal(str(step["at_percent"]))
            if percent == 100:
                moment = due.astimezone(tz)
            else:
                part = datetime.timedelta(
                    microseconds=int((total_us * percent / 100).to_integral_value())
                )
                if business:
                    moment = cal.add_business_hours(start, part)
                else:
                    moment = _plus_elapsed(start, part, tz)
                moment = min(moment, due) if percent < 100 else max(moment, due)
                moment = moment.astimezone(tz)
        moments.append((moment, index))
    moments.sort()
    return [(index, moment) for moment, index in moments]
