from django.urls import path

from kefu.calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("override/", views.override_view, name="override"),
    path("compute/", views.compute_view, name="compute"),
    path("hours/", views.hours_view, name="hours"),
    path("hours/default/", views.hours_edit_view, name="hours_edit_default"),
    path("hours/<int:project_id>/", views.hours_edit_view, name="hours_edit"),
]
