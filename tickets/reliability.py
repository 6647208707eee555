"""Crash safety for every Celery task of the project.

``GuardedTask`` is the app-wide task base class (``task_cls`` in ticketsystem/celery.py).
Each delivery of a message is counted in the database before the task body runs; a
message delivered more than ``TASK_MAX_DELIVERIES`` times (it keeps killing or hanging
its worker) is parked: acknowledged without running, and shown in the admin and health.
"""

import logging

from celery import Task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)


def delivery_register(*, task_id: str, retries: int, task_name: str, ticket_id: int | None) -> bool:
    """Count one delivery of a message. Returns False when the message must be parked."""
    from tickets.models import TaskDelivery, Ticket

    now = timezone.now()
    with transaction.atomic():
        updated = TaskDelivery.objects.filter(task_id=task_id, retries=retries).update(
            deliveries=F("deliveries") + 1, last_delivered_at=now
        )
        if not updated:
            if ticket_id is not None and not Ticket.objects.filter(pk=ticket_id).exists():
                ticket_id = None
            try:
                with transaction.atomic():
                    TaskDelivery.objects.create(
                        task_id=task_id, retries=retries, task_name=task_name, ticket_id=ticket_id, deliveries=1
                    )
            except IntegrityError:  # a concurrent delivery created it
                TaskDelivery.objects.filter(task_id=task_id, retries=retries).update(
                    deliveries=F("deliveries") + 1, last_delivered_at=now
                )
        delivery = TaskDelivery.objects.get(task_id=task_id, retries=retries)
        if delivery.parked_at is not None:
            return False
        if delivery.deliveries > settings.TASK_MAX_DELIVERIES:
            delivery.parked_at = now
            delivery.save(update_fields=["parked_at"])
            logger.error(
                "parked %s[%s] after %s deliveries (ticket %s)", task_name, task_id, delivery.deliveries - 1, ticket_id
            )
            return False
    return True


class GuardedTask(Task):
    def __call__(self, *args, **kwargs):
        request = self.request
        if request.id and not request.called_directly and not request.is_eager:
            ticket_id = args[0] if args and isinstance(args[0], int) else kwargs.get("ticket_id")
            if not delivery_register(
                task_id=request.id, retries=request.retries or 0, task_name=self.name, ticket_id=ticket_id
            ):
                return None
        return super().__call__(*args, **kwargs)
