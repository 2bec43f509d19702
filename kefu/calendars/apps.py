from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "kefu.calendars"
    label = "calendars"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from kefu.calendars import jobs  # noqa: F401  (registers the periodic sync job)
