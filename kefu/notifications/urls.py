from django.urls import path

from kefu.notifications import views

app_name = "notifications"
urlpatterns: list = []
