from rest_framework.routers import DefaultRouter

app_name = "customers-api"
router = DefaultRouter()
urlpatterns = router.urls
