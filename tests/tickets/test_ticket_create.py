import pytest

from tickets.models import EventKind, PipelineState, Ticket, TicketEvent
from tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_create_returns_201_with_the_ticket(user_client):
    response = user_client.post(
        "/api/tickets", {"title": "VPN drops every hour", "requester_email": "a@example.com"}, format="json"
    )
    assert response.status_code == 201
    assert response.data["title"] == "VPN drops every hour"
    assert response.data["status"] == "pending"
    assert response.data["pipeline_state"] == "received"
    assert Ticket.objects.get(pk=response.data["id"]).created_by.username == "requester"


def test_create_records_created_event_once(user):
    ticket = ticket_create(title="Printer jammed", requester_email="a@example.com", created_by=user)
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_requester_email_defaults_to_the_users_address(user_client):
    response = user_client.post("/api/tickets", {"title": "Desk chair broken"}, format="json")
    assert response.status_code == 201
    assert response.data["requester_email"] == "requester@example.com"


def test_pipeline_starts_only_after_commit_and_runs_every_stage(user_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = user_client.post(
            "/api/tickets",
            {"title": "My laptop will not boot", "description": "Black screen since the update."},
            format="json",
        )
    assert len(callbacks) == 1
    ticket = Ticket.objects.get(pk=response.data["id"])
    assert ticket.pipeline_state == PipelineState.RECORDED
    assert ticket.department.slug == "it_support"
    assert ticket.categorized_at and ticket.routed_at
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.CATEGORIZED, EventKind.ROUTED]


def test_pipeline_is_not_started_when_the_transaction_rolls_back(user, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                ticket_create(title="Heating broken", requester_email="a@example.com", created_by=user)
                raise RuntimeError("abort")
    assert callbacks == []
    assert not Ticket.objects.exists()


def test_broker_outage_still_answers_201_and_keeps_ticket(user_client, django_capture_on_commit_callbacks, monkeypatch):
    from celery.canvas import _chain

    def broker_down(self, *args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(_chain, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/api/tickets", {"title": "Parking permit"}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get(pk=response.data["id"]).pipeline_state == PipelineState.RECEIVED


def test_create_answers_with_the_created_event_in_few_queries(user_client, django_assert_max_num_queries):
    # Intake hot path (bench/): the transaction (ticket, event) and one read of the event trail, no read-back.
    with django_assert_max_num_queries(8):
        response = user_client.post("/api/tickets", {"title": "Monitor flickers"}, format="json")
    assert response.status_code == 201
    assert [(e["kind"], e["actor"]) for e in response.data["events"]] == [(EventKind.CREATED, "requester")]
    assert response.data["created_by"] == "requester"
    assert response.data["department"] is None
