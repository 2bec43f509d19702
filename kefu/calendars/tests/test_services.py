"""Calendar services: seeding from the package, manual entries winning, the administrator's
override and its contradictions, business hours, and the cached calendar."""

from __future__ import annotations

from datetime import date, time

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.calendars import services
from kefu.calendars.models import BusinessHours, CalendarDay, DayKind, DaySource
from kefu.calendars.package import package_days
from kefu.calendars.services import CLEAR, OverrideEntry, apply_override, sync_from_package
from kefu.core.audit import SOURCE_COMMAND, audit_context

pytestmark = pytest.mark.django_db

HOLIDAY, MAKEUP, REST = DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY, DayKind.COMPANY_REST


def day_row(d: date) -> CalendarDay:
    return CalendarDay.objects.get(date=d)


def calendar_log_count() -> int:
    return LogEntry.objects.filter(content_type__model="calendarday").count()


# -- sync ----------------------------------------------------------------------------------------


def test_sync_seeds_every_package_year_with_chinese_names_and_is_idempotent():
    created = sync_from_package()
    assert created == len(package_days()) == 771
    assert CalendarDay.objects.count() == 771
    assert CalendarDay.objects.dates("date", "year").first().year == 2004
    national_day = day_row(date(2026, 10, 1))
    assert (national_day.kind, national_day.name, national_day.source) == (
        HOLIDAY,
        "国庆节",
        DaySource.PACKAGE,
    )
    assert (day_row(date(2026, 10, 10)).kind, day_row(date(2026, 10, 10)).name) == (
        MAKEUP,
        "国庆节",
    )
    assert (day_row(date(2026, 9, 20)).kind, day_row(date(2026, 9, 20)).name) == (MAKEUP, "国庆节")
    assert (day_row(date(2026, 2, 14)).kind, day_row(date(2026, 2, 14)).name) == (MAKEUP, "春节")
    assert (day_row(date(2026, 1, 4)).kind, day_row(date(2026, 1, 4)).name) == (MAKEUP, "元旦")
    assert day_row(date(2026, 2, 17)).name == "春节"
    assert day_row(date(2015, 9, 3)).name == "抗战胜利70周年纪念日"
    logged = calendar_log_count()
    assert logged == 771  # every seeded row is in the audit trail (R-SEC-02)

    assert sync_from_package() == 0
    assert CalendarDay.objects.count() == 771
    assert calendar_log_count() == logged


def test_sync_of_chosen_years_only():
    assert sync_from_package([2026]) == 39
    assert set(CalendarDay.objects.values_list("date__year", flat=True)) == {2026}
    assert sync_from_package([2030]) == 0  # the package does not know 2030
    assert sync_from_package([2025, 2026, 2030]) == len(package_days({2025}))


def test_manual_rows_win_over_the_package():
    CalendarDay.objects.create(
        date=date(2026, 10, 1), kind=HOLIDAY, name="国庆节（本公司）", source=DaySource.MANUAL
    )
    CalendarDay.objects.create(
        date=date(2026, 10, 10), kind=REST, name="公司团建", source=DaySource.MANUAL
    )
    assert sync_from_package([2026]) == 37
    assert (day_row(date(2026, 10, 1)).name, day_row(date(2026, 10, 1)).source) == (
        "国庆节（本公司）",
        DaySource.MANUAL,
    )
    assert (day_row(date(2026, 10, 10)).kind, day_row(date(2026, 10, 10)).source) == (
        REST,
        DaySource.MANUAL,
    )
    assert services.get_calendar().is_working_day(date(2026, 10, 10)) is False
    assert sync_from_package([2026]) == 0


def test_sync_corrects_changed_and_removes_withdrawn_package_rows():
    sync_from_package([2026])
    CalendarDay.objects.filter(date=date(2026, 10, 1)).update(name="旧名称")
    CalendarDay.objects.create(
        date=date(2026, 3, 3), kind=HOLIDAY, name="撤销的假日", source=DaySource.PACKAGE
    )
    CalendarDay.objects.create(
        date=date(2026, 3, 4), kind=REST, name="手工", source=DaySource.MANUAL
    )
    assert sync_from_package([2026]) == 2
    assert day_row(date(2026, 10, 1)).name == "国庆节"
    assert not CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()
    assert CalendarDay.objects.filter(date=date(2026, 3, 4), source=DaySource.MANUAL).exists()


def test_sync_changes_are_attributed_to_their_source():
    with audit_context(SOURCE_COMMAND):
        sync_from_package([2026])
    entry = LogEntry.objects.filter(content_type__model="calendarday").latest("id")
    assert entry.additional_data["source"] == SOURCE_COMMAND
    assert entry.action == LogEntry.Action.CREATE


# -- years without data --------------------------------------------------------------------------


def test_missing_years_names_years_without_holidays():
    this_year = timezone.localdate().year
    assert services.missing_years() == [this_year, this_year + 1]
    sync_from_package([2026])
    assert services.missing_years([2025, 2026, 2027]) == [2025, 2027]
    # A company rest day alone does not make a year's holidays known …
    apply_override(OverrideEntry(date(2027, 2, 1), date(2027, 2, 1), REST, "盘点"))
    assert services.missing_years([2027]) == [2027]
    # … entering 2027's National Day by hand does.
    apply_override(OverrideEntry(date(2027, 10, 1), date(2027, 10, 7), HOLIDAY, "国庆节"))
    assert services.missing_years([2025, 2026, 2027]) == [2025]
    assert services.get_calendar().known_years == frozenset({2026, 2027})


# -- overrides -----------------------------------------------------------------------------------


def test_entering_2027_national_day_by_hand():
    changed = apply_override(
        [
            OverrideEntry(date(2027, 10, 1), date(2027, 10, 7), HOLIDAY, "国庆节"),
            OverrideEntry(date(2027, 9, 26), date(2027, 9, 26), MAKEUP, "国庆节"),  # Sunday
            OverrideEntry(date(2027, 10, 9), date(2027, 10, 9), MAKEUP, "国庆节"),  # Saturday
        ]
    )
    assert changed == 9
    assert CalendarDay.objects.filter(source=DaySource.MANUAL).count() == 9
    calendar = services.get_calendar()
    assert calendar.add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 8)
    assert calendar.add_working_days(date(2027, 9, 30), 2) == date(2027, 10, 9)
    assert calendar.is_working_day(date(2027, 9, 26)) is True
    # Same submission again: nothing changes.
    assert (
        apply_override([OverrideEntry(date(2027, 10, 1), date(2027, 10, 7), HOLIDAY, "国庆节")])
        == 0
    )


def test_override_replaces_package_rows_and_clear_restores_them():
    sync_from_package([2026])
    apply_override(OverrideEntry(date(2026, 10, 8), date(2026, 10, 9), REST, "公司调整"))
    apply_override(OverrideEntry(date(2026, 10, 10), date(2026, 10, 10), REST, "公司调整"))
    assert day_row(date(2026, 10, 10)).source == DaySource.MANUAL
    assert sync_from_package([2026]) == 0  # the sync leaves the manual rows alone
    assert services.get_calendar().add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 12)

    assert apply_override(OverrideEntry(date(2026, 10, 8), date(2026, 10, 10), CLEAR)) == 3
    assert not CalendarDay.objects.filter(date__in=[date(2026, 10, 8), date(2026, 10, 9)]).exists()
    restored = day_row(date(2026, 10, 10))
    assert (restored.kind, restored.name, restored.source) == (MAKEUP, "国庆节", DaySource.PACKAGE)
    assert services.get_calendar().add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            [OverrideEntry(date(2027, 10, 7), date(2027, 10, 1), HOLIDAY, "国庆节")],
            "第 1 行：开始日期 2027-10-07 晚于结束日期 2027-10-01。",
        ),
        (
            [OverrideEntry(date(2027, 1, 1), date(2027, 3, 2), HOLIDAY)],
            "第 1 行：日期范围共 61 天，一次最多 60 天。",
        ),
        (
            [OverrideEntry(date(2027, 9, 25), date(2027, 9, 27), MAKEUP, "国庆节")],
            "第 1 行：2027-09-27（周一） 是周一至周五，本来就是工作日，不能设为调休上班。",
        ),
        (
            [
                OverrideEntry(date(2027, 10, 1), date(2027, 10, 9), HOLIDAY, "国庆节"),
                OverrideEntry(date(2027, 10, 9), date(2027, 10, 10), MAKEUP, "国庆节"),
            ],
            "第 2 行：2027-10-09 在第 1 行已设为“法定节假日（休息）”，不能同时设为“调休上班”。",
        ),
        (
            [
                OverrideEntry(date(2027, 12, 31), date(2027, 12, 31), REST, "盘点"),
                OverrideEntry(date(2027, 12, 31), date(2027, 12, 31), CLEAR),
            ],
            "第 2 行：2027-12-31 在第 1 行已设为“公司休息日”，"
            "不能同时设为“恢复默认（删除手工设置）”。",
        ),
        (
            [
                OverrideEntry(date(2027, 10, 1), date(2027, 10, 3), HOLIDAY, "国庆节"),
                OverrideEntry(date(2027, 10, 3), date(2027, 10, 3), HOLIDAY, "中秋节"),
            ],
            "第 2 行：2027-10-03 在第 1 行的名称是“国庆节”，与本行“中秋节”不一致。",
        ),
        (
            [OverrideEntry(date(2027, 10, 1), date(2027, 10, 1), "weekend")],
            "第 1 行：类型“weekend”无效。",
        ),
        (
            [OverrideEntry(date(1999, 10, 1), date(1999, 10, 1), HOLIDAY)],
            "第 1 行：日期须在 2000 年至 2100 年之间。",
        ),
        ([], "请至少填写一行。"),
    ],
)
def test_override_contradictions_are_refused_in_chinese(entries, message):
    with pytest.raises(ValidationError) as caught:
        apply_override(entries)
    assert message in caught.value.messages
    assert CalendarDay.objects.count() == 0


def test_a_makeup_day_over_a_whole_week_lists_the_weekdays():
    with pytest.raises(ValidationError) as caught:
        apply_override(OverrideEntry(date(2027, 3, 1), date(2027, 3, 14), MAKEUP))
    (message,) = caught.value.messages
    assert message.startswith("第 1 行：2027-03-01（周一）、2027-03-02（周二）")
    assert "等 10 天" in message


def test_override_is_all_or_nothing():
    sync_from_package([2026])
    before = set(CalendarDay.objects.values_list("date", "kind", "name", "source"))
    with pytest.raises(ValidationError) as caught:
        apply_override(
            [
                OverrideEntry(date(2026, 12, 24), date(2026, 12, 25), REST, "圣诞"),
                OverrideEntry(date(2026, 10, 1), date(2026, 10, 1), REST, "改为公司休息"),
                OverrideEntry(date(2026, 12, 28), date(2026, 12, 28), MAKEUP, "周一调休？"),
            ]
        )
    assert len(caught.value.messages) == 1
    assert set(CalendarDay.objects.values_list("date", "kind", "name", "source")) == before


def test_override_reports_every_bad_line_at_once():
    with pytest.raises(ValidationError) as caught:
        apply_override(
            [
                OverrideEntry(date(2027, 5, 5), date(2027, 5, 1), HOLIDAY),
                OverrideEntry(date(2027, 5, 3), date(2027, 5, 3), MAKEUP),
            ]
        )
    assert [m[:6] for m in caught.value.messages] == ["第 1 行：", "第 2 行："]


# -- business hours and the cached calendar ------------------------------------------------------


def test_business_hours_fall_back_from_project_to_organisation_to_default(org):
    p1, p2 = org["p1"], org["p2"]
    assert services.get_calendar(p1).hours == ((time(8, 30), time(18, 0)),)
    assert services.business_hours_for(p1)[1] == services.HOURS_DEFAULT

    services.set_business_hours(None, [(time(9), time(12)), (time(13), time(17, 30))])
    assert services.get_calendar(p1).hours == ((time(9), time(12)), (time(13), time(17, 30)))
    assert services.business_hours_for(p2)[1] == services.HOURS_ORGANISATION

    services.set_business_hours(p2, [(time(8), time(20))])
    assert services.get_calendar(p2).hours == ((time(8), time(20)),)
    assert services.get_calendar(p2.pk).hours == ((time(8), time(20)),)
    assert services.get_calendar(p1).hours == ((time(9), time(12)), (time(13), time(17, 30)))
    assert services.get_calendar().hours == ((time(9), time(12)), (time(13), time(17, 30)))

    assert services.set_business_hours(p2, []) == 0  # back to the organisation's hours
    assert services.get_calendar(p2).hours == ((time(9), time(12)), (time(13), time(17, 30)))
    assert BusinessHours.objects.count() == 2


@pytest.mark.parametrize(
    ("intervals", "message"),
    [
        ([(time(9), time(12)), (time(11), time(18))], "营业时间 09:00–12:00 与 11:00–18:00 重叠。"),
        ([(time(18), time(9))], "营业时间 18:00–09:00 的结束时间必须晚于开始时间。"),
        ([(time(h), time(h, 30)) for h in range(8, 13)], "每天最多设置 4 个营业时间段。"),
    ],
)
def test_invalid_business_hours_are_refused(org, intervals, message):
    services.set_business_hours(org["p1"], [(time(8), time(17))])
    with pytest.raises(ValidationError) as caught:
        services.set_business_hours(org["p1"], intervals)
    assert caught.value.messages == [message]
    assert list(BusinessHours.objects.values_list("start", "end")) == [(time(8), time(17))]


def test_the_calendar_is_cached_until_the_tables_change(django_assert_num_queries):
    sync_from_package([2026])
    first = services.get_calendar()
    with django_assert_num_queries(1):  # only the change check
        assert services.get_calendar() is first
    assert first.is_working_day(date(2026, 12, 31)) is True
    apply_override(OverrideEntry(date(2026, 12, 31), date(2026, 12, 31), REST, "年终盘点"))
    assert services.get_calendar().is_working_day(date(2026, 12, 31)) is False
    CalendarDay.objects.get(date=date(2026, 12, 31)).delete()  # e.g. in the admin
    assert services.get_calendar().is_working_day(date(2026, 12, 31)) is True
    BusinessHours.objects.create(start=time(10), end=time(16))
    assert services.get_calendar().hours == ((time(10), time(16)),)


def test_sync_retries_when_another_process_inserted_the_same_day(monkeypatch):
    from django.db import IntegrityError

    real = services._sync_years
    calls = []

    def racing(years):
        calls.append(years)
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed: calendars_calendarday.date")
        return real(years)

    monkeypatch.setattr(services, "_sync_years", racing)
    assert sync_from_package([2026]) == 39
    assert len(calls) == 2
