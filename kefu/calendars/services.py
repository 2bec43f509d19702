"""Calendar services: build a project's ``BusinessCalendar`` from the database, seed holidays
from the ``chinesecalendar`` package, and apply an administrator's overrides.

* :func:`get_calendar` — the calendar later SLA code uses (R-TKT-05/06/08 deadlines).
* :func:`sync_from_package` — seeds public holidays and make-up working days (调休上班); run by
  the daily ``calendar_sync`` job, ``kefu calendar_sync`` and ``kefu demo``.
* :func:`apply_override` — an administrator's bulk entry for a date range, validated as a whole
  and written all-or-nothing (the issue's "calendar override that contradicts itself").
* :func:`missing_years` — years without holiday data, so the UI can ask for manual entry.

Manual rows (``source=manual``) always win: the sync never creates, changes or deletes them.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.calendars.engine import DEFAULT_HOURS, BusinessCalendar, CalendarError, Interval
from kefu.calendars.models import WORKING_KINDS, BusinessHours, CalendarDay, DayKind, DaySource
from kefu.calendars.package import package_days, package_years

__all__ = [
    "CLEAR",
    "MAX_OVERRIDE_DAYS",
    "OverrideEntry",
    "apply_override",
    "business_hours_for",
    "covered_years",
    "get_calendar",
    "invalidate_cache",
    "missing_years",
    "set_business_hours",
    "sync_from_package",
]

log = logging.getLogger(__name__)

#: Pseudo-kind of an override entry: remove manual entries and restore the package's data.
CLEAR = "clear"
#: Longest date range one override entry may cover (inclusive).
MAX_OVERRIDE_DAYS = 60
#: At most this many business-hour intervals per day.
MAX_INTERVALS = 4
#: Overrides must fall within these years (a typo such as 20026 is refused).
MIN_YEAR, MAX_YEAR = 2000, 2100

HOURS_ORGANISATION = "organisation"
HOURS_PROJECT = "project"
HOURS_DEFAULT = "default"


# -- loading, with a per-process cache -------------------------------------------------------

_cache_lock = threading.Lock()
_exceptions_cache: dict[str, object] = {}
_calendar_cache: dict[int | None, tuple[tuple, BusinessCalendar]] = {}


def _fingerprint() -> tuple:
    """A cheap summary of both tables (one query) that changes with any insert, update or
    delete made through the ORM: row counts and latest ``last_updated``. Unlike a version
    counter in a cache it is also right after a rolled-back transaction."""
    days, hours = CalendarDay._meta.db_table, BusinessHours._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {days}), (SELECT MAX(last_updated) FROM {days}), "
            f"(SELECT COUNT(*) FROM {hours}), (SELECT MAX(last_updated) FROM {hours})"
        )
        return (connection.alias, *cursor.fetchone())


def invalidate_cache() -> None:
    """Forget every cached calendar (the next :func:`get_calendar` rebuilds)."""
    with _cache_lock:
        _exceptions_cache.clear()
        _calendar_cache.clear()


def _project_id(project) -> int | None:
    return getattr(project, "pk", project)


def _exceptions(fingerprint: tuple) -> tuple[dict[datetime.date, bool], frozenset[int]]:
    if _exceptions_cache.get("fingerprint") == fingerprint:
        return _exceptions_cache["exceptions"], _exceptions_cache["years"]  # type: ignore[return-value]
    exceptions: dict[datetime.date, bool] = {}
    years: set[int] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        exceptions[day] = kind in WORKING_KINDS
        if kind == DayKind.HOLIDAY:
            years.add(day.year)
    _exceptions_cache.update(fingerprint=fingerprint, exceptions=exceptions, years=frozenset(years))
    return exceptions, frozenset(years)


def business_hours_for(project=None) -> tuple[list[Interval], str]:
    """The intervals that apply to ``project`` (a ``Project``, its id or ``None`` for the
    organisation) and where they come from: ``"project"`` (its own rows), ``"organisation"``
    (rows without a project) or ``"default"`` (none configured: :data:`DEFAULT_HOURS`,
    08:30–18:00)."""
    pid = _project_id(project)
    rows = list(BusinessHours.objects.values_list("project_id", "start", "end"))
    own = [(s, e) for p, s, e in rows if pid is not None and p == pid]
    if own:
        return sorted(own), HOURS_PROJECT
    org = [(s, e) for p, s, e in rows if p is None]
    if org:
        return sorted(org), HOURS_ORGANISATION
    return list(DEFAULT_HOURS), HOURS_DEFAULT


def get_calendar(project=None) -> BusinessCalendar:
    """The business calendar of ``project`` (``Project``, id or ``None``): the organisation's
    holidays and make-up days, and the project's business hours (its own rows, else the
    organisation's, else 08:30–18:00), in ``settings.TIME_ZONE``. ``known_years`` holds the
    years with holiday data. Cached per process; any change to the calendar tables (also by
    another process) is noticed on the next call. Later SLA code (R-TKT-05/06/08) calls this."""
    pid = _project_id(project)
    fingerprint = _fingerprint()
    cached = _calendar_cache.get(pid)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    with _cache_lock:
        exceptions, years = _exceptions(fingerprint)
        hours, _source = business_hours_for(pid)
        try:
            calendar = BusinessCalendar(exceptions, hours, known_years=years, tz=settings.TIME_ZONE)
        except CalendarError:  # rows written around validation: fall back, never fail
            log.exception("invalid business hours for project %s; using the default", pid)
            calendar = BusinessCalendar(
                exceptions, DEFAULT_HOURS, known_years=years, tz=settings.TIME_ZONE
            )
        _calendar_cache[pid] = (fingerprint, calendar)
    return calendar


# -- which years have data -------------------------------------------------------------------


def covered_years() -> set[int]:
    """Years with holiday data: at least one public holiday row, seeded or entered by hand.
    (Every Chinese year has holidays, so a year without one has not been entered.)"""
    return {
        day.year
        for day in CalendarDay.objects.filter(kind=DayKind.HOLIDAY).values_list("date", flat=True)
    }


def missing_years(years: Iterable[int] | None = None) -> list[int]:
    """The years among ``years`` (default: this year and next) with no holiday data, neither
    from the package nor entered by hand — e.g. ``[2027]`` until someone enters 2027's
    holidays. The UI warns the administrator about them."""
    if years is None:
        this_year = timezone.localdate().year
        years = (this_year, this_year + 1)
    covered = covered_years()
    return sorted(y for y in set(years) if y not in covered)


def year_has_package_data(year: int) -> bool:
    return year in package_years()


# -- seeding from the package ----------------------------------------------------------------


def sync_from_package(years: Iterable[int] | None = None) -> int:
    """Make the package's rows match the ``chinesecalendar`` package for ``years`` (default:
    every year it knows, 2004–2026 in version 1.11) and return how many rows were created,
    changed or deleted — ``0`` when already in sync (idempotent).

    Holidays get their Chinese names (国庆节, 春节 …); make-up working days (调休上班) the
    name of the holiday they make up for. Rows with ``source=manual`` are never touched, and
    a package row the package no longer lists (a corrected arrangement) is deleted. Every
    change goes through ``save()``/``delete()`` so the audit trail records it (R-SEC-02);
    the caller sets the source (job, command) with ``kefu.core.audit.audit_context``.
    """
    known = set(package_years())
    wanted_years = known if years is None else known & {int(y) for y in years}
    if not wanted_years:
        return 0
    for attempt in range(3):
        try:
            changed = _sync_years(wanted_years)
        except IntegrityError:
            # Another process (the job, ``kefu demo``) inserted the same day meanwhile: the
            # transaction rolled back, so simply compare again.
            if attempt == 2:
                raise
        else:
            break
    if changed:
        invalidate_cache()
    log.info("calendar sync: %s rows changed for %s years", changed, len(wanted_years))
    return changed


def _sync_years(wanted_years: set[int]) -> int:
    wanted = package_days(wanted_years)
    lo, hi = datetime.date(min(wanted_years), 1, 1), datetime.date(max(wanted_years), 12, 31)
    changed = 0
    with transaction.atomic():
        existing = {
            row.date: row
            for row in CalendarDay.objects.select_for_update().filter(date__range=(lo, hi))
            if row.date.year in wanted_years
        }
        for day in sorted(wanted):
            kind, name = wanted[day]
            row = existing.get(day)
            if row is None:
                CalendarDay(date=day, kind=kind, name=name, source=DaySource.PACKAGE).save()
                changed += 1
            elif row.source == DaySource.PACKAGE and (row.kind, row.name) != (kind, name):
                row.kind, row.name = kind, name
                row.save()
                changed += 1
        for day, row in existing.items():
            if row.source == DaySource.PACKAGE and day not in wanted:
                row.delete()
                changed += 1
    return changed


# -- administrator's overrides ---------------------------------------------------------------


@dataclass(frozen=True)
class OverrideEntry:
    """One line of an override: every date from ``start`` to ``end`` (inclusive) becomes
    ``kind`` (a ``DayKind`` value, or :data:`CLEAR` to remove manual entries and restore the
    package's arrangement) with ``name`` (e.g. 国庆节)."""

    start: datetime.date
    end: datetime.date
    kind: str
    name: str = ""


def _weekday_name(day: datetime.date) -> str:
    """周一 … 周日 in the active language."""
    names = (
        pgettext("weekday", "周一"),
        pgettext("weekday", "周二"),
        pgettext("weekday", "周三"),
        pgettext("weekday", "周四"),
        pgettext("weekday", "周五"),
        pgettext("weekday", "周六"),
        pgettext("weekday", "周日"),
    )
    return names[day.weekday()]


def _override_kinds() -> dict[str, str]:
    return {**dict(DayKind.choices), CLEAR: _("恢复默认（删除手工设置）")}


def validate_override(entries: Sequence[OverrideEntry]) -> dict[datetime.date, tuple[str, str]]:
    """Check a submission and return ``{date: (kind, name)}``; raise ``ValidationError`` with
    every contradiction found (Chinese messages, numbered by line): start after end, a range
    over :data:`MAX_OVERRIDE_DAYS` days, a make-up working day on a Monday–Friday date, the
    same date given two different kinds (or names)."""
    errors: list[str] = []
    plan: dict[datetime.date, tuple[str, str]] = {}
    origin: dict[datetime.date, int] = {}
    kinds = _override_kinds()
    if not entries:
        raise ValidationError(_("请至少填写一行。"), code="empty")
    for number, entry in enumerate(entries, start=1):
        prefix = _("第 %(n)s 行：") % {"n": number}
        if entry.kind not in kinds:
            errors.append(prefix + _("类型“%(kind)s”无效。") % {"kind": entry.kind})
            continue
        if entry.start is None or entry.end is None:
            errors.append(prefix + _("请填写开始和结束日期。"))
            continue
        if not (
            MIN_YEAR <= entry.start.year <= MAX_YEAR and MIN_YEAR <= entry.end.year <= MAX_YEAR
        ):
            errors.append(
                prefix
                + _("日期须在 %(lo)s 年至 %(hi)s 年之间。") % {"lo": MIN_YEAR, "hi": MAX_YEAR}
            )
            continue
        if entry.start > entry.end:
            errors.append(
                prefix
                + _("开始日期 %(start)s 晚于结束日期 %(end)s。")
                % {"start": entry.start, "end": entry.end}
            )
            continue
        length = (entry.end - entry.start).days + 1
        if length > MAX_OVERRIDE_DAYS:
            errors.append(
                prefix
                + _("日期范围共 %(days)s 天，一次最多 %(max)s 天。")
                % {"days": length, "max": MAX_OVERRIDE_DAYS}
            )
            continue
        name = (entry.name or "").strip()
        if len(name) > CalendarDay._meta.get_field("name").max_length:
            errors.append(prefix + _("名称太长（最多 50 个字）。"))
            continue
        days = [entry.start + datetime.timedelta(days=i) for i in range(length)]
        if entry.kind == DayKind.MAKEUP_WORKDAY:
            weekdays = [d for d in days if d.weekday() < 5]
            if weekdays:
                listed = _("、").join(
                    _("%(date)s（%(weekday)s）") % {"date": d, "weekday": _weekday_name(d)}
                    for d in weekdays[:5]
                )
                more = _(" 等 %(n)s 天") % {"n": len(weekdays)} if len(weekdays) > 5 else ""
                errors.append(
                    prefix
                    + _("%(days)s%(more)s 是周一至周五，本来就是工作日，不能设为调休上班。")
                    % {"days": listed, "more": more}
                )
                continue
        for day in days:
            previous = plan.get(day)
            if previous is not None and previous != (entry.kind, name):
                other = origin[day]
                if previous[0] != entry.kind:
                    errors.append(
                        prefix
                        + _("%(day)s 在第 %(other)s 行已设为“%(a)s”，不能同时设为“%(b)s”。")
                        % {
                            "day": day,
                            "other": other,
                            "a": kinds[previous[0]],
                            "b": kinds[entry.kind],
                        }
                    )
                else:
                    errors.append(
                        prefix
                        + _("%(day)s 在第 %(other)s 行的名称是“%(a)s”，与本行“%(b)s”不一致。")
                        % {"day": day, "other": other, "a": previous[1], "b": name}
                    )
                break
            plan[day] = (entry.kind, name)
            origin.setdefault(day, number)
    if errors:
        raise ValidationError(errors, code="contradiction")
    return plan


def apply_override(entries: Sequence[OverrideEntry] | OverrideEntry) -> int:
    """Apply an administrator's override (one entry or several submitted together) as manual
    rows, all-or-nothing: nothing is written if any line contradicts itself or another (see
    :func:`validate_override`). Entries of kind :data:`CLEAR` delete manual rows and restore
    the package's arrangement for those dates. Returns the number of dates written or cleared.
    Raises ``django.core.exceptions.ValidationError`` with Chinese messages."""
    if isinstance(entries, OverrideEntry):
        entries = [entries]
    plan = validate_override(list(entries))
    known = package_days({day.year for day in plan})
    changed = 0
    with transaction.atomic():
        rows = {
            row.date: row
            for row in CalendarDay.objects.select_for_update().filter(date__in=list(plan))
        }
        for day in sorted(plan):
            kind, name = plan[day]
            row = rows.get(day)
            if kind == CLEAR:
                if row is not None and row.source == DaySource.MANUAL:
                    row.delete()
                    row = None
                    changed += 1
                if row is None and day in known:
                    package_kind, package_name = known[day]
                    CalendarDay(
                        date=day, kind=package_kind, name=package_name, source=DaySource.PACKAGE
                    ).save()
                continue
            if row is None:
                row = CalendarDay(date=day)
            elif (row.kind, row.name, row.source) == (kind, name, DaySource.MANUAL):
                continue
            row.kind, row.name, row.source = kind, name, DaySource.MANUAL
            row.full_clean()
            row.save()
            changed += 1
    invalidate_cache()
    return changed


# -- business hours --------------------------------------------------------------------------


def set_business_hours(project, intervals: Iterable[Interval]) -> int:
    """Replace the business hours of ``project`` (``None``: the organisation default) with
    ``intervals``. An empty list removes them: the project then follows the organisation's
    hours, the organisation the built-in 08:30–18:00. Validated (start before end, no overlap,
    at most :data:`MAX_INTERVALS`), written in one transaction; returns the number of rows."""
    intervals = sorted(intervals)
    if len(intervals) > MAX_INTERVALS:
        raise ValidationError(
            _("每天最多设置 %(n)s 个营业时间段。") % {"n": MAX_INTERVALS}, code="too_many"
        )
    if intervals:
        try:
            BusinessCalendar({}, intervals)
        except CalendarError as exc:
            raise ValidationError(str(exc), code="invalid_hours") from exc
    pid = _project_id(project)
    with transaction.atomic():
        for row in BusinessHours.objects.select_for_update().filter(project_id=pid):
            row.delete()  # one by one: each deletion lands in the audit trail (R-SEC-02)
        for start, end in intervals:
            BusinessHours(project_id=pid, start=start, end=end).save()
    invalidate_cache()
    return len(intervals)
