"""Fixtures of the organisation tests: staff factory and API clients."""

from __future__ import annotations

import datetime
import itertools

import pytest
from rest_framework.test import APIClient

from kefu.org.choices import DepartmentKind
from kefu.org.models import Staff

_numbers = itertools.count(1)


@pytest.fixture
def make_staff(org):
    """``make_staff("张三", project="P2", supervisor=boss)`` → a staff member without account."""

    def make(
        name: str, project: str = "P1", kind: str = DepartmentKind.CUSTOMER_SERVICE, **fields
    ) -> Staff:
        fields.setdefault("employee_no", f"S{next(_numbers):05d}")
        fields.setdefault("position", "客服专员")
        fields.setdefault("hire_date", datetime.date(2024, 3, 1))
        department = fields.pop("department", None) or org["departments"][(project, kind)]
        return Staff.objects.create(name=name, department=department, **fields)

    return make


@pytest.fixture
def api():
    """``api(user)`` → an API client authenticated as that user by token (as real clients are)."""
    from rest_framework.authtoken.models import Token

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
