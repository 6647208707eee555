"""Every write to a ticket goes through these functions: the API, the admin and
the pipeline tasks all call them, so events are recorded the same way."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.models import STATUS_TRANSITIONS, EventKind, Ticket, TicketEvent, TicketStatus
from tickets.pipeline import analytics_refresh, pipeline_start


class TicketTransitionError(Exception):
    """A status move the lifecycle does not allow."""

    def __init__(self, *, current: str, requested: str) -> None:
        self.current = current
        self.requested = requested
        self.allowed = list(STATUS_TRANSITIONS.get(current, ()))
        allowed = ", ".join(self.allowed) or "none"
        super().__init__(f"Cannot move a ticket from '{current}' to '{requested}'. Allowed from '{current}': {allowed}.")


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: AbstractBaseUser | None = None,
    payload: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> TicketEvent | None:
    """Append an event to the ticket's audit trail.

    With a ``dedupe_key`` the event is recorded at most once per ticket; a second
    call returns None instead of writing a duplicate.
    """
    if dedupe_key and TicketEvent.objects.filter(ticket=ticket, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return TicketEvent.objects.create(
                ticket=ticket, kind=kind, actor=actor, payload=payload or {}, dedupe_key=dedupe_key
            )
    except IntegrityError:
        if dedupe_key:  # lost a race with another delivery of the same task
            return None
        raise


class IdempotencyKeyReused(Exception):
    """The same Idempotency-Key came with a different request body."""


def _ticket_for_idempotency_key(*, created_by, key: str, title: str, description: str, requester_email: str):
    existing = Ticket.objects.filter(created_by=created_by, idempotency_key=key).first()
    if existing is None:
        return None
    if (existing.title, existing.description, existing.requester_email) != (title, description, requester_email):
        raise IdempotencyKeyReused(f"Idempotency-Key '{key}' was already used for a different ticket.")
    return existing


def ticket_create(
    *,
    title: str,
    requester_email: str,
    description: str = "",
    requester_name: str = "",
    created_by: AbstractBaseUser | None = None,
    idempotency_key: str | None = None,
) -> Ticket:
    """Store a ticket and its ``ticket.created`` event, then start the pipeline after commit.

    With an ``idempotency_key`` (per user), a repeated call returns the first ticket.
    Check ``ticket.replayed`` to tell the two apart.
    """
    if idempotency_key:
        lookup = dict(
            created_by=created_by, key=idempotency_key, title=title, description=description,
            requester_email=requester_email,
        )
        existing = _ticket_for_idempotency_key(**lookup)
        if existing is not None:
            existing.replayed = True
            return existing
        try:
            ticket = _ticket_create(
                title=title, requester_email=requester_email, description=description,
                requester_name=requester_name, created_by=created_by, idempotency_key=idempotency_key,
            )
        except IntegrityError:
            # A concurrent request with the same key won the race: answer with its ticket.
            existing = _ticket_for_idempotency_key(**lookup)
            if existing is None:
                raise
            existing.replayed = True
            return existing
        return ticket
    return _ticket_create(
        title=title, requester_email=requester_email, description=description,
        requester_name=requester_name, created_by=created_by,
    )


@transaction.atomic
def _ticket_create(
    *,
    title: str,
    requester_email: str,
    description: str,
    requester_name: str,
    created_by: AbstractBaseUser | None,
    idempotency_key: str | None = None,
) -> Ticket:
    ticket = Ticket.objects.create(
        title=title,
        description=description,
        requester_name=requester_name,
        requester_email=requester_email,
        created_by=created_by,
        idempotency_key=idempotency_key,
    )
    ticket.replayed = False
    event_record(
        ticket=ticket,
        kind=EventKind.CREATED,
        actor=created_by,
        payload={"title": title, "requester_email": requester_email},
        dedupe_key="created",
    )
    ticket_id = ticket.pk
    transaction.on_commit(lambda: pipeline_start(ticket_id=ticket_id))
    return ticket


@transaction.atomic
def ticket_status_update(*, ticket_id: int, status: str, actor: AbstractBaseUser | None = None) -> Ticket:
    """Move a ticket along its lifecycle; refuses moves the lifecycle does not allow."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    previous = ticket.status
    if status not in STATUS_TRANSITIONS.get(previous, ()):
        raise TicketTransitionError(current=previous, requested=status)
    ticket.status = status
    update_fields = ["status", "updated_at"]
    if status == TicketStatus.RESOLVED:
        ticket.resolved_at = timezone.now()
        update_fields.append("resolved_at")
    ticket.save(update_fields=update_fields)
    event_record(
        ticket=ticket,
        kind=EventKind.STATUS_UPDATED,
        actor=actor,
        payload={"from": previous, "to": status, "reopened": previous == TicketStatus.RESOLVED},
    )
    transaction.on_commit(lambda: analytics_refresh(ticket_id=ticket_id))
    return ticket
