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
    soft_time_limit=30,
    time_limit=45,
)
def route_ticket(self, ticket_id: int) -> int:
    """Route the ticket to a department (idempotent)."""
    from routing.services import ticket_route

    ticket_route(ticket_id=ticket_id)
    return ticket_id
