"""SLA arithmetic (pure, no database): the regulations' numbers and hypothesis properties.

The calendar is the real State Council arrangement (``chinesecalendar`` via
``kefu.calendars.package``): 2026 National Day holiday 1–7 October, make-up working days
Sunday 20 September and Saturday 10 October. Business hours 08:30–18:00 (the default), and a
variant with a lunch break 08:30–12:00, 13:30–18:00 for the properties.
"""

from __future__ import annotations

import datetime
from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kefu.calendars.engine import BusinessCalendar
from kefu.calendars.package import package_days, package_years
from kefu.servicedesk import sla

TZ = ZoneInfo("Asia/Shanghai")
PACKAGE = {day: kind == "makeup_workday" for day, (kind, _name) in package_days().items()}
CAL = BusinessCalendar(PACKAGE, known_years=package_years())
LUNCH = BusinessCalendar(
    PACKAGE,
    [(time(8, 30), time(12, 0)), (time(13, 30), time(18, 0))],
    known_years=package_years(),
)


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


H = timedelta(hours=1)

# -- R-TKT-05: a major complaint received at 17:00 the day before the National Day holiday ----

RECEIVED = at(2026, 9, 30, 17, 0)


def test_major_complaint_escalated_the_same_day():
    # "handed to the service-centre director the same day": end of 30 September.
    due = sla.due_at(CAL, RECEIVED, 0, "same_day")
    assert due == datetime.datetime(2026, 9, 30, 23, 59, 59, 999000, tzinfo=TZ)


def test_major_complaint_answer_in_2_and_resolution_in_10_calendar_days():
    # Calendar days are wall-clock: the holiday counts.
    assert sla.due_at(CAL, RECEIVED, 2, "calendar_days") == at(2026, 10, 2, 17, 0)
    assert sla.due_at(CAL, RECEIVED, 10, "calendar_days") == at(2026, 10, 10, 17, 0)
    assert sla.due_at(CAL, RECEIVED, Decimal("10.00"), "calendar_days") == at(2026, 10, 10, 17)


def test_important_complaint_escalated_within_1_hour():
    assert sla.due_at(CAL, RECEIVED, 1, "hours") == at(2026, 9, 30, 18, 0)
    # at night too: wall-clock hours
    assert sla.due_at(CAL, at(2026, 10, 3, 22, 30), 1, "hours") == at(2026, 10, 3, 23, 30)


def test_rectify_1_working_day_after_30_september_is_8_october():
    # R-TKT-06 major: "rectified within 1 working day". 1–7 October are the holiday, so the
    # first working day after Wednesday 30 September is Thursday 8 October; close of business.
    assert sla.due_at(CAL, RECEIVED, 1, "working_days") == at(2026, 10, 8, 18, 0)
    # general: 3 working days → 8, 9 and the make-up Saturday 10 October.
    assert sla.due_at(CAL, RECEIVED, 3, "working_days") == at(2026, 10, 10, 18, 0)
    assert sla.due_at(LUNCH, RECEIVED, 3, "working_days") == at(2026, 10, 10, 18, 0)


def test_zero_working_days_is_close_of_business_today_or_of_the_next_working_day():
    assert sla.due_at(CAL, at(2026, 9, 30, 9, 0), 0, "working_days") == at(2026, 9, 30, 18, 0)
    # after close: the next working day (never before the start)
    assert sla.due_at(CAL, at(2026, 9, 30, 19, 0), 0, "working_days") == at(2026, 10, 8, 18, 0)
    assert sla.due_at(CAL, at(2026, 9, 30, 18, 0), 0, "working_days") == at(2026, 10, 8, 18, 0)
    # on a holiday / a normal Sunday / the make-up Sunday
    assert sla.due_at(CAL, at(2026, 10, 3, 10, 0), 0, "working_days") == at(2026, 10, 8, 18, 0)
    assert sla.due_at(CAL, at(2026, 11, 22, 10, 0), 0, "working_days") == at(2026, 11, 23, 18)
    assert sla.due_at(CAL, at(2026, 9, 20, 10, 0), 0, "working_days") == at(2026, 9, 20, 18, 0)


def test_working_days_from_a_holiday_count_after_it():
    assert sla.due_at(CAL, at(2026, 10, 1, 9, 0), 1, "working_days") == at(2026, 10, 8, 18, 0)
    assert sla.due_at(CAL, at(2026, 9, 19, 9, 0), 1, "working_days") == at(2026, 9, 20, 18, 0)


def test_repair_targets_in_minutes():
    # R-TKT-08: hand-off within 10 minutes, arrival 15 minutes after acceptance.
    assert sla.due_at(CAL, at(2026, 11, 23, 9, 50), 10, "minutes") == at(2026, 11, 23, 10, 0)
    assert sla.due_at(CAL, at(2026, 11, 23, 10, 0), 15, "minutes") == at(2026, 11, 23, 10, 15)
    assert sla.due_at(CAL, at(2026, 11, 23, 10, 0), 0, "minutes") == at(2026, 11, 23, 10, 0)


def test_leak_callback_3_days_after_the_water_test():
    # R-CB-04: completed (water test) 2026-11-23 15:00 → callback due 2026-11-26 15:00.
    assert sla.due_at(CAL, at(2026, 11, 23, 15), 3, "calendar_days") == at(2026, 11, 26, 15)


def test_business_hours_skip_nights_weekends_and_holidays():
    # Friday 16:00 + 4 business hours: 2 on Friday, 2 on Monday → Monday 10:30.
    assert sla.due_at(CAL, at(2026, 11, 20, 16, 0), 4, "business_hours") == at(2026, 11, 23, 10, 30)
    # 30 September 17:00 + 2 business hours → 1 h that day, 1 h on 8 October.
    assert sla.due_at(CAL, RECEIVED, 2, "business_hours") == at(2026, 10, 8, 9, 30)
    assert sla.due_at(LUNCH, at(2026, 11, 23, 11, 0), 2, "business_hours") == at(
        2026, 11, 23, 14, 30
    )
    assert sla.due_at(CAL, RECEIVED, Decimal("0.5"), "business_hours") == at(2026, 9, 30, 17, 30)


def test_same_day_with_an_amount_is_the_end_of_a_later_day():
    assert sla.due_at(CAL, RECEIVED, 1, "same_day") == datetime.datetime(
        2026, 10, 1, 23, 59, 59, 999000, tzinfo=TZ
    )


def test_results_are_in_the_calendar_time_zone_whatever_the_input_zone():
    start = RECEIVED.astimezone(datetime.UTC)  # 09:00 UTC
    due = sla.due_at(CAL, start, 0, "same_day")
    assert due == datetime.datetime(2026, 9, 30, 23, 59, 59, 999000, tzinfo=TZ)
    assert due.utcoffset() == timedelta(hours=8)
    assert sla.due_at(CAL, start, 15, "minutes").utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (-1, "minutes", "时限不能为负数"),
        (Decimal("1.5"), "working_days", "必须是整数"),
        (Decimal("0.5"), "same_day", "必须是整数"),
        ("abc", "hours", "时限必须是数字"),
        (float("inf"), "hours", "有限"),
        (10**6, "calendar_days", "时限过大"),
        (1, "fortnights", "未知的时限单位"),
    ],
)
def test_bad_targets_are_refused_in_chinese(amount, unit, message):
    with pytest.raises(sla.SlaError, match=message):
        sla.due_at(CAL, RECEIVED, amount, unit)


def test_naive_moments_are_refused():
    with pytest.raises(sla.SlaError, match="时区"):
        sla.due_at(CAL, datetime.datetime(2026, 9, 30, 17), 1, "hours")
    with pytest.raises(TypeError):
        sla.due_at(CAL, date(2026, 9, 30), 1, "hours")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sla.due_at(CAL, RECEIVED, True, "hours")


# -- pauses -----------------------------------------------------------------------------------


def test_hold_from_friday_1700_to_monday_0900_restores_the_remaining_business_time():
    # 4 business hours from Friday 2026-11-20 15:00: 3 h on Friday, due Monday 09:30.
    start = at(2026, 11, 20, 15, 0)
    due = sla.due_at(CAL, start, 4, "business_hours")
    assert due == at(2026, 11, 23, 9, 30)
    remaining = sla.pause(due, at(2026, 11, 20, 17, 0), "business_hours", CAL)
    assert remaining == 2 * 3600  # 17:00–18:00 Friday + 08:30–09:30 Monday
    resumed = sla.resume(remaining, at(2026, 11, 23, 9, 0), "business_hours", CAL)
    assert resumed == at(2026, 11, 23, 11, 0)
    # the hold's working time (Fri 17–18, Mon 08:30–09) does not count
    worked = CAL.business_time_between(start, resumed) - CAL.business_time_between(
        at(2026, 11, 20, 17, 0), at(2026, 11, 23, 9, 0)
    )
    assert worked == 4 * H


def test_hold_over_the_national_day_holiday_for_a_working_day_target():
    # R-TKT-06 major, 1 working day from 30 Sep 17:00 → 8 Oct 18:00. On hold from 30 Sep
    # 17:30 (10 business hours left: 0.5 h + all of 8 Oct) until 9 Oct 10:00.
    due = sla.due_at(CAL, RECEIVED, 1, "working_days")
    remaining = sla.pause(due, at(2026, 9, 30, 17, 30), "working_days", CAL)
    assert remaining == 10 * 3600
    # 9 Oct 10:00–18:00 (8 h) then the make-up Saturday 10 Oct 08:30 + 2 h
    assert sla.resume(remaining, at(2026, 10, 9, 10), "working_days", CAL) == at(
        2026, 10, 10, 10, 30
    )


def test_wall_clock_targets_pause_in_wall_clock_time():
    due = sla.due_at(CAL, RECEIVED, 2, "calendar_days")  # 2 Oct 17:00
    remaining = sla.pause(due, at(2026, 10, 1, 17, 0), "calendar_days", CAL)
    assert remaining == 86400
    assert sla.resume(remaining, at(2026, 10, 5, 9, 0), "calendar_days", CAL) == at(2026, 10, 6, 9)


def test_several_pauses_add_up():
    start = at(2026, 11, 23, 9, 0)  # Monday
    due = sla.due_at(CAL, start, 8, "business_hours")  # Monday 17:00
    pauses = [
        (at(2026, 11, 23, 10, 0), at(2026, 11, 23, 11, 0)),  # 1 h
        (at(2026, 11, 23, 16, 0), at(2026, 11, 24, 9, 30)),  # 3 h: Mon 16–18, Tue 08:30–09:30
    ]
    final = sla.apply_pauses(CAL, due, "business_hours", pauses)
    # after the first pause due Monday 18:00; 2 h left at 16:00, restored from Tue 09:30
    assert final == at(2026, 11, 24, 11, 30)
    assert CAL.business_time_between(start, final) == (8 + 1 + 3) * H


def test_a_pause_after_the_due_moment_keeps_the_deadline_passed():
    start = at(2026, 11, 23, 9, 0)
    due = sla.due_at(CAL, start, 2, "business_hours")  # 11:00
    remaining = sla.pause(due, at(2026, 11, 23, 12, 0), "business_hours", CAL)
    assert remaining == -3600
    resumed = sla.resume(remaining, at(2026, 11, 24, 9, 0), "business_hours", CAL)
    # 1 business hour before Tuesday 09:00: Monday 17:30
    assert resumed == at(2026, 11, 23, 17, 30)
    assert sla.resume(-1800, at(2026, 11, 23, 12), "hours", CAL) == at(2026, 11, 23, 11, 30)


def test_a_passed_due_never_moves_before_the_clocks_start():
    # Found by hypothesis: 0 business hours from Monday 00:00 is due at once (00:00); paused
    # at 08:31, 1 business minute late. Put back 1 business minute before 08:31, the earliest
    # such moment is Friday's close — before the start; it stays at the start instead (the
    # same business time: nothing but night between them).
    start = at(2025, 12, 1, 0, 0)
    due = sla.due_at(CAL, start, 0, "business_hours")
    assert due == start
    remaining = sla.pause(due, at(2025, 12, 1, 8, 31), "business_hours", CAL)
    assert remaining == -60
    moment = at(2025, 12, 1, 8, 31)
    assert sla.resume(remaining, moment, "business_hours", CAL) == at(2025, 11, 28, 18, 0)
    assert sla.resume(remaining, moment, "business_hours", CAL, not_before=start) == start
    pauses = [(moment, moment)]
    assert sla.apply_pauses(CAL, due, "business_hours", pauses, start=start) == start


def test_pauses_out_of_order_are_refused():
    due = at(2026, 11, 23, 17)
    with pytest.raises(sla.SlaError, match="顺序"):
        sla.apply_pauses(CAL, due, "hours", [(at(2026, 11, 23, 12), at(2026, 11, 23, 11))])
    with pytest.raises(sla.SlaError, match="顺序"):
        sla.apply_pauses(
            CAL,
            due,
            "hours",
            [
                (at(2026, 11, 23, 12), at(2026, 11, 23, 13)),
                (at(2026, 11, 23, 12, 30), at(2026, 11, 23, 14)),
            ],
        )


# -- escalation thresholds --------------------------------------------------------------------


def test_thresholds_in_working_time_skip_the_night():
    start = at(2026, 11, 20, 16, 0)  # Friday
    due = sla.due_at(CAL, start, 10, "business_hours")  # 2 h Fri + 8 h Mon → Mon 16:30
    assert due == at(2026, 11, 23, 16, 30)
    steps = [
        {"after_breach_minutes": 60, "notify": "general_manager"},
        {"at_percent": 100, "notify": "supervisor"},
        {"at_percent": 80, "notify": "owner"},
        {"at_percent": 0, "notify": "manager"},
    ]
    assert sla.thresholds(start, due, steps, "business_hours", CAL) == [
        (3, start),
        (2, at(2026, 11, 23, 14, 30)),  # 8 business hours: 2 Fri + 6 Mon
        (1, due),
        (0, at(2026, 11, 23, 17, 30)),  # wall-clock minutes after the breach
    ]


def test_thresholds_in_wall_clock_time():
    start = RECEIVED
    due = sla.due_at(CAL, start, 10, "calendar_days")
    marks = sla.thresholds(
        start, due, [{"at_percent": 80, "notify": "owner"}], "calendar_days", CAL
    )
    assert marks == [(0, at(2026, 10, 8, 17, 0))]


def test_percent_above_100_is_never_before_due_and_below_never_after():
    start = at(2026, 11, 23, 9)
    due = at(2026, 11, 23, 20)  # outside business hours (an appointment, say)
    marks = dict(
        sla.thresholds(
            start,
            due,
            [{"at_percent": 99, "notify": "owner"}, {"at_percent": 150, "notify": "owner"}],
            "business_hours",
            CAL,
        )
    )
    assert marks[0] <= due <= marks[1]


def test_validate_steps_normalises_and_refuses_in_chinese():
    assert sla.validate_steps(None) == []
    assert sla.validate_steps(
        [
            {"at_percent": Decimal("80"), "notify": "owner", "label": "即将超时"},
            {"after_breach_minutes": 30.0, "notify": "manager", "handover": False},
            {"at_percent": 0, "notify": "manager", "handover": True},
        ]
    ) == [
        {"at_percent": 80, "notify": "owner", "label": "即将超时"},
        {"after_breach_minutes": 30, "notify": "manager"},
        {"at_percent": 0, "notify": "manager", "handover": True},
    ]
    bad = [
        ("x", "必须是列表"),
        ([1], "格式不对"),
        ([{"notify": "owner"}], "之一"),
        ([{"at_percent": 80, "after_breach_minutes": 5, "notify": "owner"}], "之一"),
        ([{"at_percent": -1, "notify": "owner"}], "0–1000"),
        ([{"at_percent": "80", "notify": "owner"}], "必须是数字"),
        ([{"after_breach_minutes": 1.5, "notify": "owner"}], "整数"),
        ([{"at_percent": 80, "notify": "ceo"}], "通知对象"),
        ([{"at_percent": 80, "notify": "owner", "colour": "red"}], "未知的项"),
        ([{"at_percent": 80, "notify": "owner", "label": "长" * 51}], "50"),
        ([{"at_percent": 80, "notify": "owner", "handover": "yes"}], "true 或 false"),
        ([{"at_percent": float("nan"), "notify": "owner"}], "有限"),
    ]
    for steps, message in bad:
        with pytest.raises(sla.SlaError, match=message):
            sla.validate_steps(steps)


def test_fraction_elapsed_in_working_time():
    start = at(2026, 11, 20, 16, 0)
    due = at(2026, 11, 23, 16, 30)  # 10 business hours
    assert sla.fraction_elapsed(start, due, at(2026, 11, 22, 12), "business_hours", CAL) == 0.2
    assert sla.fraction_elapsed(start, due, at(2026, 11, 23, 14, 30), "business_hours", CAL) == 0.8
    assert sla.fraction_elapsed(start, start, start, "minutes", CAL) == 1.0


# -- properties -------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime.datetime(2025, 12, 1), max_value=datetime.datetime(2026, 12, 1)
).map(lambda d: d.replace(microsecond=0, tzinfo=TZ))
calendars = st.sampled_from([CAL, LUNCH])
business_units = st.sampled_from(["business_hours", "working_days"])
any_unit = st.sampled_from(sla.UNITS)


def amounts(unit: str):
    if unit in ("working_days", "same_day"):
        return st.integers(min_value=0, max_value=15)
    return st.decimals(min_value=0, max_value=400, places=2)


@given(cal=calendars, start=moments, unit=any_unit, data=st.data())
def test_due_is_never_before_the_start(cal, start, unit, data):
    amount = data.draw(amounts(unit))
    assert sla.due_at(cal, start, amount, unit) >= start


@given(cal=calendars, start=moments, unit=business_units, data=st.data(), offset=st.floats(0, 1))
def test_pause_and_resume_at_the_same_instant_change_nothing(cal, start, unit, data, offset):
    amount = data.draw(amounts(unit))
    due = sla.due_at(cal, start, amount, unit)
    paused = start + (due - start) * offset
    paused = paused.replace(microsecond=0)
    assume(cal.is_working_time(paused))
    remaining = sla.pause(due, paused, unit, cal)
    assert sla.resume(remaining, paused, unit, cal) == due


@given(cal=calendars, start=moments, unit=any_unit, data=st.data(), offset=st.floats(0, 3))
def test_wall_clock_pause_and_resume_at_once_change_nothing(cal, start, unit, data, offset):
    assume(unit not in sla.BUSINESS_UNITS)
    due = sla.due_at(cal, start, data.draw(amounts(unit)), unit)
    paused = (start + (due - start) * offset + timedelta(minutes=1)).replace(microsecond=0)
    assert sla.resume(sla.pause(due, paused, unit, cal), paused, unit, cal) == due


pause_lists = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5 * 24 * 60),  # gap before the pause, minutes
        st.integers(min_value=0, max_value=6 * 24 * 60),  # length of the pause, minutes
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=moments, unit=business_units, data=st.data(), gaps=pause_lists)
def test_working_time_to_the_final_due_minus_the_pauses_is_the_target(cal, start, unit, data, gaps):
    amount = data.draw(amounts(unit))
    base = sla.due_at(cal, start, amount, unit)
    target = cal.business_time_between(start, base)
    if unit == "business_hours":
        assert target == timedelta(hours=float(amount))
    pauses, moment = [], start
    for gap, length in gaps:
        paused = moment + timedelta(minutes=gap)
        resumed = paused + timedelta(minutes=length)
        pauses.append((paused, resumed))
        moment = resumed
    # incrementally, as the service does it, and in one go
    due = base
    for paused, resumed in pauses:
        remaining = sla.pause(due, paused, unit, cal)
        due = sla.resume(remaining, resumed, unit, cal, not_before=start)
    assert due == sla.apply_pauses(cal, base, unit, pauses, start=start)
    on_hold = sum((cal.business_time_between(p, r) for p, r in pauses), timedelta(0))
    assert cal.business_time_between(start, due) - on_hold == target
    assert due >= start


@settings(max_examples=100, deadline=None)
@given(cal=calendars, start=moments, unit=any_unit, data=st.data(), gaps=pause_lists)
def test_time_on_hold_never_counts_for_wall_clock_units(cal, start, unit, data, gaps):
    assume(unit not in sla.BUSINESS_UNITS)
    base = sla.due_at(cal, start, data.draw(amounts(unit)), unit)
    pauses, moment = [], start
    for gap, length in gaps:
        paused = moment + timedelta(minutes=gap)
        pauses.append((paused, paused + timedelta(minutes=length)))
        moment = paused + timedelta(minutes=length)
    due = sla.apply_pauses(cal, base, unit, pauses)
    assert due - base == sum((r - p for p, r in pauses), timedelta(0))


@given(
    cal=calendars,
    start=moments,
    unit=any_unit,
    data=st.data(),
    percents=st.lists(st.integers(0, 300), min_size=1, max_size=5),
)
def test_thresholds_are_ordered_and_100_percent_is_due(cal, start, unit, data, percents):
    due = sla.due_at(cal, start, data.draw(amounts(unit)), unit)
    steps = [{"at_percent": p, "notify": "owner"} for p in [*percents, 100]]
    marks = sla.thresholds(start, due, steps, unit, cal)
    moments_ = [m for _i, m in marks]
    assert moments_ == sorted(moments_)
    by_index = dict(marks)
    assert by_index[len(percents)] == due
    for index, p in enumerate(percents):
        assert (by_index[index] <= due) if p <= 100 else (by_index[index] >= due)
        assert by_index[index] >= start
