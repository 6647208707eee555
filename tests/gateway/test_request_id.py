"""X-Request-ID: accepted or generated, echoed, carried in Celery headers, on every log line."""

import io
import json
import logging
import re

import pytest
from django.conf import settings as django_settings
from pythonjsonlogger.json import JsonFormatter

from gateway.context import TASK_HEADER, request_id_var
from gateway.logs import ContextFilter
from ticketsystem.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log_lines():
    """The root logger's output, formatted exactly as settings.LOGGING formats stdout."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    options = {k: v for k, v in django_settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler.setFormatter(JsonFormatter(fmt=options.pop("format"), **options))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    lines: list[dict] = []

    def read() -> list[dict]:
        lines[:] = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
        return lines

    yield read
    root.removeHandler(handler)
    root.setLevel(previous_level)


def test_a_client_request_id_is_echoed(user_client):
    response = user_client.get("/api/tickets", HTTP_X_REQUEST_ID="client-abc-123")
    assert response["X-Request-ID"] == "client-abc-123"


def test_a_request_id_is_generated_when_absent(user_client):
    first = user_client.get("/api/tickets")["X-Request-ID"]
    second = user_client.get("/api/tickets")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_an_unsafe_request_id_is_replaced(user_client):
    response = user_client.get("/api/tickets", HTTP_X_REQUEST_ID="evil\nid with spaces")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_errors_carry_the_request_id_too(user_client):
    assert user_client.get("/api/nothing", HTTP_X_REQUEST_ID="err-1")["X-Request-ID"] == "err-1"


def test_request_and_task_log_lines_carry_the_request_and_ticket_id(
    user_client, json_log_lines, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            "/api/tickets", {"title": "Heating broken"}, format="json", HTTP_X_REQUEST_ID="trace-me-42"
        )
    ticket_id = response.json()["id"]
    lines = json_log_lines()
    access = [line for line in lines if line["logger"] == "gateway.access"]
    assert access and access[0]["request_id"] == "trace-me-42"
    assert access[0]["ticket_id"] == ticket_id
    assert access[0]["status"] == 201
    task_lines = [line for line in lines if line.get("task_name")]
    assert {line["task_name"] for line in task_lines} >= {
        "categorization.tasks.categorize_ticket",
        "routing.tasks.route_ticket",
        "analytics.tasks.record_analytics",
    }
    assert all(line["request_id"] == "trace-me-42" and line["ticket_id"] == ticket_id for line in task_lines)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")  # send_task publishes for real
def test_published_task_messages_carry_the_request_id_header():
    token = request_id_var.set("header-test-7")
    try:
        with celery_app.connection_for_write() as conn:
            celery_app.send_task("analytics.tasks.record_analytics", args=(0,), queue="analytics", connection=conn)
            # The configured queue (quorum on RabbitMQ, topic exchange), not a default declaration.
            queue = conn.SimpleQueue(celery_app.amqp.queues["analytics"])
            try:
                message = queue.get(timeout=5)
                message.ack()
            finally:
                queue.close()
    finally:
        request_id_var.reset(token)
    assert message.headers[TASK_HEADER] == "header-test-7"
    assert message.headers["task"] == "analytics.tasks.record_analytics"


def test_a_task_binds_the_request_id_from_its_headers():
    from celery import signals

    seen = {}

    def capture(sender=None, **kwargs):
        seen["request_id"] = request_id_var.get()

    signals.task_success.connect(capture, weak=False)
    try:
        celery_app.tasks["analytics.tasks.record_analytics"].apply(args=(0,), headers={TASK_HEADER: "from-header-9"})
    finally:
        signals.task_success.disconnect(capture)
    assert seen["request_id"] == "from-header-9"
