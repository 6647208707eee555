import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketsystem.settings")

from ticketsystem.filesystem_broker import register as register_filesystem_broker  # noqa: E402

# The embedded default broker writes each message atomically (see filesystem_broker).
register_filesystem_broker()

# Every task counts its deliveries so that a poison message is parked, not looped.
app = Celery("ticketsystem", task_cls="tickets.reliability:GuardedTask")
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(weak=False)
def logging_from_django_settings(**kwargs) -> None:
    """Workers log like the web process (JSON on stdout, with request and ticket ids):
    a receiver here stops Celery from installing its own plain-text handlers."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
