"""The demo organisation (``kefu demo``, issue 2 item 14) and ``kefu createadmin``.

The demo is built once for the ``TestDemo`` class (inside a transaction rolled back afterwards),
through the real command so its output is checked too.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter, defaultdict

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import transaction

from kefu.calendars.models import BusinessHours, CalendarDay
from kefu.core.permissions import project_ids_for
from kefu.core.roles import ROLE_BY_CODE
from kefu.core.validators import MOBILE_RE, is_valid_phone, is_valid_resident_id
from kefu.customers import lookup, rules
from kefu.customers.choices import (
    CustomerGrade,
    CustomerKind,
    IdType,
    MemberSegment,
    UnitKind,
    UnitRole,
    UnitStatus,
)
from kefu.customers.models import Building, Customer, CustomerUnit, EmergencyContact, Unit
from kefu.demo import builder, data
from kefu.org.choices import CareerLevel
from kefu.org.models import Department, Organisation, Project, Staff

# Recorded from the first build: the generator is seeded, so every build must reproduce them.
FIRST_CUSTOMER = ("周春梅", "13558167933", "330602198306266003", "周春梅 13558167933 1-101")
FIRST_STAFF = ("HY0001", "郭玉梅", "总经理")
EXACT_COUNTS = {"房屋": 1506, "楼层": 181, "客户": 1971}

EXPECTED_ROLES = {
    "admin": "系统管理员",
    "manager": "客服经理",
    "supervisor": "客服主管",
    "agent": "客服专员",
    "frontdesk": "前台",
    "tech": "维修工程师",
    "keys": "钥匙保管员",
    "archive": "档案管理员",
}


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """Run ``kefu demo`` once for the class; roll everything back afterwards."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemo:
    def test_counts_match_the_issue(self):
        # Issue 2 item 14: 1 company, 2 projects, 6 buildings, ~1,500 units, ~2,000 customers,
        # 40 staff in 7 departments.
        assert Organisation.objects.count() == 1
        assert Project.objects.count() == 2
        assert Building.objects.count() == 6
        assert 1400 <= Unit.objects.count() <= 1600
        assert 1800 <= Customer.objects.count() <= 2200
        assert Staff.objects.count() == 40
        assert Department.objects.count() == 7
        assert set(Staff.objects.values_list("department__name", flat=True)) == {
            "综合管理部",
            "财务部",
            "客服部",
            "工程部",
            "保洁部",
            "秩序维护部",
            "绿化部",
        }

    def test_deterministic_facts(self):
        first = Customer.objects.order_by("pk").first()
        assert (first.name, first.phone, first.id_number, first.search_text) == FIRST_CUSTOMER
        staff = Staff.objects.order_by("pk").first()
        assert (staff.employee_no, staff.name, staff.position) == FIRST_STAFF
        summary = builder.counts()
        assert {k: summary[k] for k in EXACT_COUNTS} == EXACT_COUNTS

    def test_command_prints_summary_and_logins(self, demo):
        assert "演示数据已生成" in demo
        assert "客户" in demo and "1,971" in demo
        assert f"初始密码均为 {data.DEMO_PASSWORD}" in demo
        admin_line = next(line for line in demo.splitlines() if line.strip().startswith("admin"))
        assert "系统管理员（超级用户）" in admin_line and "全部项目" in admin_line
        agent_line = next(line for line in demo.splitlines() if line.strip().startswith("agent "))
        assert "客服专员" in agent_line and "翠湖花园" in agent_line
        assert "之江金融中心" not in agent_line

    def test_premises(self):
        kinds = Counter(Unit.objects.values_list("kind", flat=True))
        assert kinds[UnitKind.RESIDENCE] > 1000
        assert kinds[UnitKind.OFFICE] > 0 and kinds[UnitKind.SHOP] > 0
        assert Project.objects.get(code="JRZX").units.filter(kind=UnitKind.SHOP).exists()
        assert not Project.objects.get(code="CHHY").units.filter(kind=UnitKind.OFFICE).exists()
        status = Counter(Unit.objects.values_list("status", flat=True))
        total = sum(status.values())
        assert 0.7 < status[UnitStatus.OCCUPIED] / total < 0.9
        assert status[UnitStatus.VACANT] > 0.03 * total
        assert status[UnitStatus.DECORATING] > 0.03 * total
        # bulk_create bypasses Unit.save: the builder must derive project and code the same way
        for unit in Unit.objects.select_related("building"):
            assert unit.project_id == unit.building.project_id
            assert unit.code == rules.unit_code(unit.building.code, unit.number)
            assert unit.floor.building_id == unit.building_id
            assert unit.area is not None and unit.area > 0

    def test_phones_valid_and_unique(self):
        phones = []
        for phone, phone2 in Customer.objects.values_list("phone", "phone2"):
            assert MOBILE_RE.match(phone), phone
            phones.append(phone)
            if phone2:
                assert is_valid_phone(phone2), phone2
                phones.append(phone2)
        phones += list(EmergencyContact.objects.values_list("phone", flat=True))
        phones += list(Staff.objects.values_list("phone", flat=True))
        assert all(is_valid_phone(p) for p in phones)
        duplicates = [p for p, n in Counter(phones).items() if n > 1]
        assert duplicates == []

    def test_id_numbers_valid(self):
        ids = Customer.objects.filter(id_type=IdType.RESIDENT_ID).values_list(
            "id_number", flat=True
        )
        assert all(is_valid_resident_id(n) for n in ids)
        assert len(set(ids)) == len(ids)
        # most owners (people, not companies) carry a resident ID (R-CUS-01)
        owners = Customer.objects.filter(
            kind=CustomerKind.OWNER, unit_links__role=UnitRole.OWNER
        ).distinct()
        with_id = owners.filter(id_type=IdType.RESIDENT_ID).count()
        assert with_id / owners.count() > 0.8
        for company in Customer.objects.filter(kind=CustomerKind.COMPANY):
            assert company.legal_representative
            assert company.id_type == IdType.BUSINESS_LICENCE
            assert builder.uscc_check_char(company.id_number[:17]) == company.id_number[17]

    def test_resident_id_matches_birth_and_sex_digit(self):
        # GB 11643: digit 17 is odd for men; the demo draws it from the name's sex, so both
        # parities occur, and birth dates lie between 1925 and 2005.
        ids = list(
            Customer.objects.filter(id_type=IdType.RESIDENT_ID).values_list("id_number", flat=True)
        )
        parities = Counter(int(n[16]) % 2 for n in ids)
        assert parities[0] > 100 and parities[1] > 100
        assert all(1925 <= int(n[6:10]) <= 2005 for n in ids)

    def test_every_customer_fits_the_model_rules(self):
        for customer in Customer.objects.all():
            customer.full_clean()  # phone formats, ID check digit, company representative …

    def test_grades_key_accounts_and_segments(self):
        grades = Counter(Customer.objects.values_list("grade", flat=True))
        assert set(grades) == {g.value for g in CustomerGrade}
        assert grades[CustomerGrade.C] > grades[CustomerGrade.A]
        key = Customer.objects.filter(is_key_account=True)
        assert 5 <= key.count() <= 60
        assert key.filter(kind=CustomerKind.COMPANY).exists()
        members = Customer.objects.filter(kind=CustomerKind.MEMBER)
        assert members.count() >= 20
        assert set(members.values_list("member_segment", flat=True)) == {
            s.value for s in MemberSegment
        }
        assert (
            not Customer.objects.exclude(kind=CustomerKind.MEMBER)
            .exclude(member_segment="")
            .exists()
        )
        assert Customer.objects.filter(kind=CustomerKind.TENANT).count() > 100

    def test_one_owner_at_a_time(self):
        owners = defaultdict(list)
        for unit_id, start, end in CustomerUnit.objects.filter(role=UnitRole.OWNER).values_list(
            "unit_id", "start_date", "end_date"
        ):
            owners[unit_id].append((start, end))
        for periods in owners.values():
            for i, a in enumerate(periods):
                for b in periods[i + 1 :]:
                    assert not rules.ranges_overlap(a[0], a[1], b[0], b[1])
        # every unit but the plant rooms has exactly one current owner
        current = Counter(
            CustomerUnit.objects.filter(role=UnitRole.OWNER, end_date__isnull=True).values_list(
                "unit_id", flat=True
            )
        )
        owned = Unit.objects.exclude(kind=UnitKind.PLANT_ROOM)
        assert set(current) == set(owned.values_list("pk", flat=True))
        assert set(current.values()) == {1}
        # some resales: a former owner whose period ended, no longer an active customer
        former = CustomerUnit.objects.filter(role=UnitRole.OWNER, end_date__isnull=False)
        assert former.exists()
        assert not former.filter(customer__is_active=True).exists()

    def test_links_are_consistent(self):
        roles = Counter(CustomerUnit.objects.values_list("role", flat=True))
        assert roles[UnitRole.TENANT] > 200
        assert roles[UnitRole.FAMILY] > 50 and roles[UnitRole.CO_OWNER] > 50
        for link in CustomerUnit.objects.select_related("customer", "unit"):
            assert link.customer.project_id == link.unit.project_id
            assert link.end_date is None or link.end_date >= link.start_date
            assert link.start_date <= data.DEMO_TODAY
        # tenants only in occupied units
        assert (
            not CustomerUnit.objects.filter(role=UnitRole.TENANT, end_date__isnull=True)
            .exclude(unit__status=UnitStatus.OCCUPIED)
            .exists()
        )

    def test_emergency_contacts_are_someone_else(self):
        contacts = EmergencyContact.objects.select_related("customer")
        assert contacts.count() > 300
        for contact in contacts:
            customer = contact.customer
            assert contact.name != customer.name
            assert contact.phone not in {customer.phone, customer.phone2}
            contact.full_clean()

    def test_search_text_equals_what_save_would_compute(self):
        sample = (
            Customer.objects.filter(emergency_contacts__isnull=False, unit_links__isnull=False)
            .distinct()
            .order_by("pk")[:40]
        )
        assert len(sample) == 40
        investor = next(c for c in Customer.objects.order_by("pk") if c.unit_links.count() > 1)
        for customer in [*sample, investor]:
            # same tokens; their order follows the database's collation of unit codes
            assert sorted(customer.search_text.split()) == sorted(
                customer.build_search_text().split()
            )

    def test_phone_lookup_finds_demo_customers(self):
        agent = User.objects.get(username="agent")
        p1 = Project.objects.get(code="CHHY")
        customer = Customer.objects.filter(
            project=p1, is_active=True, unit_links__isnull=False
        ).order_by("pk")[5]
        found = lookup.search(agent, customer.phone[-4:])
        assert customer in found
        unit_code = customer.unit_links.first().unit.code
        assert customer in lookup.search(agent, unit_code)
        # the agent works at 翠湖花园 only: a customer of the other project is not found
        other = Customer.objects.filter(project__code="JRZX").order_by("pk").first()
        assert other not in lookup.search(agent, other.phone)
        assert other in lookup.search(User.objects.get(username="manager"), other.phone)
        # an emergency contact's number finds the customer too
        contact = EmergencyContact.objects.filter(customer__project=p1).order_by("pk").first()
        assert contact.customer in lookup.search(agent, contact.phone)

    def test_supervisor_chain(self):
        staff = list(Staff.objects.select_related("supervisor", "department", "user"))
        tops = [s for s in staff if s.supervisor is None]
        assert [s.position for s in tops] == ["总经理"]
        for person in staff:
            seen, boss = {person.pk}, person.supervisor
            while boss is not None:  # no cycles, everyone reaches the top
                assert boss.pk not in seen
                seen.add(boss.pk)
                boss = boss.supervisor
            assert tops[0].pk in seen
        by_position = defaultdict(set)
        for person in staff:
            if person.supervisor:
                by_position[person.position].add(person.supervisor.position)
        assert by_position["客服主管"] == {"客服经理"}
        assert by_position["客服专员"] == {"客服主管"}
        assert by_position["前台"] == {"客服主管"}
        assert by_position["维修工程师"] == {"工程主管"}
        assert all(d.head_id for d in Department.objects.all())

    def test_cs_career_levels(self):
        # R-WF-10: front-line CS staff carry a ladder level; a 新客服 has < 3 months' service.
        front_line = Staff.objects.filter(position__in=["客服专员", "前台", "钥匙保管员"])
        assert front_line.count() == 11
        assert not front_line.filter(level="").exists()
        assert set(front_line.values_list("level", flat=True)) == {c.value for c in CareerLevel}
        for person in front_line.filter(level=CareerLevel.PROBATION):
            assert data.DEMO_TODAY - person.hire_date < datetime.timedelta(days=92)
        assert not Staff.objects.exclude(department__name="客服部").exclude(level="").exists()

    def test_every_staff_member_has_a_login_with_a_role(self):
        role_names = {role.name for role in ROLE_BY_CODE.values()}
        for person in Staff.objects.select_related("user").prefetch_related("user__groups"):
            assert person.user is not None and person.user.is_active
            groups = {g.name for g in person.user.groups.all()}
            assert len(groups) == 1 and groups <= role_names
        assert User.objects.filter(is_superuser=True).count() == 1

    def test_demo_logins(self, client):
        for username, role in EXPECTED_ROLES.items():
            assert client.login(username=username, password=data.DEMO_PASSWORD), username
            user = User.objects.get(username=username)
            assert [g.name for g in user.groups.all()] == [role]
            client.logout()
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()
        p1 = Project.objects.get(code="CHHY").pk
        p2 = Project.objects.get(code="JRZX").pk
        assert project_ids_for(User.objects.get(username="supervisor")) == [p1]
        assert project_ids_for(User.objects.get(username="manager")) is None
        assert sorted(project_ids_for(User.objects.get(username="archive"))) == sorted([p1, p2])

    def test_calendar_and_business_hours(self):
        hours = BusinessHours.objects.filter(project__isnull=True)
        assert [(h.start, h.end) for h in hours] == [(datetime.time(8, 30), datetime.time(18, 0))]
        # 2026 National Day: 1–7 October off, Sunday 27 September and Saturday 10 October
        # working (State Council arrangement; the calendar helper seeds it).
        national_day = CalendarDay.objects.filter(date__range=("2026-09-26", "2026-10-10"))
        if national_day.exists():
            assert national_day.get(date="2026-10-01").kind == "holiday"
            assert national_day.get(date="2026-10-10").kind == "makeup_workday"

    def test_no_audit_rows_for_the_bulk_load(self):
        assert LogEntry.objects.count() == 0

    def test_if_empty_changes_nothing_but_prints_logins(self):
        before = builder.counts()
        out = io.StringIO()
        call_command("demo", "--if-empty", stdout=out)
        assert builder.counts() == before
        text = out.getvalue()
        assert "未生成演示数据" in text
        for username in data.DEMO_USERNAMES:
            assert username in text
        assert "kefu2026" in text

    def test_if_empty_reports_a_changed_password(self):
        user = User.objects.get(username="tech")
        user.set_password("Another-Secret-2026")
        user.save()
        rows = {row.username: row for row in builder.logins()}
        assert rows["tech"].password == "（已修改）"
        assert rows["agent"].password == data.DEMO_PASSWORD

    def test_demo_refuses_a_non_empty_database(self):
        with pytest.raises(CommandError, match="已有公司数据"):
            call_command("demo", stdout=io.StringIO())
        with pytest.raises(builder.DemoError):
            builder.build()


# -- outside the demo ---------------------------------------------------------------------


def test_check_characters_of_real_codes():
    # Unified social credit codes as printed on business licences (GB 32100-2015) and the
    # organisation code inside them (GB 11714).
    assert builder.uscc_check_char("91350100M000100Y4") == "3"
    assert builder.uscc_check_char("91110108551385082") == "Q"
    assert builder.uscc_check_char("91440300708461136") == "T"
    assert builder.org_code_check_char("55138508") == "2"
    assert builder.org_code_check_char("70846113") == "6"


@pytest.mark.django_db
def test_demo_refuses_when_a_demo_username_is_taken():
    User.objects.create_user("agent", password="x-Strong-Pass-1")
    with pytest.raises(CommandError, match="agent"):
        call_command("demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_if_empty_on_an_empty_database_builds(monkeypatch):
    called = []
    monkeypatch.setattr(builder, "build", lambda log=None: called.append(1) or {"客户": 0})
    monkeypatch.setattr(builder, "logins", lambda: [])
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert called == [1]
    assert "没有演示账号" in out.getvalue()


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password():
    with pytest.raises(CommandError) as excinfo:
        call_command("createadmin", "--username", "root", "--password", "12345678")
    message = str(excinfo.value)
    assert message.startswith("密码太弱")
    assert "数字" in message  # Django's NumericPasswordValidator, in Chinese
    assert not User.objects.filter(username="root").exists()


@pytest.mark.django_db
def test_createadmin_refuses_a_password_like_the_username():
    with pytest.raises(CommandError, match="密码太弱"):
        call_command("createadmin", "--username", "zhangwei2026", "--password", "zhangwei2026")


@pytest.mark.django_db
def test_createadmin_without_departments_creates_only_the_login():
    out = io.StringIO()
    call_command("createadmin", "--username", "root", "--password", "Qiantang-Tide-88", stdout=out)
    user = User.objects.get(username="root")
    assert user.is_superuser and user.is_staff
    assert user.check_password("Qiantang-Tide-88")
    assert list(user.groups.values_list("name", flat=True)) == ["系统管理员"]
    assert not Staff.objects.filter(user=user).exists()
    assert "没有部门" in out.getvalue()


@pytest.mark.django_db
def test_createadmin_with_departments_creates_a_staff_record(org, monkeypatch):
    monkeypatch.setenv("KEFU_ADMIN_PASSWORD", "Qiantang-Tide-88")
    out = io.StringIO()
    call_command("createadmin", "--username", "root", "--name", "沈建国", stdout=out)
    staff = Staff.objects.get(user__username="root")
    assert (staff.name, staff.position, staff.employee_no) == ("沈建国", "系统管理员", "ADM001")
    assert staff.department in org["departments"].values()
    assert "ADM001" in out.getvalue()
    call_command(
        "createadmin", "--username", "root2", "--password", "Qiantang-Tide-88", stdout=io.StringIO()
    )
    assert Staff.objects.get(user__username="root2").employee_no == "ADM002"


@pytest.mark.django_db
def test_createadmin_refuses_an_existing_username_and_missing_password(monkeypatch):
    monkeypatch.delenv("KEFU_ADMIN_PASSWORD", raising=False)
    User.objects.create_user("root", password="x")
    with pytest.raises(CommandError, match="已存在"):
        call_command("createadmin", "--username", "root", "--password", "Qiantang-Tide-88")
    with pytest.raises(CommandError, match="--password"):
        call_command("createadmin", "--username", "other", "--no-input")
    assert Group.objects.get(name="系统管理员").user_set.count() == 0
