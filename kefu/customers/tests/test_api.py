"""Customers API: masking, logged reveal, scoping, structured errors, keyset pagination."""

import pytest
from auditlog.models import LogEntry
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kefu.customers.models import Customer, PersonalDataReveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user):
    def login(role="cs_agent", project="P1"):
        user = make_user(role, project=project)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        client.user = user
        return client

    return login


def test_customer_output_is_masked(api, customer):
    r = api().get(f"/api/customers/customers/{customer.pk}/")
    assert r.status_code == 200
    assert r.json()["phone"] == "138****5678"
    assert r.json()["id_number"] == "110***********002X"
    assert r.json()["units"] == [
        {"id": customer.unit_links.get().unit_id, "code": "1-0101", "role": "owner"}
    ]


def test_reveal_over_api_is_logged_with_source_api(api, customer):
    client = api()
    r = client.post(f"/api/customers/customers/{customer.pk}/reveal/", {"field": "phone"})
    assert r.json() == {"field": "phone", "value": "13812345678"}
    log = PersonalDataReveal.objects.get()
    assert (log.user, log.source) == (client.user, "api")


def test_archive_custodian_may_reveal_without_add_permission(api, customer):
    r = api("archive_custodian").post(
        f"/api/customers/customers/{customer.pk}/reveal/", {"field": "id_number"}
    )
    assert r.status_code == 200


def test_technician_reveal_is_refused_with_structured_error(api, customer):
    r = api("technician").post(
        f"/api/customers/customers/{customer.pk}/reveal/", {"field": "phone"}
    )
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied"
    assert r.json()["message"] == "您没有查看完整个人信息的权限。"


def test_validation_errors_use_the_shared_format(api, org):
    r = api().post(
        "/api/customers/customers/",
        {
            "project": org["p1"].pk,
            "kind": "owner",
            "name": "李四",
            "phone": "12345",
        },
        format="json",
    )
    body = r.json()
    assert r.status_code == 400
    assert body["code"] == "validation_error"
    assert body["message"] == "提交的数据有误，请检查标出的字段。"
    assert "电话号码格式不正确" in body["errors"]["phone"][0]
    assert not Customer.objects.filter(name="李四").exists()


def test_unknown_unit_in_link_is_a_field_error(api, customer):
    r = api().post(
        "/api/customers/unit-links/",
        {
            "customer": customer.pk,
            "unit": 999999,
            "role": "tenant",
            "start_date": "2024-01-01",
        },
        format="json",
    )
    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["unit"]


def test_overlapping_owner_over_api_is_refused(api, customer, org, premises):
    other = Customer.objects.create(
        project=org["p1"], kind="owner", name="赵敏", phone="13900001111"
    )
    r = api().post(
        "/api/customers/unit-links/",
        {
            "customer": other.pk,
            "unit": premises["units"]["1-0101"].pk,
            "role": "owner",
            "start_date": "2021-01-01",
        },
        format="json",
    )
    assert r.status_code == 400
    assert "业主时间段不能重叠" in r.json()["errors"]["unit"][0]


def test_duplicate_unit_over_api(api, premises, make_user):
    floor = premises["units"]["1-0101"].floor
    r = api("cs_manager").post(
        "/api/customers/units/",
        {
            "building": premises["b1"].pk,
            "floor": floor.pk,
            "number": "0101",
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["errors"]["non_field_errors"] == ["该楼栋已有此房号。"]


def test_scoping_hides_other_projects(api, customer):
    client = api("cs_supervisor", project="P2")
    assert client.get(f"/api/customers/customers/{customer.pk}/").status_code == 404
    assert client.get("/api/customers/customers/").json()["results"] == []


def test_cannot_create_customer_in_other_project(api, org):
    r = api().post(
        "/api/customers/customers/",
        {
            "project": org["p2"].pk,
            "kind": "owner",
            "name": "李四",
            "phone": "13911112222",
        },
        format="json",
    )
    assert r.status_code == 400  # the other project is not among the choices
    assert list(r.json()["errors"]) == ["project"]
    assert not Customer.objects.filter(name="李四").exists()


def test_update_is_audited_with_actor_and_changes(api, customer):
    client = api()
    r = client.patch(f"/api/customers/customers/{customer.pk}/", {"grade": "A"}, format="json")
    assert r.status_code == 200
    entry = LogEntry.objects.get_for_object(customer).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == client.user
    assert entry.additional_data == {"source": "api"}
    assert entry.changes_dict["grade"] == ["C", "A"]


def test_delete_is_audited(api, customer):
    client = api("cs_supervisor")
    pk = customer.pk
    customer.unit_links.all().delete()
    assert client.delete(f"/api/customers/customers/{pk}/").status_code == 204
    entry = (
        LogEntry.objects.get_for_model(Customer)
        .filter(object_pk=str(pk), action=LogEntry.Action.DELETE)
        .get()
    )
    assert entry.actor == client.user


def test_id_number_is_masked_in_the_audit_trail(api, customer):
    api().patch(
        f"/api/customers/customers/{customer.pk}/",
        {"id_number": "110105194912310046", "id_type": "resident_id"},
        format="json",
    )
    entry = LogEntry.objects.get_for_object(customer).filter(action=LogEntry.Action.UPDATE).get()
    assert "110105194912310046" not in str(entry.changes)


def test_lookup_endpoint(api, customer):
    r = api().get("/api/customers/customers/lookup/", {"q": "1234"})
    assert [(c["name"], c["match"]) for c in r.json()] == [("王建国", "手机")]


def test_keyset_pagination(api, org):
    for i in range(7):
        Customer.objects.create(
            project=org["p1"], kind="owner", name=f"客户{i}", phone=f"139000{i:05d}"
        )
    client = api()
    first = client.get("/api/customers/customers/", {"page_size": 5}).json()
    assert len(first["results"]) == 5 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    names = [c["name"] for c in first["results"] + second["results"]]
    assert names == [f"客户{i}" for i in range(6, -1, -1)]
