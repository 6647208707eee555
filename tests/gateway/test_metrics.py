"""/metrics: Prometheus text, guarded by a bearer token or the allowed addresses, fed by
HTTP requests, ticket creation and every pipeline stage."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db


def scrape(client, **headers) -> dict[tuple, float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_answer_loopback_without_a_token(client):
    client.get("/api/health/live")
    samples = scrape(client)
    assert value(samples, "ticketsystem_http_requests_total", method="GET", route="health-live", status="200") >= 1


def test_metrics_refuse_other_addresses_without_a_token(client):
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403


def test_metrics_need_the_bearer_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_requests_are_counted_and_timed_per_route(client, staff_client):
    before = scrape(client)
    staff_client.get("/api/tickets")
    staff_client.get("/api/v1/tickets/")
    after = scrape(client)
    labels = {"method": "GET", "route": "ticket-list", "status": "200"}
    assert value(after, "ticketsystem_http_requests_total", **labels) - value(
        before, "ticketsystem_http_requests_total", **labels
    ) == 2
    timed = {"method": "GET", "route": "ticket-list"}
    assert value(after, "ticketsystem_http_request_duration_seconds_count", **timed) - value(
        before, "ticketsystem_http_request_duration_seconds_count", **timed
    ) == 2


def test_a_ticket_through_the_pipeline_feeds_every_pipeline_metric(
    client, user_client, django_capture_on_commit_callbacks
):
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/api/tickets", {"title": "VPN will not connect"}, format="json")
    assert response.status_code == 201
    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("ticketsystem_tickets_created_total") == 1
    for stage in ("categorized", "routed", "recorded"):
        assert delta("ticketsystem_pipeline_stage_seconds_count", stage=stage) == 1, stage
    from tickets.models import Ticket

    method = Ticket.objects.get(pk=response.json()["id"]).categorization_method
    assert method  # the offline model here, with no ANTHROPIC_API_KEY
    assert delta("ticketsystem_categorizations_total", method=method) == 1
    for queue, task in (
        ("categorization", "categorization.tasks.categorize_ticket"),
        ("routing", "routing.tasks.route_ticket"),
        ("analytics", "analytics.tasks.record_analytics"),
    ):
        assert delta("ticketsystem_celery_tasks_total", queue=queue, task=task, outcome="success") == 1, queue


def test_a_stage_that_runs_twice_is_observed_once(client, user, django_capture_on_commit_callbacks):
    from tickets.pipeline import pipeline_signature
    from tickets.services import ticket_create

    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(title="Payslip wrong", requester_email="a@example.com", created_by=user)
    before = scrape(client)
    pipeline_signature(ticket_id=ticket.pk).apply_async()  # a redelivered chain
    after = scrape(client)
    for stage in ("categorized", "routed", "recorded"):
        name = "ticketsystem_pipeline_stage_seconds_count"
        assert value(after, name, stage=stage) == value(before, name, stage=stage)
    name = "ticketsystem_celery_tasks_total"
    labels = {"queue": "routing", "task": "routing.tasks.route_ticket", "outcome": "success"}
    assert value(after, name, **labels) - value(before, name, **labels) == 1


def test_task_failures_and_retries_are_counted_per_queue(client, monkeypatch):
    from celery.exceptions import Retry
    from django.db import OperationalError

    from routing.tasks import route_ticket

    def database_gone(**kwargs):
        raise OperationalError("gone")

    def broken(**kwargs):
        raise ValueError("bad data")

    name = "ticketsystem_celery_tasks_total"
    labels = {"queue": "routing", "task": "routing.tasks.route_ticket"}
    before = scrape(client)
    monkeypatch.setattr("routing.services.ticket_route", database_gone)
    with pytest.raises(Retry):  # autoretry on OperationalError
        route_ticket.apply(args=(1,), throw=False)
    monkeypatch.setattr("routing.services.ticket_route", broken)
    assert route_ticket.apply(args=(1,), throw=False).state == "FAILURE"
    after = scrape(client)
    assert value(after, name, outcome="retry", **labels) - value(before, name, outcome="retry", **labels) == 1
    assert value(after, name, outcome="failure", **labels) - value(before, name, outcome="failure", **labels) == 1


def test_ai_token_counter_is_exposed_for_the_categorizer(client):
    from gateway.metrics import AI_TOKENS

    before = scrape(client)
    AI_TOKENS.labels(direction="input").inc(120)
    after = scrape(client)
    name = "ticketsystem_ai_tokens_total"
    assert value(after, name, direction="input") - value(before, name, direction="input") == 120


def test_metrics_can_be_served_on_a_separate_bind(client):
    import socket
    import urllib.request

    from gateway.management.commands.metrics_serve import metrics_server_start

    client.get("/api/health/live")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server, thread = metrics_server_start(address="127.0.0.1", port=port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert 'ticketsystem_http_requests_total{method="GET",route="health-live",status="200"}' in text
