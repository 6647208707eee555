import pytest

from gateway.tasks import bench_noop

pytestmark = pytest.mark.django_db


def test_ping_needs_authentication(api_client):
    response = api_client.get("/api/ping")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("path", ["/api/ping", "/api/ping/", "/api/v1/ping"])
def test_ping_answers_get_and_post_when_authenticated(user_client, path):
    assert user_client.get(path).json() == {"pong": True}
    assert user_client.post(path, {"title": "ignored"}, format="json").json() == {"pong": True}


def test_bench_noop_returns_its_token_and_keeps_its_result_like_the_pipeline_tasks():
    from categorization.tasks import categorize_ticket

    assert bench_noop.apply(args=("run-1",)).get() == "run-1"
    # The baseline pays for the result backend exactly as the pipeline stages do.
    assert bench_noop.ignore_result is categorize_ticket.ignore_result is False
