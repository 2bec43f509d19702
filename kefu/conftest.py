"""Shared pytest fixtures: a small organisation and users with each role."""

from __future__ import annotations

import datetime
import os

import pytest
from django.contrib.auth.models import Group, User

from kefu.core.roles import ROLE_BY_CODE
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, Organisation, Project, Staff


@pytest.fixture
def org(db):
    """An organisation with two projects, each with a CS and an engineering department."""
    company = Organisation.objects.create(name="测试物业服务有限公司", short_name="测试物业")
    p1 = Project.objects.create(organisation=company, code="P1", name="翠湖花园")
    p2 = Project.objects.create(organisation=company, code="P2", name="金融中心")
    depts = {}
    for project in (p1, p2):
        for kind, name in (
            (DepartmentKind.CUSTOMER_SERVICE, "客服部"),
            (DepartmentKind.ENGINEERING, "工程部"),
        ):
            depts[(project.code, kind)] = Department.objects.create(
                organisation=company, project=project, name=name, kind=kind
            )
    return {"organisation": company, "p1": p1, "p2": p2, "departments": depts}


@pytest.fixture
def make_user(org):
    """``make_user("cs_agent", project="P1")`` → a user with that role, staff of that project."""
    counter = {"n": 0}

    def make(
        role_code: str,
        project: str = "P1",
        kind: str = DepartmentKind.CUSTOMER_SERVICE,
        username: str | None = None,
    ) -> User:
        counter["n"] += 1
        username = username or f"{role_code}_{project}_{counter['n']}"
        user = User.objects.create_user(username=username, password="pass-Kefu-2026")
        user.groups.add(Group.objects.get(name=ROLE_BY_CODE[role_code].name))
        Staff.objects.create(
            user=user,
            employee_no=f"E{counter['n']:04d}",
            name=f"员工{counter['n']}",
            department=org["departments"][(project, kind)],
            position=ROLE_BY_CODE[role_code].name,
            hire_date=datetime.date(2025, 1, 1),
        )
        return User.objects.get(pk=user.pk)  # fresh instance: no cached permissions

    return make


@pytest.fixture
def admin_user_kefu(make_user):
    return make_user("administrator", username="kefu_admin")


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser).

    Skipped when Chromium is not installed, except under CI (CI=true), where that fails.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium at /usr/bin/chromium for the browser tests")
        pytest.skip("Debian's chromium is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
