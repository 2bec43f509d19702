"""Excel files written by Kefu: the customer export, the import template and the error report.

The export uses the import's column layout (``importer.COLUMNS``), so an export can be edited and
imported again. Personal data (phones, ID numbers) is masked unless the user holds
``customers.reveal_personal_data`` (R-SEC-01); a masked export cannot be re-imported (masked
phones are not valid phones), which is the point. Exporting needs
``customers.export_customers`` (checked by the views) and is written to the log
``kefu.customers.export`` with the user, scope and row count.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kefu.core.validators import id_check_digit, mask_id_number, mask_phone
from kefu.customers.choices import (
    CustomerGrade,
    CustomerKind,
    IdType,
    UnitKind,
    UnitRole,
    UnitStatus,
)
from kefu.customers.importer import CHOICE_FIELDS, COLUMNS, ERROR_COLUMN, HEADERS, RowError

logger = logging.getLogger("kefu.customers.export")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
TEXT_COLUMNS = {"building_code", "unit_number", "phone", "phone2", "id_number", "contact_phone"}
DATE_FORMAT = "yyyy-mm-dd"
WIDTHS = {
    "id_number": 22,
    "phone": 14,
    "phone2": 14,
    "contact_phone": 16,
    "start_date": 12,
    "building_name": 12,
    "legal_representative": 12,
    "contact_relation": 14,
}


def _label(choices, value: str) -> str:
    if not value:
        return ""
    with translation.override("zh-hans"):
        try:
            return str(choices(value).label)
        except ValueError:
            return value


def _header_cells(ws, extra: Iterable[str] = ()) -> list[WriteOnlyCell]:
    cells = []
    for header in [*HEADERS, *extra]:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def _set_widths(ws, extra: int = 0) -> None:
    for i, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(
            column.key, max(9, 2 * len(column.header) + 2)
        )
    for i in range(len(COLUMNS) + 1, len(COLUMNS) + 1 + extra):
        ws.column_dimensions[get_column_letter(i)].width = 60


def _row_cells(ws, values: list[Any]) -> list[Any]:
    cells = []
    for column, value in zip(COLUMNS, values, strict=True):
        if isinstance(value, datetime.date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATE_FORMAT
            cells.append(cell)
        elif column.key in TEXT_COLUMNS and value not in (None, ""):
            cell = WriteOnlyCell(ws, value=str(value))
            cell.number_format = "@"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Export


def export_rows(
    user=None, project_codes: Iterable[str] | None = None, *, include_vacant_units: bool = True
) -> Iterator[list[Any]]:
    """Rows in ``HEADERS`` order: each unit with each of its current customers (units without
    a customer once, if ``include_vacant_units``), then customers with no current unit.
    ``user=None`` (command line) exports everything unmasked."""
    from kefu.customers.models import Customer, CustomerUnit, EmergencyContact, Unit

    reveal = user is None or user.has_perm("customers.reveal_personal_data")
    phone = (lambda v: v) if reveal else mask_phone
    id_number = (lambda v: v) if reveal else mask_id_number
    units = Unit.objects.restrict(user) if user is not None else Unit.objects.all()
    customers = Customer.objects.restrict(user) if user is not None else Customer.objects.all()
    customers = customers.filter(is_active=True)
    if project_codes is not None:
        codes = list(project_codes)
        units = units.filter(project__code__in=codes)
        customers = customers.filter(project__code__in=codes)
    contacts = Prefetch("emergency_contacts", queryset=EmergencyContact.objects.order_by("pk"))
    current = (
        CustomerUnit.objects.filter(end_date__isnull=True, customer__in=customers)
        .select_related("customer", "customer__project")
        .prefetch_related(
            Prefetch(
                "customer__emergency_contacts", queryset=EmergencyContact.objects.order_by("pk")
            )
        )
        .order_by("start_date", "pk")
    )

    def customer_values(c, link=None) -> list[Any]:
        contact = next(iter(c.emergency_contacts.all()), None)
        return [
            c.name,
            _label(CustomerKind, c.kind),
            phone(c.phone),
            phone(c.phone2),
            _label(IdType, c.id_type),
            id_number(c.id_number),
            _label(UnitRole, link.role) if link else "",
            link.start_date if link else None,
            c.grade,
            "是" if c.is_key_account else "否",
            contact.name if contact else "",
            phone(contact.phone) if contact else "",
            contact.relation if contact else "",
            c.legal_representative,
        ]

    def unit_values(u) -> list[Any]:
        return [
            u.project.code,
            u.building.code,
            u.building.name,
            u.floor.number,
            u.number,
            u.area,
            _label(UnitKind, u.kind),
            _label(UnitStatus, u.status),
        ]

    order = [c.key for c in COLUMNS]
    unit_keys = [
        "project",
        "building_code",
        "building_name",
        "floor",
        "unit_number",
        "area",
        "unit_kind",
        "unit_status",
    ]
    customer_keys = [
        "name",
        "kind",
        "phone",
        "phone2",
        "id_type",
        "id_number",
        "role",
        "start_date",
        "grade",
        "key_account",
        "contact_name",
        "contact_phone",
        "contact_relation",
        "legal_representative",
    ]

    def arrange(values: dict[str, Any]) -> list[Any]:
        return [values.get(k, "") for k in order]

    unit_qs = (
        units.select_related("project", "building", "floor")
        .prefetch_related(Prefetch("customer_links", queryset=current, to_attr="current"))
        .order_by("project__code", "building__code", "floor__number", "number", "pk")
    )
    for unit in unit_qs.iterator(chunk_size=1000):
        base = dict(zip(unit_keys, unit_values(unit), strict=True))
        if not unit.current and include_vacant_units:
            yield arrange(base)
        for link in unit.current:
            yield arrange(
                {
                    **base,
                    "project": link.customer.project.code,
                    **dict(zip(customer_keys, customer_values(link.customer, link), strict=True)),
                }
            )
    unlinked = (
        customers.filter(
            ~Exists(CustomerUnit.objects.filter(customer=OuterRef("pk"), end_date__isnull=True))
        )
        .select_related("project")
        .prefetch_related(contacts)
        .order_by("project__code", "pk")
    )
    for customer in unlinked.iterator(chunk_size=1000):
        yield arrange(
            {
                "project": customer.project.code,
                **dict(zip(customer_keys, customer_values(customer), strict=True)),
            }
        )


def export_workbook(
    user=None,
    project_codes: Iterable[str] | None = None,
    *,
    include_vacant_units: bool = True,
    source: str = "ui",
) -> tuple[bytes, int]:
    """The export as .xlsx bytes and its data row count; logged (R-SEC-01)."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("客户与房屋")
    _set_widths(ws)
    ws.freeze_panes = "A2"
    ws.append(_header_cells(ws))
    count = 0
    codes = list(project_codes) if project_codes is not None else None
    for values in export_rows(user, codes, include_vacant_units=include_vacant_units):
        ws.append(_row_cells(ws, values))
        count += 1
    masked = user is not None and not user.has_perm("customers.reveal_personal_data")
    logger.info(
        "customers export by %s from %s: %d rows, projects=%s, masked=%s",
        user.get_username() if user is not None else "(command line)",
        source,
        count,
        ",".join(codes) if codes else "(all in scope)",
        masked,
    )
    return _to_bytes(workbook), count


def export_filename(now: datetime.datetime | None = None) -> str:
    now = timezone.localtime(now)
    return f"kefu-customers-{now:%Y%m%d-%H%M}.xlsx"


# --------------------------------------------------------------------------------------------
# Import template


def example_id_number(first17: str = "11010519491231002") -> str:
    return first17 + id_check_digit(first17)


def _options(key: str) -> list[str] | None:
    """The drop-down choices of a column in the template."""
    if key == "key_account":
        return ["是", "否"]
    if key == "grade":
        return list(CustomerGrade.values)
    if key in CHOICE_FIELDS:
        with translation.override("zh-hans"):
            return [str(label) for label in CHOICE_FIELDS[key][1].labels]
    return None


def template_workbook(project_code: str = "P1") -> bytes:
    """An empty import sheet: the header, one example row, drop-downs and a help sheet."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "客户与房屋"
    ws.append(HEADERS)
    example = {c.key: c.example for c in COLUMNS}
    example["project"] = project_code
    example["id_number"] = example_id_number()
    ws.append([example[c.key] for c in COLUMNS])
    ws.freeze_panes = "A2"
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        header = ws.cell(row=1, column=i)
        header.font = Font(bold=True)
        header.fill = HEADER_FILL
        ws.column_dimensions[letter].width = WIDTHS.get(
            column.key, max(9, 2 * len(column.header) + 2)
        )
        if column.key in TEXT_COLUMNS:  # keep phones and ID numbers as typed
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=i).number_format = "@"
        if column.key == "start_date":
            ws.cell(row=2, column=i).number_format = DATE_FORMAT
        options = _options(column.key)
        if options:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(options) + '"',
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}20001")
            ws.add_data_validation(validation)
    help_ws = workbook.create_sheet("填写说明")
    help_ws.append(["列", "表头必需", "说明"])
    for cell in help_ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in COLUMNS:
        help_ws.append([column.header, "是" if column.required else "否", column.help_text()])
    for note in (
        "每行一套房屋与一位客户；无客户的房屋把客户各列留空，一套房屋有多位客户时写多行。",
        "同一项目内按手机号匹配已有客户，按楼栋编码 + 房号匹配已有房屋；"
        "空白单元格不会清除已有数据。",
        "默认只要有一行出错就不导入任何数据；勾选“只导入正确的行”则跳过出错的行。",
        "最多 20000 行；出错时可下载错误报告，改正后可直接重新上传（“错误”列会被忽略）。",
    ):
        help_ws.append(["", "", note])
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 10
    help_ws.column_dimensions["C"].width = 90
    return _to_bytes(workbook)


# --------------------------------------------------------------------------------------------
# Error report


def error_report(sheet, errors: list[RowError]) -> bytes:
    """The uploaded rows with an added “错误” column, bad cells highlighted, plus a second sheet
    listing every error (row, column, message)."""
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    headers = list(sheet.headers) if sheet is not None else []
    keep = [i for i, h in enumerate(headers) if h != ERROR_COLUMN]
    kept_headers = [headers[i] for i in keep]
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("导入数据")
    for i, header in enumerate(kept_headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(9, 2 * len(header) + 2)
    ws.column_dimensions[get_column_letter(len(kept_headers) + 1)].width = 70
    ws.freeze_panes = "A2"
    header_cells = []
    for header in [*kept_headers, ERROR_COLUMN]:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        header_cells.append(cell)
    ws.append(header_cells)
    position = {h: n for n, h in enumerate(kept_headers)}
    for number, values in sheet.rows if sheet is not None else []:
        row_errors = by_row.get(number, [])
        bad = {position[e.column] for e in row_errors if e.column in position}
        cells = []
        for n, i in enumerate(keep):
            value = values[i] if i < len(values) else None
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, datetime.datetime | datetime.date):
                cell.number_format = DATE_FORMAT
            if n in bad:
                cell.fill = ERROR_FILL
            cells.append(cell)
        message = WriteOnlyCell(
            ws,
            value="；".join(
                f"{e.column}：{e.message}" if e.column else e.message for e in row_errors
            ),
        )
        if row_errors:
            message.font = ERROR_FONT
            message.alignment = Alignment(wrap_text=True)
        cells.append(message)
        ws.append(cells)
    summary = workbook.create_sheet("错误清单")
    summary.column_dimensions["A"].width = 8
    summary.column_dimensions["B"].width = 16
    summary.column_dimensions["C"].width = 90
    summary.append(["行", "列", "说明"])
    for error in errors:
        summary.append([error.row or "", error.column, error.message])
    return _to_bytes(workbook)
