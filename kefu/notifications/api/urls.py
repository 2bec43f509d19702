from rest_framework.routers import DefaultRouter

app_name = "notifications-api"
router = DefaultRouter()
urlpatterns = router.urls
