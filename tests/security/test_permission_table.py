"""Who may do what: one table of role x endpoint x expected status.

The ticket under test is an HR ticket created by `owner`; `hr_agent` works HR,
`it_agent` works IT Support, `admin` is staff with no department.
"""

import pytest
from rest_framework.test import APIClient

from routing.services import agent_create
from tests.factories import StaffFactory, TicketFactory, UserFactory
from tickets.models import Department

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other_requester", "hr_agent", "it_agent", "admin")

# (method, path, body) -> expected status per role, in ROLES order.
TABLE = [
    (("GET", "/api/tickets/{id}", None), (401, 200, 404, 200, 404, 200)),
    (("GET", "/api/tickets", None), (401, 200, 200, 200, 200, 200)),
    (("POST", "/api/tickets", {"title": "Printer jam", "requester_email": "a@example.com"}), (401, 201, 201, 201, 201, 201)),
    (("PUT", "/api/tickets/{id}/status", {"status": "in_progress"}), (401, 403, 404, 200, 404, 200)),
    (("GET", "/api/tickets/{id}/routing-history", None), (401, 200, 404, 200, 404, 200)),
    (("PUT", "/api/route/{id}", {"department": "finance", "reason": "wrong queue"}), (401, 403, 403, 200, 403, 200)),
    (("POST", "/api/route", {"ticket_id": "{id}", "department": "it_support", "reason": "x"}),
     (401, 403, 403, 201, 403, 201)),
    (("PUT", "/api/tickets/{id}/assignee", {"assignee": None}), (401, 403, 403, 200, 403, 200)),
    (("GET", "/api/triage", None), (401, 403, 403, 200, 200, 200)),
    (("GET", "/api/routing/statistics", None), (401, 403, 403, 200, 200, 200)),
    (("GET", "/api/dashboard/summary", None), (401, 403, 403, 200, 200, 200)),
    (("GET", "/api/analytics/events", None), (401, 403, 403, 200, 200, 200)),
    (("GET", "/api/departments", None), (401, 200, 200, 200, 200, 200)),
]


@pytest.fixture
def actors(db):
    owner = UserFactory(username="owner")
    hr_agent, _ = agent_create(username="hr-agent", department_slugs=["hr"], password="agent-pass-123")
    it_agent, _ = agent_create(username="it-agent", department_slugs=["it_support"], password="agent-pass-123")
    return {
        "anonymous": None,
        "owner": owner,
        "other_requester": UserFactory(username="other"),
        "hr_agent": hr_agent,
        "it_agent": it_agent,
        "admin": StaffFactory(username="boss"),
    }


def _fill(value, ticket_id: int):
    if isinstance(value, dict):
        return {key: _fill(item, ticket_id) for key, item in value.items()}
    if value == "{id}":
        return ticket_id
    return value


@pytest.mark.parametrize(("request_spec", "expected"), TABLE, ids=[f"{m} {p}" for (m, p, _), _ in TABLE])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_role_gets_the_expected_status(actors, request_spec, expected, role_index):
    role = ROLES[role_index]
    method, path, body = request_spec
    # A fresh HR ticket per request: earlier requests (a reroute, say) must not change the next.
    ticket = TicketFactory(created_by=actors["owner"], department=Department.objects.get(slug="hr"))
    client = APIClient()
    if actors[role] is not None:
        client.force_authenticate(actors[role])
    response = getattr(client, method.lower())(
        path.replace("{id}", str(ticket.pk)), _fill(body, ticket.pk), format="json"
    )
    assert response.status_code == expected[role_index], (role, method, path, response.content[:300])
