from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routing.models import RoutingAction, RoutingDecision, RoutingMethod
from routing.services import agent_create
from tests.admin_ui.conftest import routed_ticket
from tests.factories import department
from tickets.models import EventKind, TicketStatus

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tickets/ticket/"


def change_url(ticket) -> str:
    return f"/admin/tickets/ticket/{ticket.pk}/change/"


def action(client, name: str, *tickets, **extra):
    data = {"action": name, "_selected_action": [t.pk for t in tickets], **extra}
    return client.post(CHANGELIST, data, follow=True)


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Rendering and scoping -------------------------------------------------------------


def test_changelist_renders_for_an_agent_with_only_their_department_and_triage(agent_client, tickets_by_department):
    response = agent_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "HR payslip missing" in html
    assert "Triage broken chair" in html
    assert "Finance invoice overdue" not in html
    for column in ("column-department", "column-status", "column-priority", "column-confidence",
                   "column-method", "column-review", "column-assignee", "column-created_at"):
        assert column in html


def test_changelist_renders_everything_for_an_admin(admin_client, tickets_by_department):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for ticket in tickets_by_department.values():
        assert ticket.title in html


def test_changelist_filters_search_and_date_hierarchy(admin_client, tickets_by_department):
    assert "payslip" in admin_client.get(CHANGELIST, {"q": "payslip"}).content.decode()
    searched = admin_client.get(CHANGELIST, {"q": "requester@example"}).content.decode()
    assert "HR payslip missing" in searched  # requester e-mail is searched
    filtered = admin_client.get(CHANGELIST, {"needs_review__exact": "1"}).content.decode()
    assert "Triage broken chair" in filtered and "HR payslip missing" not in filtered
    by_department = admin_client.get(CHANGELIST, {"department__id__exact": department("finance").pk})
    assert "Finance invoice overdue" in by_department.content.decode()
    assert "HR payslip missing" not in by_department.content.decode()
    page = admin_client.get(CHANGELIST).content.decode()
    assert 'class="xfull"' in page or "date-hierarchy" in page or "toplinks" in page
    for parameter in ("status__exact", "priority__exact", "categorization_method", "created_at__gte"):
        assert parameter in page


def test_change_form_renders_for_an_agent_with_history(agent_client, tickets_by_department):
    from routing.services import ticket_route_manual

    ticket = tickets_by_department["triage"]
    ticket_route_manual(ticket_id=ticket.pk, department=department("hr"), actor=None, reason="chair is HR's")
    response = agent_client.get(change_url(ticket))
    assert response.status_code == 200
    html = response.content.decode()
    assert "event trail" in html.lower() and "routing history" in html.lower()
    assert "chair is HR&#x27;s" in html or "chair is HR's" in html
    assert "keywords" in html  # categorization method shown
    assert 'name="_save"' not in html  # nothing is edited in the form
    assert 'value="reroute_to_department"' in html  # the page's Reroute… button opens the action


def test_ticket_page_has_no_action_buttons_when_the_agent_may_only_view(client, hr_agent):
    own = routed_ticket("finance", title="My own laptop bill", created_by=hr_agent)
    client.force_login(hr_agent)
    html = client.get(change_url(own)).content.decode()
    assert "My own laptop bill" in html and 'value="reroute_to_department"' not in html


def test_change_form_renders_for_an_admin(admin_client, tickets_by_department):
    response = admin_client.get(change_url(tickets_by_department["finance"]))
    assert response.status_code == 200
    assert "Finance invoice overdue" in response.content.decode()


def test_agent_gets_404_on_another_departments_ticket(agent_client, tickets_by_department):
    finance = tickets_by_department["finance"]
    assert agent_client.get(change_url(finance)).status_code == 404
    assert agent_client.get(f"/admin/tickets/ticket/{finance.pk}/history/").status_code == 404
    assert agent_client.get(f"/admin/tickets/ticket/{finance.pk}/delete/").status_code in (403, 404)


def test_agent_cannot_manage_departments_rules_or_memberships(agent_client):
    for url in ("/admin/tickets/department/", "/admin/routing/routingrule/", "/admin/routing/departmentmembership/",
                "/admin/routing/routingdecision/", "/admin/django_celery_results/taskresult/"):
        assert agent_client.get(url).status_code == 403, url


def test_admin_manages_routing_and_celery_models(admin_client):
    for url in ("/admin/tickets/department/", "/admin/routing/routingrule/", "/admin/routing/departmentmembership/",
                "/admin/django_celery_results/taskresult/", "/admin/django_celery_beat/periodictask/",
                "/admin/django_celery_beat/periodictask/add/"):
        assert admin_client.get(url).status_code == 200, url


# --- Actions go through the services ---------------------------------------------------


def test_start_and_resolve_actions_record_status_events(agent_client, hr_agent, tickets_by_department):
    ticket = tickets_by_department["hr"]
    response = action(agent_client, "start_tickets", ticket)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    action(agent_client, "resolve_tickets", ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolved_at is not None
    moves = [(e.payload["from"], e.payload["to"], e.actor) for e in ticket.events.filter(kind=EventKind.STATUS_UPDATED)]
    assert moves == [("pending", "in_progress", hr_agent), ("in_progress", "resolved", hr_agent)]


def test_reopen_action_reopens_a_resolved_ticket(agent_client, tickets_by_department):
    ticket = tickets_by_department["hr"]
    action(agent_client, "resolve_tickets", ticket)
    action(agent_client, "reopen_tickets", ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.events.filter(kind=EventKind.STATUS_UPDATED, payload__reopened=True).count() == 1


def test_a_move_not_allowed_shows_a_message_and_changes_nothing(agent_client, tickets_by_department):
    ticket = tickets_by_department["hr"]
    response = action(agent_client, "reopen_tickets", ticket)  # pending cannot be reopened
    assert response.status_code == 200
    assert any("cannot be reopened" in message for message in page_messages(response))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    assert not ticket.events.filter(kind=EventKind.STATUS_UPDATED).exists()


def test_agent_action_on_another_departments_ticket_is_refused(agent_client, tickets_by_department):
    hr, finance = tickets_by_department["hr"], tickets_by_department["finance"]
    # The finance ticket is outside the agent's queryset: Django drops it from the selection.
    action(agent_client, "resolve_tickets", hr, finance)
    finance.refresh_from_db()
    assert finance.status == TicketStatus.PENDING
    hr.refresh_from_db()
    assert hr.status == TicketStatus.RESOLVED


def test_agent_may_view_but_not_act_on_their_own_ticket_in_another_department(client, hr_agent):
    own = routed_ticket("finance", title="My own laptop bill", created_by=hr_agent)
    client.force_login(hr_agent)
    page = client.get(change_url(own))
    assert page.status_code == 200  # visible: they asked for it
    response = action(client, "resolve_tickets", own)
    assert any("may not act on" in message for message in page_messages(response))
    own.refresh_from_db()
    assert own.status == TicketStatus.PENDING


def test_assign_action_uses_an_intermediate_form_and_the_service(agent_client, hr_agent, tickets_by_department):
    colleague, _ = agent_create(username="hr-colleague", department_slugs=["hr"], password="x-pass-123")
    ticket = tickets_by_department["hr"]
    form = action(agent_client, "assign_to_agent", ticket)
    assert form.templates[0].name == "admin/tickets/ticket/action_form.html"
    assert "hr-colleague" in form.content.decode()
    action(agent_client, "assign_to_agent", ticket, apply="1", assignee=colleague.pk)
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert (event.actor, event.payload["assignee"]) == (hr_agent, "hr-colleague")


def test_reroute_flow_asks_for_a_reason_and_records_history(agent_client, hr_agent, admin_user,
                                                             tickets_by_department):
    ticket = tickets_by_department["hr"]
    form_page = action(agent_client, "reroute_to_department", ticket)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert 'name="reason"' in html and 'name="department"' in html and "HR payslip missing" in html

    # Without a reason the form comes back with an error and nothing changes.
    again = action(agent_client, "reroute_to_department", ticket, apply="1", department=department("finance").pk)
    assert "This field is required" in again.content.decode()
    assert not RoutingDecision.objects.filter(ticket=ticket).exists()

    done = action(agent_client, "reroute_to_department", ticket, apply="1", department=department("finance").pk,
                  reason="it is an invoice")
    assert any("Rerouted to Finance" in message for message in page_messages(done))
    ticket.refresh_from_db()
    assert ticket.department.slug == "finance"
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert (decision.action, decision.method, decision.actor, decision.reason) == (
        RoutingAction.REROUTE, RoutingMethod.MANUAL, hr_agent, "it is an invoice"
    )
    event = ticket.events.get(kind=EventKind.REROUTED)
    assert (event.payload["from"], event.payload["to"], event.actor) == ("hr", "finance", hr_agent)
    # The ticket left the agent's departments; the admin sees the reroute in the routing history.
    assert agent_client.get(change_url(ticket)).status_code == 404
    admin = Client()
    admin.force_login(admin_user)
    history = admin.get(change_url(ticket)).content.decode()
    assert "it is an invoice" in history and "Reroute" in history


def test_a_create_agent_user_logs_in_and_sees_their_department_and_triage(tickets_by_department):
    call_command("create_agent", "newbie", "--department", "hr", "--password", "newbie-pass-1", stdout=StringIO())
    browser = Client()
    assert browser.login(username="newbie", password="newbie-pass-1")
    html = browser.get(CHANGELIST).content.decode()
    assert "HR payslip missing" in html and "Triage broken chair" in html
    assert "Finance invoice overdue" not in html


def test_agent_reroutes_a_triage_ticket_of_another_department(agent_client, tickets_by_department):
    ticket = tickets_by_department["triage"]
    action(agent_client, "reroute_to_department", ticket, apply="1", department=department("hr").pk,
           reason="HR handles chairs here")
    ticket.refresh_from_db()
    assert (ticket.department.slug, ticket.needs_review) == ("hr", False)
    assert RoutingDecision.objects.get(ticket=ticket).from_triage is True


def test_reroute_to_the_same_department_shows_a_message(agent_client, tickets_by_department):
    ticket = tickets_by_department["hr"]
    response = action(agent_client, "reroute_to_department", ticket, apply="1", department=department("hr").pk,
                      reason="no change")
    assert response.status_code == 200
    assert any("already in HR" in message for message in page_messages(response))
    assert not RoutingDecision.objects.filter(ticket=ticket).exists()


# --- Query count --------------------------------------------------------------------------


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHANGELIST).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_changelist_query_count_does_not_grow_with_the_page(who, client, admin_user, hr_agent):
    client.force_login(admin_user if who == "admin" else hr_agent)
    for n in range(5):
        routed_ticket("hr", title=f"small {n}", assignee=hr_agent)
    small = _changelist_queries(client)
    for n in range(95):
        routed_ticket("hr", title=f"large {n}", assignee=hr_agent)
    large = _changelist_queries(client)
    assert large == small, (small, large)
    assert large <= 15
