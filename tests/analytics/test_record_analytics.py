import pytest
from django.utils import timezone

from analytics.models import DepartmentDayStats
from analytics.services import ticket_events_apply, ticket_record
from categorization.tasks import categorize_ticket
from routing.tasks import route_ticket
from analytics.tasks import record_analytics
from tickets.models import PipelineState
from tickets.services import ticket_create, ticket_status_update

pytestmark = pytest.mark.django_db


def _processed_ticket(user, title: str):
    ticket = ticket_create(title=title, requester_email="a@example.com", created_by=user)
    for task in (categorize_ticket, route_ticket, record_analytics):
        task.delay(ticket.pk)
    ticket.refresh_from_db()
    return ticket


def test_record_marks_the_ticket_recorded_and_counts_its_events(user):
    ticket = _processed_ticket(user, "VPN is down")
    assert ticket.pipeline_state == PipelineState.RECORDED
    stats = DepartmentDayStats.objects.get(day=timezone.now().date(), department=ticket.department.slug)
    assert (stats.created, stats.categorized, stats.routed) == (1, 1, 1)


def test_running_record_twice_counts_once(user):
    ticket = _processed_ticket(user, "Expense claim for taxi")
    ticket_record(ticket_id=ticket.pk)
    ticket_events_apply(ticket_id=ticket.pk)
    stats = DepartmentDayStats.objects.get(department=ticket.department.slug)
    assert (stats.created, stats.categorized, stats.routed) == (1, 1, 1)


def test_record_before_routing_leaves_the_ticket_unrecorded(user):
    ticket = ticket_create(title="Heating broken", requester_email="a@example.com", created_by=user)
    ticket_record(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.pipeline_state == PipelineState.RECEIVED
    assert not DepartmentDayStats.objects.exists()


def test_resolve_and_reopen_are_counted(user, staff):
    ticket = _processed_ticket(user, "Payslip missing")
    ticket_status_update(ticket_id=ticket.pk, status="resolved", actor=staff)
    ticket_status_update(ticket_id=ticket.pk, status="in_progress", actor=staff)
    ticket_events_apply(ticket_id=ticket.pk)
    ticket_events_apply(ticket_id=ticket.pk)
    stats = DepartmentDayStats.objects.get(department=ticket.department.slug)
    assert (stats.resolved, stats.reopened) == (1, 1)
