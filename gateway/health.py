"""Health checks and their registry.

A check is a function taking no arguments that returns:
- ``None`` when healthy,
- a string: the failure message,
- a dict of details; ``"ok": False`` in it marks the check failed.
A check that raises has failed. ``settings.HEALTH_CHECKS`` names the checks (name →
dotted path), so adding one is one line there.
"""

import time
import uuid
import warnings
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.module_loading import import_string

from ticketsystem.celery import app as celery_app

_CACHE_KEY = "gateway:health:{names}"


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


def result_backend_check() -> str | None:
    """Read a (missing) result through Celery's own result backend."""
    try:
        with warnings.catch_warnings():  # unit tests run tasks eagerly; the read is still real
            warnings.simplefilter("ignore", RuntimeWarning)
            celery_app.backend.get_task_meta(f"health-{uuid.uuid4()}")
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def _queues_of_workers(workers: list[str], *, timeout: float) -> dict[str, list[str]]:
    """Which queues each worker consumes, asked over the control channel."""
    replies = celery_app.control.inspect(destination=workers, timeout=timeout).active_queues() or {}
    return {worker: [queue["name"] for queue in queues] for worker, queues in replies.items()}


def workers_check(*, timeout: float | None = None) -> dict[str, Any]:
    """A live worker on every pipeline queue, found with a control ping.

    Workers are named ``<queue>@host`` (see the Procfile); a worker named otherwise is
    asked which queues it consumes.
    """
    timeout = settings.HEALTH_PING_TIMEOUT if timeout is None else timeout
    try:
        replies = celery_app.control.ping(timeout=timeout) or []
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    live = sorted(name for reply in replies for name in reply)
    by_queue: dict[str, list[str]] = {queue: [] for queue in settings.PIPELINE_QUEUES}
    unnamed = []
    for worker in live:
        prefix = worker.split("@", 1)[0]
        if prefix in by_queue:
            by_queue[prefix].append(worker)
        else:
            unnamed.append(worker)
    if unnamed and not all(by_queue.values()):
        try:
            for worker, queues in _queues_of_workers(unnamed, timeout=timeout).items():
                for queue in queues:
                    if queue in by_queue:
                        by_queue[queue].append(worker)
        except Exception:  # the ping already answered; keep what it told us
            pass
    missing = [queue for queue, workers in by_queue.items() if not workers]
    result: dict[str, Any] = {"ok": not missing, "queues": by_queue}
    if missing:
        result["missing"] = missing
    return result


def queues_check() -> dict[str, Any]:
    """Messages waiting in each pipeline queue (a passive declare: nothing is created).

    The file-system broker counts message files; a transport that cannot tell is "unknown".
    Informational: a deep queue is not a failure by itself.
    """
    depths: dict[str, Any] = {}
    try:
        with celery_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2.0)
            for queue in settings.PIPELINE_QUEUES:
                channel = conn.channel()
                try:
                    _, messages, consumers = channel.queue_declare(queue=queue, passive=True)
                    depths[queue] = {"messages": messages, "consumers": consumers}
                except Exception as error:
                    depths[queue] = {"messages": "unknown", "error": f"{type(error).__name__}: {error}"}
                finally:
                    try:
                        channel.close()
                    except Exception:
                        pass
    except Exception as error:
        return {queue: {"messages": "unknown", "error": f"{type(error).__name__}: {error}"} for queue in settings.PIPELINE_QUEUES}
    return depths


def parked_messages_check() -> dict[str, Any]:
    """Messages parked after too many deliveries: informational, a human looks in the admin."""
    from tickets.selectors import task_delivery_parked_count

    return {"parked": task_delivery_parked_count(), "where": "/admin/tickets/taskdelivery/?parked_at__isnull=False"}


def _outcome(check) -> tuple[bool, Any]:
    try:
        result = check()
    except Exception as error:
        return False, f"error: {type(error).__name__}: {error}"
    if result is None:
        return True, "ok"
    if isinstance(result, str):
        return False, f"error: {result}"
    if isinstance(result, dict):
        return result.get("ok", True) is not False, result
    return bool(result), result


def health_report(*, names: list[str] | None = None, use_cache: bool = True) -> dict[str, Any]:
    """Run the named checks (all registered ones by default); cached for HEALTH_CACHE_SECONDS.

    Returns ``{"status": "ok"|"error", "failed": [...], "checks": {name: detail}, "checked_at": epoch}``.
    """
    registry: dict[str, str] = settings.HEALTH_CHECKS
    names = list(registry) if names is None else names
    key = _CACHE_KEY.format(names=",".join(names))
    if use_cache and settings.HEALTH_CACHE_SECONDS > 0:
        cached = cache.get(key)
        if cached is not None:
            return cached
    checks: dict[str, Any] = {}
    failed: list[str] = []
    for name in names:
        ok, detail = _outcome(import_string(registry[name]))
        checks[name] = detail
        if not ok:
            failed.append(name)
    report = {"status": "error" if failed else "ok", "failed": failed, "checks": checks, "checked_at": time.time()}
    if use_cache and settings.HEALTH_CACHE_SECONDS > 0:
        cache.set(key, report, settings.HEALTH_CACHE_SECONDS)
    return report
