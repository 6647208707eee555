"""Checks over a running stack: health detail, request-id propagation into worker logs, /metrics."""

import json
import time
import uuid

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.stack import Stack

METRICS_TOKEN = "e2e-metrics-token"
QUEUES = ("categorization", "routing", "analytics")


def assert_health_detail(stack: Stack) -> None:
    status, body = stack.api.request("GET", "/api/health")
    assert status == 200, body
    assert body["failed"] == []
    for queue in QUEUES:
        workers = body["checks"]["workers"]["queues"][queue]
        assert workers and all(worker.startswith(f"{queue}@") for worker in workers), workers
        assert isinstance(body["checks"]["queues"][queue]["messages"], int), body["checks"]["queues"]
    assert stack.api.request("GET", "/api/health/ready")[0] == 200
    assert stack.api.request("GET", "/api/health/live")[0] == 200


def log_lines_with(stack: Stack, needle: str) -> dict[str, list[dict]]:
    """JSON log lines containing ``needle``, by honcho process name (web.1, worker_routing.1, ...)."""
    found: dict[str, list[dict]] = {}
    for line in stack.full_log().splitlines():
        if needle not in line or " | " not in line:
            continue
        prefix, _, payload = line.partition(" | ")
        try:
            record = json.loads(payload)
        except ValueError:
            raise AssertionError(f"a log line that is not JSON: {line!r}")
        found.setdefault(prefix.split()[-1], []).append(record)
    return found


def assert_request_id_reaches_the_workers(stack: Stack) -> int:
    request_id = f"e2e-{uuid.uuid4().hex[:12]}"
    status, raw, headers = stack.api.raw(
        "POST", "/api/tickets", {"title": "Wi-Fi keeps dropping", "requester_email": "e2e@example.com"},
        headers={"X-Request-ID": request_id},
    )
    assert status == 201, raw
    assert headers["X-Request-ID"] == request_id
    ticket_id = json.loads(raw)["id"]
    wanted = {"web.1", "worker_categorization.1", "worker_routing.1", "worker_analytics.1"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = log_lines_with(stack, request_id)
        if wanted <= set(lines):
            break
        time.sleep(0.5)
    assert wanted <= set(lines), f"request id {request_id} only in {sorted(lines)}\n{stack.log()}"
    # Every worker line about this ticket's tasks carries the request id.
    for process in ("worker_categorization.1", "worker_routing.1", "worker_analytics.1"):
        about_ticket = [
            line for line in stack.full_log().splitlines()
            if line.split(" | ", 1)[0].split()[-1:] == [process] and f'"ticket_id": {ticket_id},' in line
        ]
        assert about_ticket and all(request_id in line for line in about_ticket), about_ticket
    for process, records in lines.items():
        for record in records:
            assert record["request_id"] == request_id, record
            assert {"time", "level", "logger", "message"} <= set(record)
        if process.startswith("worker_"):
            assert all(record["ticket_id"] == ticket_id for record in records), records
            assert any(record.get("task_name") for record in records), records
    return ticket_id


def scrape(stack: Stack) -> dict[tuple, float]:
    status, raw, headers = stack.api.raw("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200, raw
    assert headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(raw.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def assert_metrics_over_http(stack: Stack, *, tickets: int) -> None:
    assert stack.api.raw("GET", "/metrics")[0] == 403  # the token is required when set
    samples = scrape(stack)

    def value(name: str, **labels) -> float:
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    assert value("ticketsystem_tickets_created_total") >= tickets
    for stage in ("categorized", "routed", "recorded"):
        assert value("ticketsystem_pipeline_stage_seconds_count", stage=stage) >= tickets, stage
    # With no ANTHROPIC_API_KEY the offline model answers (the keyword rules only as a last resort).
    by_method = sum(value("ticketsystem_categorizations_total", method=m) for m in ("ai", "model", "keywords"))
    assert value("ticketsystem_categorizations_total", method="model") >= 1
    assert by_method >= tickets
    for queue, task in (
        ("categorization", "categorization.tasks.categorize_ticket"),
        ("routing", "routing.tasks.route_ticket"),
        ("analytics", "analytics.tasks.record_analytics"),
    ):
        # Counted in the prefork children of three worker processes, merged by the web process.
        assert value("ticketsystem_celery_tasks_total", queue=queue, task=task, outcome="success") >= tickets, queue
    assert value("ticketsystem_http_requests_total", method="POST", route="ticket-list", status="201") >= tickets
