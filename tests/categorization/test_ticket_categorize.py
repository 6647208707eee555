import pytest

from categorization.services import ticket_categorize
from tests.factories import TicketFactory
from tickets.models import EventKind, PipelineState

pytestmark = pytest.mark.django_db


def test_categorize_sets_suggestion_confidence_and_state():
    ticket = TicketFactory(title="Wi-Fi keeps dropping", description="")
    ticket_categorize(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.suggested_department.slug == "it_support"
    assert ticket.categorization_method == "model"  # no API key: the offline model answers first
    assert 0 < ticket.confidence <= 100
    assert ticket.pipeline_state == PipelineState.CATEGORIZED
    assert ticket.department is None  # routing decides, not categorization


def test_categorize_twice_records_one_event_and_keeps_the_first_answer():
    ticket = TicketFactory(title="Invoice from supplier", description="")
    ticket_categorize(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    first_time = ticket.categorized_at
    ticket_categorize(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.categorized_at == first_time
    assert ticket.events.filter(kind=EventKind.CATEGORIZED).count() == 1


def test_low_confidence_flags_for_review(settings):
    settings.CATEGORIZATION_REVIEW_THRESHOLD = 60
    settings.CATEGORIZATION_MODEL_ENABLED = False  # the keyword rules answer "hello" with low confidence
    ticket = TicketFactory(title="hello", description="")
    ticket_categorize(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.categorization_method == "keywords"
    assert ticket.needs_review is True


def test_categorize_a_deleted_ticket_returns_quietly():
    assert ticket_categorize(ticket_id=987654) is None
