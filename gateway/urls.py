from django.urls import include, re_path
from rest_framework.authtoken.views import obtain_auth_token

from gateway import apis

urlpatterns = [
    re_path(r"^$", apis.ApiRootApi.as_view(), name="api-root"),
    re_path(r"^health/?$", apis.HealthApi.as_view(), name="health"),
    re_path(r"^auth/token/?$", obtain_auth_token, name="auth-token"),
    re_path(r"^", include("tickets.urls")),
    re_path(r"^", include("analytics.urls")),
]
