"""Bad bodies, throttling, 500s and versioning: every answer under /api/ is the JSON error shape."""

import json

import pytest
from django.test import Client

from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert {"code", "message", "fields"} <= set(body["error"])
    return body["error"]


def test_body_over_one_megabyte_is_a_json_413(user_client):
    body = json.dumps({"title": "big", "description": "x" * (1024 * 1024)})
    response = user_client.post("/api/tickets", body, content_type="application/json")
    assert response.status_code == 413
    assert _error(response)["code"] == "payload_too_large"


def test_form_body_over_the_limit_is_a_413_too(user_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = user_client.post("/api/tickets", {"title": "t" * 500}, format="multipart")
    assert response.status_code == 413
    assert _error(response)["code"] == "payload_too_large"


def test_body_under_the_limit_is_accepted(user_client):
    body = json.dumps({"title": "fits", "description": "x" * 9000})
    assert user_client.post("/api/tickets", body, content_type="application/json").status_code == 201


def test_malformed_json_is_a_400(user_client):
    response = user_client.post("/api/tickets", '{"title": "oops",', content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "parse_error"


def test_wrong_content_type_is_a_415(user_client):
    response = user_client.post("/api/tickets", "<ticket/>", content_type="application/xml")
    assert response.status_code == 415
    assert _error(response)["code"] == "unsupported_media_type"


def test_unhandled_error_is_a_json_500(staff, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tickets.apis.ticket_list_visible", broken)
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    response = client.get("/api/tickets")
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "server_error"
    assert "boom" not in error["message"]


def test_django_level_500_under_api_is_json():
    from django.test import RequestFactory

    from gateway.errors import handler500

    response = handler500(RequestFactory().get("/api/tickets"))
    assert response.status_code == 500
    assert _error(response)["code"] == "server_error"


def test_ticket_creation_is_throttled_per_user_with_retry_after(user_client, other_user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "ticket_create": "2/minute"},
    }
    statuses = [user_client.post("/api/tickets", {"title": f"t{i}"}, format="json").status_code for i in range(3)]
    assert statuses == [201, 201, 429]
    response = user_client.post("/api/tickets", {"title": "again"}, format="json")
    assert _error(response)["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    # Reading is not creation, and another user has their own budget.
    assert user_client.get("/api/tickets").status_code == 200
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(other_user)
    assert other.post("/api/tickets", {"title": "mine"}, format="json").status_code == 201


def test_anonymous_requests_are_throttled_per_ip(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "ticket_create": "1000/minute"},
    }
    statuses = [api_client.get("/api/", REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "Retry-After" in api_client.get("/api/", REMOTE_ADDR="10.0.0.1")
    assert api_client.get("/api/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_every_api_response_names_the_version(staff_client):
    TicketFactory()
    for path in ("/api/v1/tickets", "/api/tickets", "/api/nothing-here", "/api/health/live"):
        assert staff_client.get(path)["API-Version"] == "1", path


def test_alias_and_canonical_paths_answer_the_same(staff_client):
    TicketFactory(title="same either way")
    assert staff_client.get("/api/tickets").json() == staff_client.get("/api/v1/tickets").json()


def test_asking_for_an_unserved_version_is_a_400(staff_client):
    response = staff_client.get("/api/tickets", HTTP_API_VERSION="2")
    assert response.status_code == 400
    assert _error(response)["code"] == "unsupported_version"
    assert staff_client.get("/api/tickets", HTTP_API_VERSION="1").status_code == 200


def test_unknown_version_prefix_is_a_json_404(staff_client):
    response = staff_client.get("/api/v2/tickets")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"
