from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import TicketFactory
from tickets.models import PipelineState, TaskDelivery, Ticket
from tickets.reliability import delivery_register
from tickets.tasks import pipeline_sweep

pytestmark = pytest.mark.django_db


def _age(ticket: Ticket, seconds: int, *, dispatched: bool) -> None:
    past = timezone.now() - timedelta(seconds=seconds)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=past, updated_at=past, dispatched_at=past if dispatched else None
    )


@pytest.fixture(autouse=True)
def sweep_settings(settings):
    settings.PIPELINE_DISPATCH_GRACE_SECONDS = 5
    settings.PIPELINE_STALE_AFTER_SECONDS = 60


def test_sweep_sends_a_ticket_committed_while_the_broker_was_down():
    ticket = TicketFactory(title="Cannot connect to the VPN", description="The VPN client times out at login.")
    _age(ticket, 10, dispatched=False)
    assert pipeline_sweep.delay().get()["undispatched"] == 1
    ticket.refresh_from_db()
    assert ticket.pipeline_state == PipelineState.RECORDED
    assert ticket.department.slug == "it_support"
    assert ticket.dispatched_at is not None


def test_sweep_leaves_a_just_created_ticket_to_its_own_dispatch():
    ticket = TicketFactory(title="VPN broken")
    assert pipeline_sweep.delay().get()["undispatched"] == 0
    ticket.refresh_from_db()
    assert ticket.pipeline_state == PipelineState.RECEIVED


def test_sweep_resends_a_stalled_ticket_when_the_queues_are_idle(monkeypatch):
    monkeypatch.setattr("tickets.pipeline.pipeline_queues_idle", lambda: True)
    ticket = TicketFactory(title="Payroll error")
    _age(ticket, 120, dispatched=True)
    assert pipeline_sweep.delay().get()["stalled"] == 1
    ticket.refresh_from_db()
    assert ticket.pipeline_state == PipelineState.RECORDED


def test_sweep_does_not_resend_while_the_queues_have_a_backlog(monkeypatch):
    # A ticket waiting behind a backlog is not lost: re-sending it would only flood the queues.
    monkeypatch.setattr("tickets.pipeline.pipeline_queues_idle", lambda: False)
    ticket = TicketFactory(title="Payroll error")
    _age(ticket, 120, dispatched=True)
    assert pipeline_sweep.delay().get()["stalled"] == 0
    _age(ticket, 601, dispatched=True)  # ten times the stale period: resent regardless
    assert pipeline_sweep.delay().get()["stalled"] == 1


def test_sweep_skips_tickets_with_a_parked_message():
    ticket = TicketFactory(title="VPN broken")
    TaskDelivery.objects.create(task_id="t1", task_name="x", ticket=ticket, deliveries=6, parked_at=timezone.now())
    _age(ticket, 1000, dispatched=False)
    result = pipeline_sweep.delay().get()
    assert result["undispatched"] == result["stalled"] == 0


def test_created_ticket_is_marked_dispatched(user_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/api/tickets", {"title": "Broken chair"}, format="json")
    assert Ticket.objects.get(pk=response.json()["id"]).dispatched_at is not None


def test_a_message_is_parked_after_too_many_deliveries(settings):
    settings.TASK_MAX_DELIVERIES = 3
    ticket = TicketFactory()
    results = [
        delivery_register(task_id="abc", retries=0, task_name="categorize", ticket_id=ticket.pk) for _ in range(5)
    ]
    assert results == [True, True, True, False, False]
    delivery = TaskDelivery.objects.get(task_id="abc")
    assert delivery.parked_at is not None
    assert delivery.ticket == ticket


def test_a_retry_is_counted_apart_from_redeliveries(settings):
    settings.TASK_MAX_DELIVERIES = 1
    assert delivery_register(task_id="abc", retries=0, task_name="t", ticket_id=None)
    assert delivery_register(task_id="abc", retries=1, task_name="t", ticket_id=None)
    assert not delivery_register(task_id="abc", retries=0, task_name="t", ticket_id=None)
