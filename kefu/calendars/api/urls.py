from rest_framework.routers import DefaultRouter

app_name = "calendars-api"
router = DefaultRouter()
urlpatterns = router.urls
