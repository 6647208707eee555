from celery import shared_task
from django.db import InterfaceError, OperationalError

_RETRY = dict(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=30,
    time_limit=45,
)


@shared_task(**_RETRY)
def record_analytics(ticket_id: int) -> int:
    """Fold the ticket's events into the rollups and mark it recorded (idempotent)."""
    from analytics.services import ticket_record

    ticket_record(ticket_id=ticket_id)
    return ticket_id


@shared_task(**_RETRY)
def apply_ticket_events(ticket_id: int) -> int:
    """Fold events recorded after the pipeline (status changes, reroutes) into the rollups."""
    from analytics.services import ticket_events_apply

    return ticket_events_apply(ticket_id=ticket_id)
