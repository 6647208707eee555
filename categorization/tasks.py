from celery import shared_task
from django.conf import settings
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
    """Categorize the ticket (idempotent: a categorized ticket is left alone).

    While retries remain, a busy AI (429/529/5xx/timeout) makes the task retry with exponential
    backoff and jitter; on the last try the chain falls back to the next categorizer instead.
    """
    from categorization.ai import AITransientError
    from categorization.services import ai_retry_countdown, ticket_categorize

    retries_left = self.request.retries < settings.CATEGORIZATION_AI_TASK_RETRIES
    try:
        ticket_categorize(ticket_id=ticket_id, retry_transient=retries_left)
    except AITransientError as error:
        raise self.retry(
            exc=error,
            countdown=ai_retry_countdown(retries=self.request.retries),
            max_retries=max(self.max_retries, settings.CATEGORIZATION_AI_TASK_RETRIES),
        )
    return ticket_id
