import pytest
from django.core.management import call_command
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_endpoint_returns_a_token_that_authenticates(api_client):
    UserFactory(username="alice", password="correct-horse")
    response = api_client.post("/api/auth/token", {"username": "alice", "password": "correct-horse"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/tickets").status_code == 200


def test_wrong_password_is_a_400(api_client):
    UserFactory(username="alice", password="correct-horse")
    response = api_client.post("/api/auth/token", {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 400


def test_ensure_admin_creates_the_admin_once(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    call_command("ensure_admin")
    printed = capsys.readouterr().out
    password = printed.rsplit("password: ", 1)[1].strip()
    boss = get_user_model().objects.get(username="boss")
    assert boss.is_superuser and boss.check_password(password)
    call_command("ensure_admin")
    assert "exists" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="boss").count() == 1


def test_ensure_admin_uses_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "from-the-env-123")
    call_command("ensure_admin")
    assert get_user_model().objects.get(username="boss").check_password("from-the-env-123")
