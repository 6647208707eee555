import pytest

from routing.services import agent_create
from tests.factories import TicketFactory, UserFactory, department
from tickets.models import PipelineState


def routed_ticket(slug: str, *, needs_review: bool = False, **fields):
    """A ticket the pipeline has routed to ``slug`` (stored directly, no pipeline run)."""
    return TicketFactory(
        department=department(slug),
        suggested_department=department(slug),
        confidence=40 if needs_review else 90,
        categorization_method="keywords",
        needs_review=needs_review,
        pipeline_state=PipelineState.RECORDED,
        **fields,
    )


@pytest.fixture
def hr_agent(db):
    user, _ = agent_create(username="hr-agent", department_slugs=["hr"], password="agent-pass-1")
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def agent_client(client, hr_agent):
    client.force_login(hr_agent)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def tickets_by_department(db):
    """One HR ticket, one Finance ticket, one Facilities ticket waiting in triage."""
    return {
        "hr": routed_ticket("hr", title="HR payslip missing"),
        "finance": routed_ticket("finance", title="Finance invoice overdue"),
        "triage": routed_ticket("facilities", needs_review=True, title="Triage broken chair"),
    }
