"""English is switchable (issue 2 item 5): the language cookie "en" turns Kefu's Chinese UI into
English; without it everything stays Chinese; the English catalog is complete and compiled."""

from __future__ import annotations

import ast
import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kefu.calendars import package, services
from kefu.calendars.engine import CalendarError, parse_intervals
from kefu.customers.models import Building, Customer, CustomerUnit, Floor, Unit

CATALOG_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = CATALOG_DIR / "django.po"
MO = CATALOG_DIR / "django.mo"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def caller(org):
    """王建国, owner of 1-0101 in P1, mobile 13812345678."""
    building = Building.objects.create(project=org["p1"], code="1", name="1号楼")
    floor = Floor.objects.create(building=building, number=1)
    unit = Unit.objects.create(building=building, floor=floor, number="0101")
    customer = Customer.objects.create(
        project=org["p1"], kind="owner", name="王建国", phone="13812345678"
    )
    CustomerUnit.objects.create(
        customer=customer, unit=unit, role="owner", start_date=datetime.date(2020, 5, 1)
    )
    return customer


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_texts(html: str, present: list[str], absent: list[str]) -> None:
    for text in present:
        assert text in html, f"missing {text!r}"
    for text in absent:
        assert text not in html, f"still shows {text!r}"


# --- pages in English ---------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_in_english(english):
    html = page(english, reverse("login"))
    assert_texts(
        html,
        ['lang="en"', "Customer Service Centre", "Username", "Password", "Log in"],
        ["客服中心管理系统", "用户名", "密码", "登录"],
    )


@pytest.mark.django_db
def test_wrong_password_message_in_english(english, make_user):
    make_user("cs_agent", username="agent1")
    r = english.post(reverse("login"), {"username": "agent1", "password": "nope"})
    assert_texts(r.content.decode(), ["Incorrect username or password"], ["用户名或密码不正确"])


@pytest.mark.django_db
def test_home_page_in_english(english, make_user):
    english.force_login(make_user("cs_agent"))
    html = page(english, reverse("home"))
    assert_texts(
        html,
        [
            "Dashboard",
            "Customer lookup",  # navigation (lazy labels)
            "Caller / visitor lookup",
            '<span class="badge text-bg-secondary">CS agent</span>',  # role, translated
            "Work orders",
            "Coming soon",
            "Log out",
        ],
        # (the staff record's position, 客服专员, is data and stays as entered)
        ["客户查询", "工作台", "来电/来访查询", "筹备中", "退出", "您好"],
    )


@pytest.mark.django_db
def test_customer_lookup_in_english(english, make_user, caller):
    english.force_login(make_user("cs_agent"))
    html = page(english, reverse("customers:lookup"), q="5678")
    assert "王建国" in html  # data stays as entered
    assert_texts(
        html,
        ["Matched: Mobile", "1-0101 (Owner)", "Customer lookup"],
        ["匹配", "手机", "（业主）", "客户查询"],
    )


@pytest.mark.django_db
def test_calendar_page_in_english(english, make_user):
    services.sync_from_package({2026})
    english.force_login(make_user("cs_agent"))
    html = page(english, reverse("calendars:calendar"), year=2026)
    assert_texts(
        html,
        [
            "Business calendar",
            "Make-up working day",
            "Public holiday",
            "Company rest day",
            "<th>Mon</th>",
            "October",
            # 2026-10-01: the package's holiday name, stored in Chinese, shown translated
            '<span class="cal-name">National Day</span>',
        ],
        ["工作日历", "调休上班", "法定节假日", "公司休息日", "<th>一</th>", "10月", "国庆节"],
    )


def test_every_package_holiday_name_is_in_the_catalog():
    from chinese_calendar import constants

    names = {package.chinese_name(holiday.value) for holiday in constants.Holiday}
    assert names <= set(package.HOLIDAY_NAMES)
    with translation.override("en"):
        assert translation.gettext("国庆节") == "National Day"


@pytest.mark.django_db
def test_staff_list_in_english(english, make_user):
    english.force_login(make_user("cs_supervisor"))
    html = page(english, reverse("org:staff_list"))
    assert_texts(
        html,
        ["Organisation", "Employee no.", "Direct supervisor", "Department", "1 person"],
        ["组织架构", "工号", "直接上级", "共 1 人"],
    )


@pytest.mark.django_db
def test_set_language_then_pages_are_english(client, make_user):
    client.force_login(make_user("cs_agent"))
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert_texts(r.content.decode(), ["Customer lookup", "Dashboard"], ["客户查询"])


@pytest.mark.django_db
def test_flash_message_in_english(english, make_user, caller):
    english.force_login(make_user("cs_agent"))
    r = english.post(
        reverse("customers:contact_add", args=[caller.pk]),
        {"name": "李丽", "relation": "女儿", "phone": "13900001111"},
        follow=True,
    )
    assert_texts(r.content.decode(), ["Emergency contact added."], ["紧急联系人已添加。"])


# --- Chinese stays the default ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "params", "chinese"),
    [
        ("home", {}, ["工作台", "来电/来访查询", "客服专员", "筹备中"]),
        ("customers:lookup", {"q": "5678"}, ["客户查询", "匹配：手机", "1-0101（业主）"]),
        ("calendars:calendar", {"year": 2026}, ["工作日历", "调休上班", "<th>一</th>", "10月"]),
    ],
)
def test_default_without_cookie_is_chinese(client, make_user, caller, url_name, params, chinese):
    client.force_login(make_user("cs_agent"))
    html = page(client, reverse(url_name), **params)
    assert 'lang="zh-hans"' in html
    assert_texts(html, chinese, ["Customer lookup", "Dashboard", "Make-up working day"])


def test_calendar_engine_messages_follow_the_active_language():
    with translation.override("en"), pytest.raises(CalendarError, match="not recognised"):
        parse_intervals("8-9")
    with translation.override("zh-hans"), pytest.raises(CalendarError, match="无法识别"):
        parse_intervals("8-9")


# --- the catalog --------------------------------------------------------------------------


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr by index.

    A tiny reader for the subset GNU gettext writes (no polib in Kefu's dependencies)."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple | None = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"flags": set(), "obsolete": False, "msgctxt": None, "msgid_plural": None}
            entry["msgstr"] = {}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")', line)
        if match:  # a keyword starts a field
            keyword, index, text = match.groups()
            field = ("msgstr", int(index or 0)) if keyword == "msgstr" else (keyword, None)
            value = ast.literal_eval(text)
            if keyword == "msgstr":
                entry["msgstr"][field[1]] = value
            else:
                entry[keyword] = value
            continue
        assert line.startswith('"') and field is not None, f"unexpected line: {line!r}"
        value = ast.literal_eval(line)  # a continuation of the current field
        if field[0] == "msgstr":
            entry["msgstr"][field[1]] += value
        else:
            entry[field[0]] += value
    return entries


def messages() -> list[dict]:
    return [e for e in parse_po(PO) if not e["obsolete"] and e["msgid"]]


def test_catalog_has_many_entries_and_an_english_header():
    header = next(e for e in parse_po(PO) if e["msgid"] == "")
    assert "Language: en" in header["msgstr"][0]
    assert "nplurals=2" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]
    assert len(messages()) > 400


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = messages()
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plural = [e for e in entries if e["msgid_plural"] is not None]
    assert plural and all(sorted(e["msgstr"]) == [0, 1] for e in plural)


def test_translations_are_english_and_keep_their_placeholders():
    placeholder = re.compile(r"%\((\w+)\)[sd]|<[^>]+>")
    for e in messages():
        for text in e["msgstr"].values():
            assert not re.search(r"[\u4e00-\u9fff]", text), (e["msgid"], text)
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(e["msgid"])), (
                e["msgid"],
                text,
            )


def test_compiled_catalog_matches_the_po_file():
    """django.mo is committed: it must hold exactly what django.po says (recompile after edits
    with scripts/i18n.sh)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for e in messages():
        if e["msgid_plural"] is not None:
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr"][0]
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 2) == e["msgstr"][1]
        elif e["msgctxt"] is not None:
            assert compiled.pgettext(e["msgctxt"], e["msgid"]) == e["msgstr"][0], e["msgid"]
        else:
            assert compiled.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]
