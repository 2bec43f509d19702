"""Background delivery of notifications (Huey; autodiscovered by ``huey.contrib.djhuey``)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

# A failed delivery is retried 3 times, after 1, 2 and 4 minutes; then it stays "failed"
# with its error on the row for people to see.
DELIVERY_RETRIES = 3
DELIVERY_RETRY_DELAY = 60


@db_task(
    retries=DELIVERY_RETRIES,
    retry_delay=DELIVERY_RETRY_DELAY,
    retry_backoff=2,
    name="notifications.deliver",
)
def deliver(notification_id: int) -> None:
    """Deliver one notification; safe to run twice (a sent notification is not resent)."""
    from kefu.notifications.services import deliver_now

    deliver_now(notification_id)
