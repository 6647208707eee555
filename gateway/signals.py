"""Receivers that carry the request id through Celery and feed the metrics.

- before_task_publish: the current request id goes into the message headers, so the
  chain (published by the web process, then by each worker for the next step) keeps it.
- task_prerun / task_postrun: bind request id, ticket id and task for the task's logs;
  observe pipeline-stage latency and the categorization method when a stage is reached.
- task_success / task_failure / task_retry: outcome counters per queue.
- post_save(Ticket): tickets created.
"""

import inspect
import logging

from celery import signals as celery_signals
from django.db.models.signals import post_save
from django.utils import timezone

from gateway.context import TASK_HEADER, request_id_new, request_id_var, task_var, ticket_id_var
from gateway.metrics import CATEGORIZATIONS, PIPELINE_STAGE_LATENCY, TASKS, TICKETS_CREATED

logger = logging.getLogger(__name__)

# Pipeline task name → the pipeline state (and metric stage) it moves a ticket to.
_STAGE_OF_TASK = {
    "categorization.tasks.categorize_ticket": "categorized",
    "routing.tasks.route_ticket": "routed",
    "analytics.tasks.record_analytics": "recorded",
}
# Context tokens of the running tasks, restored at postrun (eager tasks run inside a request).
_tokens: dict[str, tuple] = {}
# Pipeline state of a ticket when its stage task started, to count a stage once.
_state_before: dict[str, str | None] = {}


def header_request_id(request) -> str | None:
    """The request id a task message carries, whichever way Celery exposes the header."""
    value = getattr(request, TASK_HEADER, None)
    if value:
        return value
    headers = getattr(request, "headers", None) or {}
    return headers.get(TASK_HEADER)


def task_ticket_id(task, args, kwargs) -> int | None:
    """The ticket a task is about: its ``ticket_id`` argument, when it has one."""
    if kwargs and "ticket_id" in kwargs:
        return kwargs["ticket_id"]
    try:
        params = list(inspect.signature(task.run).parameters)
    except (TypeError, ValueError):
        return None
    if args and "ticket_id" in params and params.index("ticket_id") < len(args):
        value = args[params.index("ticket_id")]
        return value if isinstance(value, int) else None
    return None


def task_queue(task) -> str:
    delivery_info = getattr(task.request, "delivery_info", None) or {}
    queue = delivery_info.get("routing_key")
    if queue:
        return queue
    try:
        return task.app.amqp.router.route({}, task.name)["queue"].name
    except Exception:  # an unroutable name must not break the task
        return "unknown"


@celery_signals.before_task_publish.connect(weak=False)
def request_id_into_headers(sender=None, headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None and not headers.get(TASK_HEADER):
        headers[TASK_HEADER] = request_id


@celery_signals.task_prerun.connect(weak=False)
def task_context_bind(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra) -> None:
    if task is None:
        return
    # A task started by beat (the sweeper) has no request: give it an id, so the tasks it
    # publishes and their logs still correlate.
    request_id = header_request_id(task.request) or request_id_var.get() or f"task-{request_id_new()}"
    ticket_id = task_ticket_id(task, args or (), kwargs or {})
    _tokens[task_id] = (
        request_id_var.set(request_id),
        ticket_id_var.set(ticket_id if ticket_id is not None else ticket_id_var.get()),
        task_var.set((task.name, task_id)),
    )
    if task.name in _STAGE_OF_TASK and ticket_id is not None:
        from tickets.models import Ticket

        _state_before[task_id] = Ticket.objects.filter(pk=ticket_id).values_list("pipeline_state", flat=True).first()


@celery_signals.task_postrun.connect(weak=False)
def task_context_unbind(sender=None, task_id=None, task=None, args=None, kwargs=None, state=None, **extra) -> None:
    try:
        if task is not None and task.name in _STAGE_OF_TASK and state == "SUCCESS":
            stage_observe(
                stage=_STAGE_OF_TASK[task.name],
                ticket_id=task_ticket_id(task, args or (), kwargs or {}),
                state_before=_state_before.get(task_id),
            )
    except Exception:  # metrics must never fail a task
        logger.warning("pipeline metrics failed", exc_info=True)
    finally:
        _state_before.pop(task_id, None)
        tokens = _tokens.pop(task_id, None)
        if tokens:
            request_token, ticket_token, task_token = tokens
            task_var.reset(task_token)
            ticket_id_var.reset(ticket_token)
            request_id_var.reset(request_token)


def stage_observe(*, stage: str, ticket_id: int | None, state_before: str | None) -> None:
    """Observe creation → stage latency once: only when this run moved the ticket into the stage."""
    from tickets.models import Ticket, pipeline_reached

    if ticket_id is None or (state_before and pipeline_reached(state_before, stage)):
        return
    ticket = (
        Ticket.objects.filter(pk=ticket_id)
        .values("created_at", "pipeline_state", "categorized_at", "routed_at", "categorization_method")
        .first()
    )
    if ticket is None or not pipeline_reached(ticket["pipeline_state"], stage):
        return
    reached_at = {"categorized": ticket["categorized_at"], "routed": ticket["routed_at"]}.get(stage) or timezone.now()
    PIPELINE_STAGE_LATENCY.labels(stage=stage).observe(max((reached_at - ticket["created_at"]).total_seconds(), 0.0))
    if stage == "categorized":
        CATEGORIZATIONS.labels(method=ticket["categorization_method"] or "unknown").inc()


@celery_signals.task_success.connect(weak=False)
def task_success_count(sender=None, **kwargs) -> None:
    if sender is not None:
        TASKS.labels(queue=task_queue(sender), task=sender.name, outcome="success").inc()


@celery_signals.task_failure.connect(weak=False)
def task_failure_count(sender=None, **kwargs) -> None:
    if sender is not None:
        TASKS.labels(queue=task_queue(sender), task=sender.name, outcome="failure").inc()


@celery_signals.task_retry.connect(weak=False)
def task_retry_count(sender=None, **kwargs) -> None:
    if sender is not None:
        TASKS.labels(queue=task_queue(sender), task=sender.name, outcome="retry").inc()


def ticket_created_count(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # Counted at the insert, not after commit: the pipeline's on_commit callback stays the
    # only one, and a rolled-back creation (rare) costs one count, not a lost series.
    if created and not raw:
        TICKETS_CREATED.inc()


def connect() -> None:
    from tickets.models import Ticket

    post_save.connect(ticket_created_count, sender=Ticket, dispatch_uid="gateway.ticket_created_count")
