"""Service-desk screens (issue 3 item 12): rendering, permissions and the write paths they call."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kefu.servicedesk import actions
from kefu.servicedesk.forms import MAX_ATTACHMENT_BYTES
from kefu.servicedesk.models import Attachment, Callback, OrderDeadline, WorkOrder

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def agent_client(client, sd):
    client.force_login(sd["agent"])
    return client


SCREENS = [
    ("servicedesk:my_orders", ()),
    ("servicedesk:order_list", ()),
    ("servicedesk:order_create", ()),
    ("servicedesk:queue", ()),
    ("servicedesk:board", ()),
    ("servicedesk:unrepaired", ()),
    ("servicedesk:my_tasks", ()),
    ("servicedesk:callbacks", ()),
    ("servicedesk:daily", ()),
]


@pytest.mark.parametrize(("name", "args"), SCREENS)
def test_every_screen_renders_for_an_agent(agent_client, open_order, name, args):
    order = open_order()
    response = agent_client.get(reverse(name, args=args))
    assert response.status_code == 200
    if name in ("servicedesk:order_list", "servicedesk:my_orders", "servicedesk:unrepaired"):
        assert order.number in response.content.decode()


def test_order_page_renders_with_header_timeline_and_actions(agent_client, open_order, sd):
    order = open_order()
    html = agent_client.get(reverse("servicedesk:order_detail", args=[order.pk])).content.decode()
    assert order.number in html
    assert "林晓峰" in html
    assert "138****6666" in html  # masked phone (R-SEC-01), never the full number
    assert "13855556666" not in html
    assert sd["unit"].code in html
    assert 'data-kind="created"' in html
    assert 'data-action="accept"' in html
    assert 'data-action="dispatch"' not in html  # agents may not dispatch


def test_supervisor_sees_dispatch_and_audit_link(client, open_order, sd):
    order = open_order()
    client.force_login(sd["supervisor"])
    html = client.get(reverse("servicedesk:order_detail", args=[order.pk])).content.decode()
    assert 'data-action="dispatch"' not in html  # a new order is accepted first
    actions.transition(sd["supervisor"], order, "accept")
    html = client.get(reverse("servicedesk:order_detail", args=[order.pk])).content.decode()
    assert 'data-action="dispatch"' in html
    assert reverse("audit_history", args=["servicedesk", "workorder", order.pk]) in html


@pytest.mark.parametrize(
    "url",
    [
        reverse("servicedesk:my_orders"),
        reverse("servicedesk:order_list"),
        reverse("servicedesk:order_create"),
        reverse("servicedesk:board"),
        reverse("servicedesk:my_tasks"),
        reverse("servicedesk:daily"),
        reverse("servicedesk:callbacks"),
    ],
)
def test_user_without_order_permission_gets_403(client, make_user, sd, url):
    client.force_login(make_user("key_custodian"))
    assert client.get(url).status_code == 403


def test_order_page_403_without_permission(client, make_user, open_order):
    order = open_order()
    client.force_login(make_user("key_custodian"))
    assert client.get(reverse("servicedesk:order_detail", args=[order.pk])).status_code == 403


def test_create_form_preselects_the_staff_project(agent_client, sd):
    html = agent_client.get(reverse("servicedesk:order_create")).content.decode()
    assert f'<option value="{sd["project"].pk}" selected>' in html
    assert 'id="caller-lookup"' in html and "autofocus" in html
    assert '<option value="phone" selected>' in html  # channel defaults to 来电


def test_create_order_through_the_form(agent_client, sd):
    response = agent_client.post(
        reverse("servicedesk:order_create"),
        {
            "project": sd["project"].pk,
            "customer": sd["customer"].pk,
            "unit": sd["unit"].pk,
            "caller_name": "林晓峰",
            "caller_phone": "13855556666",
            "order_type": "repair",
            "channel": "phone",
            "category": sd["cat_leak"].pk,
            "title": "卫生间漏水",
            "description": "吊顶滴水",
        },
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("servicedesk:order_detail", args=[order.pk])
    assert (order.customer, order.unit, order.category) == (
        sd["customer"],
        sd["unit"],
        sd["cat_leak"],
    )
    assert order.owner == sd["agent"] and order.receiver == sd["agent"]
    assert order.number == f"P1-{timezone.localdate().year}-000001"


def test_create_order_errors_in_chinese(agent_client, sd):
    response = agent_client.post(
        reverse("servicedesk:order_create"),
        {
            "project": sd["project"].pk,
            "order_type": "repair",
            "channel": "phone",
            "title": "无联系人",
            "description": "没有客户也没有电话",
            "severity": "major",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "工单必须有客户，或至少有来电号码。" in html
    assert "只有投诉才有投诉性质和严重程度。" in html
    assert not WorkOrder.objects.exists()


def test_caller_lookup_offers_customer_with_unit(agent_client, sd):
    from kefu.customers.models import CustomerUnit

    CustomerUnit.objects.create(
        customer=sd["customer"], unit=sd["unit"], role="owner", start_date=datetime.date(2024, 1, 1)
    )
    html = agent_client.get(
        reverse("servicedesk:caller_lookup"), {"q": "13855556666"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'data-customer="{sd["customer"].pk}"' in html
    assert f'data-unit="{sd["unit"].pk}"' in html
    assert 'data-phone="13855556666"' in html  # the typed caller number fills 来电号码
    assert "138****6666" in html


def test_duplicate_warning_lists_open_orders_of_same_unit_and_category(
    agent_client, open_order, sd
):
    first = open_order(category=sd["cat_leak"])
    closed = open_order(category=sd["cat_leak"])
    actions.transition(sd["agent"], closed, "invalidate", reason="重复来电")
    other = open_order(category=sd["cat_repair"])
    url = reverse("servicedesk:duplicates")
    html = agent_client.get(url, {"unit": sd["unit"].pk, "category": sd["cat_leak"].pk}).content
    html = html.decode()
    assert first.number in html
    assert closed.number not in html and other.number not in html
    empty = agent_client.get(url, {"unit": sd["unit"].pk, "category": sd["cat_safety"].pk})
    assert "duplicate-alert" not in empty.content.decode()


def _act(client, order, action, **data):
    data.setdefault("version", order.version)
    return client.post(
        reverse("servicedesk:order_action", args=[order.pk, action]), data, follow=True
    )


def test_illegal_transition_shows_the_state_machine_message(agent_client, open_order):
    order = open_order()
    response = _act(agent_client, order, "arrive")
    assert "工单当前状态为“新建”，不能执行“到场”。" in _messages(response)
    order.refresh_from_db()
    assert order.status == "new"


def test_version_conflict_is_refused_without_saving(agent_client, open_order, sd):
    order = open_order()
    stale = order.version
    actions.add_note(sd["supervisor"], order, "主管已联系客户")
    actions.transition(sd["supervisor"], order, "accept")  # version moves on
    response = _act(agent_client, order, "cancel", version=stale, reason="客户撤销")
    assert "已被他人修改，请刷新" in _messages(response)
    order.refresh_from_db()
    assert order.status == "accepted"


def test_dispatch_needs_the_dispatch_permission(client, open_order, sd):
    order = actions.transition(sd["supervisor"], open_order(), "accept")
    data = {"department": sd["engineering"].pk, "assignee": sd["tech"].pk}
    client.force_login(sd["tech"])  # technicians may not dispatch
    assert _act(client, order, "dispatch", **data).status_code == 403
    client.force_login(sd["supervisor"])
    response = _act(client, order, "dispatch", **data)
    assert "派工：已完成。" in _messages(response)
    order.refresh_from_db()
    assert (order.status, order.assignee) == ("dispatched", sd["tech"])


def test_missing_reason_is_a_chinese_message(agent_client, open_order):
    order = open_order()
    response = _act(agent_client, order, "cancel", reason="")
    assert any("原因" in m for m in _messages(response))
    order.refresh_from_db()
    assert order.status == "new"


def test_attachment_too_large_is_refused(agent_client, open_order, media):
    order = open_order()
    big = SimpleUploadedFile("scene.jpg", b"\xff" * (MAX_ATTACHMENT_BYTES + 1), "image/jpeg")
    response = agent_client.post(
        reverse("servicedesk:order_attachment", args=[order.pk]), {"file": big}, follow=True
    )
    assert any("不能超过 10 MB" in m for m in _messages(response))
    assert not Attachment.objects.exists()


def test_attachment_of_wrong_type_is_refused(agent_client, open_order, media):
    order = open_order()
    for upload in (
        SimpleUploadedFile("notes.txt", b"hello", "text/plain"),
        SimpleUploadedFile("fake.pdf", b"MZ\x90\x00", "application/pdf"),  # not a PDF inside
    ):
        response = agent_client.post(
            reverse("servicedesk:order_attachment", args=[order.pk]), {"file": upload}, follow=True
        )
        assert "附件未上传：只能上传图片或 PDF 文件。" in _messages(response)
    assert not Attachment.objects.exists()


def test_photo_and_pdf_are_stored_and_on_the_timeline(agent_client, open_order, media, sd):
    order = open_order()
    url = reverse("servicedesk:order_attachment", args=[order.pk])
    agent_client.post(url, {"file": SimpleUploadedFile("scene.png", PNG, "image/png")})
    agent_client.post(
        url, {"file": SimpleUploadedFile("sign.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")}
    )
    stored = list(Attachment.objects.order_by("id").values_list("name", "content_type", "size"))
    assert stored == [("scene.png", "image/png", len(PNG)), ("sign.pdf", "application/pdf", 14)]
    assert order.events.filter(kind="attachment").count() == 2


def test_technician_sees_only_their_orders(client, open_order, sd, make_user):
    mine = actions.transition(sd["supervisor"], open_order(), "accept")
    mine = actions.transition(
        sd["supervisor"], mine, "dispatch", department=sd["engineering"], assignee=sd["tech"]
    )
    other = open_order(title="楼道灯不亮")
    client.force_login(sd["tech"])
    html = client.get(reverse("servicedesk:my_tasks")).content.decode()
    assert mine.number in html and other.number not in html
    assert 'data-action="acknowledge"' in html
    assert client.get(reverse("servicedesk:order_detail", args=[other.pk])).status_code == 404
    listed = client.get(reverse("servicedesk:order_list")).content.decode()
    assert mine.number in listed and other.number not in listed


def test_technician_moves_through_milestones_from_the_card(client, open_order, sd):
    order = actions.transition(sd["supervisor"], open_order(), "accept")
    order = actions.transition(
        sd["supervisor"], order, "dispatch", department=sd["engineering"], assignee=sd["tech"]
    )
    client.force_login(sd["tech"])
    for action in ("acknowledge", "depart", "arrive", "start"):
        order.refresh_from_db()
        response = _act(client, order, action, next=reverse("servicedesk:my_tasks"))
        assert response.redirect_chain[-1][0] == reverse("servicedesk:my_tasks")
    order.refresh_from_db()
    response = _act(
        client,
        order,
        "complete",
        resolution="更换角阀",
        confirmed_by="林晓峰",
        confirmation_method="signature",
    )
    order.refresh_from_db()
    assert order.status == "completed"
    assert order.confirmed_by == "林晓峰"


def test_note_internal_and_customer_visible(agent_client, open_order):
    order = open_order()
    url = reverse("servicedesk:order_note", args=[order.pk])
    agent_client.post(url, {"text": "内部：需工程部确认"})
    agent_client.post(url, {"text": "已告知客户明早上门", "customer_visible": "on"})
    assert list(order.notes.values_list("customer_visible", flat=True)) == [False, True]
    html = agent_client.get(reverse("servicedesk:order_detail", args=[order.pk])).content.decode()
    assert "内部：需工程部确认" in html and "客户可见" in html


def test_board_puts_overdue_first_in_red(client, open_order, sd):
    now = timezone.now()
    later = open_order(title="晚到期")
    overdue = open_order(title="已超时")
    none = open_order(title="无时限")
    OrderDeadline.objects.filter(order__in=[later, overdue, none]).delete()
    OrderDeadline.objects.create(
        order=later, metric="arrival", started_at=now, due_at=now + datetime.timedelta(hours=2)
    )
    OrderDeadline.objects.create(
        order=overdue,
        metric="arrival",
        started_at=now - datetime.timedelta(hours=1),
        due_at=now - datetime.timedelta(minutes=5),
    )
    client.force_login(sd["supervisor"])
    response = client.get(reverse("servicedesk:board"))
    numbers = [o.number for o in response.context["page"]]
    assert numbers == [overdue.number, later.number, none.number]
    html = response.content.decode()
    assert f'class="table-danger" id="order-{overdue.pk}"' in html
    assert f'class="" id="order-{later.pk}"' in html


def test_unrepaired_list_shows_the_last_reason(agent_client, open_order, sd):
    order = actions.transition(sd["supervisor"], open_order(), "accept")
    actions.transition(sd["supervisor"], order, "hold", reason="等待配件到货")
    response = agent_client.get(reverse("servicedesk:unrepaired"))
    html = response.content.decode()
    assert order.number in html and "等待配件到货" in html


def test_filters_breached_and_status(agent_client, open_order):
    breached, fine = open_order(), open_order()
    now = timezone.now()
    OrderDeadline.objects.filter(order__in=[breached, fine]).delete()
    OrderDeadline.objects.create(
        order=breached, metric="arrival", started_at=now, due_at=now, breached=True
    )
    url = reverse("servicedesk:order_list")
    page = agent_client.get(url, {"breached": "true"}).context["page"]
    assert [o.pk for o in page] == [breached.pk]
    page = agent_client.get(url, {"breached": "false"}).context["page"]
    assert [o.pk for o in page] == [fine.pk]
    page = agent_client.get(url, {"status": ["accepted"]}).context["page"]
    assert list(page) == []


def test_order_list_has_no_n_plus_one(agent_client, open_order, sd, django_assert_max_num_queries):
    for i in range(12):
        order = open_order(title=f"报修{i}", category=sd["cat_leak"])
        actions.transition(sd["supervisor"], order, "accept")
        actions.transition(
            sd["supervisor"], order, "dispatch", department=sd["engineering"], assignee=sd["tech"]
        )
    # session, user, permissions, staff, projects, count, page, nav/unread… but not per row
    with django_assert_max_num_queries(20):
        response = agent_client.get(reverse("servicedesk:order_list"))
    assert len(response.context["page"]) == 12


def test_daily_summary_counts_link_to_the_list(agent_client, open_order):
    open_order()
    open_order(order_type="complaint", title="噪音投诉")
    today = timezone.localdate()
    html = agent_client.get(reverse("servicedesk:daily"), {"date": today.isoformat()})
    html = html.content.decode()
    assert f"received_after={today}&amp;received_before={today}&amp;order_type=repair" in html
    assert 'id="kpi-received"' in html


def test_callback_record_with_rating(agent_client, open_order, finish_order, sd):
    order = finish_order(open_order())
    callback = Callback.objects.get(order=order)
    response = agent_client.post(
        reverse("servicedesk:callback_record", args=[callback.pk]),
        {
            "method": "phone",
            "questions": "维修是否解决？",
            "customer_words": "已经不漏了",
            "result": "satisfied",
            "attitude": "4",
            "technique": "4",
            "timeliness": "3",
            "promise": "4",
        },
        follow=True,
    )
    assert "回访记录：已完成。" in _messages(response)
    order.refresh_from_db()
    assert order.status == "callback_done"
    rating = order.ratings.get()
    assert (rating.attitude, rating.timeliness, rating.rated_by) == (4, 3, "林晓峰")


def test_callback_ratings_all_or_none(agent_client, open_order, finish_order):
    order = finish_order(open_order())
    callback = Callback.objects.get(order=order)
    response = agent_client.post(
        reverse("servicedesk:callback_record", args=[callback.pk]),
        {"method": "phone", "result": "satisfied", "attitude": "4"},
    )
    assert "满意度须四项都评价，或都不填。" in response.content.decode()
    callback.refresh_from_db()
    assert callback.done_at is None
