from django.urls import include, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from gateway import apis, ping

urlpatterns = [
    re_path(r"^$", apis.ApiRootApi.as_view(), name="api-root"),
    re_path(r"^health/?$", apis.HealthApi.as_view(), name="health"),
    re_path(r"^health/live/?$", apis.HealthLiveApi.as_view(), name="health-live"),
    re_path(r"^health/ready/?$", apis.HealthReadyApi.as_view(), name="health-ready"),
    re_path(r"^auth/token/?$", apis.AuthTokenApi.as_view(), name="auth-token"),
    # The API's own description; the UIs load their assets from drf-spectacular-sidecar (offline).
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    re_path(r"^redoc/?$", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^ping/?$", ping.PingApi.as_view(), name="ping"),
    re_path(r"^", include("tickets.urls")),
    re_path(r"^", include("routing.urls")),
    re_path(r"^", include("analytics.urls")),
]
