"""The calendar arithmetic (pure, no database): exact 2026 cases and hypothesis properties.

The real State Council arrangement comes from the ``chinesecalendar`` package; the package's
own ``is_workday``/``get_workdays`` serve as an independent oracle. These functions carry the
working-day and business-hour deadlines of R-TKT-05, R-TKT-06 and R-TKT-08.
"""

from __future__ import annotations

import datetime
from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kefu.calendars.engine import (
    DEFAULT_HOURS,
    SEARCH_LIMIT_DAYS,
    BusinessCalendar,
    CalendarError,
    NoWorkingTimeError,
    parse_intervals,
)
from kefu.calendars.package import package_days, package_years

TZ = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
LUNCH_BREAK = [(time(8, 30), time(12, 0)), (time(13, 30), time(18, 0))]
PACKAGE = {day: kind == "makeup_workday" for day, (kind, _name) in package_days().items()}
CAL = BusinessCalendar(PACKAGE, LUNCH_BREAK, known_years=package_years())
FIRST, LAST = date(2004, 1, 1), date(2026, 12, 31)


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


# -- 2026 National Day: holiday 1–7 Oct; make-up working days Sun 20 Sep and Sat 10 Oct -------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 19), False),  # Saturday
        (date(2026, 9, 20), True),  # Sunday, make-up working day (调休上班)
        (date(2026, 9, 25), False),  # Friday, Mid-Autumn Festival
        (date(2026, 9, 30), True),
        *[(date(2026, 10, d), False) for d in range(1, 8)],
        (date(2026, 10, 8), True),
        (date(2026, 10, 9), True),
        (date(2026, 10, 10), True),  # Saturday, make-up working day
        (date(2026, 10, 11), False),  # Sunday
    ],
)
def test_national_day_2026_days(day, working):
    assert CAL.is_working_day(day) is working


def test_three_working_days_after_30_september_2026_is_saturday_10_october():
    # "3个工作日内" (R-TKT-06 general complaint): 8 Oct, 9 Oct, then the make-up Saturday.
    start = date(2026, 9, 30)
    assert [CAL.add_working_days(start, n) for n in range(5)] == [
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
        date(2026, 10, 12),
    ]
    assert CAL.working_days_between(start, date(2026, 10, 10)) == 3
    assert CAL.working_day_end(date(2026, 10, 10)) == at(2026, 10, 10, 18, 0)


def test_working_days_from_inside_the_holiday_start_after_it():
    assert CAL.add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 8)
    assert CAL.add_working_days(date(2026, 9, 19), 1) == date(2026, 9, 20)


def test_business_hours_across_national_day_2026():
    # 16:00 on 30 Sep: two hours left that day, two more from 08:30 on 8 Oct.
    assert CAL.add_business_hours(at(2026, 9, 30, 16, 0), 4) == at(2026, 10, 8, 10, 30)
    # Exactly using up 8 Oct ends at its close, not at the next opening.
    assert CAL.add_business_hours(at(2026, 9, 30, 17, 0), 9) == at(2026, 10, 8, 18, 0)
    # The same moment given in UTC gives the same answer, in Beijing time.
    utc = datetime.datetime(2026, 9, 30, 8, 0, tzinfo=UTC)
    assert CAL.add_business_hours(utc, 4) == at(2026, 10, 8, 10, 30)
    assert CAL.add_business_hours(utc, 4).utcoffset() == timedelta(hours=8)
    # Fractional hours and the lunch break: 11:00 + 1.5 h = 12:00 + 30 min after 13:30.
    assert CAL.add_business_hours(at(2026, 10, 9, 11, 0), 1.5) == at(2026, 10, 9, 14, 0)
    assert CAL.add_business_hours(at(2026, 10, 9, 11, 0), Decimal("0.25")) == at(
        2026, 10, 9, 11, 15
    )
    assert CAL.business_time_between(at(2026, 9, 30, 16, 0), at(2026, 10, 8, 10, 30)) == (
        timedelta(hours=4)
    )


def test_working_time_and_next_opening_around_national_day_2026():
    assert CAL.next_working_moment(at(2026, 10, 1, 9, 0)) == at(2026, 10, 8, 8, 30)
    assert CAL.next_working_moment(at(2026, 10, 9, 18, 30)) == at(2026, 10, 10, 8, 30)
    assert CAL.next_working_moment(at(2026, 10, 9, 12, 15)) == at(2026, 10, 9, 13, 30)
    assert CAL.next_working_moment(at(2026, 10, 9, 9, 0)) == at(2026, 10, 9, 9, 0)
    assert CAL.is_working_time(at(2026, 10, 10, 10, 0)) is True  # make-up Saturday
    assert CAL.is_working_time(at(2026, 10, 8, 12, 30)) is False  # lunch break
    assert CAL.is_working_time(at(2026, 10, 8, 18, 0)) is False  # closing time is out
    assert CAL.is_working_time(at(2026, 10, 8, 8, 30)) is True  # opening time is in
    assert CAL.is_working_time(at(2026, 10, 3, 10, 0)) is False


# -- 2026 Spring Festival: holiday 15–23 Feb; make-up Saturdays 14 Feb and 28 Feb -------------


def test_spring_festival_2026():
    assert CAL.is_working_day(date(2026, 2, 14)) is True  # Saturday, make-up
    assert CAL.is_working_day(date(2026, 2, 28)) is True  # Saturday, make-up
    for d in range(15, 24):
        assert CAL.is_working_day(date(2026, 2, d)) is False
    assert CAL.is_working_day(date(2026, 2, 24)) is True
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CAL.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert CAL.add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)
    assert CAL.add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)
    # February 2026: 20 weekdays − 6 weekday holidays + 2 make-up Saturdays.
    assert CAL.working_days_between(date(2026, 1, 31), date(2026, 2, 28)) == 16
    # Friday 13 Feb 17:00 + 2 h: one hour that day, one on the make-up Saturday.
    assert CAL.add_business_hours(at(2026, 2, 13, 17, 0), 2) == at(2026, 2, 14, 9, 30)
    # Saturday 14 Feb 17:00 + 2 h: one hour, then nine days off until Tuesday 24 Feb.
    assert CAL.add_business_hours(at(2026, 2, 14, 17, 0), 2) == at(2026, 2, 24, 9, 30)


def test_new_year_2026_make_up_sunday():
    assert CAL.is_working_day(date(2026, 1, 1)) is False
    assert CAL.is_working_day(date(2026, 1, 2)) is False  # Friday, holiday
    assert CAL.is_working_day(date(2026, 1, 3)) is False  # Saturday
    assert CAL.is_working_day(date(2026, 1, 4)) is True  # Sunday, make-up working day
    assert CAL.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert CAL.add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)


def test_2026_has_248_working_days_as_the_package_counts():
    assert CAL.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248
    assert len(chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31))) == 248


def test_known_years_and_a_year_without_data():
    assert CAL.covers(date(2026, 10, 1)) is True
    assert CAL.covers(date(2027, 10, 1)) is False
    assert CAL.unknown_years(date(2026, 12, 30), date(2027, 1, 5)) == [2027]
    # 2027 is computed with the base rule: Friday 1 Oct 2027 counts as a working day.
    assert CAL.is_working_day(date(2027, 10, 1)) is True
    assert BusinessCalendar().unknown_years(date(2026, 1, 1), date(2030, 1, 1)) == []


# -- input checks and termination ------------------------------------------------------------


def test_default_hours_are_0830_to_1800():
    assert BusinessCalendar().hours == DEFAULT_HOURS == ((time(8, 30), time(18, 0)),)


def test_invalid_hours_are_refused():
    with pytest.raises(CalendarError, match="重叠"):
        BusinessCalendar({}, [(time(8), time(12)), (time(11), time(18))])
    with pytest.raises(CalendarError, match="晚于"):
        BusinessCalendar({}, [(time(12), time(8))])
    with pytest.raises(CalendarError, match="不能为空"):
        BusinessCalendar({}, [])
    merged = BusinessCalendar({}, [(time(12), time(18)), (time(8, 30), time(12))])
    assert merged.hours == ((time(8, 30), time(18)),)


def test_bad_arguments():
    with pytest.raises(CalendarError, match="时区"):
        CAL.add_business_hours(datetime.datetime(2026, 10, 8, 9), 1)
    with pytest.raises(CalendarError, match="负数"):
        CAL.add_business_hours(at(2026, 10, 8, 9), -1)
    with pytest.raises(CalendarError, match="负数"):
        CAL.add_working_days(date(2026, 10, 8), -1)
    with pytest.raises(CalendarError):
        CAL.add_business_hours(at(2026, 10, 8, 9), float("nan"))
    with pytest.raises(TypeError):
        CAL.add_working_days(at(2026, 10, 8, 9), 1)
    with pytest.raises(TypeError):
        CAL.add_business_hours(at(2026, 10, 8, 9), "3")
    assert CAL.add_business_hours(at(2026, 10, 8, 9), timedelta(minutes=90)) == at(
        2026, 10, 8, 10, 30
    )


def test_a_calendar_without_working_days_raises_instead_of_looping():
    with pytest.raises(NoWorkingTimeError):
        BusinessCalendar({}, weekend=range(7))
    start = date(2030, 1, 1)
    closed = {start + timedelta(days=i): False for i in range(SEARCH_LIMIT_DAYS + 10)}
    calendar = BusinessCalendar(closed)
    with pytest.raises(NoWorkingTimeError, match="没有工作日"):
        calendar.add_working_days(start, 1)
    with pytest.raises(NoWorkingTimeError, match="营业时间"):
        calendar.next_working_moment(at(2030, 1, 1, 9))
    with pytest.raises(NoWorkingTimeError, match="营业时间"):
        calendar.add_business_hours(at(2030, 1, 1, 9), 1)
    # Just within the limit is fine: the first working day after the closed stretch.
    shorter = BusinessCalendar({start + timedelta(days=i): False for i in range(300)})
    assert shorter.add_working_days(start, 1) == date(2030, 10, 28)  # Monday after the 300 days


def test_dates_beyond_year_9999_raise_a_calendar_error():
    with pytest.raises(CalendarError, match="超出"):
        BusinessCalendar().add_working_days(date(9999, 12, 30), 5)
    with pytest.raises(CalendarError):
        BusinessCalendar().add_business_hours(at(9999, 12, 31, 9), 100)


def test_parse_intervals():
    assert parse_intervals("08:30-12:00, 13:30-18:00") == LUNCH_BREAK
    assert parse_intervals("8:30～12:00，13:30–18:00") == LUNCH_BREAK
    assert parse_intervals("  ") == []
    with pytest.raises(CalendarError, match="格式不对"):
        parse_intervals("08:30")
    with pytest.raises(CalendarError, match="无法识别"):
        parse_intervals("8点-12点")
    with pytest.raises(CalendarError, match="无法识别"):
        parse_intervals("08:30-25:00")


# -- properties --------------------------------------------------------------------------------

dates = st.dates(min_value=date(2003, 12, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=60)
moments = st.datetimes(
    min_value=datetime.datetime(2003, 12, 1),
    max_value=datetime.datetime(2027, 12, 31),
    timezones=st.sampled_from([TZ, UTC]),
)
durations = st.integers(min_value=0, max_value=60 * 200).map(lambda m: timedelta(minutes=m))


@st.composite
def calendars(draw) -> BusinessCalendar:
    """Random calendars: random exception days around 2026 and 1–3 random intervals."""
    window = [date(2025, 6, 1) + timedelta(days=i) for i in range(700)]
    exceptions = draw(st.dictionaries(st.sampled_from(window), st.booleans(), max_size=120))
    cuts = draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=2, max_size=6, unique=True))
    cuts = sorted(cuts)[: len(cuts) // 2 * 2]
    hours = [
        (time(a // 60, a % 60), time(b // 60, b % 60))
        for a, b in zip(cuts[::2], cuts[1::2], strict=True)
    ]
    return BusinessCalendar(exceptions, hours, tz=draw(st.sampled_from([TZ, UTC])))


any_calendar = st.one_of(st.just(CAL), calendars())
near_2026 = st.dates(min_value=date(2025, 5, 1), max_value=date(2027, 6, 30))
moments_2026 = st.datetimes(
    min_value=datetime.datetime(2025, 5, 1),
    max_value=datetime.datetime(2027, 6, 30),
    timezones=st.sampled_from([TZ, UTC]),
)


@given(day=dates)
def test_agrees_with_the_package_on_every_known_day(day):
    assume(FIRST <= day <= LAST)
    assert CAL.is_working_day(day) is chinese_calendar.is_workday(day)


@given(cal=any_calendar, day=near_2026, n=counts, m=counts)
def test_adding_n_then_m_working_days_equals_adding_n_plus_m(cal, day, n, m):
    assert cal.add_working_days(cal.add_working_days(day, n), m) == cal.add_working_days(day, n + m)


@given(cal=any_calendar, day=near_2026, n=st.integers(min_value=1, max_value=60))
def test_the_result_is_a_later_working_day_with_n_working_days_in_between(cal, day, n):
    result = cal.add_working_days(day, n)
    assert result > day
    assert cal.is_working_day(result)
    assert cal.working_days_between(day, result) == n
    # Brute force: exactly n working days in (day, result].
    span = [day + timedelta(days=i) for i in range(1, (result - day).days + 1)]
    assert sum(cal.is_working_day(d) for d in span) == n


@given(cal=any_calendar, a=near_2026, b=near_2026)
def test_working_days_between_counts_like_brute_force(cal, a, b):
    lo, hi = sorted((a, b))
    brute = sum(cal.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cal.working_days_between(lo, hi) == brute
    assert cal.working_days_between(hi, lo) == -brute


@given(cal=any_calendar, moment=moments_2026)
def test_next_working_moment_is_idempotent_later_and_working(cal, moment):
    result = cal.next_working_moment(moment)
    assert result >= moment
    assert cal.is_working_time(result)
    assert cal.next_working_moment(result) == result
    assert cal.business_time_between(moment, result) == timedelta(0)
    if cal.is_working_time(moment):
        assert result == moment


@given(cal=any_calendar, moment=moments_2026, hours=durations)
def test_add_business_hours_uses_exactly_that_much_business_time(cal, moment, hours):
    result = cal.add_business_hours(moment, hours)
    assert result >= moment
    assert cal.business_time_between(moment, result) == hours
    if hours:
        # Inside business hours, or the very end of an interval (e.g. 18:00 closing).
        assert cal.is_working_time(result) or cal.is_working_time(
            result - timedelta(microseconds=1)
        )
        # Earliest such moment: a minute earlier, less business time has passed.
        assert cal.business_time_between(moment, result - timedelta(minutes=1)) < hours
    else:
        assert result == moment


@given(cal=any_calendar, moment=moments_2026, a=durations, b=durations)
def test_add_business_hours_is_monotonic_and_additive(cal, moment, a, b):
    small, large = sorted((a, b))
    assert cal.add_business_hours(moment, small) <= cal.add_business_hours(moment, large)
    assert cal.add_business_hours(cal.add_business_hours(moment, a), b) == cal.add_business_hours(
        moment, a + b
    )


@given(moment=moments, hours=st.integers(min_value=0, max_value=400))
@settings(max_examples=50)
def test_hours_as_int_float_decimal_and_timedelta_agree(moment, hours):
    expected = CAL.add_business_hours(moment, timedelta(hours=hours))
    assert CAL.add_business_hours(moment, hours) == expected
    assert CAL.add_business_hours(moment, float(hours)) == expected
    assert CAL.add_business_hours(moment, Decimal(hours)) == expected


@given(cal=any_calendar, moment=moments_2026)
def test_is_working_time_matches_the_day_and_the_intervals(cal, moment):
    local = moment.astimezone(cal.tz)
    inside = any(start <= local.time() < end for start, end in cal.hours)
    assert cal.is_working_time(moment) is (cal.is_working_day(local.date()) and inside)
