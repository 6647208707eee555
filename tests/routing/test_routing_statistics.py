"""Statistics on a known data set; the expected numbers are worked out by hand in the comments."""

from datetime import timedelta

import pytest

from routing.models import RoutingAction, RoutingDecision, RoutingRule
from routing.services import routing_rule_save, ticket_review_confirm, ticket_route, ticket_route_manual
from tests.factories import TicketFactory, department
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set(admin_user):
    routing_rule_save(rule=RoutingRule(name="badges", pattern="badge", department=department("facilities")))

    def auto(suggested, title="Something", needs_review=False):
        ticket = TicketFactory(
            title=title, suggested_department=department(suggested), confidence=30 if needs_review else 90,
            needs_review=needs_review, pipeline_state="categorized",
        )
        ticket_route(ticket_id=ticket.pk)
        return ticket

    def reroute(ticket, slug):
        ticket_route_manual(ticket_id=ticket.pk, department=department(slug), actor=admin_user, reason="fix")

    t1 = auto("it_support")                                  # auto it, stays
    t2 = auto("hr")
    reroute(t2, "finance")                                   # auto hr → finance
    t3 = auto("it_support", title="Door badge broken")      # rule facilities → it_support
    reroute(t3, "it_support")
    t4 = auto("finance", needs_review=True)                  # triage confirmed
    ticket_review_confirm(ticket_id=t4.pk, actor=admin_user)
    t5 = auto("general", needs_review=True)                  # triage rerouted → hr
    reroute(t5, "hr")
    t6 = TicketFactory()                                     # routed by hand first
    ticket_route_manual(ticket_id=t6.pk, department=department("it_support"), actor=admin_user)
    t7 = auto("hr", needs_review=True)                       # still waiting in triage
    t8 = auto("hr")
    reroute(t8, "finance")                                   # hr → finance → hr
    reroute(t8, "hr")

    # Creation → first routing: 10, 20, 30, 40, 50, 60, 70, 1000 seconds.
    for ticket, seconds in zip((t1, t2, t3, t4, t5, t6, t7, t8), (10, 20, 30, 40, 50, 60, 70, 1000)):
        routed_at = RoutingDecision.objects.get(ticket=ticket, action=RoutingAction.ROUTE).created_at
        Ticket.objects.filter(pk=ticket.pk).update(created_at=routed_at - timedelta(seconds=seconds))


def test_statistics_match_hand_computed_values(data_set, admin_client):
    response = admin_client.get("/api/routing/statistics")
    assert response.status_code == 200
    stats = response.json()
    # Final departments: it t1 t3 t6, hr t5 t7 t8, finance t2 t4.
    assert stats["routed"] == {
        "total": 8,
        "per_department": {"facilities": 0, "finance": 2, "general": 0, "hr": 3, "it_support": 3},
        "per_method": {"auto": 6, "rule": 1, "manual": 1},
    }
    # Automated first routings: 7 (all but t6); corrected later: t2, t3, t5, t8.
    assert stats["reroute_rate"]["overall"] == round(4 / 7, 4)
    assert (stats["reroute_rate"]["automated"], stats["reroute_rate"]["rerouted"]) == (7, 4)
    assert stats["reroute_rate"]["per_first_department"] == {
        "facilities": {"automated": 1, "rerouted": 1, "rate": 1.0},
        "finance": {"automated": 1, "rerouted": 0, "rate": 0.0},
        "general": {"automated": 1, "rerouted": 1, "rate": 1.0},
        "hr": {"automated": 3, "rerouted": 2, "rate": round(2 / 3, 4)},
        "it_support": {"automated": 1, "rerouted": 0, "rate": 0.0},
    }
    assert stats["corrections"] == [
        {"first": "facilities", "final": "it_support", "count": 1},
        {"first": "general", "final": "hr", "count": 1},
        {"first": "hr", "final": "finance", "count": 1},
        {"first": "hr", "final": "hr", "count": 1},
    ]
    assert stats["median_seconds_to_routing"] == pytest.approx(45.0)  # (40 + 50) / 2
    assert stats["triage"] == {"waiting": 1, "confirmed": 1, "rerouted": 1}


def test_dashboard_serves_the_same_numbers(data_set, admin_client):
    assert admin_client.get("/api/dashboard/routing/").json() == admin_client.get("/api/routing/statistics/").json()


def test_statistics_with_no_routing_yet(admin_client):
    stats = admin_client.get("/api/routing/statistics").json()
    assert stats["routed"]["total"] == 0
    assert stats["reroute_rate"]["overall"] is None
    assert stats["median_seconds_to_routing"] is None


def test_requesters_may_not_read_statistics(user_client):
    assert user_client.get("/api/routing/statistics").status_code == 403
