"""Excel import of units and customers: parsing, row-level error report, all-or-nothing versus
valid-rows-only, idempotent re-import, audit attribution (R-SEC-02), views and the command."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kefu.customers import importer
from kefu.customers.importer import HEADERS, import_file, parse_row, sheet_from_rows
from kefu.customers.models import (
    Building,
    Customer,
    CustomerUnit,
    EmergencyContact,
    Floor,
    Unit,
)
from kefu.org.choices import DepartmentKind

# GB 11643's own example of a resident identity number (check digit X).
ID_OK = "11010519491231002X"
ID_BAD_CHECK = "110105194912310021"


def owner_row(**changes) -> dict:
    """A valid row: owner 张伟 of unit 1-1203 (new building 1, floor 12) with an emergency
    contact. ``changes`` use the Chinese headers."""
    row = {
        "项目编码": "P1",
        "楼栋编码": "1",
        "楼栋名称": "1号楼",
        "楼层": 12,
        "房号": "1203",
        "建筑面积": 89.5,
        "房屋类型": "住宅",
        "房屋状态": "已入住",
        "客户姓名": "张伟",
        "客户类型": "业主",
        "手机": "13812345678",
        "备用电话": None,
        "证件类型": "居民身份证",
        "证件号码": ID_OK,
        "身份": "业主",
        "起始日期": datetime.date(2024, 3, 1),
        "客户等级": "B",
        "大客户": "否",
        "紧急联系人": "李娜",
        "紧急联系人电话": "13987654321",
    }
    row.update(changes)
    return row


def tenant_row(**changes) -> dict:
    row = owner_row(
        **{
            "房号": "1204",
            "客户姓名": "王芳",
            "客户类型": "租户",
            "手机": "13700001111",
            "证件号码": None,
            "证件类型": None,
            "身份": "租户",
            "客户等级": "C",
            "紧急联系人": None,
            "紧急联系人电话": None,
        }
    )
    row.update(changes)
    return row


def vacant_row(**changes) -> dict:
    row = {
        "项目编码": "P1",
        "楼栋编码": "2",
        "楼栋名称": "2号楼",
        "楼层": -1,
        "房号": "B101",
        "建筑面积": "12.5",
        "房屋类型": "车位",
        "房屋状态": "空置",
    }
    row.update(changes)
    return row


def xlsx(rows: list[dict], headers: list[str] | None = None) -> io.BytesIO:
    """An in-memory .xlsx with ``headers`` (default: the import headers) and ``rows``."""
    headers = headers or HEADERS
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "customers.xlsx"
    return buffer


def db_counts() -> dict[str, int]:
    return {
        "buildings": Building.objects.count(),
        "floors": Floor.objects.count(),
        "units": Unit.objects.count(),
        "customers": Customer.objects.count(),
        "links": CustomerUnit.objects.count(),
        "contacts": EmergencyContact.objects.count(),
        "log": LogEntry.objects.count(),
    }


@pytest.fixture
def supervisor(make_user):
    return make_user("cs_supervisor", project="P1")


# ------------------------------------------------------------------------------------------
# Happy path


def test_import_creates_buildings_floors_units_customers_links_and_contacts(supervisor):
    result = import_file(xlsx([owner_row(), tenant_row(), vacant_row()]), user=supervisor)

    assert result.errors == []
    assert result.committed is True
    assert result.rows_read == 3
    assert result.imported_rows == 3
    assert dict(result.created) == {
        "buildings": 2,
        "floors": 2,
        "units": 3,
        "customers": 2,
        "links": 2,
        "contacts": 1,
    }
    assert result.updated_total == 0
    assert db_counts() | {"log": 0} == {
        "buildings": 2,
        "floors": 2,
        "units": 3,
        "customers": 2,
        "links": 2,
        "contacts": 1,
        "log": 0,
    }
    unit = Unit.objects.get(code="1-1203")
    assert unit.project.code == "P1"
    assert unit.floor.number == 12
    assert unit.area == Decimal("89.50")
    assert (unit.kind, unit.status) == ("residence", "occupied")
    parking = Unit.objects.get(code="2-B101")
    assert (parking.floor.number, parking.kind, parking.status) == (-1, "parking", "vacant")
    assert not parking.customer_links.exists()
    owner = Customer.objects.get(phone="13812345678")
    assert (owner.name, owner.kind, owner.grade, owner.id_type, owner.id_number) == (
        "张伟",
        "owner",
        "B",
        "resident_id",
        ID_OK,
    )
    link = owner.unit_links.get()
    assert (link.unit.code, link.role, link.start_date) == (
        "1-1203",
        "owner",
        datetime.date(2024, 3, 1),
    )
    assert owner.emergency_contacts.get().phone == "13987654321"
    # The lookup column knows the unit and the emergency phone (search by either).
    assert "1-1203" in owner.search_text and "13987654321" in owner.search_text
    tenant = Customer.objects.get(phone="13700001111")
    assert tenant.unit_links.get().role == "tenant"


def test_import_is_attributed_to_the_user_in_the_audit_trail(supervisor):
    import_file(xlsx([owner_row()]), user=supervisor, audit_source="command")

    customer = Customer.objects.get(phone="13812345678")
    entry = LogEntry.objects.get_for_object(customer).get()
    assert entry.actor == supervisor
    assert entry.additional_data == {"source": "command"}
    assert entry.action == LogEntry.Action.CREATE


def test_reimporting_the_same_file_creates_no_duplicates(supervisor):
    rows = [owner_row(), tenant_row(), vacant_row()]
    import_file(xlsx(rows), user=supervisor)
    before = db_counts()

    again = import_file(xlsx(rows), user=supervisor)

    assert again.errors == []
    assert again.committed is True
    assert again.created_total == 0
    assert again.updated_total == 0
    assert db_counts() == before  # not even audit entries: nothing changed


def test_reimport_updates_changed_values_and_reuses_unit_and_customer(supervisor):
    import_file(xlsx([owner_row()]), user=supervisor)
    result = import_file(
        xlsx(
            [owner_row(**{"房屋状态": "装修中", "建筑面积": 90, "客户等级": "A", "大客户": "是"})]
        ),
        user=supervisor,
    )
    assert result.errors == []
    assert dict(result.created) == {}
    assert dict(result.updated) == {"units": 1, "customers": 1}
    unit = Unit.objects.get(code="1-1203")
    assert (unit.status, unit.area) == ("decorating", Decimal("90.00"))
    customer = Customer.objects.get(phone="13812345678")
    assert (customer.grade, customer.is_key_account) == ("A", True)
    assert Customer.objects.count() == 1 and Unit.objects.count() == 1


def test_blank_project_cells_use_the_default_project(supervisor):
    result = import_file(
        xlsx([owner_row(**{"项目编码": None})]), user=supervisor, default_project="P1"
    )
    assert result.errors == []
    assert Unit.objects.get().project.code == "P1"


def test_customer_without_unit_and_two_rows_for_one_customer(supervisor):
    """A customer may own several units (one row each) or none yet."""
    rows = [
        owner_row(),
        owner_row(**{"房号": "1205", "紧急联系人": None, "紧急联系人电话": None}),
        {"项目编码": "P1", "客户姓名": "赵敏", "客户类型": "会员", "手机": "010-62345678"},
    ]
    result = import_file(xlsx(rows), user=supervisor)
    assert result.errors == []
    owner = Customer.objects.get(phone="13812345678")
    assert sorted(owner.unit_links.values_list("unit__code", flat=True)) == ["1-1203", "1-1205"]
    member = Customer.objects.get(name="赵敏")
    assert (member.kind, member.phone, member.unit_links.count()) == ("member", "010-62345678", 0)


# ------------------------------------------------------------------------------------------
# File-level errors


def test_wrong_columns_are_named_and_nothing_is_written(supervisor):
    headers = [h for h in HEADERS if h not in ("手机", "客户类型")] + ["电话号码"]
    result = import_file(xlsx([owner_row()], headers=headers), user=supervisor)

    assert result.committed is False
    messages = [e.message for e in result.errors]
    assert "缺少必需的列：客户类型、手机。" in messages
    assert "无法识别的列：电话号码。请使用导入模板的表头。" in messages
    assert all(e.row == 1 for e in result.errors)
    assert Unit.objects.count() == 0


def test_duplicate_column_is_reported():
    sheet = sheet_from_rows([[*HEADERS, "手机"], ["P1"]])
    assert [e.message for e in sheet.errors] == ["列重复：手机。"]


def test_not_an_excel_file(supervisor):
    result = import_file(io.BytesIO(b"name,phone\n"), user=supervisor)
    assert [(e.row, e.message) for e in result.errors] == [
        (0, "无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件。")
    ]


def test_row_limit(supervisor):
    assert importer.MAX_ROWS == 20_000
    rows = [
        owner_row(
            **{
                "房号": f"12{n:02d}",
                "手机": f"138000000{n:02d}",
                "紧急联系人": None,
                "紧急联系人电话": None,
            }
        )
        for n in range(4)
    ]
    result = import_file(xlsx(rows), user=supervisor, max_rows=3)
    assert [e.message for e in result.errors] == ["数据超过 3 行的上限，请分成多个文件导入。"]
    assert Unit.objects.count() == 0


def test_header_only_file(supervisor):
    result = import_file(xlsx([]), user=supervisor)
    assert [e.message for e in result.errors] == ["文件只有表头，没有数据行。"]


# ------------------------------------------------------------------------------------------
# Row errors: (Excel row, column header, message). The bad row is the third data row → row 4.


ROW_ERRORS = [
    pytest.param({"项目编码": "P9"}, "项目编码", "项目编码“P9”不存在。", id="unknown-project"),
    pytest.param({"项目编码": "P2"}, "项目编码", "项目“P2”不在您的权限范围内。", id="out-of-scope"),
    pytest.param({"手机": "1381234567"}, "手机", "电话号码格式不正确", id="bad-phone"),
    pytest.param(
        {"备用电话": "138-1234-5678"}, "备用电话", "备用电话与手机相同。", id="phone2-equals-phone"
    ),
    pytest.param(
        {"证件号码": ID_BAD_CHECK}, "证件号码", "身份证号码不正确", id="bad-id-check-digit"
    ),
    pytest.param(
        {"房屋状态": "已售"},
        "房屋状态",
        "“已售”不是有效的房屋状态，可选：已入住、空置、装修中。",
        id="unknown-label",
    ),
    pytest.param({"身份": "房东"}, "身份", "“房东”不是有效的身份", id="unknown-role"),
    pytest.param({"起始日期": "2024-13-01"}, "起始日期", "日期格式不正确", id="bad-date"),
    pytest.param({"建筑面积": "八十九"}, "建筑面积", "建筑面积必须是数字。", id="area-not-number"),
    pytest.param({"建筑面积": -5}, "建筑面积", "建筑面积不能为负数。", id="area-negative"),
    pytest.param({"楼层": "十二"}, "楼层", "楼层应为整数", id="bad-floor"),
    pytest.param({"大客户": "也许"}, "大客户", "应填“是”或“否”。", id="bad-bool"),
    pytest.param(
        {"紧急联系人电话": "13812345678"},
        "紧急联系人电话",
        "紧急联系人不能是客户本人（姓名或电话与客户相同）。",
        id="contact-same-phone",
    ),
    pytest.param(
        {"紧急联系人": "张伟"},
        "紧急联系人",
        "紧急联系人不能是客户本人（姓名或电话与客户相同）。",
        id="contact-same-name",
    ),
    pytest.param(
        {"紧急联系人电话": None},
        "紧急联系人电话",
        "紧急联系人的姓名和电话须同时填写。",
        id="contact-half",
    ),
    pytest.param(
        {"客户类型": "企业客户", "客户姓名": "某某科技有限公司"},
        "法定代表人",
        "企业客户须填写法定代表人（R-CUS-01）。",
        id="company-without-representative",
    ),
    pytest.param({"证件类型": "护照", "证件号码": "E12345678"}, None, None, id="passport-is-fine"),
    pytest.param(
        {"证件类型": None}, "证件类型", "填写证件号码时须选择证件类型。", id="id-without-type"
    ),
    pytest.param({"手机": None}, "手机", "填写客户时手机不能为空。", id="missing-phone"),
    pytest.param({"身份": None}, "身份", "请填写客户与房屋的关系", id="missing-role"),
    pytest.param({"房号": None}, "房号", "填写房屋时房号不能为空。", id="missing-unit-number"),
    pytest.param(
        {"楼栋编码": "9", "楼栋名称": None},
        "楼栋名称",
        "新建楼栋须填写楼栋名称。",
        id="new-building-without-name",
    ),
    pytest.param({"楼层": None}, "楼层", "新建房屋须填写楼层。", id="new-unit-without-floor"),
]


@pytest.mark.parametrize(("changes", "column", "message"), ROW_ERRORS)
def test_row_error_reports_excel_row_and_column(supervisor, changes, column, message):
    rows = [
        vacant_row(),
        tenant_row(),
        owner_row(**changes),
    ]
    before = db_counts()
    result = import_file(xlsx(rows), user=supervisor)

    if column is None:
        assert result.errors == []
        return
    assert [(e.row, e.column) for e in result.errors] == [(4, column)], result.errors
    assert message in result.errors[0].message
    assert result.committed is False
    assert db_counts() == before  # all-or-nothing: the two good rows are not written either


def test_the_unit_of_a_file_described_twice_with_different_data(supervisor):
    rows = [owner_row(), tenant_row(**{"房号": "1203", "楼层": 13, "建筑面积": 89.5})]
    result = import_file(xlsx(rows), user=supervisor)
    assert result.errors == [importer.RowError(3, "楼层", "与第 2 行的同一房屋不一致（12 ≠ 13）。")]


def test_one_building_with_two_names_in_the_file(supervisor):
    rows = [owner_row(), tenant_row(**{"楼栋名称": "一号楼"})]
    result = import_file(xlsx(rows), user=supervisor)
    assert result.errors == [
        importer.RowError(3, "楼栋名称", "与第 2 行的同一楼栋不一致（1号楼 ≠ 一号楼）。")
    ]


def test_one_phone_with_two_names_in_the_file(supervisor):
    rows = [owner_row(), tenant_row(**{"手机": "13812345678"})]
    result = import_file(xlsx(rows), user=supervisor)
    assert (
        importer.RowError(3, "客户姓名", "与第 2 行的同一客户（手机号相同）不一致（张伟 ≠ 王芳）。")
        in result.errors
    )


def test_two_owners_with_overlapping_dates_within_the_file(supervisor):
    rows = [
        owner_row(),
        owner_row(
            **{
                "客户姓名": "刘洋",
                "手机": "13911112222",
                "证件号码": None,
                "起始日期": datetime.date(2025, 1, 1),
                "紧急联系人": None,
                "紧急联系人电话": None,
            }
        ),
    ]
    result = import_file(xlsx(rows), user=supervisor)
    assert [(e.row, e.column) for e in result.errors] == [(3, "身份")]
    assert "已登记业主 张伟" in result.errors[0].message
    assert "业主时间段不能重叠" in result.errors[0].message
    assert Customer.objects.count() == 0


def test_owner_overlapping_an_owner_in_the_database(supervisor, premises):
    previous = Customer.objects.create(
        project=premises["b1"].project, kind="owner", name="王建国", phone="13600000001"
    )
    CustomerUnit.objects.create(
        customer=previous,
        unit=premises["units"]["1-0101"],
        role="owner",
        start_date=datetime.date(2020, 5, 1),
    )
    row = owner_row(
        **{"楼层": 1, "房号": "0101", "建筑面积": None, "房屋类型": None, "房屋状态": None}
    )
    result = import_file(xlsx([row]), user=supervisor)
    assert [(e.row, e.column) for e in result.errors] == [(2, "身份")]
    assert "房屋 1-0101 在 2020-05-01" in result.errors[0].message
    assert "已登记业主 王建国" in result.errors[0].message


def test_owner_after_the_previous_owner_left_is_fine(supervisor, premises):
    previous = Customer.objects.create(
        project=premises["b1"].project, kind="owner", name="王建国", phone="13600000001"
    )
    CustomerUnit.objects.create(
        customer=previous,
        unit=premises["units"]["1-0101"],
        role="owner",
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2024, 2, 29),
    )
    row = owner_row(**{"楼层": 1, "房号": "0101"})
    result = import_file(xlsx([row]), user=supervisor)
    assert result.errors == []
    assert CustomerUnit.objects.filter(unit__code="1-0101", role="owner").count() == 2


def test_every_row_is_checked_and_reported_at_once(supervisor):
    rows = [owner_row(**{"手机": "12345"}), tenant_row(**{"起始日期": "昨天"}), vacant_row()]
    result = import_file(xlsx(rows), user=supervisor)
    assert [(e.row, e.column) for e in result.errors] == [(2, "手机"), (3, "起始日期")]
    assert result.error_rows == [2, 3]


# ------------------------------------------------------------------------------------------
# Modes


def test_all_or_nothing_writes_nothing_when_a_row_fails(supervisor):
    rows = [owner_row(), vacant_row(), tenant_row(**{"手机": "99999"})]
    before = db_counts()
    result = import_file(xlsx(rows), user=supervisor)
    assert result.committed is False
    assert result.imported_rows == 0
    assert result.skipped_rows == 3
    assert dict(result.created) == {}
    assert db_counts() == before


def test_valid_rows_only_imports_exactly_the_good_rows(supervisor):
    rows = [
        owner_row(),
        tenant_row(**{"手机": "99999"}),  # bad: row 3
        vacant_row(),
        # bad at the database step (new building without a name) after writing nothing: row 5
        vacant_row(**{"楼栋编码": "7", "楼栋名称": None, "房号": "0701"}),
    ]
    result = import_file(xlsx(rows), user=supervisor, valid_rows_only=True)

    assert result.committed is True
    assert result.error_rows == [3, 5]
    assert result.imported_rows == 2
    assert result.skipped_rows == 2
    assert sorted(Unit.objects.values_list("code", flat=True)) == ["1-1203", "2-B101"]
    assert list(Customer.objects.values_list("name", flat=True)) == ["张伟"]
    assert dict(result.created) == {
        "buildings": 2,
        "floors": 2,
        "units": 2,
        "customers": 1,
        "links": 1,
        "contacts": 1,
    }


def test_valid_rows_only_rolls_back_a_row_that_failed_half_way(supervisor):
    """Row 2 creates building, floor, unit and customer before its emergency contact fails:
    none of it may remain, and row 3 (same unit, valid) must still be imported."""
    rows = [
        owner_row(**{"紧急联系人电话": "13812345678"}),
        tenant_row(**{"房号": "1203"}),
    ]
    result = import_file(xlsx(rows), user=supervisor, valid_rows_only=True)
    assert result.error_rows == [2]
    assert list(Customer.objects.values_list("name", flat=True)) == ["王芳"]
    assert list(Unit.objects.values_list("code", flat=True)) == ["1-1203"]
    assert Building.objects.count() == 1 and Floor.objects.count() == 1
    assert EmergencyContact.objects.count() == 0


# ------------------------------------------------------------------------------------------
# Pure parsing


@pytest.mark.parametrize(
    ("raw", "floor"),
    [(12, 12), (12.0, 12), ("12F", 12), ("12层", 12), ("-1", -1), ("B2", -2), ("负1", -1)],
)
def test_parse_floor(raw, floor):
    assert importer.parse_floor(raw) == floor


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.03.01",
        "2024年3月1日",
        "20240301",
        datetime.datetime(2024, 3, 1),
        45352,
    ],
)
def test_parse_date(raw):
    assert importer.parse_date(raw) == datetime.date(2024, 3, 1)


def test_parse_row_normalises_numbers_typed_by_excel():
    row = parse_row(
        7,
        {
            "project": "P1",
            "name": "张伟",
            "kind": "业主",
            "phone": 13812345678.0,
            "building_code": 1.0,
            "unit_number": 1203,
            "role": "业主",
            "grade": "A 级",
            "area": "89.5㎡",
        },
    )
    assert row.errors == []
    assert row.values["phone"] == "13812345678"
    assert (row.values["building_code"], row.values["unit_number"]) == ("1", "1203")
    assert row.values["grade"] == "A"
    assert row.values["area"] == Decimal("89.5")


def test_parse_row_id_number_mangled_into_a_float():
    row = parse_row(
        5,
        {
            "project": "P1",
            "name": "张伟",
            "kind": "业主",
            "phone": "13812345678",
            "id_type": "居民身份证",
            "id_number": 110105194912310020.0,
        },
    )
    assert row.errors == [
        importer.RowError(
            5, "证件号码", "证件号码被 Excel 当作数字而丢失了末几位，请把该列设为文本格式。"
        )
    ]


def test_parse_row_without_unit_or_customer():
    row = parse_row(9, {"project": "P1", "area": 12})
    assert [(e.row, e.column) for e in row.errors] == [(9, "楼栋编码")]


# ------------------------------------------------------------------------------------------
# Speed


def _many_rows(n: int) -> list[dict]:
    return [
        owner_row(
            **{
                "楼栋编码": str(1 + i // 400),
                "楼栋名称": f"{1 + i // 400}号楼",
                "楼层": 1 + (i % 400) // 20,
                "房号": f"{1 + (i % 400) // 20:02d}{i % 20 + 1:02d}",
                "手机": f"139{i:08d}",
                "客户姓名": f"客户{i}",
                "证件号码": None,
                "证件类型": None,
                "紧急联系人电话": f"137{i:08d}",
            }
        )
        for i in range(n)
    ]


def test_query_count_per_row_stays_flat(supervisor):
    """No per-row lookups beyond the writes themselves (a baseline, as NetBox does)."""
    with CaptureQueriesContext(connection) as small:
        assert import_file(xlsx(_many_rows(20)), user=supervisor).ok
    CustomerUnit.objects.all().delete()
    EmergencyContact.objects.all().delete()
    Customer.objects.all().delete()
    Unit.objects.all().delete()
    Floor.objects.all().delete()
    Building.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        assert import_file(xlsx(_many_rows(100)), user=supervisor).ok
    per_row = (len(large) - len(small)) / 80
    # Per row: savepoint + release, unit, customer, owner link, contact (each insert + its
    # audit entry), the single-owner check (+ a row lock on PostgreSQL) and the two
    # search-text refreshes the models do after a link or contact is saved.
    assert 16 <= per_row <= (18.5 if connection.features.has_select_for_update else 17.5), per_row


# ------------------------------------------------------------------------------------------
# Command


def test_command_all_or_nothing_exits_non_zero_on_errors(supervisor, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([owner_row(), tenant_row(**{"手机": "123"})]).getvalue())
    with pytest.raises(CommandError, match="发现 1 处错误，未导入任何数据"):
        call_command("import_customers", str(path), "--user", supervisor.username)
    assert "第 3 行［手机］：电话号码格式不正确" in capsys.readouterr().err
    assert Customer.objects.count() == 0


def test_command_valid_rows_only_and_audit_source(supervisor, tmp_path, capsys):
    path = tmp_path / "mixed.xlsx"
    path.write_bytes(xlsx([owner_row(), tenant_row(**{"手机": "123"})]).getvalue())
    call_command("import_customers", str(path), "--valid-rows-only", "--user", supervisor.username)
    out = capsys.readouterr().out
    assert "读取 2 行数据。" in out
    assert "已导入 1 行。" in out
    assert "跳过 1 行有错误的数据。" in out
    entry = LogEntry.objects.get_for_object(Customer.objects.get()).get()
    assert (entry.actor, entry.additional_data) == (supervisor, {"source": "command"})


def test_command_without_user_is_unrestricted(org, tmp_path):
    path = tmp_path / "p2.xlsx"
    path.write_bytes(xlsx([owner_row(**{"项目编码": "P2"})]).getvalue())
    call_command("import_customers", str(path))
    assert Unit.objects.get().project.code == "P2"
    entry = LogEntry.objects.get_for_object(Unit.objects.get()).get()
    assert (entry.actor, entry.additional_data) == (None, {"source": "command"})


# ------------------------------------------------------------------------------------------
# Views


def test_upload_shows_result_and_the_error_report_marks_bad_cells(client, supervisor):
    client.force_login(supervisor)
    data = xlsx([owner_row(), tenant_row(**{"建筑面积": "很大", "手机": "123"})])
    response = client.post(reverse("customers:import"), {"file": data})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "发现 2 处错误，未导入任何数据" in html
    assert "建筑面积必须是数字。" in html
    assert Customer.objects.count() == 0

    report = client.get(
        reverse("customers:import_errors", args=[response["Location"].rstrip("/").split("/")[-1]])
    )
    assert report.status_code == 200
    assert report["Content-Disposition"] == 'attachment; filename="customers-errors.xlsx"'
    wb = load_workbook(io.BytesIO(report.content))
    ws = wb["导入数据"]
    header = [c.value for c in ws[1]]
    assert header == [*HEADERS, "错误"]
    area, phone, error = (
        header.index("建筑面积") + 1,
        header.index("手机") + 1,
        header.index("错误") + 1,
    )
    assert ws.cell(row=3, column=error).value == "建筑面积：建筑面积必须是数字。；手机：" + (
        "电话号码格式不正确：手机号为 11 位数字，座机为“区号-号码”。"
    )
    assert ws.cell(row=3, column=area).fill.fgColor.rgb == "00FFC7CE"
    assert ws.cell(row=3, column=phone).fill.fgColor.rgb == "00FFC7CE"
    assert ws.cell(row=2, column=area).fill.fgColor.rgb != "00FFC7CE"
    assert ws.cell(row=2, column=error).value is None
    listing = [[c.value for c in row] for row in wb["错误清单"].iter_rows(min_row=2)]
    assert [row[:2] for row in listing] == [[3, "建筑面积"], [3, "手机"]]


def test_upload_valid_rows_only_with_default_project(client, supervisor, org):
    client.force_login(supervisor)
    data = xlsx([owner_row(**{"项目编码": None}), tenant_row(**{"手机": "123"})])
    response = client.post(
        reverse("customers:import"),
        {"file": data, "project": org["p1"].pk, "valid_rows_only": "on"},
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "已导入 1 行正确的数据，跳过 1 行有错误的数据。" in html
    assert Customer.objects.get().project == org["p1"]
    entry = LogEntry.objects.get_for_object(Customer.objects.get()).get()
    assert (entry.actor, entry.additional_data["source"]) == (supervisor, "ui")


def test_upload_rejects_other_file_types(client, supervisor):
    client.force_login(supervisor)
    upload = io.BytesIO(b"a,b")
    upload.name = "customers.csv"
    response = client.post(reverse("customers:import"), {"file": upload})
    assert response.status_code == 200
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()


def test_results_belong_to_the_uploader(client, supervisor, make_user):
    client.force_login(supervisor)
    response = client.post(reverse("customers:import"), {"file": xlsx([owner_row()])})
    other = make_user("cs_supervisor")
    client.force_login(other)
    assert client.get(response["Location"]).status_code == 404


def test_template_download_is_importable(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("customers:import_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.max_row == 2
    result = import_file(io.BytesIO(response.content), user=supervisor)
    assert result.errors == []
    assert Unit.objects.get().code == "1-1203"
    assert Customer.objects.get().id_number == ID_OK


@pytest.mark.parametrize("role", ["technician", "cs_agent"])
@pytest.mark.parametrize("name", ["customers:import", "customers:import_template"])
def test_import_views_forbidden_without_permission(client, make_user, role, name):
    kind = DepartmentKind.ENGINEERING if role == "technician" else DepartmentKind.CUSTOMER_SERVICE
    client.force_login(make_user(role, kind=kind))
    assert client.get(reverse(name)).status_code == 403
    if name == "customers:import":
        assert client.post(reverse(name), {"file": xlsx([owner_row()])}).status_code == 403
        assert Customer.objects.count() == 0


def test_import_page_renders_for_supervisor(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("customers:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "只导入正确的行" in html
    assert "紧急联系人电话" in html


def test_upload_of_a_corrupt_file_reports_it(client, supervisor):
    client.force_login(supervisor)
    upload = io.BytesIO(b"PK\x03\x04 not really a workbook")
    upload.name = "customers.xlsx"
    response = client.post(reverse("customers:import"), {"file": upload})
    page = client.get(response["Location"])
    assert "无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件。" in page.content.decode()


def test_fixed_error_report_can_be_uploaded_again(client, supervisor):
    """The report's extra “错误” column is ignored, so staff fix the cells and re-upload it."""
    client.force_login(supervisor)
    response = client.post(
        reverse("customers:import"), {"file": xlsx([owner_row(), tenant_row(**{"手机": "123"})])}
    )
    token = response["Location"].rstrip("/").split("/")[-1]
    report = client.get(reverse("customers:import_errors", args=[token]))
    wb = load_workbook(io.BytesIO(report.content))
    ws = wb["导入数据"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("手机") + 1).value = "13700001111"
    fixed = io.BytesIO()
    wb.save(fixed)
    fixed.seek(0)
    fixed.name = "fixed.xlsx"

    result = import_file(fixed, user=supervisor)
    assert result.errors == []
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["张伟", "王芳"]
