"""Customer pages: lookup, masking and logged reveal (R-SEC-01), scoping, forms."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from kefu.customers.models import Customer, CustomerUnit, EmergencyContact, PersonalDataReveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, make_user):
    user = make_user("cs_agent")
    client.force_login(user)
    client.user = user
    return client


def test_lookup_by_last_four_digits_finds_customer_and_unit(agent_client, customer):
    r = agent_client.get(reverse("customers:lookup"), {"q": "5678"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "王建国" in html and "1-0101" in html
    assert "138****5678" in html and "13812345678" not in html


def test_lookup_htmx_returns_only_the_results_fragment(agent_client, customer):
    r = agent_client.get(reverse("customers:lookup"), {"q": "王建"}, HTTP_HX_REQUEST="true")
    assert "<html" not in r.content.decode()
    assert "王建国" in r.content.decode()


def test_lookup_by_unit_code(agent_client, customer):
    r = agent_client.get(reverse("customers:lookup"), {"q": "1-0101"})
    assert "王建国" in r.content.decode()
    assert "匹配：房屋 1-0101" in r.content.decode()


def test_lookup_says_when_an_emergency_contact_matched(agent_client, customer):
    EmergencyContact.objects.create(customer=customer, name="王小明", phone="13700009999")
    r = agent_client.get(reverse("customers:lookup"), {"q": "9999"})
    assert "匹配：紧急联系人 王小明" in r.content.decode()


def test_lookup_does_not_cross_projects(client, make_user, customer):
    client.force_login(make_user("cs_agent", project="P2"))
    r = client.get(reverse("customers:lookup"), {"q": "5678"})
    assert "王建国" not in r.content.decode()


def test_detail_masks_phone_and_id(agent_client, customer):
    html = agent_client.get(
        reverse("customers:customer_detail", args=[customer.pk])
    ).content.decode()
    assert "138****5678" in html
    assert "110***********002X" in html
    assert "11010519491231002X" not in html


def test_reveal_returns_value_and_is_logged(agent_client, customer):
    r = agent_client.post(
        reverse("customers:reveal", args=[customer.pk]),
        {"field": "id_number", "reason": "业主来电核实身份"},
    )
    assert r.status_code == 200
    assert "11010519491231002X" in r.content.decode()
    log = PersonalDataReveal.objects.get()
    assert (log.user, log.customer, log.field, log.source, log.reason) == (
        agent_client.user,
        customer,
        "id_number",
        "ui",
        "业主来电核实身份",
    )


def test_reveal_emergency_contact_phone(agent_client, customer):
    contact = EmergencyContact.objects.create(customer=customer, name="王小明", phone="13700001234")
    r = agent_client.post(
        reverse("customers:reveal", args=[customer.pk]),
        {"field": "emergency_phone", "contact": contact.pk},
    )
    assert "13700001234" in r.content.decode()
    assert PersonalDataReveal.objects.get().field == "emergency_phone"


def test_technician_cannot_reveal(client, make_user, customer):
    client.force_login(make_user("technician"))
    r = client.post(reverse("customers:reveal", args=[customer.pk]), {"field": "phone"})
    assert r.status_code == 403
    assert "13812345678" not in r.content.decode()
    assert not PersonalDataReveal.objects.exists()


def test_out_of_scope_customer_detail_is_404(client, make_user, customer):
    client.force_login(make_user("cs_supervisor", project="P2"))
    assert client.get(reverse("customers:customer_detail", args=[customer.pk])).status_code == 404


def test_manager_sees_every_project(client, make_user, customer):
    client.force_login(make_user("cs_manager", project="P2"))
    assert client.get(reverse("customers:customer_detail", args=[customer.pk])).status_code == 200


def test_department_staff_cannot_open_customer_pages(client, make_user, customer):
    client.force_login(make_user("department_staff", kind="engineering"))
    assert client.get(reverse("customers:customer_list")).status_code == 403
    assert client.get(reverse("customers:lookup")).status_code == 403


def test_create_customer_with_errors_shows_chinese_messages_and_saves_nothing(agent_client, org):
    r = agent_client.post(
        reverse("customers:customer_create"),
        {
            "project": org["p1"].pk,
            "kind": "owner",
            "name": "孙悟空",
            "phone": "12345",
            "grade": "C",
            "id_type": "resident_id",
            "id_number": "110105194912310021",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "电话号码格式不正确" in html and "校验位" in html
    assert not Customer.objects.filter(name="孙悟空").exists()


def test_create_customer_in_other_project_is_refused(agent_client, org):
    r = agent_client.post(
        reverse("customers:customer_create"),
        {
            "project": org["p2"].pk,
            "kind": "owner",
            "name": "孙悟空",
            "phone": "13911112222",
            "grade": "C",
        },
    )
    assert r.status_code == 200
    assert not Customer.objects.filter(name="孙悟空").exists()


def test_create_customer_is_audited_with_source_ui(agent_client, org):
    r = agent_client.post(
        reverse("customers:customer_create"),
        {
            "project": org["p1"].pk,
            "kind": "owner",
            "name": "孙悟空",
            "phone": "139-1111-2222",
            "grade": "B",
        },
    )
    customer = Customer.objects.get(name="孙悟空")
    assert r.status_code == 302
    assert customer.phone == "13911112222"
    entry = LogEntry.objects.get_for_object(customer).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == agent_client.user
    assert entry.additional_data == {"source": "ui"}


def test_link_unit_form_refuses_second_owner(agent_client, customer, org):
    other = Customer.objects.create(
        project=org["p1"], kind="owner", name="赵敏", phone="13900001111"
    )
    r = agent_client.post(
        reverse("customers:unit_link_add", args=[other.pk]),
        {"unit_code": "1-0101", "role": "owner", "start_date": "2024-01-01"},
        follow=True,
    )
    assert "业主时间段不能重叠" in r.content.decode()
    assert not CustomerUnit.objects.filter(customer=other).exists()


def test_unknown_unit_code_is_reported(agent_client, customer):
    r = agent_client.post(
        reverse("customers:unit_link_add", args=[customer.pk]),
        {"unit_code": "9-9999", "role": "tenant", "start_date": "2024-01-01"},
        follow=True,
    )
    assert "没有房屋编码为 9-9999 的房屋" in r.content.decode()


def test_unit_create_refuses_duplicate_number(client, make_user, premises):
    client.force_login(make_user("cs_manager"))
    r = client.post(
        reverse("customers:unit_create"),
        {
            "building": premises["b1"].pk,
            "floor_number": 1,
            "number": "0101",
            "kind": "residence",
            "status": "vacant",
        },
    )
    assert "该楼栋已有此房号。" in r.content.decode()


def test_unit_create_makes_missing_floor(client, make_user, premises):
    client.force_login(make_user("cs_manager"))
    r = client.post(
        reverse("customers:unit_create"),
        {
            "building": premises["b1"].pk,
            "floor_number": 9,
            "number": "0901",
            "kind": "residence",
            "status": "vacant",
            "area": "89.50",
        },
    )
    assert r.status_code == 302
    assert premises["b1"].units.get(number="0901").floor.number == 9


def test_customer_list_has_no_n_plus_one(agent_client, org, django_assert_max_num_queries):
    for i in range(30):
        Customer.objects.create(
            project=org["p1"], kind="owner", name=f"客户{i}", phone=f"139000{i:05d}"
        )
    with django_assert_max_num_queries(12):
        r = agent_client.get(reverse("customers:customer_list"))
    assert r.status_code == 200
