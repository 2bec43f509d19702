from rest_framework.routers import DefaultRouter

from kefu.calendars.api.views import BusinessHoursViewSet, CalendarDayViewSet, ComputeViewSet

app_name = "calendars-api"
router = DefaultRouter()
router.register("days", CalendarDayViewSet)
router.register("hours", BusinessHoursViewSet)
router.register("compute", ComputeViewSet, basename="compute")
urlpatterns = router.urls
