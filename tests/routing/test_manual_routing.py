import pytest

from routing.models import RoutingAction, RoutingDecision, RoutingMethod
from routing.services import ticket_route
from tests.factories import StaffFactory, TicketFactory
from tests.routing.conftest import agent_make, categorized_ticket, client_for
from tickets.models import EventKind, PipelineState

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed_hr_ticket():
    ticket = categorized_ticket("hr", 45, needs_review=True)
    ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    return ticket


def test_reroute_records_decision_event_reassigns_and_clears_review(routed_hr_ticket):
    hr_agent = agent_make("hr-agent", "hr")
    finance_agent = agent_make("fin-agent", "finance")
    ticket = routed_hr_ticket
    response = client_for(hr_agent).put(
        f"/api/route/{ticket.pk}", {"department": "finance", "reason": "vendor invoice"}, format="json"
    )
    assert response.status_code == 200, response.data
    ticket.refresh_from_db()
    assert ticket.department.slug == "finance"
    assert ticket.needs_review is False
    assert ticket.assignee == finance_agent
    decision = RoutingDecision.objects.get(ticket=ticket, action=RoutingAction.REROUTE)
    assert (decision.from_department.slug, decision.to_department.slug) == ("hr", "finance")
    assert (decision.method, decision.reason, decision.actor) == (RoutingMethod.MANUAL, "vendor invoice", hr_agent)
    event = ticket.events.get(kind=EventKind.REROUTED)
    assert event.actor == hr_agent
    assert (event.payload["from"], event.payload["to"], event.payload["reason"]) == ("hr", "finance", "vendor invoice")


def test_history_lists_decisions_oldest_first(routed_hr_ticket, admin_client):
    ticket = routed_hr_ticket
    admin_client.put(f"/api/route/{ticket.pk}", {"department": "finance", "reason": "one"}, format="json")
    admin_client.put(f"/api/route/{ticket.pk}/", {"department": "general", "reason": "two"}, format="json")
    response = admin_client.get(f"/api/tickets/{ticket.pk}/routing-history")
    assert response.status_code == 200
    rows = [(d["action"], d["from_department"], d["to_department"], d["method"], d["actor"]) for d in response.data]
    assert rows == [
        ("route", None, "hr", "auto", "system"),
        ("reroute", "hr", "finance", "manual", "boss"),
        ("reroute", "finance", "general", "manual", "boss"),
    ]
    detail = admin_client.get(f"/api/tickets/{ticket.pk}").data
    assert [e["kind"] for e in detail["events"]].count("ticket.rerouted") == 2


def test_reroute_to_the_same_department_is_409(routed_hr_ticket, admin_client):
    response = admin_client.put(f"/api/route/{routed_hr_ticket.pk}", {"department": "hr"}, format="json")
    assert response.status_code == 409
    assert "already in HR" in response.data["error"]["message"]
    assert not RoutingDecision.objects.filter(action=RoutingAction.REROUTE).exists()


def test_reroute_to_an_unknown_department_is_400(routed_hr_ticket, admin_client):
    response = admin_client.put(f"/api/route/{routed_hr_ticket.pk}", {"department": "moon"}, format="json")
    assert response.status_code == 400
    assert response.data["error"]["fields"]["department"] == ["No department with the slug 'moon'."]


def test_reroute_of_an_unknown_ticket_is_404(admin_client):
    response = admin_client.put("/api/route/424242", {"department": "hr"}, format="json")
    assert response.status_code == 404
    assert "424242" in response.data["error"]["message"]


def test_post_route_with_unknown_ticket_is_404(admin_client):
    response = admin_client.post("/api/route", {"ticket_id": 424242, "department": "hr"}, format="json")
    assert response.status_code == 404


def test_post_route_without_fields_names_each(admin_client):
    response = admin_client.post("/api/route/", {}, format="json")
    assert response.status_code == 400
    assert set(response.data["error"]["fields"]) == {"ticket_id", "department"}


def test_post_route_routes_an_unrouted_ticket_and_the_pipeline_keeps_it(admin_user, admin_client):
    ticket = TicketFactory(title="Payroll error")
    response = admin_client.post(
        "/api/route", {"ticket_id": ticket.pk, "department": "finance", "reason": "known vendor"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert (response.data["action"], response.data["method"]) == ("route", "manual")
    # The pipeline catches up later and must not override the human's choice.
    ticket.refresh_from_db()
    ticket.pipeline_state = PipelineState.CATEGORIZED
    ticket.suggested_department = ticket.department.__class__.objects.get(slug="hr")
    ticket.save()
    ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.department.slug == "finance"
    assert ticket.pipeline_state == PipelineState.ROUTED
    assert RoutingDecision.objects.filter(ticket=ticket).count() == 1
    assert ticket.events.filter(kind=EventKind.ROUTED).count() == 1


def test_post_route_on_a_routed_ticket_reroutes(routed_hr_ticket, admin_client):
    response = admin_client.post(
        "/api/route", {"ticket_id": routed_hr_ticket.pk, "department": "general"}, format="json"
    )
    assert response.status_code == 201
    assert response.data["action"] == "reroute"


def test_agent_of_another_department_gets_403(routed_hr_ticket):
    client = client_for(agent_make("fin-agent", "finance"))
    response = client.put(f"/api/route/{routed_hr_ticket.pk}", {"department": "finance"}, format="json")
    assert response.status_code == 403
    assert response.data["error"]["code"] == "permission_denied"
    routed_hr_ticket.refresh_from_db()
    assert routed_hr_ticket.department.slug == "hr"


def test_requester_gets_403_even_on_their_own_ticket(user, user_client):
    ticket = categorized_ticket("hr", created_by=user)
    ticket_route(ticket_id=ticket.pk)
    response = user_client.post("/api/route", {"ticket_id": ticket.pk, "department": "finance"}, format="json")
    assert response.status_code == 403


def test_staff_member_of_a_department_is_an_agent_not_an_admin(routed_hr_ticket):
    staff_agent = StaffFactory(username="staff-in-it")
    agent_make("staff-in-it", "it_support")
    response = client_for(staff_agent).put(f"/api/route/{routed_hr_ticket.pk}", {"department": "it_support"})
    assert response.status_code == 403


def test_history_of_a_ticket_you_cannot_see_is_404(routed_hr_ticket, user_client):
    assert user_client.get(f"/api/tickets/{routed_hr_ticket.pk}/routing-history").status_code == 404


def test_agents_see_their_departments_tickets_and_triage_only():
    hr_agent = agent_make("hr-agent", "hr")
    hr_ticket = categorized_ticket("hr")
    finance_ticket = categorized_ticket("finance")
    triage_ticket = categorized_ticket("finance", 10, needs_review=True)
    for ticket in (hr_ticket, finance_ticket, triage_ticket):
        ticket_route(ticket_id=ticket.pk)
    client = client_for(hr_agent)
    ids = {t["id"] for t in client.get("/api/tickets").data["results"]}
    assert ids == {hr_ticket.pk, triage_ticket.pk}
    assert client.get(f"/api/tickets/{finance_ticket.pk}").status_code == 404


def test_ticket_list_filters_by_priority_and_assignee(admin_client):
    agent = agent_make("hr-agent", "hr")
    urgent = categorized_ticket("hr", priority="urgent")
    ticket_route(ticket_id=urgent.pk)
    TicketFactory(priority="urgent")
    categorized_ticket("hr", priority="low")
    response = admin_client.get("/api/tickets?priority=urgent&assignee=hr-agent")
    assert [t["id"] for t in response.data["results"]] == [urgent.pk]
    assert response.data["results"][0]["assignee"] == agent.username
    assert admin_client.get("/api/tickets?priority=extreme").status_code == 400
