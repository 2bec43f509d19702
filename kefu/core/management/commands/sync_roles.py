from django.core.management.base import BaseCommand

from kefu.core.roles import sync_roles


class Command(BaseCommand):
    help = "按角色目录重置内置角色（用户组）的权限。"

    def handle(self, *args, **options):
        for name in sync_roles():
            self.stdout.write(f"已同步角色：{name}")
