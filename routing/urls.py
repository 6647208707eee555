from django.urls import re_path

from routing import apis

# Every path answers with and without a trailing slash.
urlpatterns = [
    re_path(r"^route/?$", apis.RouteCreateApi.as_view(), name="route-create"),
    re_path(r"^route/(?P<ticket_id>\d+)/?$", apis.RouteUpdateApi.as_view(), name="route-update"),
    re_path(r"^triage/?$", apis.TriageListApi.as_view(), name="triage-list"),
    re_path(r"^triage/(?P<ticket_id>\d+)/confirm/?$", apis.TriageConfirmApi.as_view(), name="triage-confirm"),
    re_path(r"^triage/(?P<ticket_id>\d+)/reroute/?$", apis.TriageRerouteApi.as_view(), name="triage-reroute"),
    re_path(r"^tickets/(?P<ticket_id>\d+)/assignee/?$", apis.TicketAssigneeApi.as_view(), name="ticket-assignee"),
    re_path(
        r"^tickets/(?P<ticket_id>\d+)/routing-history/?$", apis.RoutingHistoryApi.as_view(), name="routing-history"
    ),
    re_path(r"^routing/statistics/?$", apis.RoutingStatisticsApi.as_view(), name="routing-statistics"),
    re_path(r"^dashboard/routing/?$", apis.RoutingStatisticsApi.as_view(), name="dashboard-routing"),
]
