from rest_framework.routers import DefaultRouter

from kefu.notifications.api.views import InboxViewSet

app_name = "notifications-api"
router = DefaultRouter()
router.register("inbox", InboxViewSet, basename="inbox")
urlpatterns = router.urls
