"""Ticket lists: django-filter filters, search, ordering, capped page size, constant query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import TicketFactory, department

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [ticket["id"] for ticket in response.json()["results"]]


def test_filter_by_status(staff_client):
    open_ticket = TicketFactory(status="pending")
    TicketFactory(status="resolved")
    assert ids(staff_client.get("/api/tickets", {"status": "pending"})) == [open_ticket.pk]


def test_filter_by_department(staff_client):
    hr = TicketFactory(department=department("hr"))
    TicketFactory(department=department("finance"))
    assert ids(staff_client.get("/api/tickets", {"department": "hr"})) == [hr.pk]


def test_filter_by_needs_review(staff_client):
    flagged = TicketFactory(needs_review=True)
    TicketFactory(needs_review=False)
    assert ids(staff_client.get("/api/tickets", {"needs_review": "true"})) == [flagged.pk]


def test_filter_by_created_range(staff_client):
    now = timezone.now()
    old = TicketFactory(created_at=now - timedelta(days=10))
    middle = TicketFactory(created_at=now - timedelta(days=5))
    TicketFactory(created_at=now)
    params = {
        "created_after": (now - timedelta(days=6)).isoformat(),
        "created_before": (now - timedelta(days=1)).isoformat(),
    }
    assert ids(staff_client.get("/api/tickets", params)) == [middle.pk]
    assert old.pk in ids(staff_client.get("/api/tickets", {"created_before": (now - timedelta(days=6)).isoformat()}))


def test_filter_by_requester_email_ignores_case(staff_client):
    mine = TicketFactory(requester_email="Ann@Example.com")
    TicketFactory(requester_email="bob@example.com")
    assert ids(staff_client.get("/api/tickets", {"requester_email": "ann@example.com"})) == [mine.pk]


def test_invalid_filter_values_are_a_400_per_field(staff_client):
    response = staff_client.get("/api/tickets", {"status": "lost", "created_after": "yesterday", "department": "x"})
    assert response.status_code == 400
    assert {"status", "created_after", "department"} <= set(response.json()["error"]["fields"])


def test_search_over_title_and_description(staff_client):
    by_title = TicketFactory(title="Printer on fire", description="")
    by_description = TicketFactory(title="Help", description="the PRINTER jams")
    TicketFactory(title="VPN", description="drops")
    assert set(ids(staff_client.get("/api/tickets", {"search": "printer"}))) == {by_title.pk, by_description.pk}


def test_ordering(staff_client):
    b = TicketFactory(title="b")
    a = TicketFactory(title="a")
    c = TicketFactory(title="c")
    assert ids(staff_client.get("/api/tickets", {"ordering": "title"})) == [a.pk, b.pk, c.pk]
    assert ids(staff_client.get("/api/tickets", {"ordering": "-title"})) == [c.pk, b.pk, a.pk]
    # The default stays newest first.
    assert ids(staff_client.get("/api/tickets")) == [c.pk, a.pk, b.pk]


def test_ordering_by_an_unlisted_field_is_ignored(staff_client):
    TicketFactory()
    assert staff_client.get("/api/tickets", {"ordering": "requester_email"}).status_code == 200


def test_filters_apply_to_a_departments_list_too(staff_client):
    hit = TicketFactory(department=department("hr"), title="leave request")
    TicketFactory(department=department("hr"), title="payslip")
    assert ids(staff_client.get("/api/departments/hr/tickets", {"search": "leave"})) == [hit.pk]


def test_non_staff_filters_only_their_own_tickets(user_client, user):
    mine = TicketFactory(created_by=user, status="pending")
    TicketFactory(status="pending")
    assert ids(user_client.get("/api/tickets", {"status": "pending"})) == [mine.pk]


def test_page_size_is_capped_at_100(staff_client):
    TicketFactory.create_batch(105)
    body = staff_client.get("/api/tickets", {"page_size": 1000}).json()
    assert body["count"] == 105
    assert len(body["results"]) == 100
    assert len(staff_client.get("/api/tickets").json()["results"]) == 20


def test_list_costs_the_same_number_of_queries_at_any_page_size(staff_client):
    for slug in ("hr", "finance", "it_support"):
        TicketFactory.create_batch(20, department=department(slug), suggested_department=department(slug))
    counts = {}
    for page_size in (5, 60):
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get("/api/tickets", {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        counts[page_size] = len(queries)
    assert counts[5] == counts[60], counts
    assert counts[5] <= 3, counts  # COUNT(*) and the page, each with its joins


def test_department_list_costs_the_same_number_of_queries_at_any_page_size(staff_client):
    TicketFactory.create_batch(30, department=department("hr"))
    counts = []
    for page_size in (3, 30):
        with CaptureQueriesContext(connection) as queries:
            assert len(staff_client.get("/api/departments/hr/tickets", {"page_size": page_size}).json()["results"]) == page_size
        counts.append(len(queries))
    assert counts[0] == counts[1]
