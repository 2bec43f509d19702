import pytest
from huey.contrib.djhuey import HUEY

from kefu.customers.models import Customer
from kefu.org.models import Staff


class FailingBackend:
    """A gateway that is down: every send raises."""

    def send(self, notification):
        raise ConnectionError("短信网关连接超时")


@pytest.fixture(autouse=True)
def clean_huey():
    """Huey runs tasks immediately in tests, but retries with a delay land in its in-memory
    schedule; start and end each test with an empty queue."""
    HUEY.flush()
    yield HUEY
    HUEY.flush()


@pytest.fixture
def agent(make_user):
    user = make_user("cs_agent", username="li_agent")
    user.email = "li.agent@example.com"
    user.save(update_fields=["email"])
    Staff.objects.filter(user=user).update(phone="13900139000")
    return user


@pytest.fixture
def other_agent(make_user):
    return make_user("cs_agent", username="wang_agent")


@pytest.fixture
def customer(org):
    return Customer.objects.create(
        project=org["p1"], kind="owner", name="张三", phone="13800138000"
    )
