"""``kefu demo``: load the demo organisation into an empty database and print its log-ins."""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from kefu.demo import builder, data


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


class Command(BaseCommand):
    help = (
        "生成演示组织：华悦物业的 2 个项目、6 栋楼、约 1,500 套房屋、约 2,000 位客户、"
        "7 个部门 40 名员工（均有登录账号）、营业时间与节假日日历。数据固定（随机种子 2026），"
        "只能生成到没有公司数据的空数据库中。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有公司数据时不做任何改动，只打印演示账号（启动脚本用）。",
        )

    def handle(self, *args, **options):
        if builder.has_data():
            if not options["if_empty"]:
                raise CommandError(
                    "数据库中已有公司数据，演示数据只能生成到空数据库中。"
                    "若只想在空库时生成，请使用 kefu demo --if-empty。"
                )
            self.stdout.write("数据库中已有数据，未生成演示数据。")
            self.print_logins()
            return
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            summary = builder.build(log=log)
        except builder.DemoError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成（用时 {elapsed:.1f} 秒）："))
        for line in table([(name, f"{count:,}") for name, count in summary.items()]):
            self.stdout.write(f"  {line}")
        self.print_logins()

    def print_logins(self) -> None:
        rows = builder.logins()
        if not rows:
            self.stdout.write("数据库中没有演示账号。")
            return
        self.stdout.write(f"演示账号（初始密码均为 {data.DEMO_PASSWORD}）：")
        lines = table(
            [("用户名", "角色", "项目", "姓名", "密码")]
            + [(r.username, r.role, r.projects, r.name, r.password) for r in rows]
        )
        for line in lines:
            self.stdout.write(f"  {line}")
