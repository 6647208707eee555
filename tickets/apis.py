from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.errors import Conflict
from tickets.filters import TicketFilter
from tickets.models import STATUS_TRANSITIONS, Department
from tickets.selectors import department_list_with_open_counts, ticket_get_visible, ticket_list_visible
from tickets.serializers import (
    DepartmentSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TicketStatusSerializer,
)
from tickets.services import IdempotencyKeyReused, TicketTransitionError, ticket_create, ticket_status_update


class TicketListCreateApi(generics.ListAPIView):
    """List the tickets you can see (newest first, filter by status and department), or create one."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter

    def get_queryset(self):
        return ticket_list_visible(user=self.request.user)

    def get_serializer_class(self):
        return TicketCreateSerializer if self.request.method == "POST" else TicketSerializer

    def post(self, request):
        serializer = TicketCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        idempotency_key = request.headers.get("Idempotency-Key", "").strip() or None
        if idempotency_key and len(idempotency_key) > 128:
            raise ValidationError({"Idempotency-Key": ["At most 128 characters."]})
        try:
            created = ticket_create(
                created_by=request.user, idempotency_key=idempotency_key, **serializer.validated_data
            )
        except IdempotencyKeyReused as error:
            raise Conflict(str(error), code="idempotency_key_reused") from error
        ticket = ticket_get_visible(user=request.user, ticket_id=created.pk)
        headers = {"Idempotent-Replayed": "true"} if created.replayed else {}
        return Response(TicketDetailSerializer(ticket).data, status=status.HTTP_201_CREATED, headers=headers)


class TicketDetailApi(APIView):
    """One ticket, with its event trail (every change, who made it and when)."""

    def get(self, request, ticket_id: int):
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        if ticket is None:
            raise Http404("No ticket with that id.")
        return Response(TicketDetailSerializer(ticket).data)


class TicketStatusApi(APIView):
    """Change a ticket's status: pending → in_progress → resolved, pending → resolved, resolved → in_progress."""

    serializer_class = TicketStatusSerializer

    def get(self, request, ticket_id: int):
        """The current status and the moves allowed from it (the form below makes one)."""
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        if ticket is None:
            raise Http404("No ticket with that id.")
        return Response({"id": ticket.pk, "status": ticket.status, "allowed": list(STATUS_TRANSITIONS[ticket.status])})

    def put(self, request, ticket_id: int):
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        if ticket is None:
            raise Http404("No ticket with that id.")
        if not request.user.is_staff:
            raise PermissionDenied("Only staff can change a ticket's status.")
        serializer = TicketStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            ticket_status_update(ticket_id=ticket.pk, status=serializer.validated_data["status"], actor=request.user)
        except TicketTransitionError as error:
            raise Conflict(
                str(error),
                code="invalid_transition",
                details={"current": error.current, "allowed": error.allowed},
            ) from error
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket.pk)
        return Response(TicketDetailSerializer(ticket).data)


class DepartmentListApi(generics.ListAPIView):
    """The departments, with the number of open tickets you can see in each."""

    serializer_class = DepartmentSerializer
    pagination_class = None

    def get_queryset(self):
        return department_list_with_open_counts(user=self.request.user)


class DepartmentTicketListApi(generics.ListAPIView):
    """The tickets of one department that you can see."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter

    def get_queryset(self):
        department = get_object_or_404(Department, slug=self.kwargs["slug"])
        return ticket_list_visible(user=self.request.user).filter(department=department)
