from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def pipeline_sweep() -> int:
    """Re-dispatch tickets stuck in the pipeline (broker was down, worker lost).

    Every stage is idempotent, so dispatching a ticket that is merely slow is harmless.
    """
    from tickets.pipeline import pipeline_start
    from tickets.selectors import ticket_list_stale_in_pipeline

    stale_ids = list(
        ticket_list_stale_in_pipeline(older_than_seconds=settings.PIPELINE_STALE_AFTER_SECONDS).values_list(
            "pk", flat=True
        )
    )
    for ticket_id in stale_ids:
        pipeline_start(ticket_id=ticket_id)
    return len(stale_ids)
