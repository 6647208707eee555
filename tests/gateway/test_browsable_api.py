import pytest
from django.urls import NoReverseMatch, reverse

from tests.factories import StaffFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    client.force_login(StaffFactory(username="browser", email="browser@example.com"))
    return client


def test_api_root_links_every_resource(client):
    links = client.get("/api/", HTTP_ACCEPT="application/json").json()
    for key in ("tickets", "ticket", "ticket_status", "departments", "triage", "route", "routing_statistics",
                "health", "auth_token", "ticket_routing_history", "ticket_assignee"):
        assert key in links, key
    assert links["ticket_status"].endswith("/tickets/{ticket_id}/status")
    for key in ("docs", "schema", "dashboard_summary", "analytics_events"):
        assert key in links, key
    # Every plain link resolves to a live endpoint (not 404/500). Health answers 503 here:
    # unit tests run no Celery worker, and health says so.
    for key in ("tickets", "departments", "schema"):
        assert client.get(links[key], HTTP_ACCEPT="application/json").status_code in (200, 401, 403), key
    assert client.get(links["health"], HTTP_ACCEPT="application/json").json()["failed"] == ["workers"]


def test_api_root_links_docs_and_schema_only_when_they_exist(client):
    links = client.get("/api/", HTTP_ACCEPT="application/json").json()
    for key, names in (("docs", ("swagger-ui", "api-docs")), ("schema", ("schema", "api-schema"))):
        exists = False
        for name in names:
            try:
                reverse(name)
                exists = True
            except NoReverseMatch:
                pass
        assert (key in links) == exists


def test_browsable_ticket_list_has_a_create_form(browser):
    html = browser.get("/api/tickets/", HTTP_ACCEPT="text/html").content.decode()
    assert "List the tickets you can see" in html  # the endpoint's description
    assert 'name="title"' in html and 'name="requester_email"' in html


def test_browsable_status_page_has_a_status_form_and_the_allowed_moves(browser):
    ticket = TicketFactory()
    response = browser.get(f"/api/tickets/{ticket.pk}/status/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Change a ticket" in html
    assert '<select class="form-control" name="status"' in html
    data = browser.get(f"/api/tickets/{ticket.pk}/status/", HTTP_ACCEPT="application/json").json()
    assert data == {"id": ticket.pk, "status": "pending", "allowed": ["in_progress", "resolved"]}


def test_browsable_route_page_has_a_form(browser):
    html = browser.get("/api/route/", HTTP_ACCEPT="text/html").content.decode()
    assert "Route a ticket by hand" in html
    assert 'name="reason"' in html and 'name="department"' in html
