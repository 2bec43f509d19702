"""The calendar's periodic job: refresh holidays from the ``chinesecalendar`` package daily.

The package gains the next year's State Council arrangement once it is published (usually in
November or December) and the deployment upgrades it; the daily run picks it up without anyone
remembering. The outcome, including the years still missing holiday data, is recorded in
``JobRecord`` ("calendar_sync") and shown on the system status page.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from kefu.core.jobs import recorded_job


def local_crontab(**fields: str):
    """``huey.crontab`` evaluated in ``settings.TIME_ZONE`` rather than in UTC (Huey runs with
    ``utc=True``, so a plain ``crontab(hour="3")`` would fire at 11:00 Beijing time)."""
    matches = crontab(**fields)

    def validate(timestamp: datetime.datetime) -> bool:
        if HUEY.utc:
            timestamp = (
                timestamp.replace(tzinfo=datetime.UTC)
                .astimezone(ZoneInfo(settings.TIME_ZONE))
                .replace(tzinfo=None)
            )
        return matches(timestamp)

    return validate


@recorded_job("calendar_sync")
def calendar_sync() -> str:
    """Seed/refresh holidays and make-up working days from the package (idempotent)."""
    from kefu.calendars.services import missing_years, sync_from_package

    changed = sync_from_package()
    outcome = f"节假日同步完成，变更 {changed} 条"
    missing = missing_years()
    if missing:
        years = "、".join(str(year) for year in missing)
        outcome += f"；{years} 年尚无节假日数据，需管理员手工录入"
    return outcome


calendar_sync_task = db_periodic_task(local_crontab(hour="3", minute="10"), name="calendars.sync")(
    calendar_sync
)
