from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tickets.models import Department, PipelineState, Ticket, TicketStatus


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


def ticket_list_stale_in_pipeline(*, older_than_seconds: int, limit: int = 500) -> QuerySet[Ticket]:
    """Tickets whose pipeline has not finished and has not moved for a while."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return (
        Ticket.objects.exclude(pipeline_state=PipelineState.RECORDED)
        .filter(updated_at__lt=cutoff)
        .order_by("updated_at")[:limit]
    )
