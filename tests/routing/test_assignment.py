from collections import Counter
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from routing.models import DepartmentMembership, RoutingDecision
from routing.services import ticket_route
from routing.tasks import route_ticket
from tests.factories import TicketFactory, department
from tests.routing.conftest import agent_make, categorized_ticket, client_for
from tickets.models import EventKind, TicketStatus

pytestmark = pytest.mark.django_db


def route_new(suggested: str = "it_support"):
    ticket = categorized_ticket(suggested)
    ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    return ticket


def test_assignment_spreads_tickets_evenly_over_the_departments_agents():
    agents = [agent_make(f"it-{n}", "it_support") for n in range(3)]
    agent_make("hr-only", "hr")
    assignees = Counter(route_new().assignee.username for _ in range(9))
    assert assignees == {agent.username: 3 for agent in agents}


def test_fewest_open_tickets_wins_and_resolved_ones_do_not_count():
    busy = agent_make("busy", "it_support")
    idle = agent_make("idle", "it_support")
    it = department("it_support")
    TicketFactory(department=it, assignee=busy, assigned_at=timezone.now())
    TicketFactory(department=it, assignee=idle, assigned_at=timezone.now(), status=TicketStatus.RESOLVED)
    TicketFactory(department=it, assignee=idle, assigned_at=timezone.now(), status=TicketStatus.RESOLVED)
    assert route_new().assignee == idle


def test_open_tickets_in_other_departments_count_too():
    both = agent_make("both", "it_support", "hr")
    it_only = agent_make("it-only", "it_support")
    TicketFactory(department=department("hr"), assignee=both, assigned_at=timezone.now())
    assert route_new().assignee == it_only


def test_ties_go_to_the_agent_assigned_longest_ago():
    recent = agent_make("recent", "it_support")
    long_ago = agent_make("long-ago", "it_support")
    it = department("it_support")
    TicketFactory(department=it, assignee=recent, assigned_at=timezone.now(), status=TicketStatus.RESOLVED)
    TicketFactory(
        department=it, assignee=long_ago, assigned_at=timezone.now() - timedelta(days=3), status=TicketStatus.RESOLVED
    )
    assert route_new().assignee == long_ago


def test_inactive_members_and_users_get_nothing():
    agent_make("on-holiday", "it_support", is_active=False)
    gone = agent_make("gone", "it_support")
    gone.is_active = False
    gone.save()
    working = agent_make("working", "it_support")
    assert {route_new().assignee for _ in range(3)} == {working}


def test_department_without_agents_leaves_the_ticket_unassigned():
    assert route_new("facilities").assignee is None


def test_auto_assign_can_be_switched_off(settings):
    settings.ROUTING_AUTO_ASSIGN = False
    agent_make("it-1", "it_support")
    ticket = route_new()
    assert ticket.department.slug == "it_support"
    assert ticket.assignee is None


def test_route_ticket_twice_records_one_decision_and_one_assignment():
    agent_make("it-1", "it_support")
    agent_make("it-2", "it_support")
    ticket = categorized_ticket("it_support")

    route_ticket.delay(ticket.pk)
    route_ticket.delay(ticket.pk)
    assert RoutingDecision.objects.filter(ticket=ticket).count() == 1
    assert ticket.events.filter(kind=EventKind.ASSIGNED).count() == 1
    assert ticket.events.filter(kind=EventKind.ROUTED).count() == 1


def test_put_assignee_reassigns_to_another_agent_of_the_department():
    first = agent_make("it-1", "it_support")
    second = agent_make("it-2", "it_support")
    ticket = route_new()
    assert ticket.assignee == first
    response = client_for(first).put(f"/api/tickets/{ticket.pk}/assignee", {"assignee": "it-2"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["assignee"] == "it-2"
    ticket.refresh_from_db()
    assert ticket.assignee == second
    event = ticket.events.filter(kind=EventKind.ASSIGNED).last()
    assert (event.payload["previous"], event.payload["assignee"], event.actor) == ("it-1", "it-2", first)


def test_put_assignee_refuses_someone_outside_the_department(admin_client):
    agent_make("it-1", "it_support")
    agent_make("hr-1", "hr")
    ticket = route_new()
    response = admin_client.put(f"/api/tickets/{ticket.pk}/assignee/", {"assignee": "hr-1"}, format="json")
    assert response.status_code == 400
    assert "not an active agent" in response.data["error"]["fields"]["assignee"][0]
    response = admin_client.put(f"/api/tickets/{ticket.pk}/assignee", {"assignee": "nobody"}, format="json")
    assert response.status_code == 400


def test_put_assignee_null_unassigns(admin_client):
    agent_make("it-1", "it_support")
    ticket = route_new()
    response = admin_client.put(f"/api/tickets/{ticket.pk}/assignee", {"assignee": None}, format="json")
    assert response.status_code == 200
    assert response.data["assignee"] is None


def test_put_assignee_by_an_agent_of_another_department_is_403():
    agent_make("it-1", "it_support")
    ticket = route_new()
    client = client_for(agent_make("hr-1", "hr"))
    assert client.put(f"/api/tickets/{ticket.pk}/assignee", {"assignee": "it-1"}, format="json").status_code == 403


def test_membership_is_unique_per_department():
    agent_make("it-1", "it_support")
    user = DepartmentMembership.objects.get().user
    with pytest.raises(IntegrityError):
        DepartmentMembership.objects.create(user=user, department=department("it_support"))
