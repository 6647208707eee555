import pytest

from tests.factories import TicketFactory
from tickets.models import Department, TicketStatus

pytestmark = pytest.mark.django_db


def test_requester_sees_only_their_own_tickets(user, other_user, user_client):
    mine = TicketFactory(created_by=user)
    TicketFactory(created_by=other_user)
    response = user_client.get("/api/tickets")
    assert [t["id"] for t in response.data["results"]] == [mine.pk]


def test_requester_gets_404_for_someone_elses_ticket(other_user, user_client):
    theirs = TicketFactory(created_by=other_user)
    assert user_client.get(f"/api/tickets/{theirs.pk}").status_code == 404


def test_staff_see_every_ticket_newest_first(user, other_user, staff_client):
    first = TicketFactory(created_by=user)
    second = TicketFactory(created_by=other_user)
    response = staff_client.get("/api/tickets")
    assert [t["id"] for t in response.data["results"]] == [second.pk, first.pk]
    assert response.data["count"] == 2


def test_list_filters_by_status_and_department(staff_client):
    hr = Department.objects.get(slug="hr")
    match = TicketFactory(department=hr, status=TicketStatus.RESOLVED)
    TicketFactory(department=hr)
    TicketFactory(status=TicketStatus.RESOLVED)
    response = staff_client.get("/api/tickets?status=resolved&department=hr")
    assert [t["id"] for t in response.data["results"]] == [match.pk]


def test_departments_list_the_five_with_open_counts(staff_client):
    hr = Department.objects.get(slug="hr")
    TicketFactory(department=hr)
    TicketFactory(department=hr, status=TicketStatus.RESOLVED)
    response = staff_client.get("/api/departments")
    counts = {d["slug"]: d["open_tickets"] for d in response.data}
    assert counts == {"it_support": 0, "hr": 1, "facilities": 0, "finance": 0, "general": 0}


def test_department_tickets_lists_that_department_only(staff_client):
    finance = Department.objects.get(slug="finance")
    ticket = TicketFactory(department=finance)
    TicketFactory(department=Department.objects.get(slug="hr"))
    response = staff_client.get("/api/departments/finance/tickets")
    assert [t["id"] for t in response.data["results"]] == [ticket.pk]


def test_unknown_department_tickets_is_404(staff_client):
    assert staff_client.get("/api/departments/nowhere/tickets").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/tickets", "/api/tickets/", "/api/departments", "/api/departments/", "/api/health/ready", "/api/health/ready/"]
)
def test_paths_work_with_and_without_trailing_slash(staff_client, path):
    assert staff_client.get(path).status_code == 200


def test_post_works_with_a_trailing_slash(staff_client):
    assert staff_client.post("/api/tickets/", {"title": "Light flickers"}, format="json").status_code == 201


def test_put_status_works_with_a_trailing_slash(staff_client):
    ticket = TicketFactory()
    response = staff_client.put(f"/api/tickets/{ticket.pk}/status/", {"status": "resolved"}, format="json")
    assert response.status_code == 200
