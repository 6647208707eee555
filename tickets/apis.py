from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.context import ticket_id_bind
from gateway.errors import Conflict
from gateway.schema import AUTH_ERRORS, BODY_ERRORS, COMMON_ERRORS, error_responses
from gateway.throttling import AnonymousRateThrottle, TicketCreateRateThrottle
from tickets.filters import TicketFilter
from tickets.models import STATUS_TRANSITIONS, Department, Ticket, TicketEvent
from tickets.selectors import department_list_with_open_counts, ticket_get_visible, ticket_list_visible
from tickets.serializers import (
    DepartmentSerializer,
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TicketStatusSerializer,
)
from tickets.services import IdempotencyKeyReused, TicketTransitionError, ticket_create, ticket_status_update


# Lists: filters (TicketFilter), `search` over title and description, `ordering`.
TICKET_SEARCH_FIELDS = ("title", "description")
TICKET_ORDERING_FIELDS = ("created_at", "updated_at", "id", "status", "confidence", "title")
_LIST_ERRORS = error_responses(400, *AUTH_ERRORS, *COMMON_ERRORS)


@extend_schema_view(
    get=extend_schema(
        tags=["tickets"],
        summary="List tickets",
        description="The tickets you can see, newest first; filter, `search` (title, description), `ordering` "
        "(prefix `-` for descending) and paginate (`page`, `page_size` up to 100).",
        responses={200: TicketSerializer(many=True), **_LIST_ERRORS},
    )
)
class TicketListCreateApi(generics.ListAPIView):
    """List the tickets you can see (newest first, filterable, searchable), or create one."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    search_fields = TICKET_SEARCH_FIELDS
    ordering_fields = TICKET_ORDERING_FIELDS
    ordering = ("-created_at", "-id")
    throttle_classes = [AnonymousRateThrottle, TicketCreateRateThrottle]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Ticket.objects.none()
        return ticket_list_visible(user=self.request.user)

    def get_serializer_class(self):
        return TicketCreateSerializer if self.request.method == "POST" else TicketSerializer

    @extend_schema(
        tags=["tickets"],
        summary="Create a ticket",
        description="Stores the ticket and starts the categorize → route → record pipeline. "
        "Throttled per user (THROTTLE_TICKET_CREATE_RATE).",
        request=TicketCreateSerializer,
        responses={201: TicketDetailSerializer, **error_responses(*BODY_ERRORS, *AUTH_ERRORS, *COMMON_ERRORS)},
    )
    def post(self, request):
        serializer = TicketCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        idempotency_key = request.headers.get("Idempotency-Key", "").strip() or None
        if idempotency_key and len(idempotency_key) > 128:
            raise ValidationError({"Idempotency-Key": ["At most 128 characters."]})
        try:
            ticket = ticket_create(
                created_by=request.user, idempotency_key=idempotency_key, **serializer.validated_data
            )
        except IdempotencyKeyReused as error:
            raise Conflict(str(error), code="idempotency_key_reused") from error
        ticket_id_bind(ticket.pk)
        # Answer from the row just written rather than reading it back with its relations: the
        # hot path of intake (bench/). Only the event trail is read, in one query.
        prefetch_related_objects([ticket], Prefetch("events", queryset=TicketEvent.objects.select_related("actor")))
        headers = {"Idempotent-Replayed": "true"} if ticket.replayed else {}
        return Response(TicketDetailSerializer(ticket).data, status=status.HTTP_201_CREATED, headers=headers)


class TicketDetailApi(APIView):
    """One ticket, with its event trail (every change, who made it and when)."""

    @extend_schema(
        tags=["tickets"],
        summary="Get a ticket",
        responses={200: TicketDetailSerializer, **error_responses(404, *AUTH_ERRORS, *COMMON_ERRORS)},
    )
    def get(self, request, ticket_id: int):
        ticket_id_bind(int(ticket_id))
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        if ticket is None:
            raise Http404("No ticket with that id.")
        return Response(TicketDetailSerializer(ticket).data)


class TicketStatusApi(APIView):
    """Change a ticket's status: pending → in_progress → resolved, pending → resolved, resolved → in_progress."""

    serializer_class = TicketStatusSerializer

    @extend_schema(
        tags=["tickets"],
        summary="A ticket's status and the moves allowed from it",
        responses={
            200: inline_serializer(
                "TicketStatusMoves",
                {
                    "id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "allowed": serializers.ListField(child=serializers.CharField()),
                },
            ),
            **error_responses(*AUTH_ERRORS, 404, *COMMON_ERRORS),
        },
    )
    def get(self, request, ticket_id: int):
        """The current status and the moves allowed from it (the form below makes one)."""
        ticket = ticket_get_visible(user=request.user, ticket_id=ticket_id)
        if ticket is None:
            raise Http404("No ticket with that id.")
        return Response({"id": ticket.pk, "status": ticket.status, "allowed": list(STATUS_TRANSITIONS[ticket.status])})

    @extend_schema(
        tags=["tickets"],
        summary="Change a ticket's status (staff)",
        request=TicketStatusSerializer,
        responses={
            200: TicketDetailSerializer,
            **error_responses(*BODY_ERRORS, *AUTH_ERRORS, 404, 409, *COMMON_ERRORS),
        },
    )
    def put(self, request, ticket_id: int):
        ticket_id_bind(int(ticket_id))
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


@extend_schema_view(
    get=extend_schema(
        tags=["departments"],
        summary="List departments",
        responses={200: DepartmentSerializer(many=True), **error_responses(*AUTH_ERRORS, *COMMON_ERRORS)},
    )
)
class DepartmentListApi(generics.ListAPIView):
    """The departments, with the number of open tickets you can see in each."""

    serializer_class = DepartmentSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Department.objects.none()
        return department_list_with_open_counts(user=self.request.user)


@extend_schema_view(
    get=extend_schema(
        tags=["departments"],
        summary="List one department's tickets",
        responses={200: TicketSerializer(many=True), **error_responses(404), **_LIST_ERRORS},
    )
)
class DepartmentTicketListApi(generics.ListAPIView):
    """The tickets of one department that you can see (same filters, search and ordering as the ticket list)."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    search_fields = TICKET_SEARCH_FIELDS
    ordering_fields = TICKET_ORDERING_FIELDS
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        department = get_object_or_404(Department, slug=self.kwargs["slug"])
        return ticket_list_visible(user=self.request.user).filter(department=department)
