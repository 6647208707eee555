import pytest

from routing.models import DepartmentMembership, RoutingDecision, RoutingRule
from routing.services import ticket_route
from tests.factories import UserFactory, department
from tests.routing.conftest import categorized_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_saves_a_valid_rule_through_the_service(superuser_client):
    response = superuser_client.post(
        "/admin/routing/routingrule/add/",
        {"name": "Invoices", "position": 5, "is_active": "on", "pattern": r"inv-\d+", "pattern_is_regex": "on",
         "department": department("finance").pk, "priority": "high"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RoutingRule.objects.get()
    assert (rule.name, rule.department.slug, rule.priority) == ("Invoices", "finance", "high")


def test_admin_adds_a_membership(superuser_client):
    agent = UserFactory(username="new-agent")
    response = superuser_client.post(
        "/admin/routing/departmentmembership/add/",
        {"user": agent.pk, "department": department("hr").pk, "is_active": "on"},
    )
    assert response.status_code == 302
    assert DepartmentMembership.objects.filter(user=agent, department__slug="hr").exists()


def test_routing_decisions_are_read_only_in_the_admin(superuser_client):
    ticket = categorized_ticket("hr")
    ticket_route(ticket_id=ticket.pk)
    decision = RoutingDecision.objects.get()
    assert superuser_client.get("/admin/routing/routingdecision/").status_code == 200
    assert superuser_client.get("/admin/routing/routingdecision/add/").status_code == 403
    page = superuser_client.get(f"/admin/routing/routingdecision/{decision.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
