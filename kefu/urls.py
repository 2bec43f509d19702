from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from kefu.core import views as core_views

api_patterns = [
    path("", core_views.api_root, name="api-root"),
    path("auth/token/", core_views.ObtainTokenView.as_view(), name="api-token"),
    path("org/", include("kefu.org.api.urls")),
    path("customers/", include("kefu.customers.api.urls")),
    path("calendars/", include("kefu.calendars.api.urls")),
    path("notifications/", include("kefu.notifications.api.urls")),
    path("audit/", include("kefu.core.api.urls")),
    path("servicedesk/", include("kefu.servicedesk.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("system/", core_views.system_status, name="system_status"),
    path(
        "audit/<str:app_label>/<str:model>/<int:pk>/",
        core_views.audit_history,
        name="audit_history",
    ),
    path("org/", include("kefu.org.urls")),
    path("customers/", include("kefu.customers.urls")),
    path("calendars/", include("kefu.calendars.urls")),
    path("notifications/", include("kefu.notifications.urls")),
    path("servicedesk/", include("kefu.servicedesk.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
