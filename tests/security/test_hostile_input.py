"""Odd and hostile input is stored as text or refused with a 400: never a 500."""

import pytest

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "title",
    [
        "Drucker kaputt — ünïcödé ✓ 日本語のチケット",
        "Laptop on fire 🔥🔥 please help 🙏",
        "'; DROP TABLE tickets_ticket; --",
        "1 OR 1=1",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_unusual_titles_are_stored_verbatim(user_client, title):
    response = user_client.post("/api/tickets", {"title": title}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get(pk=response.json()["id"]).title == title
    assert Ticket.objects.count() == 1


def test_a_10000_character_description_is_accepted(user_client):
    response = user_client.post("/api/tickets", {"title": "Long", "description": "é" * 10_000}, format="json")
    assert response.status_code == 201
    assert len(Ticket.objects.get().description) == 10_000


@pytest.mark.parametrize("field", ["title", "description", "requester_name"])
def test_nul_bytes_are_a_400_not_a_database_error(user_client, field):
    body = {"title": "ok", field: "bad\x00value"}
    response = user_client.post("/api/tickets", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Ticket.objects.exists()


def test_html_in_a_ticket_is_escaped_in_the_admin(admin_client):
    Ticket.objects.create(title="<script>alert('pwned')</script>", requester_email="a@example.com")
    page = admin_client.get("/admin/tickets/ticket/").content.decode()
    assert "<script>alert('pwned')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page


def test_non_object_json_body_is_a_400(user_client):
    response = user_client.post("/api/tickets", ["not", "an", "object"], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_wrong_types_are_a_400_per_field(user_client):
    response = user_client.post("/api/tickets", {"title": {"nested": 1}, "requester_email": 42}, format="json")
    assert response.status_code == 400
    assert {"title", "requester_email"} <= set(response.json()["error"]["fields"])
