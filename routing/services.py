from django.db import transaction
from django.utils import timezone

from tickets.models import EventKind, PipelineState, Ticket, pipeline_reached
from tickets.services import event_record


@transaction.atomic
def ticket_route(*, ticket_id: int) -> Ticket | None:
    """Route a categorized ticket to its suggested department. Safe to run twice."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or pipeline_reached(ticket.pipeline_state, PipelineState.ROUTED):
        return ticket
    if ticket.pipeline_state != PipelineState.CATEGORIZED:
        # Not categorized yet (out-of-order delivery): leave it for the sweeper's next run.
        return ticket
    ticket.department_id = ticket.suggested_department_id
    ticket.routed_at = timezone.now()
    ticket.pipeline_state = PipelineState.ROUTED
    ticket.save(update_fields=["department", "routed_at", "pipeline_state", "updated_at"])
    event_record(
        ticket=ticket,
        kind=EventKind.ROUTED,
        payload={"department": ticket.suggested_department.slug, "method": "auto"},
        dedupe_key="routed",
    )
    return ticket
