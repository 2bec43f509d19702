from django.urls import path

from kefu.customers import views

app_name = "customers"
urlpatterns: list = []
