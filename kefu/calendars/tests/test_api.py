"""Calendar API: days and hours viewsets, the override action, the compute endpoint, schema."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from kefu.calendars import services
from kefu.calendars.models import BusinessHours, CalendarDay, DaySource
from kefu.calendars.services import sync_from_package

pytestmark = pytest.mark.django_db

DAYS = "/api/calendars/days/"
HOURS = "/api/calendars/hours/"
COMPUTE = "/api/calendars/compute/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def agent(make_user):
    return make_user("cs_agent")


@pytest.fixture
def admin(admin_user_kefu):
    return admin_user_kefu


def test_router_root_lists_the_endpoints(agent):
    body = api(agent).get("/api/calendars/").json()
    assert set(body) == {"days", "hours", "compute"}


def test_a_user_without_permission_is_refused(db):
    nobody = User.objects.create_user("nobody")
    for url in (DAYS, HOURS, f"{COMPUTE}?start=2026-09-30&working_days=3"):
        response = api(nobody).get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert response.json()["message"] == "您没有执行此操作的权限。"
    anonymous = APIClient().get(DAYS)
    assert anonymous.status_code == 403  # session auth first: no WWW-Authenticate, so 403
    assert anonymous.json()["code"] == "not_authenticated"


def test_list_days_with_year_kind_and_date_range_filters(agent):
    sync_from_package([2025, 2026])
    client = api(agent)
    body = client.get(DAYS, {"year": 2026, "kind": "makeup_workday"}).json()
    assert [row["date"] for row in body["results"]] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert body["results"][-1]["name"] == "国庆节"
    assert body["results"][-1]["is_working"] is True
    assert body["results"][-1]["kind_display"] == "调休上班"
    body = client.get(DAYS, {"date_after": "2026-10-01", "date_before": "2026-10-07"}).json()
    assert len(body["results"]) == 7
    assert {row["name"] for row in body["results"]} == {"国庆节"}
    body = client.get(DAYS, {"year": 2025, "page_size": 10}).json()
    assert len(body["results"]) == 10
    assert body["next"] is not None
    assert client.post(DAYS, {"date": "2027-01-01", "kind": "holiday"}).status_code == 403


def test_create_and_change_days_as_manual_rows(admin):
    sync_from_package([2026])
    client = api(admin)
    response = client.post(
        DAYS, {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "source": "package"}
    )
    assert response.status_code == 201
    assert response.json()["source"] == "manual"
    national_day = CalendarDay.objects.get(date=date(2026, 10, 1))
    response = client.patch(f"{DAYS}{national_day.pk}/", {"name": "国庆节（本公司）"})
    assert response.status_code == 200
    national_day.refresh_from_db()
    assert (national_day.name, national_day.source) == ("国庆节（本公司）", DaySource.MANUAL)
    assert sync_from_package([2026]) == 0


def test_a_makeup_working_day_on_a_weekday_is_refused(admin):
    response = api(admin).post(DAYS, {"date": "2027-09-27", "kind": "makeup_workday"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"]["kind"] == ["2027-09-27 是周一至周五，本来就是工作日，不能设为调休上班。"]
    response = api(admin).post(DAYS, {"date": "2026-13-01", "kind": "holiday"})
    assert response.status_code == 400
    assert "date" in response.json()["errors"]


def test_override_action(admin, agent):
    payload = {
        "entries": [
            {"start": "2027-10-01", "end": "2027-10-07", "kind": "holiday", "name": "国庆节"},
            {
                "start": "2027-10-09",
                "end": "2027-10-09",
                "kind": "makeup_workday",
                "name": "国庆节",
            },
        ]
    }
    assert api(agent).post(f"{DAYS}override/", payload, format="json").status_code == 403
    response = api(admin).post(f"{DAYS}override/", payload, format="json")
    assert response.status_code == 200
    assert response.json()["changed"] == 8
    bad = {
        "entries": [
            {"start": "2027-12-01", "end": "2027-12-01", "kind": "company_rest"},
            {"start": "2027-11-29", "end": "2027-12-05", "kind": "makeup_workday"},
        ]
    }
    response = api(admin).post(f"{DAYS}override/", bad, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"]["non_field_errors"][0].startswith("第 2 行：2027-11-29（周一）")
    assert not CalendarDay.objects.filter(date=date(2027, 12, 1)).exists()
    response = api(admin).post(f"{DAYS}override/", {"entries": []}, format="json")
    assert response.status_code == 400


def test_business_hours_api(admin, agent, org):
    client = api(admin)
    response = client.post(HOURS, {"project": org["p1"].pk, "start": "08:30", "end": "12:00"})
    assert response.status_code == 201
    response = client.post(HOURS, {"project": org["p1"].pk, "start": "11:00", "end": "18:00"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {"non_field_errors": ["与已有营业时间 08:30–12:00 重叠。"]}
    response = client.post(
        HOURS, {"project": None, "start": "18:00", "end": "09:00"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["end"] == ["结束时间必须晚于开始时间。"]
    client.post(HOURS, {"start": "09:00", "end": "17:00"})
    body = api(agent).get(HOURS, {"organisation_default": "true"}).json()
    assert [(row["project"], row["start"]) for row in body["results"]] == [(None, "09:00:00")]
    assert api(agent).post(HOURS, {"start": "18:00", "end": "20:00"}).status_code == 403
    assert BusinessHours.objects.count() == 2


def test_compute_working_days_and_hours(agent, org):
    sync_from_package([2026])
    client = api(agent)
    body = client.get(COMPUTE, {"start": "2026-09-30", "working_days": 3}).json()
    assert body["working_days_result"] == "2026-10-10"
    assert body["working_days_deadline"] == "2026-10-10T18:00:00+08:00"
    assert body["start_is_working_day"] is True
    assert body["start_is_working_time"] is None
    assert body["next_working_moment"] == "2026-09-30T08:30:00+08:00"
    assert body["business_hours"] == ["08:30-18:00"]
    assert body["unknown_years"] == []
    assert body["warnings"] == []

    body = client.get(COMPUTE, {"start": "2026-09-30T16:00:00+08:00", "hours": "4"}).json()
    assert body["hours_result"] == "2026-10-08T10:30:00+08:00"
    assert body["start_is_working_time"] is True

    services.set_business_hours(org["p1"], [(time(9), time(12)), (time(13), time(17))])
    body = client.get(
        COMPUTE, {"start": "2026-09-30T08:00:00Z", "hours": "2.5", "project": org["p1"].pk}
    ).json()
    # 16:00 Beijing: one hour to 17:00, then 09:00–10:30 on 8 October.
    assert body["hours_result"] == "2026-10-08T10:30:00+08:00"
    assert body["business_hours"] == ["09:00-12:00", "13:00-17:00"]
    assert body["project"] == org["p1"].pk


def test_compute_warns_about_years_without_holiday_data(agent):
    sync_from_package([2026])
    body = api(agent).get(COMPUTE, {"start": "2026-12-30", "working_days": 3}).json()
    assert body["working_days_result"] == "2027-01-04"
    assert body["unknown_years"] == [2027]
    assert body["warnings"] == [
        "2027 年尚无节假日数据，该年只按周一至周五计算工作日，请管理员录入。"
    ]


def test_compute_bad_input(agent, org):
    client = api(agent)
    response = client.get(COMPUTE, {"start": "30/09/2026", "working_days": 3})
    assert response.status_code == 400
    assert response.json()["errors"]["start"][0].startswith("无法识别的日期或时间")
    response = client.get(COMPUTE, {"start": "2026-09-30", "working_days": -1})
    assert response.status_code == 400
    assert "working_days" in response.json()["errors"]
    response = client.get(COMPUTE, {"start": "2026-09-30", "project": org["p2"].pk})
    assert response.status_code == 400  # P2 is outside the agent's projects
    assert response.json()["errors"]["project"] == ["项目不存在，或不在您的权限范围内。"]
    response = client.get(COMPUTE, {"working_days": 3})
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


def test_schema_documents_the_calendar_endpoints(agent):
    schema = api(agent).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/calendars/days/" in paths
    assert "/api/calendars/days/override/" in paths
    assert "/api/calendars/hours/" in paths
    compute = paths["/api/calendars/compute/"]["get"]
    assert compute["operationId"] == "calendars_compute"
    assert {p["name"] for p in compute["parameters"]} >= {
        "start",
        "working_days",
        "hours",
        "project",
    }
    result = compute["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert result.endswith("/ComputeResult")
    day_params = {p["name"] for p in paths["/api/calendars/days/"]["get"]["parameters"]}
    assert day_params >= {"year", "kind", "source", "date_after", "date_before", "cursor"}
