import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketsystem.settings")

# Every task counts its deliveries so that a poison message is parked, not looped.
app = Celery("ticketsystem", task_cls="tickets.reliability:GuardedTask")
# Every Celery option lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
