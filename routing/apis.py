from django.http import Http404
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.errors import Conflict
from routing.selectors import (
    routing_history,
    routing_statistics,
    triage_list,
    user_may_route,
    user_may_triage,
)
from routing.serializers import (
    AssigneeSerializer,
    ConfirmSerializer,
    RouteCreateSerializer,
    RouteSerializer,
    RoutingDecisionSerializer,
    TriageTicketSerializer,
)
from routing.services import (
    RoutingConflict,
    RoutingError,
    ticket_assignee_set,
    ticket_review_confirm,
    ticket_route_manual,
    ticket_triage_reroute,
)
from tickets.models import Ticket
from tickets.selectors import ticket_get_visible
from tickets.serializers import TicketDetailSerializer


def _ticket_or_404(ticket_id: int) -> Ticket:
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        raise Http404(f"No ticket with the id {ticket_id}.")
    return ticket


def _raise_api_error(error: RoutingError):
    if isinstance(error, RoutingConflict):
        raise Conflict(str(error), code=error.code) from error
    raise ValidationError({error.field or "non_field_errors": [str(error)]}) from error


def _require_triage(user) -> None:
    if not user_may_triage(user=user):
        raise PermissionDenied("Only agents and admins may work the triage queue.")


def _require_route(user, ticket: Ticket) -> None:
    if not user_may_route(user=user, ticket=ticket):
        raise PermissionDenied("Only agents of the ticket's current department and admins may route it.")


def _ticket_response(request, ticket_id: int, status_code: int = status.HTTP_200_OK) -> Response:
    ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
    return Response(TicketDetailSerializer(ticket).data, status=status_code)


class RouteCreateApi(APIView):
    """Route a ticket by hand: ``{"ticket_id", "department", "reason"}``."""

    serializer_class = RouteCreateSerializer  # the browsable API shows a form for it

    def post(self, request):
        serializer = RouteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = _ticket_or_404(data["ticket_id"])
        _require_route(request.user, ticket)
        try:
            decision = ticket_route_manual(
                ticket_id=ticket.pk, department=data["department"], actor=request.user, reason=data["reason"]
            )
        except RoutingError as error:
            _raise_api_error(error)
        return Response(RoutingDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class RouteUpdateApi(APIView):
    """Reroute a ticket: ``{"department", "reason"}``."""

    serializer_class = RouteSerializer  # the browsable API shows a form for it

    def put(self, request, ticket_id: int):
        ticket = _ticket_or_404(ticket_id)
        _require_route(request.user, ticket)
        serializer = RouteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = ticket_route_manual(
                ticket_id=ticket.pk,
                department=serializer.validated_data["department"],
                actor=request.user,
                reason=serializer.validated_data["reason"],
            )
        except RoutingError as error:
            _raise_api_error(error)
        return Response(RoutingDecisionSerializer(decision).data)


class TriageListApi(generics.ListAPIView):
    """Tickets waiting for a human to confirm or correct their department, oldest first."""

    serializer_class = TriageTicketSerializer

    def get_queryset(self):
        _require_triage(self.request.user)
        return triage_list()


class TriageConfirmApi(APIView):
    """Agree with the department the ticket was routed to."""

    serializer_class = ConfirmSerializer  # the browsable API shows a form for it

    def post(self, request, ticket_id: int):
        _require_triage(request.user)
        ticket = _ticket_or_404(ticket_id)
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = ticket_review_confirm(
                ticket_id=ticket.pk, actor=request.user, reason=serializer.validated_data["reason"]
            )
        except RoutingError as error:
            _raise_api_error(error)
        return Response(RoutingDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class TriageRerouteApi(APIView):
    """Send a triage ticket to another department: ``{"department", "reason"}``."""

    serializer_class = RouteSerializer  # the browsable API shows a form for it

    def post(self, request, ticket_id: int):
        _require_triage(request.user)
        ticket = _ticket_or_404(ticket_id)
        serializer = RouteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = ticket_triage_reroute(
                ticket_id=ticket.pk,
                department=serializer.validated_data["department"],
                actor=request.user,
                reason=serializer.validated_data["reason"],
            )
        except RoutingError as error:
            _raise_api_error(error)
        return Response(RoutingDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class TicketAssigneeApi(APIView):
    """Reassign a ticket: ``{"assignee": "username"}`` (an agent of its department), or null."""

    serializer_class = AssigneeSerializer  # the browsable API shows a form for it

    def put(self, request, ticket_id: int):
        ticket = _ticket_or_404(ticket_id)
        _require_route(request.user, ticket)
        serializer = AssigneeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            ticket_assignee_set(
                ticket_id=ticket.pk, assignee=serializer.validated_data["assignee"], actor=request.user
            )
        except RoutingError as error:
            _raise_api_error(error)
        return _ticket_response(request, ticket.pk)


class RoutingHistoryApi(generics.ListAPIView):
    """The ticket's routing decisions, oldest first."""

    serializer_class = RoutingDecisionSerializer
    pagination_class = None

    def get_queryset(self):
        ticket_id = int(self.kwargs["ticket_id"])
        if ticket_get_visible(user=self.request.user, ticket_id=ticket_id) is None:
            raise Http404(f"No ticket with the id {ticket_id}.")
        return routing_history(ticket_id=ticket_id)


class RoutingStatisticsApi(APIView):
    """Routing totals, reroute rates, corrections, time to routing and triage counts."""

    def get(self, request):
        _require_triage(request.user)
        return Response(routing_statistics())
