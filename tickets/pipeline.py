"""Starting the Celery chain for a ticket.

Tasks are addressed by name so that this module does not import the other apps;
their queues come from ``CELERY_TASK_ROUTES``.
"""

import logging

from celery import chain, signature

logger = logging.getLogger(__name__)

CATEGORIZE_TASK = "categorization.tasks.categorize_ticket"
ROUTE_TASK = "routing.tasks.route_ticket"
RECORD_TASK = "analytics.tasks.record_analytics"
REFRESH_TASK = "analytics.tasks.apply_ticket_events"


def pipeline_signature(*, ticket_id: int):
    """categorize → route → record, each step immutable: it takes the id, not the previous result."""
    return chain(
        signature(CATEGORIZE_TASK, args=(ticket_id,), immutable=True),
        signature(ROUTE_TASK, args=(ticket_id,), immutable=True),
        signature(RECORD_TASK, args=(ticket_id,), immutable=True),
    )


def pipeline_start(*, ticket_id: int) -> bool:
    """Publish the chain and note when. Returns False when the broker is unreachable:
    the ticket keeps ``dispatched_at`` empty and the beat sweeper sends it later."""
    from django.utils import timezone

    from tickets.models import Ticket

    try:
        pipeline_signature(ticket_id=ticket_id).apply_async()
    except Exception:  # any broker failure must not fail the committed request
        logger.warning("pipeline dispatch failed for ticket %s; the sweeper will retry", ticket_id, exc_info=True)
        return False
    try:
        Ticket.objects.filter(pk=ticket_id).update(dispatched_at=timezone.now())
    except Exception:  # the chain is on its way; a missing mark only means one idempotent re-send
        logger.warning("could not mark ticket %s dispatched", ticket_id, exc_info=True)
    return True


def pipeline_queues_idle() -> bool:
    """True when no pipeline queue holds a waiting message (unknown counts as busy)."""
    from django.conf import settings

    from ticketsystem.celery import app

    try:
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            for queue in settings.PIPELINE_QUEUES:
                if channel.queue_declare(queue=queue, passive=True).message_count:
                    return False
    except Exception:
        logger.warning("could not read the pipeline queue depths", exc_info=True)
        return False
    return True


def analytics_refresh(*, ticket_id: int) -> bool:
    """Ask the analytics queue to apply a ticket's new events (after a status change)."""
    try:
        signature(REFRESH_TASK, args=(ticket_id,)).apply_async()
    except Exception:
        logger.warning("analytics dispatch failed for ticket %s; the sweeper will retry", ticket_id, exc_info=True)
        return False
    return True
