"""Web views: the year calendar, the override form, business hours, and their permissions."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from kefu.calendars.models import BusinessHours, CalendarDay, DayKind, DaySource
from kefu.calendars.services import sync_from_package

pytestmark = pytest.mark.django_db

CALENDAR = reverse("calendars:calendar")
OVERRIDE = reverse("calendars:override")
HOURS = reverse("calendars:hours")


def override_post(*lines: tuple[str, str, str, str]) -> dict:
    data = {
        "ov-TOTAL_FORMS": "4",
        "ov-INITIAL_FORMS": "0",
        "ov-MIN_NUM_FORMS": "0",
        "ov-MAX_NUM_FORMS": "10",
    }
    for i, (start, end, kind, name) in enumerate(lines):
        data.update(
            {f"ov-{i}-start": start, f"ov-{i}-end": end, f"ov-{i}-kind": kind, f"ov-{i}-name": name}
        )
    return data


@pytest.fixture
def nobody(db):
    return User.objects.create_user("nobody", password="pass-Kefu-2026")


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(CALENDAR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", CALENDAR),
        ("get", HOURS),
        ("get", reverse("calendars:compute") + "?start=2026-09-30&working_days=3"),
        ("post", OVERRIDE),
        ("get", reverse("calendars:hours_edit_default")),
    ],
)
def test_a_user_without_calendar_permission_gets_403(client, nobody, method, url):
    client.force_login(nobody)
    assert getattr(client, method)(url).status_code == 403


def test_agent_sees_holidays_with_names_and_makeup_days_but_no_override_form(client, make_user):
    sync_from_package([2026])
    client.force_login(make_user("cs_agent"))
    response = client.get(CALENDAR, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="cal-holiday" title="国庆节（法定节假日（休息））" data-date="2026-10-01"' in html
    assert (
        'class="cal-weekend cal-makeup" title="国庆节（调休上班）" data-date="2026-10-10"' in html
    )
    assert '<span class="cal-mark">班</span>' in html
    assert '<span class="cal-name">春节</span>' in html
    assert "2026 年：工作日 248 天" in html
    assert 'id="year-no-data"' not in html
    assert "override-card" not in html
    assert (
        client.post(OVERRIDE, override_post(("2026-12-31", "", "company_rest", "盘点"))).status_code
        == 403
    )
    assert not CalendarDay.objects.filter(date=date(2026, 12, 31)).exists()


def test_year_without_data_shows_a_warning(client, make_user):
    client.force_login(make_user("cs_agent"))
    html = client.get(CALENDAR, {"year": 2030}).content.decode()
    assert 'id="year-no-data"' in html
    assert "2030 年没有节假日数据" in html
    html = client.get(CALENDAR, {"year": 2026}).content.decode()
    assert "2026 年的节假日尚未同步" in html


def test_year_switch_with_htmx_returns_only_the_panel(client, make_user):
    client.force_login(make_user("cs_agent"))
    response = client.get(
        CALENDAR, {"year": 2025}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="year-panel"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-date="2025-12-31"' in html


def test_today_is_highlighted(client, make_user):
    from django.utils import timezone

    client.force_login(make_user("cs_agent"))
    today = timezone.localdate()
    html = client.get(CALENDAR).content.decode()
    cell = re.search(rf'<td class="([^"]*)"[^>]*data-date="{today:%Y-%m-%d}"', html)
    assert cell is not None
    assert "cal-today" in cell[1].split()
    assert len(re.findall(r'<td class="[^"]*\bcal-today\b', html)) == 1


def test_administrator_enters_a_year_by_hand(client, admin_user_kefu):
    client.force_login(admin_user_kefu)
    assert "override-card" in client.get(CALENDAR).content.decode()
    response = client.post(
        OVERRIDE,
        override_post(
            ("2027-10-01", "2027-10-07", "holiday", "国庆节"),
            ("2027-09-26", "", "makeup_workday", "国庆节"),
            ("2027-10-09", "", "makeup_workday", "国庆节"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2027"
    assert CalendarDay.objects.filter(source=DaySource.MANUAL).count() == 9
    assert CalendarDay.objects.get(date=date(2027, 9, 26)).kind == DayKind.MAKEUP_WORKDAY
    html = client.get(response["Location"]).content.decode()
    assert "已保存日历设置，共 9 天。" in html


def test_contradictory_override_shows_chinese_errors_and_writes_nothing(client, admin_user_kefu):
    client.force_login(admin_user_kefu)
    response = client.post(
        OVERRIDE,
        override_post(
            ("2027-10-01", "2027-10-07", "holiday", "国庆节"),
            ("2027-09-27", "", "makeup_workday", "国庆节"),
            ("2027-03-01", "2027-05-31", "company_rest", ""),
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "第 2 行：2027-09-27（周一） 是周一至周五，本来就是工作日，不能设为调休上班。" in html
    assert "第 3 行：日期范围共 92 天，一次最多 60 天。" in html
    assert CalendarDay.objects.count() == 0


def test_override_form_field_errors_are_shown(client, admin_user_kefu):
    client.force_login(admin_user_kefu)
    html = client.post(OVERRIDE, override_post(("2027-13-01", "", "holiday", ""))).content.decode()
    assert "请修正下面标出的错误。" in html
    assert "输入一个有效的日期。" in html
    html = client.post(OVERRIDE, override_post()).content.decode()
    assert "请至少填写一行。" in html


def test_compute_view(client, make_user):
    sync_from_package([2026])
    client.force_login(make_user("cs_agent"))
    html = client.get(
        reverse("calendars:compute"), {"start": "2026-09-30", "working_days": 3}
    ).content.decode()
    assert "<strong>2026-10-10 星期六</strong>" in html
    html = client.get(
        reverse("calendars:compute"), {"start": "2027-09-30", "working_days": 3}
    ).content.decode()
    assert "2027 年尚无节假日数据" in html


def test_business_hours_page_and_edit(client, make_user, admin_user_kefu, org):
    agent = make_user("cs_agent")
    client.force_login(agent)
    html = client.get(HOURS).content.decode()
    assert "翠湖花园" in html
    assert "08:30-18:00" in html
    assert "金融中心" not in html  # agents see their own project only
    assert client.get(reverse("calendars:hours_edit", args=[org["p1"].pk])).status_code == 403

    client.force_login(admin_user_kefu)
    url = reverse("calendars:hours_edit", args=[org["p1"].pk])
    response = client.post(url, {"intervals": "08:30-12:00，13:30-18:00"})
    assert response.status_code == 302
    assert list(BusinessHours.objects.filter(project=org["p1"]).values_list("start", "end")) == [
        (time(8, 30), time(12)),
        (time(13, 30), time(18)),
    ]
    html = client.post(url, {"intervals": "18:00-08:00"}).content.decode()
    assert "营业时间 18:00–08:00 的结束时间必须晚于开始时间。" in html
    html = client.post(url, {"intervals": "9点-17点"}).content.decode()
    assert "中的时间无法识别" in html
    assert BusinessHours.objects.filter(project=org["p1"]).count() == 2
    response = client.post(reverse("calendars:hours_edit_default"), {"intervals": "09:00-17:00"})
    assert response.status_code == 302
    assert BusinessHours.objects.filter(project=None).count() == 1


def test_the_page_warns_about_next_year_without_holiday_data(client, make_user):
    from django.utils import timezone

    from kefu.calendars.services import OverrideEntry, apply_override

    this_year = timezone.localdate().year
    new_year = date(this_year, 1, 1)
    apply_override(OverrideEntry(new_year, new_year, DayKind.HOLIDAY, "元旦"))
    client.force_login(make_user("cs_agent"))
    html = client.get(CALENDAR, {"year": this_year}).content.decode()
    assert 'id="missing-years-alert"' in html
    assert f"{this_year + 1} 年尚无法定节假日数据" in html
    assert 'id="year-no-data"' not in html
