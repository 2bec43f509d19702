"""Excel export of customers and units: the import's layout (round trip), scoping, masking
without the reveal permission (R-SEC-01), logging, permissions and the command."""

from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from kefu.customers import exporter
from kefu.customers.importer import HEADERS, import_file
from kefu.customers.models import Building, Customer, CustomerUnit, EmergencyContact, Floor, Unit
from kefu.customers.tests.test_import import ID_OK, owner_row, tenant_row, vacant_row, xlsx
from kefu.org.choices import DepartmentKind

COMPANY = {
    "项目编码": "P1",
    "楼栋编码": "S",
    "楼栋名称": "商业街",
    "楼层": 1,
    "房号": "S01",
    "建筑面积": 120,
    "房屋类型": "商铺",
    "房屋状态": "已入住",
    "客户姓名": "翠湖餐饮有限公司",
    "客户类型": "企业客户",
    "手机": "0571-87654321",
    "证件类型": "营业执照（统一社会信用代码）",
    "证件号码": "91330106MA2XXXXX1K",
    "身份": "租户",
    "客户等级": "A",
    "大客户": "是",
    "法定代表人": "陈刚",
}
MEMBER = {"项目编码": "P1", "客户姓名": "赵敏", "客户类型": "会员", "手机": "13500002222"}
OTHER_PROJECT = owner_row(
    **{
        "项目编码": "P2",
        "楼栋编码": "A",
        "楼栋名称": "A座",
        "手机": "13600003333",
        "客户姓名": "孙丽",
        "紧急联系人": None,
        "紧急联系人电话": None,
    }
)


def rows_of(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == HEADERS
    return rows[1:]


def as_dicts(content: bytes) -> list[dict]:
    return [dict(zip(HEADERS, row, strict=True)) for row in rows_of(content)]


@pytest.fixture
def supervisor(make_user):
    return make_user("cs_supervisor", project="P1")


@pytest.fixture
def loaded(org, supervisor):
    """Owner + tenant of building 1, a vacant parking space, a company tenant of a shop,
    a member without unit (all P1) and an owner in P2 (loaded from the command line)."""
    result = import_file(
        xlsx([owner_row(), tenant_row(), vacant_row(), COMPANY, MEMBER, OTHER_PROJECT])
    )
    assert result.errors == []
    return result


def test_export_uses_the_import_layout(loaded, supervisor):
    content, count = exporter.export_workbook(supervisor)
    rows = as_dicts(content)
    assert count == len(rows) == 5  # P2's owner is out of the supervisor's scope
    by_unit = {(r["楼栋编码"], r["房号"]): r for r in rows if r["房号"]}
    owner = by_unit[("1", "1203")]
    assert owner == {
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
        "起始日期": owner["起始日期"],
        "客户等级": "B",
        "大客户": "否",
        "紧急联系人": "李娜",
        "紧急联系人电话": "13987654321",
        "紧急联系人关系": None,
        "法定代表人": None,
    }
    assert owner["起始日期"].date().isoformat() == "2024-03-01"
    parking = by_unit[("2", "B101")]
    assert (parking["房屋类型"], parking["楼层"], parking["客户姓名"]) == ("车位", -1, None)
    assert by_unit[("S", "S01")]["法定代表人"] == "陈刚"
    assert rows[-1]["客户姓名"] == "赵敏" and rows[-1]["房号"] is None  # no unit: at the end


def test_export_then_import_round_trip(loaded, supervisor):
    first, _count = exporter.export_workbook(supervisor)

    # Importing the export changes nothing …
    again = import_file(io.BytesIO(first), user=supervisor)
    assert again.errors == []
    assert (again.created_total, again.updated_total) == (0, 0)

    # … and into an empty database it rebuilds the same premises and customers.
    for model in (CustomerUnit, EmergencyContact, Customer, Unit, Floor, Building):
        model.objects.all().delete()
    rebuilt = import_file(io.BytesIO(first), user=supervisor)
    assert rebuilt.errors == []
    assert dict(rebuilt.created) == {
        "buildings": 3,
        "floors": 3,
        "units": 4,
        "customers": 4,
        "links": 3,
        "contacts": 1,
    }
    second, _count = exporter.export_workbook(supervisor)
    assert rows_of(second) == rows_of(first)


def test_export_masks_personal_data_without_reveal_permission(loaded, client, make_user, caplog):
    technician = make_user("technician", kind=DepartmentKind.ENGINEERING)
    technician.user_permissions.add(Permission.objects.get(codename="export_customers"))
    assert not technician.has_perm("customers.reveal_personal_data")
    client.force_login(technician)

    with caplog.at_level(logging.INFO, logger="kefu.customers.export"):
        response = client.get(reverse("customers:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == exporter.XLSX_CONTENT_TYPE
    owner = next(r for r in as_dicts(response.content) if r["客户姓名"] == "张伟")
    assert owner["手机"] == "138****5678"
    assert owner["紧急联系人电话"] == "139****4321"
    assert owner["证件号码"] == "110***********002X"
    company = next(r for r in as_dicts(response.content) if r["客户类型"] == "企业客户")
    assert company["手机"] == "0571*****4321"  # area code and last 4 kept
    assert "13812345678" not in response.content.decode("latin-1")
    assert any(
        f"customers export by {technician.username} from ui: 5 rows" in r.getMessage()
        and "masked=True" in r.getMessage()
        for r in caplog.records
    )
    # A masked export is not importable: masked phones are not phone numbers.
    supervisor = make_user("cs_supervisor")
    result = import_file(io.BytesIO(response.content), user=supervisor)
    assert result.committed is False
    assert ("手机", "电话号码格式不正确：手机号为 11 位数字，座机为“区号-号码”。") in [
        (e.column, e.message) for e in result.errors
    ]


def test_export_view_unmasked_with_reveal_permission_and_logged(loaded, client, supervisor, caplog):
    client.force_login(supervisor)
    with caplog.at_level(logging.INFO, logger="kefu.customers.export"):
        response = client.get(reverse("customers:export"), {"project": "P1"})
    owner = next(r for r in as_dicts(response.content) if r["客户姓名"] == "张伟")
    assert owner["手机"] == "13812345678"
    assert response["Content-Disposition"].startswith('attachment; filename="kefu-customers-')
    assert any("projects=P1, masked=False" in r.getMessage() for r in caplog.records)


def test_export_view_project_filter_and_scope(loaded, client, supervisor, org, make_user):
    client.force_login(supervisor)
    assert client.get(reverse("customers:export"), {"project": "P2"}).status_code == 404
    by_id = client.get(reverse("customers:export"), {"project": org["p1"].pk})
    assert {r["项目编码"] for r in as_dicts(by_id.content)} == {"P1"}

    manager = make_user("cs_manager")  # all projects
    client.force_login(manager)
    everything = as_dicts(client.get(reverse("customers:export")).content)
    assert {r["项目编码"] for r in everything} == {"P1", "P2"}
    only_p2 = as_dicts(client.get(reverse("customers:export"), {"project": "P2"}).content)
    assert [r["客户姓名"] for r in only_p2] == ["孙丽"]


@pytest.mark.parametrize("role", ["technician", "cs_agent", "front_desk"])
def test_export_forbidden_without_permission(loaded, client, make_user, role):
    kind = DepartmentKind.ENGINEERING if role == "technician" else DepartmentKind.CUSTOMER_SERVICE
    client.force_login(make_user(role, kind=kind))
    assert client.get(reverse("customers:export")).status_code == 403


def test_export_requires_login(client):
    response = client.get(reverse("customers:export"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_export_command_writes_everything_unmasked(loaded, tmp_path, capsys):
    path = tmp_path / "all.xlsx"
    call_command("export_customers", str(path))
    assert "已导出 6 行到" in capsys.readouterr().out
    rows = as_dicts(path.read_bytes())
    assert {r["项目编码"] for r in rows} == {"P1", "P2"}
    assert "13600003333" in {r["手机"] for r in rows}


def test_export_command_project_and_user(loaded, tmp_path, make_user):
    technician = make_user("technician", kind=DepartmentKind.ENGINEERING)
    path = tmp_path / "p1.xlsx"
    with pytest.raises(CommandError, match="没有导出客户的权限"):
        call_command("export_customers", str(path), "--user", technician.username)
    with pytest.raises(CommandError, match="项目编码不存在：P9"):
        call_command("export_customers", str(path), "--project", "P9")
    technician.user_permissions.add(Permission.objects.get(codename="export_customers"))
    call_command("export_customers", str(path), "--project", "P1", "--user", technician.username)
    rows = as_dicts(path.read_bytes())
    assert {r["项目编码"] for r in rows} == {"P1"}
    assert "138****5678" in {r["手机"] for r in rows}


def test_template_has_an_example_with_a_valid_id_number():
    assert exporter.example_id_number() == ID_OK
    wb = load_workbook(io.BytesIO(exporter.template_workbook("P7")))
    ws = wb.worksheets[0]
    example = dict(zip(HEADERS, [c.value for c in ws[2]], strict=True))
    assert (example["项目编码"], example["证件号码"], example["身份"]) == ("P7", ID_OK, "业主")
    assert [c.value for c in wb["填写说明"]["A"]][1 : len(HEADERS) + 1] == HEADERS
