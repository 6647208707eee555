from django.urls import re_path

from analytics import apis

# Every path answers with and without a trailing slash.
urlpatterns = [
    re_path(r"^dashboard/summary/?$", apis.DashboardSummaryApi.as_view(), name="dashboard-summary"),
    re_path(r"^analytics/performance/?$", apis.PerformanceApi.as_view(), name="analytics-performance"),
    re_path(r"^analytics/trends/?$", apis.TrendsApi.as_view(), name="analytics-trends"),
    re_path(
        r"^analytics/departments/(?P<slug>[-\w]+)/?$",
        apis.DepartmentAnalyticsApi.as_view(),
        name="analytics-department",
    ),
    re_path(r"^analytics/events/?$", apis.EventListApi.as_view(), name="analytics-events"),
]
