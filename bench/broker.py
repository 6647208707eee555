"""The runner's handle on the project's Celery app (same queues, serializer and routes as the stack).

The runner sets DATABASE_URL and CELERY_BROKER_URL to the benchmark's before the first call."""

import os


def celery_app():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketsystem.settings")
    import django

    django.setup()  # the result backend (django-celery-results) needs the app registry
    from ticketsystem.celery import app

    return app
