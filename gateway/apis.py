from django.urls import NoReverseMatch
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from gateway.health import broker_check, database_check


class HealthApi(APIView):
    """Is the service usable? 200 when the database and the broker answer, 503 naming what failed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        failures = {"database": database_check(), "broker": broker_check()}
        checks = {name: ("ok" if error is None else f"error: {error}") for name, error in failures.items()}
        failed = [name for name, error in failures.items() if error is not None]
        if failed:
            return Response(
                {"status": "error", "failed": failed, "checks": checks}, status=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        return Response({"status": "ok", "checks": checks})


# A placeholder id, replaced by {ticket_id} in the root's link templates.
_ID = 987654321


class ApiRootApi(APIView):
    """The Smart Ticket System API: every resource is linked below.

    Sign in (top right) to use the forms, or send `Authorization: Token <key>` with a key
    from `auth_token`. Links that need a ticket id are shown as templates.
    """

    permission_classes = [AllowAny]

    # (key, URL names to try, example kwargs). A resource whose name this deployment does not
    # define (docs, schema and analytics come from other apps) is left out instead of failing.
    LINKS = (
        ("tickets", ("ticket-list",), {}),
        ("ticket", ("ticket-detail",), {"ticket_id": _ID}),
        ("ticket_status", ("ticket-status",), {"ticket_id": _ID}),
        ("ticket_assignee", ("ticket-assignee",), {"ticket_id": _ID}),
        ("ticket_routing_history", ("routing-history",), {"ticket_id": _ID}),
        ("departments", ("department-list",), {}),
        ("department_tickets", ("department-tickets",), {"slug": "SLUG"}),
        ("triage", ("triage-list",), {}),
        ("route", ("route-create",), {}),
        ("reroute", ("route-update",), {"ticket_id": _ID}),
        ("routing_statistics", ("routing-statistics",), {}),
        ("dashboard_summary", ("dashboard-summary",), {}),
        ("analytics_performance", ("analytics-performance",), {}),
        ("analytics_trends", ("analytics-trends",), {}),
        ("analytics_events", ("analytics-events",), {}),
        ("health", ("health",), {}),
        ("auth_token", ("auth-token",), {}),
        ("docs", ("swagger-ui", "api-docs"), {}),
        ("redoc", ("redoc",), {}),
        ("schema", ("schema", "api-schema"), {}),
    )

    def get(self, request):
        links = {}
        for key, names, kwargs in self.LINKS:
            url = self._reverse_first(request, names, kwargs)
            if url is None:
                continue
            if "ticket_id" in kwargs:
                url = url.replace(str(_ID), "{ticket_id}")
            if "slug" in kwargs:
                url = url.replace("SLUG", "{slug}")
            links[key] = url
        return Response(links)

    @staticmethod
    def _reverse_first(request, names: tuple[str, ...], kwargs: dict) -> str | None:
        for name in names:
            try:
                return reverse(name, request=request, kwargs=kwargs or None)
            except NoReverseMatch:
                continue
        return None
