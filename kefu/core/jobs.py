"""Background jobs: one mechanism (Huey) for scheduled and asynchronous work.

``recorded_job`` wraps a job so each run updates its ``JobRecord`` (status, time, outcome),
which the system status page shows. Jobs are idempotent: running one twice does no harm.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.db.models import F
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.core.audit import SOURCE_JOB, audit_context

log = logging.getLogger(__name__)


def recorded_job(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Record each run of ``fn`` (which returns a one-line outcome) in ``JobRecord``."""

    def decorate(fn: Callable[[], str]) -> Callable[[], str]:
        @functools.wraps(fn)
        def run() -> str:
            from kefu.core.models import JobRecord

            now = timezone.now()
            JobRecord.objects.update_or_create(
                name=name,
                defaults={"status": JobRecord.Status.RUNNING, "started": now, "finished": None},
            )
            try:
                with audit_context(SOURCE_JOB, job=name):
                    outcome = fn()
            except Exception as exc:
                JobRecord.objects.filter(name=name).update(
                    status=JobRecord.Status.FAILED,
                    finished=timezone.now(),
                    runs=F("runs") + 1,
                    detail=f"{type(exc).__name__}: {exc}"[:2000],
                )
                log.exception("job %s failed", name)
                raise
            JobRecord.objects.filter(name=name).update(
                status=JobRecord.Status.OK,
                finished=timezone.now(),
                runs=F("runs") + 1,
                detail=outcome,
            )
            return outcome

        return run

    return decorate


@recorded_job("heartbeat")
def heartbeat() -> str:
    """Proves the worker runs: the status page shows when it last beat."""
    return f"worker alive at {timezone.localtime():%Y-%m-%d %H:%M:%S}"


heartbeat_task = db_periodic_task(crontab(minute="*"), name="core.heartbeat")(heartbeat)
