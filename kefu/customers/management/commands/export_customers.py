"""``kefu export_customers FILE [--project CODE …] [--user USERNAME]``."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kefu.customers import exporter
from kefu.org.models import Project


class Command(BaseCommand):
    help = (
        "把客户及其当前房屋（含空置房屋）导出为 Excel（.xlsx），列与导入模板相同。"
        "指定 --user 时按该用户的项目范围导出，且无查看权限时个人信息遮蔽。导出会记录日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件（.xlsx）")
        parser.add_argument(
            "--project",
            action="append",
            dest="projects",
            metavar="CODE",
            help="只导出该项目（可重复）；默认全部项目",
        )
        parser.add_argument("--user", help="以该用户的权限导出（项目范围与遮蔽）")

    def handle(self, *args, file: str, projects: list[str] | None, user: str | None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在。")
            if not actor.has_perm("customers.export_customers"):
                raise CommandError(f"用户“{user}”没有导出客户的权限。")
        if projects:
            known = set(Project.objects.filter(code__in=projects).values_list("code", flat=True))
            unknown = [code for code in projects if code not in known]
            if unknown:
                raise CommandError("项目编码不存在：" + "、".join(unknown))
        content, count = exporter.export_workbook(actor, projects, source="command")
        try:
            Path(file).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入文件：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 行到 {file}。"))
