"""Periodic job: progress callbacks for unresolved complaints every 2 days (R-CB-03).

Registered by importing this module in ``ServicedeskConfig.ready()``. Idempotent: a second run
creates nothing new (never two open progress tasks per order).
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.core.jobs import recorded_job


@recorded_job("servicedesk.progress_callbacks")
def progress_callbacks() -> str:
    from kefu.servicedesk.callbacks import schedule_progress_callbacks

    created = schedule_progress_callbacks(timezone.now())
    return f"{created} progress callback(s) scheduled"


progress_callbacks_task = db_periodic_task(
    crontab(minute="7"), name="servicedesk.progress_callbacks"
)(progress_callbacks)
