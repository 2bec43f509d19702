import datetime

import pytest

from kefu.customers.models import Building, Customer, CustomerUnit, Floor, Unit


@pytest.fixture
def premises(org):
    """Building 1 in P1 with floors 1–3 and units 1-0101…1-0302; building A in P2."""
    b1 = Building.objects.create(project=org["p1"], code="1", name="1号楼")
    b2 = Building.objects.create(project=org["p2"], code="A", name="A座")
    units = {}
    for building in (b1, b2):
        for n in (1, 2, 3):
            floor = Floor.objects.create(building=building, number=n)
            for r in (1, 2):
                unit = Unit.objects.create(building=building, floor=floor, number=f"0{n}0{r}")
                units[unit.code] = unit
    return {"b1": b1, "b2": b2, "units": units}


@pytest.fixture
def customer(org, premises):
    c = Customer.objects.create(
        project=org["p1"],
        kind="owner",
        name="王建国",
        phone="13812345678",
        id_type="resident_id",
        id_number="11010519491231002X",
    )
    CustomerUnit.objects.create(
        customer=c,
        unit=premises["units"]["1-0101"],
        role="owner",
        start_date=datetime.date(2020, 5, 1),
    )
    return Customer.objects.get(pk=c.pk)
