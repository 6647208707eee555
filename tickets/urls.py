from django.urls import re_path

from tickets import apis

# Every path answers with and without a trailing slash.
urlpatterns = [
    re_path(r"^tickets/?$", apis.TicketListCreateApi.as_view(), name="ticket-list"),
    re_path(r"^tickets/(?P<ticket_id>\d+)/?$", apis.TicketDetailApi.as_view(), name="ticket-detail"),
    re_path(r"^tickets/(?P<ticket_id>\d+)/status/?$", apis.TicketStatusApi.as_view(), name="ticket-status"),
    re_path(r"^departments/?$", apis.DepartmentListApi.as_view(), name="department-list"),
    re_path(
        r"^departments/(?P<slug>[-\w]+)/tickets/?$", apis.DepartmentTicketListApi.as_view(), name="department-tickets"
    ),
]
