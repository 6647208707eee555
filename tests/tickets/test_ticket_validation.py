import pytest

from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "no title"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "requester_email": "not-an-email"}, "requester_email"),
        ({"title": "ok", "description": "y" * 10_001}, "description"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(user_client, body, field):
    response = user_client.post("/api/tickets", body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields[field]  # a message for the field
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_title_of_exactly_200_characters_is_accepted(user_client):
    response = user_client.post("/api/tickets", {"title": "x" * 200}, format="json")
    assert response.status_code == 201


def test_missing_email_without_a_user_email_is_a_400(db, api_client):
    from tests.factories import UserFactory

    api_client.force_authenticate(UserFactory(username="noemail", email=""))
    response = api_client.post("/api/tickets", {"title": "help"}, format="json")
    assert response.status_code == 400
    assert "requester_email" in response.json()["error"]["fields"]


def test_unknown_status_filter_is_a_400(staff_client):
    response = staff_client.get("/api/tickets?status=bogus")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_unknown_department_filter_is_a_400(staff_client):
    response = staff_client.get("/api/tickets?department=nowhere")
    assert response.status_code == 400
    assert "department" in response.json()["error"]["fields"]


def test_unauthenticated_requests_are_refused(api_client):
    assert api_client.post("/api/tickets", {"title": "x"}, format="json").status_code == 401
    assert api_client.get("/api/tickets").status_code == 401
