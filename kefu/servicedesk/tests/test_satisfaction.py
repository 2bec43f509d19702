"""Satisfaction: four items × four levels, 较差 alerts the supervisor, averages (R-SAT-01/02)."""

import pytest
from django.core.exceptions import ValidationError

from kefu.notifications.models import Notification
from kefu.servicedesk import satisfaction
from kefu.servicedesk.models import OrderEvent, Rating

pytestmark = pytest.mark.django_db

GOOD = {"attitude": 4, "technique": 4, "timeliness": 3, "promise": 4, "rated_by": "林晓峰"}


def test_rating_is_recorded_for_the_technician(sd, open_order, finish_order):
    order = finish_order(open_order())
    rating = satisfaction.rate(sd["agent"], order, **GOOD)
    assert rating.staff == sd["tech"]  # the assignee is the one rated
    assert rating.average == 3.75
    assert OrderEvent.objects.filter(order=order, kind="rated").count() == 1
    assert not OrderEvent.objects.filter(order=order, kind="rating_poor").exists()
    assert not Notification.objects.filter(subject__contains="较差").exists()


def test_a_poor_item_alerts_the_supervisors(sd, open_order, finish_order):
    # R-SAT-02: a 较差 on any item goes to the supervisor at once.
    order = finish_order(open_order())
    satisfaction.rate(sd["agent"], order, **{**GOOD, "timeliness": 1})
    alerted = set(
        Notification.objects.filter(subject__contains="较差").values_list("user", flat=True)
    )
    assert alerted == {sd["supervisor"].pk, sd["tech_boss"].pk}
    note = Notification.objects.filter(subject__contains="较差").first()
    assert "较差" in note.subject and "到场及时" in note.subject
    event = OrderEvent.objects.get(order=order, kind="rating_poor")
    assert event.data["items"] == ["到场及时"]


@pytest.mark.parametrize("bad", [0, 5, "4", None, True])
def test_levels_outside_the_four_are_refused(sd, open_order, finish_order, bad):
    order = finish_order(open_order())
    with pytest.raises(ValidationError) as exc:
        satisfaction.rate(sd["agent"], order, **{**GOOD, "attitude": bad})
    assert "attitude" in exc.value.message_dict
    assert not Rating.objects.exists()


def test_an_unfinished_order_cannot_be_rated(sd, open_order):
    with pytest.raises(ValidationError) as exc:
        satisfaction.rate(sd["agent"], open_order(), **GOOD)
    assert "尚未完成" in exc.value.messages[0]


def test_averages_per_staff_department_and_period(sd, open_order, finish_order):
    first = finish_order(open_order())
    second = finish_order(open_order(title="灯不亮"))
    satisfaction.rate(sd["agent"], first, **GOOD)  # 4,4,3,4
    satisfaction.rate(sd["agent"], second, **{**GOOD, "attitude": 2, "promise": 3})  # 2,4,3,3
    overall = satisfaction.averages(Rating.objects.all())
    assert overall == [
        {
            "key": None,
            "count": 2,
            "attitude": 3.0,
            "technique": 4.0,
            "timeliness": 3.0,
            "promise": 3.5,
            "overall": 3.38,
        }
    ]
    by_staff = satisfaction.averages(Rating.objects.all(), by="staff")
    assert [(r["key"], r["count"], r["overall"]) for r in by_staff] == [(sd["tech"].pk, 2, 3.38)]
    by_dept = satisfaction.averages(Rating.objects.all(), by="department")
    assert [r["key"] for r in by_dept] == [sd["engineering"].pk]
    by_month = satisfaction.averages(Rating.objects.all(), by="month")
    assert len(by_month) == 1 and by_month[0]["count"] == 2
    with pytest.raises(ValueError):
        satisfaction.averages(Rating.objects.all(), by="colour")
