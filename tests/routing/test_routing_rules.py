import pytest
from django.core.exceptions import ValidationError

from routing.models import RoutingDecision, RoutingMethod, RoutingRule
from routing.services import routing_rule_save, ticket_route
from tests.factories import UserFactory, department
from tests.routing.conftest import categorized_ticket
from tickets.models import EventKind, TicketPriority

pytestmark = pytest.mark.django_db


def rule(name: str, target: str, position: int = 100, **conditions) -> RoutingRule:
    new_rule = RoutingRule(name=name, department=department(target), position=position, **conditions)
    return routing_rule_save(rule=new_rule)


def routed(ticket):
    ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    return ticket


def test_without_a_matching_rule_the_suggested_department_wins():
    rule("Badges", "facilities", pattern="badge")
    ticket = routed(categorized_ticket("hr", title="Payslip wrong"))
    assert ticket.department.slug == "hr"
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert (decision.method, decision.rule, decision.to_department.slug) == (RoutingMethod.AUTO, None, "hr")
    assert ticket.priority == TicketPriority.NORMAL


def test_lower_position_rule_wins_when_two_match():
    rule("later", "general", position=20, pattern="vpn")
    first = rule("earlier", "facilities", position=10, pattern="vpn")
    ticket = routed(categorized_ticket("it_support", title="VPN down"))
    assert ticket.department.slug == "facilities"
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert decision.method == RoutingMethod.RULE
    assert decision.rule == first


def test_rule_sets_priority_and_the_event_names_the_rule():
    chosen = rule("CEO office", "it_support", email_domain="board.example.com", priority=TicketPriority.URGENT)
    ticket = routed(categorized_ticket("it_support", requester_email="ceo@Board.Example.com"))
    assert ticket.priority == TicketPriority.URGENT
    event = ticket.events.get(kind=EventKind.ROUTED)
    assert event.payload["method"] == "rule" and event.payload["rule"] == chosen.pk


def test_inactive_rule_is_skipped():
    inactive = rule("off", "finance", pattern="printer")
    inactive.is_active = False
    routing_rule_save(rule=inactive)
    assert routed(categorized_ticket("it_support", title="Printer jam")).department.slug == "it_support"


def test_rule_to_an_inactive_department_is_skipped():
    rule("to finance", "finance", pattern="printer")
    finance = department("finance")
    finance.is_active = False
    finance.save()
    assert routed(categorized_ticket("it_support", title="Printer jam")).department.slug == "it_support"


@pytest.mark.parametrize(
    ("conditions", "ticket_fields", "matches"),
    [
        ({"suggested_department_id": "hr"}, {"suggested": "hr"}, True),
        ({"suggested_department_id": "hr"}, {"suggested": "finance"}, False),
        ({"min_confidence": 40, "max_confidence": 60}, {"confidence": 40}, True),
        ({"min_confidence": 40, "max_confidence": 60}, {"confidence": 60}, True),
        ({"min_confidence": 40, "max_confidence": 60}, {"confidence": 61}, False),
        ({"min_confidence": 40}, {"confidence": 39}, False),
        ({"pattern": "Toner"}, {"description": "we need TONER now"}, True),
        ({"pattern": "toner"}, {"title": "Printer"}, False),
        ({"pattern": r"inv-\d{4}", "pattern_is_regex": True}, {"title": "Unpaid INV-2031"}, True),
        ({"pattern": r"inv-\d{4}", "pattern_is_regex": True}, {"title": "Unpaid INV-20"}, False),
        ({"email_domain": "@Contoso.com"}, {"requester_email": "a@contoso.com"}, True),
        ({"email_domain": "contoso.com"}, {"requester_email": "a@sub.contoso.com"}, False),
        # Conditions combine with AND.
        ({"pattern": "toner", "email_domain": "contoso.com"}, {"title": "toner", "requester_email": "a@x.org"}, False),
    ],
)
def test_rule_conditions(conditions, ticket_fields, matches):
    conditions = dict(conditions)
    if "suggested_department_id" in conditions:
        conditions["suggested_department_id"] = department(conditions["suggested_department_id"]).pk
    rule("under test", "general", **conditions)
    fields = {"title": "Something", **ticket_fields}
    suggested = fields.pop("suggested", "it_support")
    confidence = fields.pop("confidence", 90)
    ticket = routed(categorized_ticket(suggested, confidence, **fields))
    assert (ticket.department.slug == "general") is matches


def test_invalid_regex_is_refused_at_validation():
    with pytest.raises(ValidationError) as error:
        rule("broken", "hr", pattern="(unclosed", pattern_is_regex=True)
    assert "pattern" in error.value.message_dict
    assert not RoutingRule.objects.exists()


def test_rule_without_any_condition_is_refused():
    with pytest.raises(ValidationError):
        rule("catch all", "hr")


def test_inverted_confidence_range_is_refused():
    with pytest.raises(ValidationError) as error:
        rule("inverted", "hr", min_confidence=80, max_confidence=20)
    assert "max_confidence" in error.value.message_dict


def test_admin_form_refuses_an_invalid_regex(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/routing/routingrule/add/",
        {
            "name": "broken", "position": 1, "is_active": "on", "pattern": "[a-", "pattern_is_regex": "on",
            "department": department("hr").pk, "priority": "",
        },
    )
    assert response.status_code == 200  # the form comes back with errors
    assert "Not a valid regular expression" in response.content.decode()
    assert not RoutingRule.objects.exists()
