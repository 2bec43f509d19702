from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "kefu.servicedesk"
    label = "servicedesk"
    verbose_name = _("工单服务")

    def ready(self) -> None:
        from kefu.servicedesk import (
            jobs,  # noqa: F401  (SLA escalation sweep)
            jobs_callbacks,  # noqa: F401  (R-CB-03 progress callbacks)
        )
