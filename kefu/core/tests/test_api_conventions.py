"""API conventions: OpenAPI schema, docs page, token auth, one error format (issue 2 item 6)."""

import re

import pytest
import yaml
from django.urls import get_resolver
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(admin_user_kefu):
    client = APIClient()
    client.force_authenticate(admin_user_kefu)
    r = client.get("/api/schema/")
    assert r.status_code == 200
    return yaml.safe_load(r.content)


def test_schema_is_valid_openapi_3(schema):
    from drf_spectacular.validation import validate_schema

    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document


def _api_routes() -> set[str]:
    """Every concrete API URL, read from the resolver (so a new endpoint cannot hide)."""
    routes: set[str] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            else:
                routes.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    cleaned = set()
    for route in routes:
        if not route.startswith("api/") or "format" in route:
            continue
        path = re.sub(r"\(\?P<(\w+)>[^)]+\)", r"{\1}", route)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
        path = "/" + path.replace("^", "").replace("$", "").replace("{pk}", "{id}")
        if path in SKIPPED:
            continue
        cleaned.add(path)
    return cleaned


SKIPPED = {
    "/api/",
    "/api/schema/",
    "/api/docs/",
    "/api/redoc/",
    "/api/org/",
    "/api/customers/",
    "/api/calendars/",
    "/api/notifications/",
    "/api/audit/",
    "/api/servicedesk/",
}


def test_schema_covers_every_endpoint(schema):
    routes = _api_routes()
    assert len(routes) > 20
    assert sorted(routes - set(schema["paths"])) == []


def test_docs_page_renders(admin_user_kefu, client):
    client.force_login(admin_user_kefu)
    r = client.get("/api/docs/")
    assert r.status_code == 200
    assert b"swagger-ui" in r.content.lower()


def test_token_login_and_error_format(make_user):
    make_user("cs_agent", username="agent1")
    client = APIClient()
    bad = client.post("/api/auth/token/", {"username": "agent1", "password": "wrong"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_error"
    good = client.post("/api/auth/token/", {"username": "agent1", "password": "pass-Kefu-2026"})
    token = good.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/customers/customers/").status_code == 200


def test_unauthenticated_error_is_structured():
    r = APIClient().get("/api/customers/customers/")
    assert r.status_code in (401, 403)
    assert r.json() == {"code": "not_authenticated", "message": "请先登录。", "errors": {}}


def test_not_found_error_is_structured(admin_user_kefu):
    client = APIClient()
    client.force_authenticate(admin_user_kefu)
    r = client.get("/api/customers/customers/999999/")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert r.json()["message"] == "记录不存在，或不在您的权限范围内。"
