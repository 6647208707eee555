import pytest

from tests.factories import TicketFactory
from tickets.models import EventKind, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (TicketStatus.PENDING, TicketStatus.IN_PROGRESS),
        (TicketStatus.PENDING, TicketStatus.RESOLVED),
        (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED),
        (TicketStatus.RESOLVED, TicketStatus.IN_PROGRESS),
    ],
)
def test_allowed_moves_succeed_and_record_an_event(staff_client, start, target):
    ticket = TicketFactory(status=start)
    response = staff_client.put(f"/api/tickets/{ticket.pk}/status", {"status": target}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == target
    event = ticket.events.get(kind=EventKind.STATUS_UPDATED)
    assert event.payload == {"from": start, "to": target, "reopened": start == TicketStatus.RESOLVED}
    assert event.actor.username == "agent"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (TicketStatus.IN_PROGRESS, TicketStatus.PENDING),
        (TicketStatus.RESOLVED, TicketStatus.PENDING),
        (TicketStatus.PENDING, TicketStatus.PENDING),
    ],
)
def test_disallowed_moves_are_409_naming_the_allowed_ones(staff_client, start, target):
    ticket = TicketFactory(status=start)
    response = staff_client.put(f"/api/tickets/{ticket.pk}/status", {"status": target}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["details"]["allowed"]
    for allowed in error["details"]["allowed"]:
        assert allowed in error["message"]
    ticket.refresh_from_db()
    assert ticket.status == start
    assert not ticket.events.filter(kind=EventKind.STATUS_UPDATED).exists()


def test_unknown_status_is_a_400(staff_client):
    ticket = TicketFactory()
    response = staff_client.put(f"/api/tickets/{ticket.pk}/status", {"status": "done"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_resolving_sets_resolved_at(staff_client):
    ticket = TicketFactory()
    staff_client.put(f"/api/tickets/{ticket.pk}/status", {"status": "resolved"}, format="json")
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None


def test_requester_cannot_change_status_of_own_ticket(user, user_client):
    ticket = TicketFactory(created_by=user)
    response = user_client.put(f"/api/tickets/{ticket.pk}/status", {"status": "resolved"}, format="json")
    assert response.status_code == 403


def test_status_of_unknown_ticket_is_404(staff_client):
    assert staff_client.put("/api/tickets/999999/status", {"status": "resolved"}, format="json").status_code == 404
