import hmac

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from django.urls import NoReverseMatch
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from gateway.health import health_report
from gateway.metrics import metrics_exposition
from gateway.schema import COMMON_ERRORS, HEALTH_EXAMPLE, HEALTH_RESPONSE, error_responses


class _ProbeApi(APIView):
    """Health endpoints: no authentication and no throttling, for orchestrators and monitors."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def report_response(self, report: dict) -> Response:
        code = status.HTTP_200_OK if report["status"] == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
        return Response(report, status=code)


_HEALTH_RESPONSES = {
    200: OpenApiResponse(HEALTH_RESPONSE, description="Every check passed."),
    503: OpenApiResponse(HEALTH_RESPONSE, description="At least one check failed; `failed` names them."),
    **error_responses(405, 500),
}


class HealthApi(_ProbeApi):
    """Every registered check (database, broker, result backend, a worker per queue, queue depths),
    cached for a few seconds. 200 when all pass, 503 naming the failed ones."""

    @extend_schema(tags=["health"], responses=_HEALTH_RESPONSES, examples=[HEALTH_EXAMPLE], auth=[])
    def get(self, request):
        return self.report_response(health_report())


class HealthLiveApi(_ProbeApi):
    """Liveness: the web process answers. Touches nothing else."""

    @extend_schema(
        tags=["health"],
        auth=[],
        responses={
            200: inline_serializer("Liveness", {"status": serializers.ChoiceField(choices=["ok"])}),
            **error_responses(405, 500),
        },
    )
    def get(self, request):
        return Response({"status": "ok"})


class HealthReadyApi(_ProbeApi):
    """Readiness: the database and the broker answer (the process can take traffic)."""

    @extend_schema(tags=["health"], responses=_HEALTH_RESPONSES, auth=[])
    def get(self, request):
        return self.report_response(health_report(names=list(settings.HEALTH_READY_CHECKS)))


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

    @extend_schema(
        tags=["meta"],
        responses={
            200: inline_serializer(
                "ApiRoot", {key: serializers.CharField(required=False) for key, _names, _kwargs in LINKS}
            ),
            **error_responses(*COMMON_ERRORS),
        },
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


def metrics_allowed(request) -> bool:
    """A bearer token when METRICS_TOKEN is set; otherwise only clients from METRICS_ALLOWED_IPS."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(supplied.strip().encode(), token.encode())
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


def metrics_view(request):
    """Prometheus text format of every web and worker process (multiprocess mode)."""
    if not metrics_allowed(request):
        response = HttpResponse(
            "Forbidden: send Authorization: Bearer <METRICS_TOKEN>.\n", status=403, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    body, content_type = metrics_exposition()
    return HttpResponse(body, content_type=content_type)


class AuthTokenApi(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token <token>`)."""

    renderer_classes = api_settings.DEFAULT_RENDERER_CLASSES
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(
        tags=["auth"],
        auth=[],
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            **error_responses(400, 413, 415, *COMMON_ERRORS),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
