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


class ApiRootApi(APIView):
    """The Smart Ticket System API: every resource is linked below."""

    permission_classes = [AllowAny]

    def get(self, request):
        def link(name: str, **kwargs) -> str:
            return reverse(name, request=request, kwargs=kwargs or None)

        return Response(
            {
                "tickets": link("ticket-list"),
                "departments": link("department-list"),
                "health": link("health"),
                "auth_token": link("auth-token"),
            }
        )
