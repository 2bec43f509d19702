"""The periodic holiday sync job, its schedule and the ``kefu calendar_sync`` command."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from kefu.calendars.jobs import calendar_sync, calendar_sync_task, local_crontab
from kefu.calendars.models import CalendarDay
from kefu.core.audit import SOURCE_COMMAND, SOURCE_JOB
from kefu.core.models import JobRecord

pytestmark = pytest.mark.django_db


def test_running_the_job_syncs_and_records_ok():
    next_year = timezone.localdate().year + 1
    outcome = calendar_sync()
    record = JobRecord.objects.get(name="calendar_sync")
    assert record.status == JobRecord.Status.OK
    assert record.runs == 1
    assert record.finished is not None
    assert record.detail == outcome
    assert outcome.startswith("节假日同步完成，变更 771 条")
    if next_year > 2026:  # the package (1.11) knows up to 2026
        assert f"{next_year} 年尚无节假日数据" in outcome
    assert CalendarDay.objects.count() == 771
    entry = LogEntry.objects.filter(content_type__model="calendarday").latest("id")
    assert entry.additional_data["source"] == SOURCE_JOB

    calendar_sync()
    record.refresh_from_db()
    assert record.runs == 2
    assert record.detail.startswith("节假日同步完成，变更 0 条")


def test_the_huey_task_runs_the_job():
    # Tests run Huey in immediate mode: calling the task executes it at once.
    calendar_sync_task()
    assert JobRecord.objects.get(name="calendar_sync").status == JobRecord.Status.OK
    assert CalendarDay.objects.filter(date=datetime.date(2026, 10, 1), name="国庆节").exists()


def test_the_job_is_registered_at_startup_to_run_daily_at_0310_beijing_time():
    assert "calendars.sync" in {task.name for task in HUEY._registry.periodic_tasks}
    validate = local_crontab(hour="3", minute="10")
    assert HUEY.utc is True
    assert validate(datetime.datetime(2026, 11, 23, 19, 10)) is True  # 03:10 +08:00 next day
    assert validate(datetime.datetime(2026, 11, 24, 3, 10)) is False  # 11:10 Beijing time
    assert validate(datetime.datetime(2026, 11, 23, 19, 11)) is False


def test_command_syncs_a_year_and_warns_about_missing_years():
    out = StringIO()
    call_command("calendar_sync", "--year", "2026", stdout=out)
    text = out.getvalue()
    assert "变更 39 条" in text
    assert "覆盖 2004–2026 年" in text
    assert CalendarDay.objects.count() == 39
    entry = LogEntry.objects.filter(content_type__model="calendarday").latest("id")
    assert entry.additional_data["source"] == SOURCE_COMMAND
    out = StringIO()
    call_command("calendar_sync", "--year", "2026", stdout=out)
    assert "变更 0 条" in out.getvalue()
