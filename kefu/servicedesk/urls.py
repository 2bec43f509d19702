from django.urls import path

from kefu.servicedesk import views

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
    path("queue/", views.department_queue, name="queue"),
    path("board/", views.board, name="board"),
    path("unrepaired/", views.unrepaired, name="unrepaired"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("callbacks/", views.callback_worklist, name="callbacks"),
    path("callbacks/<int:pk>/", views.callback_record, name="callback_record"),
    path("daily/", views.daily, name="daily"),
]
