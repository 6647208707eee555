from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import selectors
from analytics.serializers import (
    DepartmentDetailQuerySerializer,
    EventSerializer,
    EventsQuerySerializer,
    RangeQuerySerializer,
    TrendsQuerySerializer,
)
from gateway.schema import AUTH_ERRORS, COMMON_ERRORS, error_responses
from tickets.models import Department

_ERRORS = error_responses(400, *AUTH_ERRORS, *COMMON_ERRORS)


def _described(query_serializer=None, extra: dict | None = None):
    """Figures are nested JSON objects whose keys are department slugs and dates."""
    return extend_schema(
        tags=["analytics"],
        parameters=[query_serializer] if query_serializer else None,
        responses={200: OpenApiTypes.OBJECT, **_ERRORS, **(extra or {})},
    )


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)  # 400 with a message per field
    return serializer.validated_data


class DashboardSummaryApi(APIView):
    """Totals per status and department, open backlog, created/resolved today and in 7 days, review queue,
    mean and median resolution time. Staff (agents) only."""

    permission_classes = [IsAdminUser]

    @_described()
    def get(self, request):
        return Response(selectors.dashboard_summary())


class PerformanceApi(APIView):
    """KPIs: time to categorize/route/resolve (p50, p90) per department, method mix, confidence, reroute rate.
    Optional ?since=&until= (days) and ?department=slug."""

    permission_classes = [IsAdminUser]

    @_described(RangeQuerySerializer)
    def get(self, request):
        query = _query(RangeQuerySerializer, request)
        return Response(
            selectors.performance_get(
                since=query.get("since"), until=query.get("until"), department=query.get("department")
            )
        )


class TrendsApi(APIView):
    """Created, resolved and open backlog per day or week: ?interval=day|week&days=N&department=slug."""

    permission_classes = [IsAdminUser]

    @_described(TrendsQuerySerializer)
    def get(self, request):
        query = _query(TrendsQuerySerializer, request)
        return Response(
            selectors.trends_get(interval=query["interval"], days=query["days"], department=query.get("department"))
        )


class DepartmentAnalyticsApi(APIView):
    """One department's KPIs, gauges and daily trend (?days=N, default 30)."""

    permission_classes = [IsAdminUser]

    @_described(DepartmentDetailQuerySerializer, extra=error_responses(404))
    def get(self, request, slug: str):
        generics.get_object_or_404(Department, slug=slug)
        query = _query(DepartmentDetailQuerySerializer, request)
        return Response(selectors.department_detail_get(slug=slug, days=query["days"]))


class EventPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class EventListApi(generics.ListAPIView):
    """The audit trail, newest first, cursor-paginated: ?ticket=id&kind=ticket.routed&since=ISO-datetime."""

    permission_classes = [IsAdminUser]
    serializer_class = EventSerializer
    pagination_class = EventPagination
    filter_backends: list = []

    @extend_schema(
        tags=["analytics"],
        parameters=[EventsQuerySerializer],
        responses={200: EventSerializer(many=True), **_ERRORS, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = _query(EventsQuerySerializer, self.request)
        return selectors.event_list(ticket=query.get("ticket"), kind=query.get("kind"), since=query.get("since"))
