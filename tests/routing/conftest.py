import pytest
from rest_framework.test import APIClient

from routing.models import DepartmentMembership
from tests.factories import StaffFactory, TicketFactory, UserFactory, department
from tickets.models import PipelineState


def agent_make(username: str, *slugs: str, is_active: bool = True):
    """A user who is a member of the named departments (an agent)."""
    user = UserFactory(username=username)
    for slug in slugs:
        DepartmentMembership.objects.create(user=user, department=department(slug), is_active=is_active)
    return user


def categorized_ticket(suggested: str, confidence: int = 90, *, needs_review: bool = False, **fields):
    """A ticket the categorizer has finished with, ready for ticket_route."""
    return TicketFactory(
        suggested_department=department(suggested),
        confidence=confidence,
        categorization_method="keywords",
        needs_review=needs_review,
        pipeline_state=PipelineState.CATEGORIZED,
        **fields,
    )


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin_user(db):
    return StaffFactory(username="boss", email="boss@example.com")


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)
