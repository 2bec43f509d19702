from django.urls import path
from rest_framework.routers import DefaultRouter

from kefu.org.api import views

app_name = "org-api"
router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("staff", views.StaffViewSet, basename="staff")
urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
