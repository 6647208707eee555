import pytest

pytestmark = pytest.mark.django_db


def test_health_is_ok_without_authentication(api_client):
    response = api_client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_health_is_503_naming_the_broker_when_it_is_down(api_client, monkeypatch):
    monkeypatch.setattr("gateway.apis.broker_check", lambda: "ConnectionRefusedError: refused")
    response = api_client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"


def test_health_is_503_naming_the_database_when_it_is_down(api_client, monkeypatch):
    monkeypatch.setattr("gateway.apis.database_check", lambda: "OperationalError: gone")
    response = api_client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


def test_broker_check_reports_an_unreachable_broker():
    from gateway.health import broker_check

    assert "Error" in broker_check(timeout=0.5, url="amqp://guest:guest@127.0.0.1:1//")
