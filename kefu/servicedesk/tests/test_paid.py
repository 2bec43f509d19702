"""Paid service: price list, quote accepted before work, fees to finance
(R-TKT-08, R-TKT-12, R-PROP-05)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kefu.servicedesk import actions, paid
from kefu.servicedesk.models import OrderEvent, PriceItem, Quote, QuoteLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def prices(sd):
    return {
        "tap": paid.save_price_item(
            sd["agent"], sd["project"], code="W01", name="更换水龙头", price="45", unit="个"
        ),
        "pipe": paid.save_price_item(
            sd["agent"], sd["project"], code="W02", name="疏通下水管", price=Decimal("80.00")
        ),
    }


def _on_site(sd, order):
    boss = sd["supervisor"]
    order = actions.transition(boss, order, "accept")
    order = actions.transition(
        boss, order, "dispatch", department=sd["engineering"], assignee=sd["tech"]
    )
    order = actions.transition(sd["tech"], order, "acknowledge")
    return actions.transition(sd["tech"], order, "arrive")


def test_price_list_per_project(sd, prices, org):
    assert [i.code for i in paid.price_list(sd["project"])] == ["W01", "W02"]
    assert list(paid.price_list(org["p2"])) == []
    paid.save_price_item(sd["agent"], sd["project"], code="W01", name="更换水龙头", price="50")
    assert PriceItem.objects.get(code="W01").price == Decimal("50.00")
    with pytest.raises(ValidationError) as exc:
        paid.save_price_item(sd["agent"], sd["project"], code="W03", name="x", price="-1")
    assert exc.value.message_dict["price"] == ["单价不能为负数。"]


def test_paid_work_needs_an_accepted_quote_before_it_starts(sd, prices, open_order):
    # R-TKT-08: quote from the price list, customer confirms *before* starting.
    order = _on_site(sd, open_order("paid_service", title="厨房水龙头更换"))
    with pytest.raises(ValidationError) as exc:
        actions.transition(sd["tech"], order, "start")
    assert "须先报价并经客户确认" in exc.value.messages[0]
    quote = paid.quote(
        sd["tech"],
        order,
        [(prices["tap"], "", 2, None), (None, "密封胶", Decimal("1.5"), "12.40")],
    )
    assert quote.total == Decimal("108.60")  # 2 × 45 + 1.5 × 12.40
    assert [line.description for line in quote.lines.all()] == ["更换水龙头", "密封胶"]
    with pytest.raises(ValidationError):
        actions.transition(sd["tech"], order, "start")  # quoted but not yet accepted
    paid.accept_quote(sd["tech"], order, "林晓峰", "signature")
    order = actions.transition(sd["tech"], order, "start")
    assert order.status == "in_progress"
    with pytest.raises(ValidationError) as exc:
        paid.quote(sd["tech"], order, [(prices["tap"], "", 1, None)])
    assert "不能再报价" in exc.value.messages[0]
    order = actions.transition(
        sd["tech"],
        order,
        "complete",
        resolution="已更换",
        confirmed_by="林晓峰",
        confirmation_method="signature",
    )
    paid.record_materials(sd["tech"], order, "客户自备水龙头一个")
    order = paid.record_finance(sd["agent"], order, "108.60")
    order.refresh_from_db()
    assert order.amount_to_finance == Decimal("108.60")
    assert order.customer_materials == "客户自备水龙头一个"
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds.index("quoted") < kinds.index("quote_accepted") < kinds.index("start")
    assert "finance_recorded" in kinds


def test_requote_replaces_lines_until_accepted(sd, prices, open_order):
    order = open_order("paid_service", title="疏通")
    paid.quote(sd["agent"], order, [(prices["pipe"], "", 1, None)])
    quote = paid.quote(sd["agent"], order, [(prices["pipe"], "", 2, None)])
    assert quote.total == Decimal("160.00")
    assert QuoteLine.objects.filter(quote=quote).count() == 1
    paid.accept_quote(sd["agent"], order, "林晓峰", "phone")
    with pytest.raises(ValidationError) as exc:
        paid.quote(sd["agent"], order, [(prices["pipe"], "", 3, None)])
    assert exc.value.messages == ["报价已经客户确认，不能修改。"]
    with pytest.raises(ValidationError):
        paid.accept_quote(sd["agent"], order, "林晓峰", "phone")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ((None, "人工费", 1, "-5"), "第 1 行：单价不能为负数。"),
        ((None, "人工费", 1, "abc"), "第 1 行：单价必须是数字：“abc”。"),
        ((None, "人工费", 0, "5"), "第 1 行：数量必须大于 0。"),
        ((None, "人工费", "两个", "5"), "第 1 行：数量必须是数字：“两个”。"),
        ((None, "", 1, "5"), "第 1 行：请填写内容。"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(sd, open_order, line, message):
    order = open_order("paid_service", title="疏通")
    with pytest.raises(ValidationError) as exc:
        paid.quote(sd["agent"], order, [line])
    assert exc.value.message_dict["lines"] == [message]
    assert not Quote.objects.filter(order=order).exists()


def test_free_orders_are_not_quoted_and_finance_is_non_negative(sd, open_order, prices):
    with pytest.raises(ValidationError):
        paid.quote(sd["agent"], open_order(), [(prices["tap"], "", 1, None)])
    order = open_order("paid_service", title="疏通")
    with pytest.raises(ValidationError) as exc:
        paid.record_finance(sd["agent"], order, "-1")
    assert exc.value.message_dict["amount_to_finance"] == ["交财务金额不能为负数。"]
    with pytest.raises(ValidationError):
        paid.record_finance(sd["agent"], order, "一百")
    order.refresh_from_db()
    assert order.amount_to_finance is None


def test_price_item_of_another_project_is_refused(sd, open_order, org):
    other = PriceItem.objects.create(project=org["p2"], code="X1", name="外项目", price=1)
    with pytest.raises(ValidationError) as exc:
        paid.quote(sd["agent"], open_order("paid_service", title="疏通"), [(other, "", 1, None)])
    assert "不属于本项目" in exc.value.message_dict["lines"][0]
