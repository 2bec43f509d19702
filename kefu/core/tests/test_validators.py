"""Phone and resident-ID validation and masking (R-SEC-01)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.validators import (
    id_check_digit,
    is_valid_phone,
    is_valid_resident_id,
    mask_id_number,
    mask_phone,
    normalize_phone,
)


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "+8613812345678",
        "138 1234 5678",
        "010-62345678",
        "0755-2345678",
        "400-123-4567",
        "02162345678",
    ],
)
def test_valid_phones(phone):
    assert is_valid_phone(phone)


@pytest.mark.parametrize(
    "phone", ["", "12812345678", "1381234567", "138123456789", "62345678", "abc", "010-123"]
)
def test_invalid_phones(phone):
    assert not is_valid_phone(phone)


def test_normalize_phone():
    assert normalize_phone("+86 138-1234-5678") == "13812345678"
    assert normalize_phone("010-62345678") == "010-62345678"


def test_known_resident_id():
    assert is_valid_resident_id("11010519491231002X")
    assert is_valid_resident_id("11010519491231002x")
    assert not is_valid_resident_id("110105194912310021")  # wrong check digit
    assert not is_valid_resident_id("110105194902301234")  # 30 February
    assert not is_valid_resident_id("11010519491231002")  # 17 characters


@given(
    st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2025, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["110105", "440304", "310115"]),
)
def test_any_id_with_its_check_digit_is_valid(birth, seq, region):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    assert is_valid_resident_id(first17 + id_check_digit(first17))
    wrong = next(c for c in "0123456789X" if c != id_check_digit(first17))
    assert not is_valid_resident_id(first17 + wrong)


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_mobile_mask_keeps_prefix_and_last_four(mobile):
    masked = mask_phone(mobile)
    assert masked == mobile[:3] + "****" + mobile[-4:]


def test_masks():
    assert mask_phone("010-62345678") == "010-****5678"
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("") == ""
