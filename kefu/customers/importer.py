"""Excel import of units and customers (issue 2, item 9).

One sheet, a Chinese header row, one row per (unit, customer) pair; a row may carry only a unit
(vacant unit) or only a customer (no unit yet). The import runs in three steps:

1. ``read_sheet`` — openpyxl → header + raw rows (no Django); wrong, missing or duplicate columns
   and the row limit are file-level errors.
2. ``parse_rows`` and ``check_consistency`` — pure parsing of each cell (numbers, dates, phones,
   ID numbers with check digit, the Chinese choice labels of ``choices.py``) and the
   checks between rows of the file (one unit or customer described two different ways).
3. ``Importer.run`` — the database step, inside one transaction with a savepoint per row. Each
   row is written through the models' own validation (``full_clean``: ``Customer.clean``,
   ``EmergencyContact.clean``, ``CustomerUnit.clean``/``check_single_owner``), so an owner whose
   dates overlap another owner's — already in the database *or* in an earlier row of the same
   file — is reported with the row and column. In the default all-or-nothing mode every row is
   still checked (so the report is complete) and then the whole transaction is rolled back if
   any row failed; with ``valid_rows_only`` the failed rows' savepoints are rolled back and the
   rest is committed.

Error rows are the row numbers Excel shows (header = row 1) and the column header text.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from kefu.core.validators import (
    django_phone_validator,
    django_resident_id_validator,
    normalize_phone,
)
from kefu.customers.choices import (
    CustomerGrade,
    CustomerKind,
    IdType,
    UnitKind,
    UnitRole,
    UnitStatus,
)

MAX_ROWS = 20_000
MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes; checked by the upload view
ERROR_COLUMN = "错误"  # added by the error report; ignored when the fixed report is re-uploaded


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool  # must be present in the header row (the cell itself may still be empty)
    help: str  # "{choices}" is replaced by the allowed labels
    example: Any = ""

    def help_text(self) -> str:
        if "{choices}" in self.help:
            return self.help.replace("{choices}", choice_labels(self.key))
        return self.help


COLUMNS: tuple[Column, ...] = (
    Column("project", "项目编码", True, "可留空，使用导入页面选择的默认项目", "P1"),
    Column("building_code", "楼栋编码", True, "与房号一起确定一套房屋", "1"),
    Column("building_name", "楼栋名称", True, "新建楼栋时必填", "1号楼"),
    Column("floor", "楼层", True, "整数，地下层用负数或 B1；新建房屋时必填", 12),
    Column("unit_number", "房号", True, "同一楼栋内唯一，如 1203", "1203"),
    Column("area", "建筑面积", True, "数字，单位㎡", Decimal("89.50")),
    Column("unit_kind", "房屋类型", True, "可选：{choices}", "住宅"),
    Column("unit_status", "房屋状态", True, "可选：{choices}", "已入住"),
    Column("name", "客户姓名", True, "无客户的房屋整行客户列留空", "张伟"),
    Column("kind", "客户类型", True, "可选：{choices}", "业主"),
    Column("phone", "手机", True, "同一项目内按手机号匹配已有客户", "13812345678"),
    Column("phone2", "备用电话", True, "手机或座机（区号-号码）", ""),
    Column("id_type", "证件类型", True, "可选：{choices}", "居民身份证"),
    Column(
        "id_number",
        "证件号码",
        True,
        "身份证须 18 位且校验位正确；请设为文本格式",
        "11010519491231002X",
    ),
    Column("role", "身份", True, "可选：{choices}", "业主"),
    Column("start_date", "起始日期", True, "如 2024-03-01；留空为今天", datetime.date(2024, 3, 1)),
    Column("grade", "客户等级", True, "可选：{choices}（R-CUS-02），也可只写 A–D；留空为 C", "B"),
    Column("key_account", "大客户", True, "是/否", "否"),
    Column("contact_name", "紧急联系人", True, "不能是客户本人（R-CUS-01）", "李娜"),
    Column("contact_phone", "紧急联系人电话", True, "不能与客户电话相同", "13987654321"),
    Column("contact_relation", "紧急联系人关系", False, "如 配偶、子女", "配偶"),
    Column("legal_representative", "法定代表人", False, "企业客户必填（R-CUS-01）", ""),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]

UNIT_KEYS = (
    "building_code",
    "building_name",
    "floor",
    "unit_number",
    "area",
    "unit_kind",
    "unit_status",
)
CUSTOMER_KEYS = (
    "name",
    "kind",
    "phone",
    "phone2",
    "id_type",
    "id_number",
    "grade",
    "key_account",
    "legal_representative",
)
LINK_KEYS = ("role", "start_date")
CONTACT_KEYS = ("contact_name", "contact_phone", "contact_relation")


class RowError(NamedTuple):
    """One problem: the Excel row number (0 = the file as a whole), column header, message."""

    row: int
    column: str
    message: str


class ImportFileError(Exception):
    """The file cannot be read as an import sheet at all."""


# --------------------------------------------------------------------------------------------
# Step 1: reading the workbook


@dataclass
class SheetData:
    headers: list[str]  # as in the file, in file order ("" for empty header cells)
    rows: list[tuple[int, list[Any]]]  # (Excel row number, cell values in header order)
    header_row: int = 1
    errors: list[RowError] = field(default_factory=list)  # file-level problems

    def column_index(self) -> dict[str, int]:
        """Column key → index in the file's rows (recognised columns only)."""
        index = {}
        for i, header in enumerate(self.headers):
            column = COLUMN_BY_HEADER.get(header)
            if column and column.key not in index:
                index[column.key] = i
        return index


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_header(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def sheet_from_rows(values: Iterable[Iterable[Any]], max_rows: int = MAX_ROWS) -> SheetData:
    """Build a ``SheetData`` from rows of cell values (the first non-empty row is the header).
    Pure: the tests and ``read_sheet`` both use it."""
    iterator = iter(values)
    header_row = 0
    headers: list[str] = []
    for number, row in enumerate(iterator, start=1):
        cells = list(row)
        if any(not _is_blank(v) for v in cells):
            header_row = number
            headers = [_clean_header(v) for v in cells]
            break
    sheet = SheetData(headers=headers, rows=[], header_row=header_row or 1)
    if not header_row:
        sheet.errors.append(RowError(0, "", "文件是空的：第一张工作表没有表头和数据。"))
        return sheet
    while headers and not headers[-1]:
        headers.pop()
    sheet.errors.extend(check_headers(headers, header_row))
    count = 0
    for number, row in enumerate(iterator, start=header_row + 1):
        cells = list(row)[: len(headers)]
        if all(_is_blank(v) for v in cells):
            continue
        count += 1
        if count > max_rows:
            sheet.errors.append(
                RowError(0, "", f"数据超过 {max_rows} 行的上限，请分成多个文件导入。")
            )
            sheet.rows = []
            return sheet
        cells += [None] * (len(headers) - len(cells))
        sheet.rows.append((number, cells))
    if not sheet.rows and not sheet.errors:
        sheet.errors.append(RowError(0, "", "文件只有表头，没有数据行。"))
    return sheet


def check_headers(headers: list[str], header_row: int = 1) -> list[RowError]:
    """Missing, unknown and duplicate columns, each named."""
    errors = []
    present = [h for h in headers if h]
    missing = [c.header for c in COLUMNS if c.required and c.header not in present]
    if missing:
        errors.append(RowError(header_row, "", "缺少必需的列：" + "、".join(missing) + "。"))
    unknown = [h for h in present if h not in COLUMN_BY_HEADER and h != ERROR_COLUMN]
    if unknown:
        errors.append(
            RowError(
                header_row,
                "",
                "无法识别的列：" + "、".join(unknown) + "。请使用导入模板的表头。",
            )
        )
    duplicates = sorted({h for h in present if present.count(h) > 1}, key=present.index)
    if duplicates:
        errors.append(RowError(header_row, "", "列重复：" + "、".join(duplicates) + "。"))
    return errors


def read_sheet(file: IO[bytes], max_rows: int = MAX_ROWS) -> SheetData:
    """Read the first worksheet of an .xlsx file."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            "无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的文件。"
        ) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError("文件中没有工作表。")
        return sheet_from_rows(workbook.worksheets[0].iter_rows(values_only=True), max_rows)
    finally:
        workbook.close()


# --------------------------------------------------------------------------------------------
# Step 2: parsing cells (pure)


def _choice_map(choices, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """Chinese label (and the stored value) → value; labels read in Chinese whatever the
    active language, since the file format is Chinese."""
    mapping: dict[str, str] = {}
    with translation.override("zh-hans"):
        for value, label in choices.choices:
            mapping[str(label)] = value
            mapping[re.sub(r"\s+", "", str(label))] = value
            mapping[value] = value
            mapping[value.upper()] = value
    mapping.update(aliases or {})
    return mapping


CHOICE_FIELDS: dict[str, tuple[str, Any, dict[str, str]]] = {
    "unit_kind": ("房屋类型", UnitKind, {}),
    "unit_status": ("房屋状态", UnitStatus, {"入住": UnitStatus.OCCUPIED}),
    "kind": ("客户类型", CustomerKind, {"企业": CustomerKind.COMPANY}),
    "id_type": (
        "证件类型",
        IdType,
        {"身份证": IdType.RESIDENT_ID, "营业执照": IdType.BUSINESS_LICENCE},
    ),
    "role": ("身份", UnitRole, {}),
    "grade": ("客户等级", CustomerGrade, {}),
}
_CHOICE_MAPS: dict[str, dict[str, str]] = {}


def choice_value(key: str, raw: str) -> str | None:
    """The stored value for a Chinese label in column ``key``, or ``None`` if unknown."""
    if key not in _CHOICE_MAPS:
        _header, choices, aliases = CHOICE_FIELDS[key]
        _CHOICE_MAPS[key] = _choice_map(choices, aliases)
    return _CHOICE_MAPS[key].get(re.sub(r"\s+", "", raw))


def choice_labels(key: str) -> str:
    _header, choices, _aliases = CHOICE_FIELDS[key]
    with translation.override("zh-hans"):
        return "、".join(str(label) for label in choices.labels)


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "大客户"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _text(value: Any) -> str:
    """A cell as text: numbers typed into text columns (phones, codes) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    return str(value).strip()


def parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("日期格式不正确，应为 2024-03-01 这样的日期。")


def parse_floor(value: Any) -> int:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if int(value) == value:
            return int(value)
        raise ValueError("楼层应为整数。")
    text = _text(value).upper()
    match = re.fullmatch(r"(-?\d+)(F|层|楼)?", text)
    if match:
        return int(match.group(1))
    match = re.fullmatch(r"(?:B|负|地下)(\d+)(层|F)?", text)
    if match and int(match.group(1)) > 0:
        return -int(match.group(1))
    raise ValueError("楼层应为整数，地下层写负数（如 -1）或 B1。")


def parse_area(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("建筑面积必须是数字。")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = re.sub(r"(㎡|m2|平方米|平米)$", "", _text(value).replace(",", "")).strip()
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError("建筑面积必须是数字。") from exc
    if not number.is_finite():
        raise ValueError("建筑面积必须是数字。")
    if number < 0:
        raise ValueError("建筑面积不能为负数。")
    return number


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError("应填“是”或“否”。")


@dataclass
class ParsedRow:
    number: int  # Excel row number
    values: dict[str, Any] = field(default_factory=dict)  # parsed, non-empty cells only
    errors: list[RowError] = field(default_factory=list)

    @property
    def has_unit(self) -> bool:
        return any(k in self.values for k in ("building_code", "unit_number"))

    @property
    def has_customer(self) -> bool:
        return any(k in self.values for k in ("name", "phone", "kind", "id_number"))

    def error(self, key: str, message: str) -> None:
        column = COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else key
        self.errors.append(RowError(self.number, column, message))

    def unit_key(self) -> tuple[str, str, str]:
        v = self.values
        return (v.get("project", ""), v.get("building_code", ""), v.get("unit_number", ""))


def _validation_message(exc: ValidationError) -> str:
    return exc.messages[0]


def parse_row(number: int, cells: dict[str, Any], default_project: str = "") -> ParsedRow:
    """Parse one row's cells (column key → raw value). Pure: no database access."""
    row = ParsedRow(number)
    v = row.values
    for key, raw in cells.items():
        if _is_blank(raw):
            continue
        try:
            if key in CHOICE_FIELDS:
                value = choice_value(key, _text(raw))
                if value is None:
                    raise ValueError(
                        f"“{_text(raw)}”不是有效的{CHOICE_FIELDS[key][0]}，"
                        f"可选：{choice_labels(key)}。"
                    )
            elif key == "floor":
                value = parse_floor(raw)
            elif key == "area":
                value = parse_area(raw)
            elif key == "start_date":
                value = parse_date(raw)
            elif key == "key_account":
                value = parse_bool(raw)
            elif key in ("phone", "phone2", "contact_phone"):
                value = normalize_phone(_text(raw))
                django_phone_validator(value)
            elif key == "id_number":
                value = _text(raw).upper().replace(" ", "")
                if isinstance(raw, float) and len(value) > 15:
                    raise ValueError(
                        "证件号码被 Excel 当作数字而丢失了末几位，请把该列设为文本格式。"
                    )
            else:
                value = _text(raw)
        except ValueError as exc:
            row.error(key, str(exc))
            continue
        except ValidationError as exc:
            row.error(key, _validation_message(exc))
            continue
        v[key] = value
    if "project" not in v and default_project:
        v["project"] = default_project

    if not row.has_unit and not row.has_customer:
        if not row.errors:
            row.error("building_code", "既没有房屋也没有客户：请填写楼栋编码和房号，或客户信息。")
        return row
    if "project" not in v:
        row.error("project", "缺少项目编码（也未选择默认项目）。")
    if row.has_unit:
        for key in ("building_code", "unit_number"):
            if key not in v and not _has_error(row, key):
                row.error(key, f"填写房屋时{COLUMN_BY_KEY[key].header}不能为空。")
    elif any(k in v for k in UNIT_KEYS):
        row.error("building_code", "填写了房屋信息但缺少楼栋编码和房号。")
    if row.has_customer:
        for key in ("name", "kind", "phone"):
            if key not in v and not _has_error(row, key):
                row.error(key, f"填写客户时{COLUMN_BY_KEY[key].header}不能为空。")
        if row.has_unit and "role" not in v and not _has_error(row, "role"):
            row.error("role", "请填写客户与房屋的关系（身份），如 业主、租户。")
        if "id_number" in v and v.get("id_type") == IdType.RESIDENT_ID:
            try:
                django_resident_id_validator(v["id_number"])
            except ValidationError as exc:
                row.error("id_number", _validation_message(exc))
    else:
        for key in (*CUSTOMER_KEYS, *LINK_KEYS, *CONTACT_KEYS):
            if key in v and not _has_error(row, "name"):
                row.error("name", "填写了客户相关信息但缺少客户姓名和手机。")
                break
    if row.has_customer and not row.has_unit:
        for key in LINK_KEYS:
            if key in v:
                row.error(key, "未填写房屋（楼栋编码、房号），不能填写身份或起始日期。")
    has_contact_name, has_contact_phone = "contact_name" in v, "contact_phone" in v
    if has_contact_name != has_contact_phone:
        missing = "contact_phone" if has_contact_name else "contact_name"
        if not _has_error(row, missing):
            row.error(missing, "紧急联系人的姓名和电话须同时填写。")
    return row


def _has_error(row: ParsedRow, key: str) -> bool:
    header = COLUMN_BY_KEY[key].header
    return any(e.column == header for e in row.errors)


def parse_rows(sheet: SheetData, default_project: str = "") -> list[ParsedRow]:
    index = sheet.column_index()
    parsed = []
    for number, cells in sheet.rows:
        raw = {key: cells[i] for key, i in index.items()}
        parsed.append(parse_row(number, raw, default_project))
    return parsed


UNIT_COMPARE = ("building_name", "floor", "area", "unit_kind", "unit_status")
CUSTOMER_COMPARE = (
    "name",
    "kind",
    "phone2",
    "id_type",
    "id_number",
    "grade",
    "key_account",
    "legal_representative",
)


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def check_consistency(rows: list[ParsedRow]) -> None:
    """Rows that describe the same unit, building or customer differently (pure). Errors are
    added to the later row, naming the earlier one."""
    units: dict[tuple, ParsedRow] = {}
    buildings: dict[tuple, ParsedRow] = {}
    customers: dict[tuple, ParsedRow] = {}

    def compare(row: ParsedRow, first: ParsedRow, keys: Iterable[str], what: str) -> None:
        for key in keys:
            a, b = first.values.get(key), row.values.get(key)
            if a is not None and b is not None and a != b:
                row.error(
                    key,
                    f"与第 {first.number} 行的同一{what}不一致（{_display(a)} ≠ {_display(b)}）。",
                )

    for row in rows:
        v = row.values
        if row.has_unit and "building_code" in v and "unit_number" in v:
            key = row.unit_key()
            if key in units:
                compare(row, units[key], UNIT_COMPARE, "房屋")  # includes the building name
            else:
                units[key] = row
                if "building_name" in v:
                    first = buildings.setdefault(key[:2], row)
                    compare(row, first, ("building_name",), "楼栋")
        if row.has_customer and "phone" in v:
            ckey = (v.get("project", ""), v["phone"])
            if ckey in customers:
                compare(row, customers[ckey], CUSTOMER_COMPARE, "客户（手机号相同）")
            else:
                customers[ckey] = row


# --------------------------------------------------------------------------------------------
# Step 3: writing (database)


@dataclass
class ImportResult:
    rows_read: int = 0
    created: Counter = field(default_factory=Counter)  # per kind: units, customers, links …
    updated: Counter = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    imported_rows: int = 0  # rows written (0 when rolled back)
    committed: bool = False
    valid_rows_only: bool = False
    sheet: SheetData | None = None  # the uploaded rows, for the error report

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    @property
    def updated_total(self) -> int:
        return sum(self.updated.values())

    @property
    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row})

    @property
    def skipped_rows(self) -> int:
        return len(self.error_rows) if self.committed else self.rows_read


KIND_LABELS = {
    "buildings": "楼栋",
    "floors": "楼层",
    "units": "房屋",
    "customers": "客户",
    "links": "客户房屋关系",
    "contacts": "紧急联系人",
}

# Model field → column key, per model, for errors raised by full_clean.
FIELD_COLUMNS = {
    "Building": {
        "code": "building_code",
        "name": "building_name",
        NON_FIELD_ERRORS: "building_code",
    },
    "Floor": {"number": "floor", NON_FIELD_ERRORS: "floor"},
    "Unit": {
        "number": "unit_number",
        "area": "area",
        "kind": "unit_kind",
        "status": "unit_status",
        "floor": "floor",
        "building": "building_code",
        NON_FIELD_ERRORS: "unit_number",
    },
    "Customer": {
        "name": "name",
        "kind": "kind",
        "phone": "phone",
        "phone2": "phone2",
        "id_type": "id_type",
        "id_number": "id_number",
        "grade": "grade",
        "legal_representative": "legal_representative",
        NON_FIELD_ERRORS: "name",
    },
    "EmergencyContact": {
        "name": "contact_name",
        "phone": "contact_phone",
        "relation": "contact_relation",
        NON_FIELD_ERRORS: "contact_name",
    },
    "CustomerUnit": {
        "role": "role",
        "start_date": "start_date",
        "end_date": "start_date",
        "unit": "role",
        "customer": "name",
        NON_FIELD_ERRORS: "role",
    },
}


class RowFailed(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors  # (column key, message)


def _clean(obj, exclude: Iterable[str] = ()) -> None:
    """``full_clean`` with the row's columns as error keys. Foreign keys are excluded (they
    come from the lookups), so are uniqueness checks: the memos already say whether a building,
    floor or unit exists, and a concurrent duplicate fails at the database (row error)."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        columns = FIELD_COLUMNS[type(obj).__name__]
        errors = []
        for model_field, messages in exc.message_dict.items():
            key = columns.get(model_field, columns[NON_FIELD_ERRORS])
            errors += [(key, str(m)) for m in messages]
        raise RowFailed(errors) from exc


def _clean_contact(contact, customer) -> None:
    """``EmergencyContact.clean`` (R-CUS-01); its "same person" error names no field, so point
    at the phone column when the phones are equal, else at the name column."""
    try:
        _clean(contact, exclude=["customer"])
    except RowFailed as exc:
        if contact.phone in (customer.phone, customer.phone2):
            exc.errors = [("contact_phone" if k == "contact_name" else k, m) for k, m in exc.errors]
        raise


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Importer:
    """The database step. ``user=None`` (command line without ``--user``) is unrestricted."""

    def __init__(self, user=None, *, valid_rows_only: bool = False):
        self.user = user
        self.valid_rows_only = valid_rows_only
        self.today = timezone.localdate()
        # Memos of database objects, preloaded in bulk, evicted when a row is rolled back.
        self.projects: dict[str, Any] = {}
        self.buildings: dict[tuple[int, str], Any] = {}
        self.floors: dict[tuple[int, int], Any] = {}
        self.units: dict[tuple[int, str], Any] = {}
        self.customers: dict[tuple[int, str], Any] = {}
        self.links: dict[tuple[int, int], Any] = {}
        self.contacts: dict[int, list] = {}
        self._touched: list[tuple[dict, Any]] = []
        self._stale: set[tuple[int, Any]] = set()

    # -- lookups -----------------------------------------------------------------------------
    def _preload(self, rows: list[ParsedRow]) -> None:
        """Fetch in bulk what the file refers to; a key missing from a memo afterwards means
        "not in the database" unless a rolled-back row made it stale."""
        from kefu.customers.models import (
            Building,
            Customer,
            CustomerUnit,
            EmergencyContact,
            Floor,
            Unit,
        )
        from kefu.org.models import Project

        codes = {r.values["project"] for r in rows if "project" in r.values}
        for project in Project.objects.filter(code__in=codes):
            self.projects[project.code] = project
        pids = [p.pk for p in self.projects.values()]
        bcodes = sorted({r.values["building_code"] for r in rows if "building_code" in r.values})
        for chunk in _chunks(bcodes):
            for b in Building.objects.filter(project_id__in=pids, code__in=chunk):
                self.buildings[(b.project_id, b.code)] = b
        building_by_id = {b.pk: b for b in self.buildings.values()}
        for chunk in _chunks(list(building_by_id)):
            floor_by_id = {}
            for f in Floor.objects.filter(building_id__in=chunk):
                f.building = building_by_id[f.building_id]
                floor_by_id[f.pk] = f
                self.floors[(f.building_id, f.number)] = f
            for u in Unit.objects.filter(building_id__in=chunk):
                u.building = building_by_id[u.building_id]
                u.floor = floor_by_id[u.floor_id]
                self.units[(u.building_id, u.number)] = u
        phones = sorted({r.values["phone"] for r in rows if "phone" in r.values})
        for chunk in _chunks(phones):
            for c in Customer.objects.filter(project_id__in=pids, phone__in=chunk).order_by("pk"):
                self.customers.setdefault((c.project_id, c.phone), c)
        customer_by_id = {c.pk: c for c in self.customers.values()}
        unit_by_id = {u.pk: u for u in self.units.values()}
        for cid in customer_by_id:
            self.contacts[cid] = []
        for chunk in _chunks(list(customer_by_id)):
            for link in CustomerUnit.objects.filter(customer_id__in=chunk, end_date__isnull=True):
                if link.unit_id in unit_by_id:
                    link.customer = customer_by_id[link.customer_id]
                    link.unit = unit_by_id[link.unit_id]
                    self.links.setdefault((link.customer_id, link.unit_id), link)
            for contact in EmergencyContact.objects.filter(customer_id__in=chunk).order_by("pk"):
                contact.customer = customer_by_id[contact.customer_id]
                self.contacts[contact.customer_id].append(contact)

    def _get(self, memo: dict, key):
        """The memoised object, or ``None`` if absent; stale keys are read again."""
        if key in memo:
            return memo[key]
        if (id(memo), key) not in self._stale:
            return None
        self._stale.discard((id(memo), key))
        obj = self._load(memo, key)
        if obj is not None:
            memo[key] = obj
        return obj

    def _load(self, memo: dict, key):
        from kefu.customers.models import (
            Building,
            Customer,
            CustomerUnit,
            EmergencyContact,
            Floor,
            Unit,
        )

        if memo is self.buildings:
            return Building.objects.filter(project_id=key[0], code=key[1]).first()
        if memo is self.floors:
            return Floor.objects.filter(building_id=key[0], number=key[1]).first()
        if memo is self.units:
            return (
                Unit.objects.select_related("building", "floor")
                .filter(building_id=key[0], number=key[1])
                .first()
            )
        if memo is self.customers:
            return Customer.objects.filter(project_id=key[0], phone=key[1]).order_by("pk").first()
        if memo is self.links:
            return (
                CustomerUnit.objects.select_related("customer", "unit")
                .filter(customer_id=key[0], unit_id=key[1], end_date__isnull=True)
                .first()
            )
        if memo is self.contacts:
            return list(EmergencyContact.objects.filter(customer_id=key).order_by("pk"))
        raise LookupError(key)

    def _remember(self, memo: dict, key, obj) -> None:
        memo[key] = obj
        self._touched.append((memo, key))

    def _touch(self, memo: dict, key) -> None:
        self._touched.append((memo, key))

    def _project(self, row: ParsedRow):
        from kefu.core.permissions import can_use_project

        code = row.values["project"]
        project = self.projects.get(code)
        if project is None:
            raise RowFailed([("project", f"项目编码“{code}”不存在。")])
        if self.user is not None and not can_use_project(self.user, project.pk):
            raise RowFailed([("project", f"项目“{code}”不在您的权限范围内。")])
        return project

    # -- one row -----------------------------------------------------------------------------
    def import_row(self, row: ParsedRow, counts: tuple[Counter, Counter]) -> None:
        project = self._project(row)
        unit = self._unit(row, project, counts) if row.has_unit else None
        if row.has_customer:
            customer = self._customer(row, project, counts)
            if unit is not None:
                self._link(row, customer, unit, counts)
            if "contact_phone" in row.values:
                self._contact(row, customer, counts)

    def _unit(self, row: ParsedRow, project, counts):
        from kefu.customers import rules
        from kefu.customers.models import Building, Floor, Unit

        created, updated = counts
        v = row.values
        bkey = (project.pk, v["building_code"])
        building = self._get(self.buildings, bkey)
        if building is None:
            if "building_name" not in v:
                raise RowFailed(
                    [
                        (
                            "building_name",
                            f"楼栋“{v['building_code']}”不存在，新建楼栋须填写楼栋名称。",
                        )
                    ]
                )
            building = Building(project=project, code=v["building_code"], name=v["building_name"])
            _clean(building, exclude=["project"])
            building.save()
            self._remember(self.buildings, bkey, building)
            created["buildings"] += 1
        elif v.get("building_name", building.name) != building.name:
            self._touch(self.buildings, bkey)
            building.name = v["building_name"]
            _clean(building, exclude=["project"])
            building.save()
            updated["buildings"] += 1

        floor = None
        if "floor" in v:
            fkey = (building.pk, v["floor"])
            floor = self._get(self.floors, fkey)
            if floor is None:
                floor = Floor(building=building, number=v["floor"])
                _clean(floor, exclude=["building"])
                floor.save()
                self._remember(self.floors, fkey, floor)
                created["floors"] += 1

        ukey = (building.pk, v["unit_number"])
        unit = self._get(self.units, ukey)
        fields = {
            "area": v.get("area"),
            "kind": v.get("unit_kind"),
            "status": v.get("unit_status"),
            "floor": floor,
        }
        if unit is None:
            if floor is None:
                raise RowFailed(
                    [
                        (
                            "floor",
                            f"房屋“{rules.unit_code(building.code, v['unit_number'])}"
                            "”不存在，新建房屋须填写楼层。",
                        )
                    ]
                )
            unit = Unit(
                building=building,
                number=v["unit_number"],
                project=project,
                code=rules.unit_code(building.code, v["unit_number"]),
                **{k: val for k, val in fields.items() if val is not None},
            )
            _clean(unit, exclude=["project", "building", "floor"])
            unit.save()
            self._remember(self.units, ukey, unit)
            created["units"] += 1
        else:
            changes = {
                k: val for k, val in fields.items() if val is not None and getattr(unit, k) != val
            }
            if changes:
                self._touch(self.units, ukey)
                for k, val in changes.items():
                    setattr(unit, k, val)
                _clean(unit, exclude=["project", "building", "floor"])
                unit.save()
                updated["units"] += 1
        return unit

    def _customer(self, row: ParsedRow, project, counts):
        from kefu.customers.models import Customer

        created, updated = counts
        v = row.values
        ckey = (project.pk, v["phone"])
        attrs = {
            "name": "name",
            "kind": "kind",
            "phone2": "phone2",
            "id_type": "id_type",
            "id_number": "id_number",
            "grade": "grade",
            "key_account": "is_key_account",
            "legal_representative": "legal_representative",
        }
        customer = self._get(self.customers, ckey)
        if customer is None:
            customer = Customer(
                project=project,
                phone=v["phone"],
                **{attr: v[key] for key, attr in attrs.items() if key in v},
            )
            _clean(customer, exclude=["project"])
            customer.save()
            self._remember(self.customers, ckey, customer)
            self._remember(self.contacts, customer.pk, [])
            created["customers"] += 1
            return customer
        changes = {
            attr: v[key]
            for key, attr in attrs.items()
            if key in v and getattr(customer, attr) != v[key]
        }
        if changes:
            self._touch(self.customers, ckey)
            for attr, val in changes.items():
                setattr(customer, attr, val)
            _clean(customer, exclude=["project"])
            customer.save()
            updated["customers"] += 1
        return customer

    def _link(self, row: ParsedRow, customer, unit, counts) -> None:
        from kefu.customers.choices import UnitRole
        from kefu.customers.models import CustomerUnit, Unit

        created, updated = counts
        v = row.values
        lkey = (customer.pk, unit.pk)
        link = self._get(self.links, lkey)
        if v["role"] == UnitRole.OWNER and connection.features.has_select_for_update:
            # One owner per unit at a time: lock the unit as services.link_unit does (SQLite
            # needs no lock: its write transactions are serialised).
            Unit.objects.select_for_update().filter(pk=unit.pk).first()
        if link is None:
            link = CustomerUnit(
                customer=customer,
                unit=unit,
                role=v["role"],
                start_date=v.get("start_date", self.today),
            )
            _clean(link, exclude=["customer", "unit"])
            link.save()
            self._remember(self.links, lkey, link)
            created["links"] += 1
            return
        changes = {k: v[k] for k in ("role", "start_date") if k in v and getattr(link, k) != v[k]}
        if changes:
            self._touch(self.links, lkey)
            for k, val in changes.items():
                setattr(link, k, val)
            _clean(link, exclude=["customer", "unit"])
            link.save()
            updated["links"] += 1

    def _contact(self, row: ParsedRow, customer, counts) -> None:
        from kefu.customers.models import EmergencyContact

        created, updated = counts
        v = row.values
        contacts = self._get(self.contacts, customer.pk)
        if contacts is None:
            contacts = self.contacts[customer.pk] = []
        contact = next((c for c in contacts if c.phone == v["contact_phone"]), None)
        if contact is None:
            contact = EmergencyContact(
                customer=customer,
                name=v["contact_name"],
                phone=v["contact_phone"],
                relation=v.get("contact_relation", ""),
            )
            _clean_contact(contact, customer)
            contact.save()
            self._touch(self.contacts, customer.pk)
            contacts.append(contact)
            created["contacts"] += 1
            return
        changes = {
            attr: v[key]
            for key, attr in (("contact_name", "name"), ("contact_relation", "relation"))
            if key in v and getattr(contact, attr) != v[key]
        }
        if changes:
            self._touch(self.contacts, customer.pk)
            for attr, val in changes.items():
                setattr(contact, attr, val)
            _clean_contact(contact, customer)
            contact.save()
            updated["contacts"] += 1

    # -- the whole file ----------------------------------------------------------------------
    def run(self, rows: list[ParsedRow], result: ImportResult) -> None:
        """Write the rows without parse errors; record failures; commit or roll back."""
        result.valid_rows_only = self.valid_rows_only
        good = [r for r in rows if not r.errors]
        for r in rows:
            result.errors.extend(r.errors)
        created: Counter = Counter()
        updated: Counter = Counter()
        imported = 0
        with transaction.atomic():
            self._preload(good)
            for row in good:
                row_counts: tuple[Counter, Counter] = (Counter(), Counter())
                self._touched = []
                savepoint = transaction.savepoint()
                try:
                    self.import_row(row, row_counts)
                except RowFailed as exc:
                    self._rollback_row(savepoint)
                    for key, message in exc.errors:
                        column = COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else key
                        result.errors.append(RowError(row.number, column, message))
                    continue
                except DatabaseError as exc:
                    self._rollback_row(savepoint)
                    result.errors.append(RowError(row.number, "", f"写入数据库失败：{exc}"))
                    continue
                transaction.savepoint_commit(savepoint)
                created.update(row_counts[0])
                updated.update(row_counts[1])
                imported += 1
            result.errors = _dedupe(result.errors)
            if result.errors and not self.valid_rows_only:
                transaction.set_rollback(True)
                return
        result.created, result.updated = created, updated
        result.imported_rows = imported
        result.committed = True

    def _rollback_row(self, savepoint) -> None:
        transaction.savepoint_rollback(savepoint)
        for memo, key in self._touched:
            memo.pop(key, None)  # re-read from the database (rolled-back state) when needed
            self._stale.add((id(memo), key))
        self._touched = []


def _dedupe(errors: list[RowError]) -> list[RowError]:
    seen = set()
    out = []
    for e in errors:
        if e not in seen:
            seen.add(e)
            out.append(e)
    return sorted(
        out, key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else -1)
    )


@contextlib.contextmanager
def _audit(source: str | None, actor) -> Iterator[None]:
    """Attribute the writes to ``actor`` from ``source`` (R-SEC-02). Views pass ``None``: the
    request already runs inside ``AuditContextMiddleware``'s context (source "ui", the
    request's user), and auditlog contexts do not nest."""
    if source is None:
        yield
        return
    from kefu.core.audit import audit_context

    with audit_context(source, actor):
        yield


def import_sheet(
    sheet: SheetData,
    *,
    user=None,
    default_project: str = "",
    valid_rows_only: bool = False,
    audit_source: str | None = "command",
) -> ImportResult:
    """Validate and import an already-read sheet (see ``import_file``)."""
    if user is not None and not user.has_perm("customers.import_customers"):
        raise PermissionDenied("您没有导入客户与房屋的权限。")
    result = ImportResult(sheet=sheet, valid_rows_only=valid_rows_only)
    result.rows_read = len(sheet.rows)
    if sheet.errors:
        result.errors = list(sheet.errors)
        return result
    rows = parse_rows(sheet, default_project)
    check_consistency(rows)
    importer = Importer(user, valid_rows_only=valid_rows_only)
    with _audit(audit_source, user):
        importer.run(rows, result)
    logging.getLogger("kefu.customers.import").info(
        "customers import by %s: %d rows, %d errors, committed=%s, created=%s, updated=%s",
        user.get_username() if user is not None else "(command line)",
        result.rows_read,
        len(result.errors),
        result.committed,
        dict(result.created),
        dict(result.updated),
    )
    return result


def import_file(
    file: IO[bytes],
    *,
    user=None,
    default_project: str = "",
    valid_rows_only: bool = False,
    audit_source: str | None = "command",
    max_rows: int = MAX_ROWS,
) -> ImportResult:
    """Read, validate and import an .xlsx file.

    All-or-nothing by default: if any row has an error nothing is written and
    ``result.committed`` is false. With ``valid_rows_only`` the good rows are written and the
    bad ones reported. ``user`` limits the projects (and must hold
    ``customers.import_customers``); ``None`` means the command line without a user.
    """
    try:
        sheet = read_sheet(file, max_rows)
    except ImportFileError as exc:
        result = ImportResult(valid_rows_only=valid_rows_only)
        result.errors.append(RowError(0, "", str(exc)))
        return result
    return import_sheet(
        sheet,
        user=user,
        default_project=default_project,
        valid_rows_only=valid_rows_only,
        audit_source=audit_source,
    )
