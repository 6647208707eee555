from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tickets.models import Department, PipelineState, TaskDelivery, Ticket, TicketEvent, TicketStatus


def ticket_list_visible(*, user: AbstractBaseUser) -> QuerySet[Ticket]:
    """Tickets the user may see: admins (staff in no department) see all; agents the tickets
    of their departments, the triage queue, and their own; everyone else the tickets they created."""
    from routing.models import DepartmentMembership

    tickets = Ticket.objects.select_related("department", "suggested_department", "created_by", "assignee")
    memberships = DepartmentMembership.objects.filter(user=user)
    if user.is_staff and not memberships.exists():
        return tickets
    own = Q(created_by=user) | Q(assignee=user)
    if memberships.exists():
        return tickets.filter(own | Q(department__in=memberships.values("department_id")) | Q(needs_review=True))
    return tickets.filter(own)


def ticket_get_visible(*, user: AbstractBaseUser, ticket_id: int) -> Ticket | None:
    return ticket_list_visible(user=user).prefetch_related("events__actor").filter(pk=ticket_id).first()


def department_list_with_open_counts(*, user: AbstractBaseUser) -> QuerySet[Department]:
    """Departments with the number of open tickets the user can see in each."""
    open_filter = ~Q(tickets__status=TicketStatus.RESOLVED)
    if not user.is_staff:
        open_filter &= Q(tickets__created_by=user)
    return Department.objects.annotate(open_tickets=Count("tickets", filter=open_filter))


def ticket_ids_undispatched(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Tickets committed while the broker was away: their chain was never published."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Ticket.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .exclude(pipeline_state=PipelineState.RECORDED)
        .exclude(deliveries__parked_at__isnull=False)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def ticket_ids_stalled(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Published tickets that stopped moving (a chain link was lost with a worker or the broker).

    Tickets with a parked message are left for a human: dispatching them again would
    only restart the loop that got them parked.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Ticket.objects.filter(dispatched_at__lt=cutoff, updated_at__lt=cutoff)
        .exclude(pipeline_state=PipelineState.RECORDED)
        .exclude(deliveries__parked_at__isnull=False)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )


def ticket_ids_with_unapplied_events(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Recorded tickets with events that analytics has not folded in (its dispatch failed)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        TicketEvent.objects.filter(
            applied__isnull=True, created_at__lt=cutoff, ticket__pipeline_state=PipelineState.RECORDED
        )
        .values_list("ticket_id", flat=True)
        .distinct()[:limit]
    )


def task_delivery_parked_count() -> int:
    return TaskDelivery.objects.filter(parked_at__isnull=False).count()
