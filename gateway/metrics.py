"""Prometheus metrics, multiprocess-safe (gunicorn workers and Celery prefork children).

Every process writes its samples to files under PROMETHEUS_MULTIPROC_DIR (exported by
settings before this module is imported); a scrape merges them. Other apps import the
metric objects from here, e.g. ``AI_TOKENS.labels(direction="input").inc(n)``.
"""

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess

_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# A pipeline stage spans queues and workers: seconds to minutes.
_STAGE_SECONDS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)

HTTP_REQUESTS = Counter(
    "ticketsystem_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "ticketsystem_http_request_duration_seconds", "Time to answer an HTTP request.", ["method", "route"],
    buckets=_SECONDS,
)
TICKETS_CREATED = Counter("ticketsystem_tickets_created_total", "Tickets stored.")
PIPELINE_STAGE_LATENCY = Histogram(
    "ticketsystem_pipeline_stage_seconds",
    "Time from a ticket's creation until it reached a pipeline stage (categorized, routed, recorded).",
    ["stage"],
    buckets=_STAGE_SECONDS,
)
TASKS = Counter(
    "ticketsystem_celery_tasks_total", "Celery task outcomes (success, failure, retry).", ["queue", "task", "outcome"]
)
CATEGORIZATIONS = Counter(
    "ticketsystem_categorizations_total", "Tickets categorized, by the categorizer that answered.", ["method"]
)
AI_TOKENS = Counter(
    "ticketsystem_ai_tokens_total", "Tokens sent to (input) and received from (output) the AI model.", ["direction"]
)


def metrics_exposition() -> tuple[bytes, str]:
    """The Prometheus text format of every process's metrics, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:  # a single process (e.g. a shell without the settings' environment)
        from prometheus_client import REGISTRY as registry
    return generate_latest(registry), CONTENT_TYPE_LATEST
