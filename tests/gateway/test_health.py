"""Health: a registry of named checks, cached briefly, 503 naming the failed ones.

The unit-test environment has a real database and broker but no Celery worker, so
the worker check genuinely fails here; tests/integration shows it passing with workers.
"""

import time

import pytest

from gateway.health import broker_check, queues_check, workers_check
from ticketsystem.celery import app as celery_app

pytestmark = pytest.mark.django_db

calls = []


def counting_check():
    calls.append(1)
    return None


def unreachable_broker_check():
    return broker_check(timeout=0.5, url="amqp://guest:guest@127.0.0.1:1//")


def failing_dict_check():
    return {"ok": False, "configured": True, "circuit": "open"}


def informational_check():
    return {"configured": False}


def test_live_answers_without_authentication(api_client):
    response = api_client.get("/api/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_the_database_and_the_broker(api_client):
    response = api_client.get("/api/health/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "broker": "ok"}


def test_health_runs_every_registered_check(api_client, settings):
    settings.HEALTH_PING_TIMEOUT = 0.3
    body = api_client.get("/api/health").json()
    assert set(body["checks"]) == {"database", "broker", "result_backend", "workers", "queues", "parked_messages", "ai_categorizer"}
    assert body["checks"]["ai_categorizer"]["configured"] is False
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["result_backend"] == "ok"
    assert set(body["checks"]["queues"]) == {"categorization", "routing", "analytics"}


def test_health_is_503_naming_the_queues_without_a_live_worker(api_client, settings):
    settings.HEALTH_PING_TIMEOUT = 0.3
    response = api_client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["workers"]
    assert body["checks"]["workers"]["missing"] == ["categorization", "routing", "analytics"]


def test_health_is_503_naming_an_unreachable_broker(api_client, settings):
    settings.HEALTH_CHECKS = {
        "database": "gateway.health.database_check",
        "broker": "tests.gateway.test_health.unreachable_broker_check",
    }
    response = api_client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


def test_a_check_is_added_with_one_registry_entry(api_client, settings):
    settings.HEALTH_CHECKS = {
        "database": "gateway.health.database_check",
        "ai_categorizer": "tests.gateway.test_health.failing_dict_check",
        "info": "tests.gateway.test_health.informational_check",
    }
    response = api_client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["ai_categorizer"]
    assert body["checks"]["ai_categorizer"]["circuit"] == "open"
    assert body["checks"]["info"] == {"configured": False}


def test_health_results_are_cached_for_a_few_seconds(api_client, settings):
    settings.HEALTH_CHECKS = {"counted": "tests.gateway.test_health.counting_check"}
    settings.HEALTH_CACHE_SECONDS = 30
    calls.clear()
    first = api_client.get("/api/health").json()
    second = api_client.get("/api/health").json()
    assert len(calls) == 1
    assert first["checked_at"] == second["checked_at"]
    settings.HEALTH_CACHE_SECONDS = 0
    api_client.get("/api/health")
    assert len(calls) == 2


def test_health_needs_no_credentials_and_is_never_throttled(api_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "ticket_create": "1/minute"}}
    assert [api_client.get("/api/health/live").status_code for _ in range(3)] == [200, 200, 200]


def test_broker_check_reports_an_unreachable_broker():
    assert "Error" in broker_check(timeout=0.5, url="amqp://guest:guest@127.0.0.1:1//")


def test_workers_check_reports_every_queue_missing_without_workers():
    result = workers_check(timeout=0.3)
    assert result["ok"] is False
    assert result["queues"] == {"categorization": [], "routing": [], "analytics": []}


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")  # send_task publishes for real
def test_queue_depth_counts_waiting_messages():
    with celery_app.connection_for_write() as conn:
        # The first publish declares the queue (a passive declare of a missing queue is "unknown").
        celery_app.send_task("analytics.tasks.record_analytics", args=(0,), queue="analytics", connection=conn)
        conn.default_channel.queue_purge("analytics")
        before = queues_check()["analytics"]["messages"]
        assert before == 0
        celery_app.send_task("analytics.tasks.record_analytics", args=(0,), queue="analytics", connection=conn)
        try:
            deadline = time.monotonic() + 5  # the broker's count may trail the publish briefly
            while (after := queues_check()["analytics"]["messages"]) != before + 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert after == before + 1
        finally:
            conn.default_channel.queue_purge("analytics")


@pytest.mark.parametrize("path", ["/api/health", "/api/health/", "/api/v1/health", "/api/health/live/"])
def test_health_paths_answer_with_and_without_trailing_slash(api_client, settings, path):
    settings.HEALTH_PING_TIMEOUT = 0.2
    response = api_client.get(path)
    assert response.status_code in (200, 503)  # a report, never a 404 or a redirect
    assert response.json()["status"] in ("ok", "error")


def test_health_shows_parked_messages(api_client, settings):
    from django.utils import timezone

    from tickets.models import TaskDelivery

    settings.HEALTH_PING_TIMEOUT = 0.3
    TaskDelivery.objects.create(task_id="t", task_name="x", deliveries=6, parked_at=timezone.now())
    body = api_client.get("/api/health").json()
    assert body["checks"]["parked_messages"]["parked"] == 1
