"""Build the demo organisation into an empty database, deterministically.

One property company (华悦物业), two projects in Hangzhou (the residential estate 翠湖花园 and
the office/apartment complex 之江金融中心), six buildings, about 1,500 units, about 2,000
customers with their units and emergency contacts, 40 staff in 7 departments with log-ins, the
organisation's business hours and the holiday calendar.

Every random choice comes from one ``random.Random(data.SEED)`` consumed in a fixed order, so
two runs give the same names, phones and ID numbers (only primary keys and timestamps may
differ). Bulk rows are written with ``bulk_create``, which bypasses ``Model.save``: the builder
therefore computes ``Unit.project_id``/``Unit.code`` and ``Customer.search_text`` itself with
the same rules (``kefu.customers.rules``) the models use. The load runs in one transaction with
the audit trail switched off (a demo load is not a business change worth 6,000 audit rows).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, User
from django.db import transaction

from kefu.calendars.models import BusinessHours, CalendarDay
from kefu.core.audit import SOURCE_COMMAND, audit_context
from kefu.core.permissions import project_ids_for
from kefu.core.roles import ROLE_BY_CODE, sync_roles
from kefu.core.validators import id_check_digit
from kefu.customers import rules
from kefu.customers.choices import (
    CustomerGrade,
    CustomerKind,
    IdType,
    MemberSegment,
    UnitKind,
    UnitRole,
    UnitStatus,
)
from kefu.customers.models import Building, Customer, CustomerUnit, EmergencyContact, Floor, Unit
from kefu.demo import data, servicedesk
from kefu.org.models import Department, Organisation, Project, Staff

__all__ = ["DemoError", "Login", "build", "counts", "has_data", "logins", "uscc_check_char"]

BATCH_SIZE = 500
ALL_PROJECTS = "全部项目"

# GB 32100-2015 unified social credit code: alphabet and weights of the check character.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code: weights of the check character of the 8-character body.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

GRADES = (CustomerGrade.A, CustomerGrade.B, CustomerGrade.C, CustomerGrade.D)
OWNER_GRADES = (10, 30, 50, 10)
TENANT_GRADES = (5, 25, 55, 15)
COMPANY_GRADES = (25, 45, 25, 5)
SEGMENTS = (MemberSegment.ACTIVE, MemberSegment.SLEEPING, MemberSegment.GRADUATED)
SEGMENT_WEIGHTS = (40, 45, 15)
SEGMENT_GRADES = {
    MemberSegment.ACTIVE: (20, 50, 25, 5),
    MemberSegment.SLEEPING: (0, 10, 55, 35),
    MemberSegment.GRADUATED: (5, 25, 55, 15),
}
KEY_ACCOUNT_UNITS = 6  # a company holding this many units is a key account (R-CUS-02)


class DemoError(Exception):
    """The demo cannot be built into this database (it is not empty, a log-in is taken)."""


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str
    projects: str
    password: str  # the demo password, or a note that it was changed


@dataclass(frozen=True)
class Person:
    name: str
    surname: str
    sex: str  # "m" / "f"
    birth: datetime.date


def has_data() -> bool:
    """Does the database already hold an organisation (demo or real)?"""
    return Organisation.objects.exists()


def logins() -> list[Login]:
    """The demo log-ins present in the database, in the order of ``data.DEMO_USERNAMES``."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=data.DEMO_USERNAMES)
        .select_related("staff__department")
        .prefetch_related("groups", "staff__extra_projects")
    }
    names = dict(Project.objects.values_list("pk", "name"))
    still_demo: dict[str, bool] = {}  # the users share one hash: check each distinct one once
    rows = []
    for username in data.DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        staff = getattr(user, "staff", None)
        role = "、".join(sorted(g.name for g in user.groups.all())) or "—"
        if user.is_superuser:
            role += "（超级用户）"
        allowed = project_ids_for(user)
        projects = ALL_PROJECTS if allowed is None else "、".join(names[p] for p in allowed)
        if user.password not in still_demo:
            still_demo[user.password] = check_password(data.DEMO_PASSWORD, user.password)
        password = data.DEMO_PASSWORD if still_demo[user.password] else "（已修改）"
        rows.append(Login(username, staff.name if staff else "", role, projects or "—", password))
    return rows


def build(log: Callable[[str], None] | None = None) -> dict[str, int]:
    """Create the demo organisation in an empty database; returns row counts per table.

    Raises :class:`DemoError` when an organisation exists already or a demo user name is
    taken. All or nothing: one transaction.
    """
    say = log or (lambda message: None)
    if has_data():
        raise DemoError("数据库中已有公司数据，不能再生成演示数据。")
    taken = sorted(
        User.objects.filter(username__in=DemoBuilder.usernames()).values_list("username", flat=True)
    )
    if taken:
        raise DemoError(f"以下用户名已被占用，无法创建演示账号：{'、'.join(taken)}。")
    with audit_context(SOURCE_COMMAND), disable_auditlog(), transaction.atomic():
        DemoBuilder(random.Random(data.SEED), say).run()
        servicedesk.build(random.Random(data.SEED + servicedesk.SEED_OFFSET), say)
    return counts()


def counts() -> dict[str, int]:
    return {
        "公司": Organisation.objects.count(),
        "项目": Project.objects.count(),
        "楼栋": Building.objects.count(),
        "楼层": Floor.objects.count(),
        "房屋": Unit.objects.count(),
        "客户": Customer.objects.count(),
        "客户房屋关系": CustomerUnit.objects.count(),
        "紧急联系人": EmergencyContact.objects.count(),
        "部门": Department.objects.count(),
        "员工": Staff.objects.count(),
        "登录账号": User.objects.count(),
        "日历例外日": CalendarDay.objects.count(),
        "营业时间段": BusinessHours.objects.count(),
        **servicedesk.counts(),
    }


def uscc_check_char(first17: str) -> str:
    """Check character of an 18-character unified social credit code (GB 32100-2015)."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Check character of a 9-character organisation code (GB 11714), digits-only body."""
    value = 11 - sum(int(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


class DemoBuilder:
    def __init__(self, rng: random.Random, log: Callable[[str], None]) -> None:
        self.rng = rng
        self.log = log
        self.surnames = [s for s, _w in data.SURNAMES]
        self.surname_weights = [w for _s, w in data.SURNAMES]
        self.id_areas = [a for a, _w in data.ID_AREAS]
        self.id_area_weights = [w for _a, w in data.ID_AREAS]
        self.used_phones: set[str] = set()
        self.used_ids: set[str] = set()
        self.used_company_names: set[str] = set()
        self.customers: list[Customer] = []
        self.links: list[CustomerUnit] = []
        self.contacts: list[EmergencyContact] = []
        self.projects: dict[str, Project] = {}

    @staticmethod
    def usernames() -> list[str]:
        return [
            spec.username or DemoBuilder.employee_no(i).lower()
            for i, spec in enumerate(data.STAFF, 1)
        ]

    @staticmethod
    def employee_no(n: int) -> str:
        return f"{data.EMPLOYEE_PREFIX}{n:04d}"

    # -- the steps --------------------------------------------------------------------------

    def run(self) -> None:
        organisation = Organisation.objects.create(**data.ORGANISATION)
        for spec in data.PROJECTS:
            project = Project.objects.create(
                organisation=organisation,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                address=spec.address,
                service_phone=spec.service_phone,
            )
            self.projects[spec.code] = project
        self.log("公司与项目已创建")
        self.build_staff(organisation)
        self.log("部门、员工与登录账号已创建")
        units: list[Unit] = []
        for spec in data.PROJECTS:
            project_units = self.build_premises(spec)
            self.build_customers(spec, project_units)
            units += [unit for unit, _delivered in project_units]
        # Saved only now: a resale changes the unit's status while customers are drawn.
        Unit.objects.bulk_create(units, batch_size=BATCH_SIZE)
        self.save_customers()
        self.log("房屋与客户已创建")
        self.build_calendar()

    # -- staff ------------------------------------------------------------------------------

    STAFF_BIRTH = {
        "总经理": (1968, 1976),
        "系统管理员": (1988, 1996),
        "档案管理员": (1985, 1995),
        "法务专员": (1986, 1995),
        "财务主管": (1975, 1985),
        "会计": (1985, 1996),
        "出纳": (1990, 1999),
        "客服经理": (1980, 1988),
        "客服主管": (1986, 1993),
        "客服专员": (1994, 2003),
        "前台": (1996, 2003),
        "钥匙保管员": (1985, 1995),
        "工程主管": (1972, 1982),
        "维修工程师": (1975, 1995),
        "保洁主管": (1968, 1978),
        "保洁员": (1963, 1975),
        "秩序维护主管": (1975, 1985),
        "秩序维护员": (1985, 2000),
        "绿化主管": (1965, 1975),
        "绿化工": (1962, 1975),
    }
    FEMALE_SHARE = {"客服部": 0.8, "财务部": 0.7, "保洁部": 0.8, "综合管理部": 0.5}
    # R-WF-10: months of service behind each level (新客服 < 3; 中级 ≥ 3; 高级 ≥ 6;
    # 储备主管 ≥ 12)
    LEVEL_MONTHS = {
        "probation": (1, 2),
        "junior": (4, 11),
        "intermediate": (12, 30),
        "senior": (24, 60),
        "reserve_supervisor": (48, 84),
    }

    def build_staff(self, organisation: Organisation) -> None:
        departments = {}
        for key, name, kind in data.DEPARTMENTS:
            departments[key] = Department.objects.create(
                organisation=organisation, project=None, name=name, kind=kind
            )
        groups = self.role_groups()
        password = make_password(data.DEMO_PASSWORD)  # hashed once: one shared demo password
        staff_by_key: dict[str, Staff] = {}
        memberships = []
        for n, spec in enumerate(data.STAFF, 1):
            department = departments[spec.department]
            female = self.rng.random() < self.FEMALE_SHARE.get(department.name, 0.1)
            person = self.person(*self.STAFF_BIRTH[spec.position], sex="f" if female else "m")
            employee_no = self.employee_no(n)
            username = spec.username or employee_no.lower()
            user = User.objects.create(
                username=username,
                password=password,
                first_name=person.name,
                email=f"{username}@{data.EMAIL_DOMAIN}",
                is_superuser=spec.username == "admin",
                is_staff=spec.username == "admin",
            )
            memberships.append(User.groups.through(user_id=user.pk, group_id=groups[spec.role].pk))
            staff = Staff.objects.create(
                user=user,
                employee_no=employee_no,
                name=person.name,
                department=department,
                position=spec.position,
                level=spec.level,
                supervisor=staff_by_key[spec.supervisor] if spec.supervisor else None,
                phone=self.mobile(),
                hire_date=self.hire_date(spec),
            )
            if spec.projects:
                staff.extra_projects.set([self.projects[code] for code in spec.projects])
            if spec.head:
                department.head = staff
                department.save(update_fields=["head", "last_updated"])
            staff_by_key[spec.key] = staff
        User.groups.through.objects.bulk_create(memberships)

    def role_groups(self) -> dict[str, Group]:
        names = {code: role.name for code, role in ROLE_BY_CODE.items()}
        groups = {g.name: g for g in Group.objects.filter(name__in=names.values())}
        if len(groups) < len(names):
            sync_roles()
            groups = {g.name: g for g in Group.objects.filter(name__in=names.values())}
        return {code: groups[name] for code, name in names.items()}

    def hire_date(self, spec: data.StaffSpec) -> datetime.date:
        if spec.level:
            low, high = self.LEVEL_MONTHS[spec.level]
            return data.DEMO_TODAY - datetime.timedelta(days=self.rng.randint(low * 31, high * 30))
        if spec.supervisor is None or spec.head:
            return self.date_between(datetime.date(2012, 3, 1), datetime.date(2017, 6, 30))
        return self.date_between(datetime.date(2016, 1, 1), datetime.date(2025, 6, 30))

    # -- premises ---------------------------------------------------------------------------

    def build_premises(self, spec: data.ProjectSpec) -> list[tuple[Unit, datetime.date]]:
        """Buildings and floors (saved) and the units (not yet saved) of one project, as
        (unit, handover date) pairs."""
        project = self.projects[spec.code]
        result: list[tuple[Unit, datetime.date]] = []
        for bspec in spec.buildings:
            building = Building.objects.create(project=project, code=bspec.code, name=bspec.name)
            numbers = sorted(
                {f for s in bspec.storeys for f in range(s.first, s.last + 1)}
                | {sp.floor for sp in bspec.specials}
            )
            floors = Floor.objects.bulk_create(
                [Floor(building=building, number=n) for n in numbers], batch_size=BATCH_SIZE
            )
            floor_by_number = {f.number: f for f in floors}
            units: list[Unit] = []
            for storey in bspec.storeys:
                for floor in range(storey.first, storey.last + 1):
                    for position, area in enumerate(storey.areas, 1):
                        units.append(
                            self.unit(
                                spec,
                                building,
                                floor_by_number[floor],
                                f"{floor}{position:02d}",
                                storey.kind,
                                area,
                            )
                        )
            for special in bspec.specials:
                units.append(
                    self.unit(
                        spec,
                        building,
                        floor_by_number[special.floor],
                        special.number,
                        special.kind,
                        special.area,
                    )
                )
            result += [(u, bspec.delivered) for u in units]
        return result

    def unit(
        self,
        spec: data.ProjectSpec,
        building: Building,
        floor: Floor,
        number: str,
        kind: str,
        area: float,
    ) -> Unit:
        share = spec.occupied_share.get(kind, 1.0)
        if self.rng.random() < share:
            status = UnitStatus.OCCUPIED
        elif self.rng.random() < data.DECORATING_OF_UNOCCUPIED:
            status = UnitStatus.DECORATING
        else:
            status = UnitStatus.VACANT
        return Unit(
            project_id=building.project_id,
            building=building,
            floor=floor,
            number=number,
            # bulk_create skips Unit.save: derive the code exactly as it would
            code=rules.unit_code(building.code, number),
            area=Decimal(f"{area:.2f}"),
            kind=kind,
            status=status,
        )

    # -- customers --------------------------------------------------------------------------

    def build_customers(
        self, spec: data.ProjectSpec, units: Sequence[tuple[Unit, datetime.date]]
    ) -> None:
        project = self.projects[spec.code]
        investors: list[Customer] = []  # individual owners who may own further units
        companies: list[Customer] = []  # company owners of this project
        parking: list[tuple[Unit, datetime.date]] = []
        block_floor: dict[int, Customer] = {}  # office floors owned whole by one company
        for unit, delivered in units:
            start = delivered + datetime.timedelta(days=self.rng.randrange(0, 90))
            if unit.kind == UnitKind.PLANT_ROOM:
                continue
            if unit.kind == UnitKind.PARKING:
                parking.append((unit, delivered))
                continue
            if unit.kind == UnitKind.RESIDENCE:
                owner, start = self.residence_owner(project, unit, start, delivered, investors)
                rent_share = 0.7 if owner.unit_count > 1 else spec.rent_share
                if unit.status == UnitStatus.OCCUPIED and self.rng.random() < rent_share:
                    self.tenant(project, unit, start)
                continue
            industries = (
                data.OFFICE_INDUSTRIES if unit.kind == UnitKind.OFFICE else (data.SHOP_INDUSTRIES)
            )
            if unit.kind == UnitKind.OFFICE and unit.floor_id not in block_floor:
                block_floor[unit.floor_id] = (
                    self.company(project, industries) if self.rng.random() < 0.22 else None
                )
            owner = block_floor.get(unit.floor_id)
            if owner is None:
                if self.rng.random() < 0.35:
                    if companies and self.rng.random() < 0.3:
                        owner = self.rng.choice(companies)
                    else:
                        owner = self.company(project, industries)
                elif investors and self.rng.random() < 0.25:
                    owner = self.rng.choice(investors)
                else:
                    owner = self.individual(
                        project,
                        CustomerKind.OWNER,
                        (1958, 1990),
                        0.95,
                        OWNER_GRADES,
                        emergency_share=0.3,
                    )
                    investors.append(owner)
            if owner.kind == CustomerKind.COMPANY and owner not in companies:
                companies.append(owner)
            self.link(owner, unit, UnitRole.OWNER, start)
            if unit.status == UnitStatus.OCCUPIED and owner.kind != CustomerKind.COMPANY:
                tenant_start = self.tenancy_start(start)
                if self.rng.random() < (0.9 if unit.kind == UnitKind.OFFICE else 0.65):
                    tenant = self.company(project, industries)
                else:
                    tenant = self.individual(
                        project,
                        CustomerKind.TENANT,
                        (1975, 1998),
                        0.7,
                        TENANT_GRADES,
                        emergency_share=0.2,
                    )
                self.link(tenant, unit, UnitRole.TENANT, tenant_start)
        # Parking spaces go to the largest company owners, two each.
        big = sorted(companies, key=lambda c: (-c.unit_count, c.name))
        for i, (unit, delivered) in enumerate(parking):
            if big:
                self.link(
                    big[(i // 2) % len(big)],
                    unit,
                    UnitRole.OWNER,
                    delivered + datetime.timedelta(days=self.rng.randrange(30, 120)),
                )
        for company in companies:
            if company.unit_count >= KEY_ACCOUNT_UNITS:
                company.is_key_account = True
                company.grade = CustomerGrade.A
        for _i in range(spec.members):
            segment = self.rng.choices(SEGMENTS, SEGMENT_WEIGHTS)[0]
            member = self.individual(
                project,
                CustomerKind.MEMBER,
                (1970, 2003),
                0.0,
                SEGMENT_GRADES[segment],
                emergency_share=0.0,
            )
            member.member_segment = segment

    def residence_owner(
        self,
        project: Project,
        unit: Unit,
        start: datetime.date,
        delivered: datetime.date,
        investors: list[Customer],
    ) -> tuple[Customer, datetime.date]:
        """The current owner of a residence (a resale leaves a former owner whose links end
        the day before the new owner's start) and that owner's start date."""
        if delivered.year < 2021 and self.rng.random() < 0.05:
            transfer = self.date_between(
                start + datetime.timedelta(days=700), datetime.date(2025, 6, 30)
            )
            former = self.household(project, unit, start, end=transfer)
            former.is_active = False
            former.notes = f"已于 {transfer:%Y年%m月%d日}将 {unit.code} 过户给新业主。"
            start = transfer + datetime.timedelta(days=1)
            unit.status = self.rng.choice((UnitStatus.DECORATING, UnitStatus.OCCUPIED))
        elif investors and self.rng.random() < 0.05:
            owner = self.rng.choice(investors)
            if owner.unit_count >= 2:
                investors.remove(owner)
            self.link(owner, unit, UnitRole.OWNER, start)
            return owner, start
        owner = self.household(project, unit, start)
        if self.rng.random() < 0.12:
            investors.append(owner)
        return owner, start

    def household(
        self, project: Project, unit: Unit, start: datetime.date, end: datetime.date | None = None
    ) -> Customer:
        """An owner with, for some households, a spouse (co-owner or family) or another
        family member on the same unit."""
        owner = self.individual(
            project, CustomerKind.OWNER, (1950, 1993), 0.9, OWNER_GRADES, emergency_share=0.33
        )
        self.link(owner, unit, UnitRole.OWNER, start, end)
        draw = self.rng.random()
        if draw < 0.22:
            relation = "配偶" if draw < 0.16 else self.rng.choice(("子女", "父亲", "母亲"))
            relative = self.relative(owner.person, relation)
            if relative is not None:
                member = self.individual(
                    project,
                    CustomerKind.OWNER,
                    None,
                    0.4,
                    OWNER_GRADES,
                    emergency_share=0.0,
                    person=relative,
                )
                member.grade = owner.grade
                member.is_active = end is None
                role = UnitRole.CO_OWNER if draw < 0.1 else UnitRole.FAMILY
                self.link(member, unit, role, start, end)
        return owner

    def tenant(self, project: Project, unit: Unit, owner_start: datetime.date) -> None:
        start = self.tenancy_start(owner_start)
        tenant = self.individual(
            project, CustomerKind.TENANT, (1975, 2002), 0.6, TENANT_GRADES, emergency_share=0.2
        )
        self.link(tenant, unit, UnitRole.TENANT, start)
        if self.rng.random() < 0.1:
            partner = self.relative(tenant.person, "配偶")
            if partner is not None:
                member = self.individual(
                    project,
                    CustomerKind.TENANT,
                    None,
                    0.3,
                    TENANT_GRADES,
                    emergency_share=0.0,
                    person=partner,
                )
                self.link(member, unit, UnitRole.FAMILY, start)

    def tenancy_start(self, owner_start: datetime.date) -> datetime.date:
        low = max(owner_start + datetime.timedelta(days=30), datetime.date(2021, 1, 1))
        return self.date_between(low, max(low, data.DEMO_TODAY - datetime.timedelta(days=20)))

    def individual(
        self,
        project: Project,
        kind: str,
        born: tuple[int, int] | None,
        id_share: float,
        grade_weights: Sequence[float],
        *,
        emergency_share: float,
        person: Person | None = None,
    ) -> Customer:
        person = person or self.person(*born)
        customer = Customer(
            project=project,
            kind=kind,
            name=person.name,
            phone=self.mobile(),
            grade=self.rng.choices(GRADES, grade_weights)[0],
        )
        draw = self.rng.random()
        if draw < id_share:
            customer.id_type = IdType.RESIDENT_ID
            customer.id_number = self.resident_id(person)
        elif draw < id_share + 0.015:
            customer.id_type = IdType.HK_MACAO_TAIWAN
            customer.id_number = f"{self.rng.choice('HM')}{self.rng.randrange(10**8):08d}"
        if self.rng.random() < 0.1:
            customer.phone2 = self.mobile()
        if self.rng.random() < 0.12:
            customer.email = self.email()
        if kind != CustomerKind.MEMBER and self.rng.random() < 0.05:
            customer.notes = self.rng.choice(data.CUSTOMER_NOTES)
        if (
            customer.grade == CustomerGrade.A
            and kind == CustomerKind.OWNER
            and self.rng.random() < 0.08
        ):
            customer.is_key_account = True
        self.register(customer, person)
        while self.rng.random() < emergency_share:
            emergency_share /= 6  # a second contact for a few
            self.emergency_contact(customer)
        return customer

    def company(self, project: Project, industries: Sequence[str]) -> Customer:
        while True:
            name = (
                f"{data.COMPANY_CITY}{self.rng.choice(data.COMPANY_TRADE_NAMES)}"
                f"{self.rng.choice(industries)}"
            )
            if name not in self.used_company_names:
                break
        self.used_company_names.add(name)
        representative = self.person(1960, 1990)
        customer = Customer(
            project=project,
            kind=CustomerKind.COMPANY,
            name=name,
            phone=self.mobile(),
            id_type=IdType.BUSINESS_LICENCE,
            id_number=self.uscc(),
            legal_representative=representative.name,
            grade=self.rng.choices(GRADES, COMPANY_GRADES)[0],
        )
        if self.rng.random() < 0.5:
            customer.phone2 = self.landline()
        if self.rng.random() < 0.3:
            customer.email = self.email()
        self.register(customer, representative)
        if self.rng.random() < 0.25:
            self.emergency_contact(customer, relation=self.rng.choice(("行政负责人", "财务负责人")))
        return customer

    def register(self, customer: Customer, person: Person) -> None:
        customer.person = person
        customer.unit_codes = []
        customer.contact_phones = []
        customer.unit_count = 0
        self.customers.append(customer)

    def emergency_contact(self, customer: Customer, relation: str | None = None) -> None:
        """R-CUS-01: an emergency contact is someone else — another name, another phone."""
        relation = relation or self.rng.choice(data.EMERGENCY_RELATIONS)
        for _attempt in range(10):
            other = self.relative(customer.person, relation)
            if other is None:
                relation = "朋友"
                continue
            if other.name != customer.name and other.name != customer.legal_representative:
                break
        else:
            return
        phone = self.mobile()
        customer.contact_phones.append(phone)
        self.contacts.append(
            EmergencyContact(customer=customer, name=other.name, relation=relation, phone=phone)
        )

    def link(
        self,
        customer: Customer,
        unit: Unit,
        role: str,
        start: datetime.date,
        end: datetime.date | None = None,
    ) -> None:
        customer.unit_codes.append(unit.code)
        if end is None:
            customer.unit_count += 1
        self.links.append(
            CustomerUnit(customer=customer, unit=unit, role=role, start_date=start, end_date=end)
        )

    def save_customers(self) -> None:
        for customer in self.customers:
            # bulk_create skips Customer.save: build the lookup text as it would (name, phones,
            # emergency phones, unit codes), so phone lookup finds demo customers.
            customer.search_text = rules.search_text(
                [
                    customer.name,
                    customer.phone,
                    customer.phone2,
                    *customer.contact_phones,
                    *sorted(customer.unit_codes),
                ]
            )
        Customer.objects.bulk_create(self.customers, batch_size=BATCH_SIZE)
        EmergencyContact.objects.bulk_create(self.contacts, batch_size=BATCH_SIZE)
        CustomerUnit.objects.bulk_create(self.links, batch_size=BATCH_SIZE)

    # -- calendar ---------------------------------------------------------------------------

    def build_calendar(self) -> None:
        if not BusinessHours.objects.filter(project__isnull=True).exists():
            for start, end in data.BUSINESS_HOURS:
                BusinessHours.objects.create(project=None, start=start, end=end)
        try:
            from kefu.calendars.services import sync_from_package
        except ImportError:
            self.log("节假日日历同步服务不可用，已跳过。")
            return
        changed = sync_from_package()
        self.log(f"节假日日历已同步（{changed} 天）")

    # -- random values ----------------------------------------------------------------------

    def date_between(self, low: datetime.date, high: datetime.date) -> datetime.date:
        return low + datetime.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    def person(
        self, born_from: int, born_to: int, sex: str | None = None, surname: str | None = None
    ) -> Person:
        year = self.rng.randint(born_from, born_to)
        birth = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))
        sex = sex or self.rng.choice("mf")
        era = "old" if year < 1970 else "mid" if year < 1990 else "young"
        surname = surname or self.rng.choices(self.surnames, self.surname_weights)[0]
        return Person(surname + self.rng.choice(data.GIVEN_NAMES[(sex, era)]), surname, sex, birth)

    def relative(self, person: Person, relation: str) -> Person | None:
        """Someone in ``relation`` to ``person``; ``None`` if that relative cannot be an adult
        (a child of someone born after 1980) or is implausibly old."""
        year = person.birth.year
        other_sex = "f" if person.sex == "m" else "m"
        if relation == "配偶":
            return self.person(year - 3, year + 3, other_sex)
        if relation == "子女":
            low, high = year + 24, min(year + 34, 2005)
            if low > high:
                return None
            surname = person.surname if person.sex == "m" else None
            return self.person(low, high, surname=surname)
        if relation in ("父亲", "母亲"):
            if year < 1962:
                return None
            sex = "m" if relation == "父亲" else "f"
            surname = person.surname if relation == "父亲" else None
            return self.person(year - 32, year - 22, sex, surname)
        if relation in ("兄弟", "姐妹"):
            return self.person(
                year - 6, year + 6, "m" if relation == "兄弟" else "f", person.surname
            )
        return self.person(max(1950, year - 8), min(2002, year + 8))

    def mobile(self) -> str:
        while True:
            phone = f"{self.rng.choice(data.MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def landline(self) -> str:
        while True:
            phone = f"0571-8{self.rng.randrange(10**7):07d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def email(self) -> str:
        domain = self.rng.choice(data.EMAIL_DOMAINS)
        if domain == "qq.com":
            return f"{self.rng.randrange(10**7, 10**10)}@{domain}"
        stem = self.rng.choice(("hz", "zj", "sky", "sunny", "lucky", "happy", "leo", "amy"))
        return f"{stem}{self.rng.randrange(100, 100000)}@{domain}"

    def resident_id(self, person: Person) -> str:
        """An 18-digit resident ID number (GB 11643) consistent with birth date and sex."""
        while True:
            area = self.rng.choices(self.id_areas, self.id_area_weights)[0]
            sex_digit = self.rng.choice("13579" if person.sex == "m" else "02468")
            first17 = f"{area}{person.birth:%Y%m%d}{self.rng.randrange(100):02d}{sex_digit}"
            number = first17 + id_check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def uscc(self) -> str:
        """A unified social credit code: 9 (registered with market regulation) 1 (company),
        region, organisation code with its own check character, check character."""
        while True:
            body = f"{self.rng.randrange(1, 10)}{self.rng.randrange(10**7):07d}"
            first17 = f"91{data.COMPANY_AREA_CODE}{body}{org_code_check_char(body)}"
            number = first17 + uscc_check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
