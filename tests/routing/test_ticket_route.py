import pytest

from categorization.services import ticket_categorize
from routing.services import ticket_route
from tests.factories import TicketFactory
from tickets.models import EventKind, PipelineState

pytestmark = pytest.mark.django_db


def test_route_assigns_the_suggested_department():
    ticket = TicketFactory(title="Toilet leaking on floor 2", description="")
    ticket_categorize(ticket_id=ticket.pk)
    ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.department.slug == "facilities"
    assert ticket.pipeline_state == PipelineState.ROUTED
    assert ticket.routed_at is not None


def test_route_twice_records_one_event():
    ticket = TicketFactory(title="Corporate card declined", description="")
    ticket_categorize(ticket_id=ticket.pk)
    ticket_route(ticket_id=ticket.pk)
    ticket_route(ticket_id=ticket.pk)
    assert ticket.events.filter(kind=EventKind.ROUTED).count() == 1


def test_route_before_categorization_does_nothing():
    ticket = TicketFactory(title="Payroll error", description="")
    ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.pipeline_state == PipelineState.RECEIVED
    assert ticket.department is None
    assert not ticket.events.filter(kind=EventKind.ROUTED).exists()
