"""``kefu calendar_sync [--year 2026 ...]``: seed holidays and make-up working days (调休) from
the ``chinesecalendar`` package; manual entries are kept. Safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kefu.calendars.package import package_years
from kefu.calendars.services import missing_years, sync_from_package
from kefu.core.audit import SOURCE_COMMAND, audit_context


class Command(BaseCommand):
    help = "从 chinesecalendar 包同步法定节假日与调休上班日（不覆盖管理员手工设置）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="只同步这一年（可重复）；默认同步包内全部年份。",
        )

    def handle(self, *args, years=None, **options):
        with audit_context(SOURCE_COMMAND, command="calendar_sync"):
            changed = sync_from_package(years)
        known = package_years()
        self.stdout.write(
            f"节假日同步完成：变更 {changed} 条（chinesecalendar 覆盖 {known[0]}–{known[-1]} 年）。"
        )
        missing = missing_years()
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    "以下年份尚无节假日数据，请在“工作日历”中手工录入："
                    + "、".join(str(y) for y in missing)
                )
            )
