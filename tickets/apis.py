from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.errors import Conflict
from tickets.filters import TicketFilter
from tickets.models import Department, TicketEvent
from tickets.selectors import department_list_with_open_counts, ticket_get_visible, ticket_list_visible
from tickets.serializers import (
    DepartmentSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TicketStatusSerializer,
)
from tickets.services import TicketTransitionError, ticket_create, ticket_status_update


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
        ticket = ticket_create(created_by=request.user, **serializer.validated_data)
        # Answer from the row just written rather than reading it back with its relations: the
        # hot path of intake (bench/). Only the event trail is read, in one query.
        prefetch_related_objects([ticket], Prefetch("events", queryset=TicketEvent.objects.select_related("actor")))
        return Response(TicketDetailSerializer(ticket).data, status=status.HTTP_201_CREATED)


class TicketDetailApi(APIView):
    """One ticket, with its event trail."""

    def get(self, request, ticket_id: int):
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        if ticket is None:
            raise Http404("No ticket with that id.")
        return Response(TicketDetailSerializer(ticket).data)


class TicketStatusApi(APIView):
    """Change a ticket's status: pending → in_progress → resolved, pending → resolved, resolved → in_progress."""

    serializer_class = TicketStatusSerializer

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
