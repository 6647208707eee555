"""Checks for the health endpoint: each returns None when healthy, else a message."""

from django.db import connection

from ticketsystem.celery import app as celery_app


def database_check() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # report every failure, never raise from a health check
        return f"{type(error).__name__}: {error}"
    return None


def broker_check(*, timeout: float = 2.0, url: str | None = None) -> str | None:
    try:
        with celery_app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None
