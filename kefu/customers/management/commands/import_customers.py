"""``kefu import_customers FILE [--valid-rows-only] [--user USERNAME] [--project CODE]``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from kefu.core.audit import SOURCE_COMMAND
from kefu.customers import importer


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）导入房屋与客户。默认只要有一行出错就不导入任何数据（退出码 1）；"
        "--valid-rows-only 只导入正确的行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="导入文件（.xlsx，表头见导入模板）")
        parser.add_argument(
            "--valid-rows-only", action="store_true", help="只导入正确的行，跳过出错的行"
        )
        parser.add_argument(
            "--user", help="以该用户的身份导入：审计记录归于此人，只能导入其项目范围内的数据"
        )
        parser.add_argument("--project", default="", help="“项目编码”为空的行导入到此项目")

    def handle(
        self, *args, file: str, valid_rows_only: bool, user: str | None, project: str, **options
    ):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在。")
        try:
            with open(file, "rb") as handle:
                result = importer.import_file(
                    handle,
                    user=actor,
                    default_project=project,
                    valid_rows_only=valid_rows_only,
                    audit_source=SOURCE_COMMAND,
                )
        except OSError as exc:
            raise CommandError(f"无法打开文件：{exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.report(result)
        if result.errors and not result.committed:
            raise CommandError(f"发现 {len(result.errors)} 处错误，未导入任何数据。")

    def report(self, result: importer.ImportResult) -> None:
        out = self.stdout
        out.write(f"读取 {result.rows_read} 行数据。")
        if result.committed:
            out.write(f"已导入 {result.imported_rows} 行。")
            for title, counts in (("新建", result.created), ("更新", result.updated)):
                parts = [f"{importer.KIND_LABELS[k]} {n}" for k, n in sorted(counts.items())]
                out.write(f"{title}：{'，'.join(parts) if parts else '无'}")
        for error in result.errors:
            where = f"第 {error.row} 行" if error.row else "文件"
            column = f"［{error.column}］" if error.column else ""
            self.stderr.write(f"{where}{column}：{error.message}")
        if result.errors and result.committed:
            out.write(self.style.WARNING(f"跳过 {len(result.error_rows)} 行有错误的数据。"))
        elif result.committed:
            out.write(self.style.SUCCESS("导入完成。"))
