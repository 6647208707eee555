from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def pipeline_sweep() -> dict[str, int]:
    """Send what a broker outage or a lost worker left behind.

    Tickets never published go out at once. Published tickets that stopped moving are
    sent again only when the queues are idle (or after ten times the stale period), so
    a long backlog is never mistaken for lost work and flooded with duplicates. Every
    stage is idempotent, so a duplicate costs time, never correctness.
    """
    from tickets.pipeline import analytics_refresh, pipeline_queues_idle, pipeline_start
    from tickets.selectors import ticket_ids_stalled, ticket_ids_undispatched, ticket_ids_with_unapplied_events

    stale_after = settings.PIPELINE_STALE_AFTER_SECONDS
    undispatched = ticket_ids_undispatched(older_than_seconds=settings.PIPELINE_DISPATCH_GRACE_SECONDS)
    stalled = ticket_ids_stalled(older_than_seconds=stale_after * 10)
    if not stalled:
        stalled = ticket_ids_stalled(older_than_seconds=stale_after) if pipeline_queues_idle() else []
    for ticket_id in dict.fromkeys(undispatched + stalled):
        pipeline_start(ticket_id=ticket_id)
    unapplied = ticket_ids_with_unapplied_events(older_than_seconds=stale_after)
    for ticket_id in unapplied:
        analytics_refresh(ticket_id=ticket_id)
    return {"undispatched": len(undispatched), "stalled": len(stalled), "analytics": len(unapplied)}
