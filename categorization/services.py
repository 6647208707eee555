from django.conf import settings
from django.db import transaction
from django.utils import timezone

from categorization.base import Categorization, Categorizer
from categorization.keywords import KeywordCategorizer
from tickets.models import Department, EventKind, PipelineState, Ticket, pipeline_reached
from tickets.services import event_record


def categorizer_chain() -> list[Categorizer]:
    """The categorizers to try, best first; the last one always answers."""
    return [KeywordCategorizer()]


def text_categorize(*, title: str, description: str) -> Categorization:
    """Ask each categorizer in turn; the first that answers wins."""
    for categorizer in categorizer_chain():
        result = categorizer.categorize(title=title, description=description)
        if result is not None:
            return result
    raise RuntimeError("the categorizer chain ended without an answer")


def ticket_categorize(*, ticket_id: int) -> Ticket | None:
    """Categorize a ticket once. Safe to run twice: a categorized ticket is left as is.

    The categorizers run outside the transaction (the AI may take seconds); the row
    is locked only to apply the answer.
    """
    ticket = Ticket.objects.filter(pk=ticket_id).only("title", "description", "pipeline_state").first()
    if ticket is None or pipeline_reached(ticket.pipeline_state, PipelineState.CATEGORIZED):
        return ticket
    result = text_categorize(title=ticket.title, description=ticket.description)
    department = Department.objects.get(slug=result.department)
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
        if pipeline_reached(ticket.pipeline_state, PipelineState.CATEGORIZED):
            return ticket
        ticket.suggested_department = department
        ticket.confidence = result.confidence
        ticket.categorization_method = result.method
        ticket.needs_review = result.confidence < settings.CATEGORIZATION_REVIEW_THRESHOLD
        ticket.categorized_at = timezone.now()
        ticket.pipeline_state = PipelineState.CATEGORIZED
        ticket.save(
            update_fields=[
                "suggested_department", "confidence", "categorization_method", "needs_review",
                "categorized_at", "pipeline_state", "updated_at",
            ]
        )
        event_record(
            ticket=ticket,
            kind=EventKind.CATEGORIZED,
            payload={
                "department": result.department,
                "confidence": result.confidence,
                "method": result.method,
                "needs_review": ticket.needs_review,
            },
            dedupe_key="categorized",
        )
    return ticket
