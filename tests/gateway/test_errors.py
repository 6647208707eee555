import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def test_validation_errors_use_the_error_shape_with_fields(user_client):
    error = _error(user_client.post("/api/tickets", {}, format="json"))
    assert error["code"] == "invalid"
    assert error["fields"]["title"] == ["This field is required."]


def test_unknown_api_path_is_a_json_404(user_client):
    response = user_client.get("/api/nothing-here")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_missing_ticket_is_a_json_404(staff_client):
    response = staff_client.get("/api/tickets/424242")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_unauthenticated_is_a_json_401(api_client):
    response = api_client.get("/api/tickets")
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


def test_wrong_method_is_a_json_405(staff_client):
    response = staff_client.delete("/api/tickets")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_database_outage_is_a_json_503(staff_client, monkeypatch):
    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("tickets.apis.ticket_list_visible", database_gone)
    response = staff_client.get("/api/tickets")
    assert response.status_code == 503
    assert _error(response)["code"] == "service_unavailable"


def test_v1_is_canonical_and_api_is_an_alias(staff_client):
    assert staff_client.get("/api/v1/tickets").status_code == 200
    assert staff_client.get("/api/v1/tickets/").status_code == 200
    root = staff_client.get("/api/").json()
    assert root["tickets"].endswith("/api/v1/tickets")
