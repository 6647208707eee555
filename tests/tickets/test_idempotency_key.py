import pytest

from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

BODY = {"title": "Monitor flickers", "description": "Since Monday."}


def test_same_key_twice_returns_the_first_ticket_and_creates_no_second(user_client):
    first = user_client.post("/api/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    second = user_client.post("/api/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.count() == 1


def test_same_key_with_a_different_body_is_a_409(user_client):
    user_client.post("/api/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    response = user_client.post("/api/tickets", {"title": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_keys_are_per_user(user_client, other_user, api_client):
    user_client.post("/api/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    api_client.force_authenticate(other_user)
    response = api_client.post("/api/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert Ticket.objects.count() == 2


def test_without_a_key_each_post_creates_a_ticket(user_client):
    user_client.post("/api/tickets", BODY, format="json")
    user_client.post("/api/tickets", BODY, format="json")
    assert Ticket.objects.count() == 2


def test_overlong_key_is_a_400(user_client):
    response = user_client.post("/api/tickets", BODY, format="json", HTTP_IDEMPOTENCY_KEY="k" * 129)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Ticket.objects.exists()
