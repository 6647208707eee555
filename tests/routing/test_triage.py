import pytest

from categorization.services import ticket_categorize
from routing.models import RoutingAction, RoutingDecision
from routing.services import ticket_route
from tests.factories import TicketFactory
from tests.routing.conftest import agent_make, categorized_ticket, client_for

pytestmark = pytest.mark.django_db


def test_low_confidence_ticket_waits_in_triage(settings, admin_client):
    settings.CATEGORIZATION_REVIEW_THRESHOLD = 101  # every categorization counts as low confidence
    low = TicketFactory(title="Toilet leaking on floor 2", description="")
    ticket_categorize(ticket_id=low.pk)
    ticket_route(ticket_id=low.pk)
    settings.CATEGORIZATION_REVIEW_THRESHOLD = 0
    sure = TicketFactory(title="Corporate card declined", description="")
    ticket_categorize(ticket_id=sure.pk)
    ticket_route(ticket_id=sure.pk)

    response = admin_client.get("/api/triage")
    assert response.status_code == 200
    assert [t["id"] for t in response.data["results"]] == [low.pk]
    assert response.data["results"][0]["department"] == "facilities"


def test_agents_of_any_department_see_the_triage_queue():
    ticket = categorized_ticket("hr", 30, needs_review=True)
    ticket_route(ticket_id=ticket.pk)
    response = client_for(agent_make("fin-agent", "finance")).get("/api/triage/")
    assert [t["id"] for t in response.data["results"]] == [ticket.pk]


def test_requesters_may_not_see_triage(user_client):
    response = user_client.get("/api/triage")
    assert response.status_code == 403
    assert response.data["error"]["code"] == "permission_denied"


def test_confirm_clears_the_flag_and_records_a_decision():
    ticket = categorized_ticket("hr", 30, needs_review=True)
    ticket_route(ticket_id=ticket.pk)
    agent = agent_make("hr-agent", "hr")
    client = client_for(agent)
    response = client.post(f"/api/triage/{ticket.pk}/confirm", {"reason": "looks right"}, format="json")
    assert response.status_code == 201, response.data
    ticket.refresh_from_db()
    assert ticket.needs_review is False
    assert ticket.department.slug == "hr"
    decision = RoutingDecision.objects.get(ticket=ticket, action=RoutingAction.CONFIRM)
    assert (decision.actor, decision.reason, decision.from_triage) == (agent, "looks right", True)
    assert client.get("/api/triage").data["results"] == []
    assert ticket.events.filter(kind="ticket.review.confirmed", actor=agent).count() == 1


def test_confirm_twice_is_a_conflict(admin_client):
    ticket = categorized_ticket("hr", 30, needs_review=True)
    ticket_route(ticket_id=ticket.pk)
    assert admin_client.post(f"/api/triage/{ticket.pk}/confirm").status_code == 201
    response = admin_client.post(f"/api/triage/{ticket.pk}/confirm")
    assert response.status_code == 409
    assert "not waiting in triage" in response.data["error"]["message"]


def test_triage_reroute_moves_the_ticket_and_clears_the_flag(admin_user, admin_client):
    ticket = categorized_ticket("general", 20, needs_review=True)
    ticket_route(ticket_id=ticket.pk)
    response = admin_client.post(
        f"/api/triage/{ticket.pk}/reroute", {"department": "finance", "reason": "it is an invoice"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert (response.data["from_department"], response.data["to_department"]) == ("general", "finance")
    assert response.data["from_triage"] is True
    ticket.refresh_from_db()
    assert (ticket.department.slug, ticket.needs_review) == ("finance", False)
    assert admin_client.get("/api/triage").data["results"] == []


def test_triage_reroute_to_an_unknown_department_is_400(admin_client):
    ticket = categorized_ticket("general", 20, needs_review=True)
    ticket_route(ticket_id=ticket.pk)
    response = admin_client.post(f"/api/triage/{ticket.pk}/reroute", {"department": "mars"}, format="json")
    assert response.status_code == 400
    assert "mars" in response.data["error"]["fields"]["department"][0]


def test_confirm_of_an_unknown_ticket_is_404(admin_client):
    response = admin_client.post("/api/triage/999999/confirm")
    assert response.status_code == 404
    assert "999999" in response.data["error"]["message"]
