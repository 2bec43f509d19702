from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "kefu.servicedesk"
    label = "servicedesk"
    verbose_name = _("工单服务")
