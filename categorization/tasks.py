from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=120,
    time_limit=150,
)
def categorize_ticket(self, ticket_id: int) -> int:
    """Categorize the ticket (idempotent: a categorized ticket is left alone)."""
    from categorization.services import ticket_categorize

    ticket_categorize(ticket_id=ticket_id)
    return ticket_id
