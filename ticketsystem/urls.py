from django.contrib import admin
from django.urls import include, path, re_path

from gateway.apis import metrics_view

# API versioning: /api/v1/ is canonical; /api/ is an alias of the current version,
# so clients that pin a version keep working when v2 arrives.
urlpatterns = [
    path("admin/", admin.site.urls),
    # The alias comes first: Django's reverse() answers with the last pattern of a
    # name, so links point at the canonical /api/v1/ paths.
    path("api/", include("gateway.urls")),
    path("api/v1/", include("gateway.urls")),
    path("api-auth/", include("rest_framework.urls")),
    re_path(r"^metrics/?$", metrics_view, name="metrics"),
    re_path(r"^dashboard/?", include("analytics.page_urls")),
]

handler404 = "gateway.errors.handler404"
handler500 = "gateway.errors.handler500"
