"""Validation of premises and customers (issue 2 "Bad input"; R-CUS-01)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kefu.customers import rules
from kefu.customers.models import Customer, CustomerUnit, EmergencyContact, Floor, Unit


def test_unit_code_and_project_follow_the_building(premises, org):
    unit = premises["units"]["1-0302"]
    assert unit.code == "1-0302"
    assert unit.project == org["p1"]


def test_duplicate_unit_number_in_a_building_is_refused(premises):
    floor = Floor.objects.get(building=premises["b1"], number=1)
    dup = Unit(building=premises["b1"], floor=floor, number="0101")
    with pytest.raises(ValidationError) as exc:
        dup.full_clean()
    assert "该楼栋已有此房号。" in exc.value.messages


def test_floor_of_another_building_is_refused(premises):
    other_floor = Floor.objects.get(building=premises["b2"], number=1)
    unit = Unit(building=premises["b1"], floor=other_floor, number="0901")
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert exc.value.message_dict["floor"] == ["所选楼层不属于该楼栋。"]


@pytest.mark.parametrize("phone", ["1381234567", "23812345678", "phone", "010-123"])
def test_malformed_phone_is_refused(org, phone):
    c = Customer(project=org["p1"], kind="owner", name="李四", phone=phone)
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "phone" in exc.value.message_dict


def test_phone_is_normalised(org):
    c = Customer(project=org["p1"], kind="owner", name="李四", phone="+86 138-1234-5678")
    c.full_clean()
    assert c.phone == "13812345678"


def test_bad_resident_id_check_digit_is_refused(org):
    c = Customer(
        project=org["p1"],
        kind="owner",
        name="李四",
        phone="13812345678",
        id_type="resident_id",
        id_number="110105194912310021",
    )
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "校验位" in exc.value.message_dict["id_number"][0]


def test_company_needs_legal_representative(org):
    c = Customer(project=org["p1"], kind="company", name="华星科技有限公司", phone="02112345678")
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "legal_representative" in exc.value.message_dict


@pytest.mark.parametrize(("name", "phone"), [("王建国", "13900000000"), ("王小明", "13812345678")])
def test_emergency_contact_equal_to_customer_is_refused(customer, name, phone):
    contact = EmergencyContact(customer=customer, name=name, phone=phone)
    with pytest.raises(ValidationError) as exc:
        contact.full_clean()
    assert "紧急联系人不能是客户本人" in exc.value.messages[0]


def test_two_owners_with_overlapping_dates_are_refused(customer, org, premises):
    other = Customer.objects.create(
        project=org["p1"], kind="owner", name="赵敏", phone="13900001111"
    )
    link = CustomerUnit(
        customer=other,
        unit=premises["units"]["1-0101"],
        role="owner",
        start_date=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        link.full_clean()
    assert "业主时间段不能重叠" in exc.value.message_dict["unit"][0]


def test_owner_after_the_previous_ownership_ended_is_accepted(customer, org, premises):
    CustomerUnit.objects.filter(customer=customer).update(end_date=datetime.date(2023, 12, 31))
    other = Customer.objects.create(
        project=org["p1"], kind="owner", name="赵敏", phone="13900001111"
    )
    link = CustomerUnit(
        customer=other,
        unit=premises["units"]["1-0101"],
        role="owner",
        start_date=datetime.date(2024, 1, 1),
    )
    link.full_clean()
    link.save()
    assert CustomerUnit.objects.filter(unit=premises["units"]["1-0101"], role="owner").count() == 2


def test_a_tenant_beside_the_owner_is_accepted(customer, org, premises):
    tenant = Customer.objects.create(
        project=org["p1"], kind="tenant", name="钱多多", phone="13900002222"
    )
    link = CustomerUnit(
        customer=tenant,
        unit=premises["units"]["1-0101"],
        role="tenant",
        start_date=datetime.date(2024, 1, 1),
    )
    link.full_clean()


def test_unit_of_another_project_is_refused(customer, premises):
    link = CustomerUnit(customer=customer, unit=premises["units"]["A-0101"], role="tenant")
    with pytest.raises(ValidationError) as exc:
        link.full_clean()
    assert exc.value.message_dict["unit"] == ["房屋与客户不属于同一项目。"]


def test_search_text_follows_units_and_contacts(customer):
    EmergencyContact.objects.create(
        customer=customer, name="王小明", relation="儿子", phone="13700001234"
    )
    customer.refresh_from_db()
    assert "1-0101" in customer.search_text
    assert "13700001234" in customer.search_text
    assert rules.search_text(["A", "a", None, " b "]) == "a b"
