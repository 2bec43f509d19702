from django.urls import include, path

from kefu.customers import views

app_name = "customers"
urlpatterns = [
    path("lookup/", views.lookup_view, name="lookup"),
    path("", views.customer_list, name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/reveal/", views.reveal_view, name="reveal"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/units/", views.unit_link_add, name="unit_link_add"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("", include("kefu.customers.urls_import")),
]
