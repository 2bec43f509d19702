from django.urls import path

from kefu.servicedesk import views, views_paid

app_name = "servicedesk"
urlpatterns = [
    path("", views.my_orders, name="my_orders"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/new/lookup/", views.caller_lookup, name="caller_lookup"),
    path("orders/duplicates/", views.duplicates, name="duplicates"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/actions/<slug:action>/", views.order_action, name="order_action"),
    path("orders/<int:pk>/classify/", views.order_classify, name="order_classify"),
    path("orders/<int:pk>/transfer/", views.order_transfer, name="order_transfer"),
    path("orders/<int:pk>/notes/", views.order_note, name="order_note"),
    path("orders/<int:pk>/attachments/", views.order_attachment, name="order_attachment"),
    # Paid service, compensation, incidents (R-TKT-08, R-TKT-10, R-TKT-14).
    path("orders/<int:pk>/quote/", views_paid.order_quote, name="order_quote"),
    path("orders/<int:pk>/quote/accept/", views_paid.order_quote_accept, name="order_quote_accept"),
    path("orders/<int:pk>/finance/", views_paid.order_finance, name="order_finance"),
    path("orders/<int:pk>/materials/", views_paid.order_materials, name="order_materials"),
    path(
        "orders/<int:pk>/compensations/",
        views_paid.compensation_request,
        name="compensation_request",
    ),
    path(
        "compensations/<int:pk>/decide/",
        views_paid.compensation_decide,
        name="compensation_decide",
    ),
    path(
        "compensations/<int:pk>/customer-rejects/",
        views_paid.compensation_customer_rejects,
        name="compensation_customer_rejects",
    ),
    path("orders/<int:pk>/incident/", views_paid.incident_checklist, name="incident_checklist"),
    path("orders/<int:pk>/incident/report/", views_paid.incident_report, name="incident_report"),
    path("incidents/new/", views_paid.incident_create, name="incident_create"),
    path("queue/", views.department_queue, name="queue"),
    path("board/", views.board, name="board"),
    path("unrepaired/", views.unrepaired, name="unrepaired"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("callbacks/", views.callback_worklist, name="callbacks"),
    path("callbacks/<int:pk>/", views.callback_record, name="callback_record"),
    path("daily/", views.daily, name="daily"),
]
