from django.urls import path

from kefu.calendars import views

app_name = "calendars"
urlpatterns: list = []
