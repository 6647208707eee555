"""A task that kills the worker process running it, every time: the poison message.

Loaded into workers only by the reliability suite (CELERY_EXTRA_IMPORTS)."""

import os

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def kill_my_worker(ticket_id: int) -> None:
    os._exit(1)
