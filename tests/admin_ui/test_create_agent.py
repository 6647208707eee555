import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from routing.models import DepartmentMembership
from routing.services import AGENTS_GROUP

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("create_agent", *args, stdout=out)
    return out.getvalue()


def test_create_agent_makes_a_staff_agent_who_can_log_in(client):
    output = run("alice", "--department", "hr", "--department", "finance", "--password", "pw-alice-123",
                 "--email", "alice@example.com")
    assert "Created agent 'alice'" in output
    user = get_user_model().objects.get(username="alice")
    assert user.is_staff and not user.is_superuser and user.email == "alice@example.com"
    assert set(user.department_memberships.values_list("department__slug", flat=True)) == {"hr", "finance"}
    assert user.groups.filter(name=AGENTS_GROUP).exists()
    assert user.has_perm("tickets.view_ticket") and user.has_perm("tickets.change_ticket")
    assert not user.has_perm("tickets.delete_ticket")
    assert client.login(username="alice", password="pw-alice-123")
    assert client.get("/admin/tickets/ticket/").status_code == 200


def test_create_agent_prints_a_generated_password_once(client):
    output = run("bob", "--department", "it_support")
    password = output.strip().rsplit(": ", 1)[1]
    assert len(password) >= 12
    assert client.login(username="bob", password=password)
    second = run("bob", "--department", "it_support")
    assert "exists" in second and password not in second


def test_create_agent_is_idempotent_and_adds_departments():
    run("carol", "--department", "hr", "--password", "pw-carol-123")
    DepartmentMembership.objects.filter(user__username="carol").update(is_active=False)
    run("carol", "--department", "hr", "--department", "facilities")
    user = get_user_model().objects.get(username="carol")
    assert get_user_model().objects.filter(username="carol").count() == 1
    assert user.check_password("pw-carol-123")  # kept: no --password given
    memberships = dict(user.department_memberships.values_list("department__slug", "is_active"))
    assert memberships == {"hr": True, "facilities": True}
    assert user.groups.filter(name=AGENTS_GROUP).count() == 1


def test_create_agent_refuses_an_unknown_department():
    with pytest.raises(CommandError, match="Unknown department.*nope"):
        run("dave", "--department", "nope")
    assert not get_user_model().objects.filter(username="dave").exists()
