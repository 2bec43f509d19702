from rest_framework.routers import DefaultRouter

from kefu.customers.api import views

app_name = "customers-api"
router = DefaultRouter()
router.register("buildings", views.BuildingViewSet)
router.register("floors", views.FloorViewSet)
router.register("units", views.UnitViewSet)
router.register("customers", views.CustomerViewSet)
router.register("emergency-contacts", views.EmergencyContactViewSet)
router.register("unit-links", views.CustomerUnitViewSet)
urlpatterns = router.urls
