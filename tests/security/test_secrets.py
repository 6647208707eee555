"""Secrets never appear in logs or responses."""

import logging

import pytest

pytestmark = pytest.mark.django_db

SECRET_KEY_VALUE = "sk-ant-api03-THIS-MUST-NEVER-LEAK-0123456789"


def test_the_api_key_is_not_in_health_or_api_root(api_client, settings):
    settings.ANTHROPIC_API_KEY = SECRET_KEY_VALUE
    for path in ("/api/health", "/api/"):
        assert SECRET_KEY_VALUE not in api_client.get(path).content.decode()


def test_a_failed_login_does_not_log_or_echo_the_password(api_client, caplog):
    caplog.set_level(logging.DEBUG)
    response = api_client.post("/api/auth/token", {"username": "nobody", "password": "hunter2-secret"}, format="json")
    assert response.status_code == 400
    assert "hunter2-secret" not in response.content.decode()
    assert "hunter2-secret" not in caplog.text


def test_the_broker_password_is_masked_in_health_errors(api_client, monkeypatch):
    from gateway import health

    monkeypatch.setattr(health.celery_app.conf, "broker_url", "amqp://guest:topsecretpw@127.0.0.1:1//")
    error = health.broker_check(timeout=0.3, url="amqp://guest:topsecretpw@127.0.0.1:1//")
    assert error and "topsecretpw" not in error
