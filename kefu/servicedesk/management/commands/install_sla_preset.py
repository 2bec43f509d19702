"""``kefu install_sla_preset <preset> [--project P1] [--reset]``: install a shipped SLA preset
(R-TKT-05…08, R-CB-03/04) organisation-wide or for one project. Safe to run again: existing
policies keep their adjustments unless ``--reset``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kefu.core.audit import SOURCE_COMMAND, audit_context
from kefu.org.models import Project
from kefu.servicedesk.presets import PRESETS, preset_choices


class Command(BaseCommand):
    help = "安装时限标准预设：" + "；".join(f"{code}（{name}）" for code, name in preset_choices())

    def add_arguments(self, parser):
        parser.add_argument("preset", nargs="?", help="预设代码，如 property_severity")
        parser.add_argument("--project", help="项目编码；不填表示全公司适用。")
        parser.add_argument(
            "--reset", action="store_true", help="把已安装的标准恢复为预设值（覆盖调整）。"
        )
        parser.add_argument("--list", action="store_true", dest="show_list", help="列出可用预设。")

    def handle(self, *args, preset=None, project=None, reset=False, show_list=False, **options):
        if show_list or not preset:
            for code, spec in PRESETS.items():
                self.stdout.write(f"{code}\t{spec['name']}（{spec['rules']}）")
            if not preset:
                return
        if preset not in PRESETS:
            raise CommandError(f"未知的预设“{preset}”，可选：{'、'.join(PRESETS)}。")
        target = None
        if project:
            try:
                target = Project.objects.get(code=project)
            except Project.DoesNotExist:
                raise CommandError(f"没有编码为“{project}”的项目。") from None
        from kefu.servicedesk.deadlines import install

        with audit_context(SOURCE_COMMAND, command="install_sla_preset"):
            try:
                policies = install(preset, target, reset=reset)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
        scope = target.name if target else "全公司"
        self.stdout.write(
            f"已安装预设“{PRESETS[preset]['name']}”（{scope}）：{len(policies)} 项时限标准。"
        )
        for policy in policies:
            targets = "，".join(str(t) for t in policy.targets.all())
            self.stdout.write(f"  {policy.name}：{targets}")
