from rest_framework.routers import DefaultRouter

from kefu.core.api.views_audit import LogEntryViewSet

app_name = "audit-api"
router = DefaultRouter()
router.register("entries", LogEntryViewSet, basename="logentry")
urlpatterns = router.urls
