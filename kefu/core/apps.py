from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("系统")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kefu.core import jobs  # noqa: F401  (registers periodic jobs)
        from kefu.core.audit import register_pending
        from kefu.core.roles import sync_roles_after_migrate

        register_pending()
        post_migrate.connect(sync_roles_after_migrate, sender=self)
