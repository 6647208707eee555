from django.db import IntegrityError, transaction
from django.db.models import F

from analytics.models import AppliedEvent, DepartmentDayStats
from tickets.models import EventKind, PipelineState, Ticket, TicketEvent, TicketStatus, pipeline_reached


def _counter_for(event: TicketEvent) -> str | None:
    """Which rollup counter an event increments, if any."""
    if event.kind == EventKind.CREATED:
        return "created"
    if event.kind == EventKind.CATEGORIZED:
        return "categorized"
    if event.kind == EventKind.ROUTED:
        return "routed"
    if event.kind == EventKind.REROUTED:
        return "rerouted"
    if event.kind == EventKind.STATUS_UPDATED:
        if event.payload.get("to") == TicketStatus.RESOLVED:
            return "resolved"
        if event.payload.get("from") == TicketStatus.RESOLVED:
            return "reopened"
    return None


def _stats_increment(*, day, department_id: int | None, counter: str) -> None:
    updated = DepartmentDayStats.objects.filter(day=day, department_id=department_id).update(
        **{counter: F(counter) + 1}
    )
    if updated:
        return
    try:
        with transaction.atomic():
            DepartmentDayStats.objects.create(day=day, department_id=department_id, **{counter: 1})
    except IntegrityError:  # another worker created the row first
        DepartmentDayStats.objects.filter(day=day, department_id=department_id).update(**{counter: F(counter) + 1})


@transaction.atomic
def ticket_events_apply(*, ticket_id: int) -> int:
    """Fold the ticket's not-yet-applied events into the rollups, each exactly once."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    pending = TicketEvent.objects.filter(ticket_id=ticket_id, applied__isnull=True).order_by("created_at", "id")
    applied = 0
    for event in pending:
        counter = _counter_for(event)
        if counter:
            _stats_increment(day=event.created_at.date(), department_id=ticket.department_id, counter=counter)
        AppliedEvent.objects.create(event=event)
        applied += 1
    return applied


@transaction.atomic
def ticket_record(*, ticket_id: int) -> Ticket | None:
    """Last pipeline stage: apply the ticket's events and mark it recorded. Safe to run twice."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or not pipeline_reached(ticket.pipeline_state, PipelineState.ROUTED):
        return ticket
    ticket_events_apply(ticket_id=ticket_id)
    if ticket.pipeline_state != PipelineState.RECORDED:
        ticket.pipeline_state = PipelineState.RECORDED
        ticket.save(update_fields=["pipeline_state", "updated_at"])
    return ticket
