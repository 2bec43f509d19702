"""Validation and masking of Chinese personal data: phone numbers and ID numbers (R-SEC-01).

Pure functions (no Django imports) so they can be tested exhaustively; ``django_*`` wrappers
at the end raise Django's ``ValidationError`` with a Chinese message.
"""

from __future__ import annotations

import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landline: area code 0 + 2-3 digits, 7-8 digit number, optional extension.
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
HOTLINE_RE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    """Strip spaces, the +86/0086 prefix and separators a person may type."""
    v = re.sub(r"[\s()（）]", "", value or "")
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    v = v.lstrip("-")
    # Mobile numbers are often typed 138-1234-5678: keep landline dashes, drop mobile ones.
    digits = v.replace("-", "")
    if MOBILE_RE.match(digits):
        return digits
    return v


def is_valid_phone(value: str) -> bool:
    v = normalize_phone(value)
    return bool(MOBILE_RE.match(v) or LANDLINE_RE.match(v) or HOTLINE_RE.match(v))


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_valid_resident_id(value: str) -> bool:
    """18-character resident identity number (GB 11643): digits, birth date, check digit."""
    v = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return False
    year, month, day = int(v[6:10]), int(v[10:12]), int(v[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= _days_in(year, month)):
        return False
    return id_check_digit(v[:17]) == v[17]


def _days_in(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def mask_phone(value: str) -> str:
    """138****5678 for a mobile, keep the area code and last 4 for other numbers."""
    v = value or ""
    digits = v.replace("-", "")
    if len(digits) >= 11 and MOBILE_RE.match(digits):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(v) > 4:
        return v[: min(4, len(v) - 4)] + "*" * (len(v) - min(4, len(v) - 4) - 4) + v[-4:]
    return "*" * len(v)


def mask_id_number(value: str) -> str:
    """Keep the first 3 and last 4 characters: 110***********123X."""
    v = value or ""
    if len(v) <= 7:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


def django_phone_validator(value: str) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not is_valid_phone(value):
        raise ValidationError(
            _("电话号码格式不正确：手机号为 11 位数字，座机为“区号-号码”。"), code="invalid_phone"
        )


def django_resident_id_validator(value: str) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not is_valid_resident_id(value):
        raise ValidationError(
            _("身份证号码不正确：应为 18 位，出生日期有效且校验位正确。"),
            code="invalid_id_number",
        )
