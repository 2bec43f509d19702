"""``kefu createadmin``: create an administrator (superuser in the 系统管理员 role).

The password comes from ``--password``, the ``KEFU_ADMIN_PASSWORD`` environment variable (for
scripts: it does not show in the process list) or an interactive prompt, and must pass Django's
password validators (R-SEC-01: passwords not trivially simple). When the organisation has
departments the administrator also gets a staff record; otherwise only the log-in is created.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from kefu.core.audit import SOURCE_COMMAND, audit_context
from kefu.core.roles import ROLE_BY_CODE, sync_roles
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, Staff

ADMIN_ROLE = "administrator"
PASSWORD_ENV = "KEFU_ADMIN_PASSWORD"
POSITION = "系统管理员"


def sentences(messages: list[str]) -> str:
    """Django's validator messages as one Chinese sentence: 甲；乙。"""
    return "；".join(m.rstrip("。.") for m in messages) + "。"


class Command(BaseCommand):
    help = "创建系统管理员账号（超级用户，加入“系统管理员”角色；有部门时同时建立员工档案）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True, help="登录用户名。")
        parser.add_argument(
            "--password",
            help=f"密码；不给时读取环境变量 {PASSWORD_ENV}，再不然交互输入。",
        )
        parser.add_argument("--email", default="", help="邮箱（可选）。")
        parser.add_argument("--name", default="", help="姓名（可选，默认同用户名）。")
        parser.add_argument(
            "--no-input",
            action="store_true",
            dest="no_input",
            help="不交互：没有给出密码时报错。",
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self.create(options)

    def create(self, options) -> None:
        username = options["username"].strip()
        name = (options["name"] or username).strip()
        email = options["email"].strip()
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise CommandError(f"用户名不正确：{sentences(exc.messages)}") from exc
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名 {username} 已存在。")
        password = options["password"] or os.environ.get(PASSWORD_ENV) or self.prompt(options)
        candidate = User(username=username, email=email, first_name=name)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError(f"密码太弱，未创建账号：{sentences(exc.messages)}") from exc
        with audit_context(SOURCE_COMMAND), transaction.atomic():
            user = User.objects.create_superuser(
                username=username, email=email, password=password, first_name=name
            )
            user.groups.add(self.admin_group())
            department = self.department()
            staff = None
            if department is not None:
                staff = Staff.objects.create(
                    user=user,
                    employee_no=self.free_employee_no(),
                    name=name,
                    department=department,
                    position=POSITION,
                )
        self.stdout.write(self.style.SUCCESS(f"已创建系统管理员 {username}（超级用户）。"))
        if staff is not None:
            self.stdout.write(f"员工档案：{department}，工号 {staff.employee_no}。")
        else:
            self.stdout.write(
                "数据库中还没有部门，只创建了登录账号、没有员工档案；"
                "建好部门后可在“组织架构”中为其补建员工档案。"
            )

    def prompt(self, options) -> str:
        if options["no_input"] or not sys.stdin.isatty():
            raise CommandError(f"请用 --password 或环境变量 {PASSWORD_ENV} 给出密码。")
        first = getpass.getpass("密码：")
        second = getpass.getpass("再次输入密码：")
        if first != second:
            raise CommandError("两次输入的密码不一致。")
        if not first:
            raise CommandError("密码不能为空。")
        return first

    @staticmethod
    def admin_group() -> Group:
        name = ROLE_BY_CODE[ADMIN_ROLE].name
        group = Group.objects.filter(name=name).first()
        if group is None:
            sync_roles()
            group = Group.objects.get(name=name)
        return group

    @staticmethod
    def department() -> Department | None:
        """Prefer the head office's management department, then any head-office one."""
        departments = Department.objects.order_by("pk")
        return (
            departments.filter(project__isnull=True, kind=DepartmentKind.MANAGEMENT).first()
            or departments.filter(project__isnull=True).first()
            or departments.first()
        )

    @staticmethod
    def free_employee_no() -> str:
        taken = set(
            Staff.objects.filter(employee_no__startswith="ADM").values_list(
                "employee_no", flat=True
            )
        )
        n = 1
        while f"ADM{n:03d}" in taken:
            n += 1
        return f"ADM{n:03d}"
