from rest_framework.routers import DefaultRouter

from kefu.servicedesk.api import views

app_name = "servicedesk-api"
router = DefaultRouter()
router.register("orders", views.WorkOrderViewSet)
router.register("callbacks", views.CallbackViewSet)
router.register("ratings", views.RatingViewSet)
router.register("categories", views.CategoryViewSet)
router.register("policies", views.SlaPolicyViewSet)
router.register("price-items", views.PriceItemViewSet)
router.register("compensations", views.CompensationViewSet)
router.register("incidents", views.IncidentViewSet)
router.register("daily-summary", views.DailySummaryViewSet, basename="daily-summary")
urlpatterns = router.urls
