"""Periodic job: the SLA sweep, every minute (issue 3 item 8, R-TKT-05…08).

``deadlines.sweep`` reads only the deadlines whose ``next_check_at`` has come (a partial index),
performs their escalation steps and records breaches; each run is recorded in ``JobRecord``
("sla_sweep"). Idempotent: running it twice in the same minute does nothing more. Registered
by importing this module in ``ServicedeskConfig.ready()``.
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.core.jobs import recorded_job


@recorded_job("sla_sweep")
def sla_sweep() -> str:
    """Escalate and mark breaches of the deadlines due now."""
    from kefu.servicedesk.deadlines import sweep

    now = timezone.now()
    handled = sweep(now)
    return f"时限巡检完成（{timezone.localtime(now):%Y-%m-%d %H:%M}）：处理 {handled} 条"


sla_sweep_task = db_periodic_task(crontab(minute="*"), name="servicedesk.sla_sweep")(sla_sweep)
