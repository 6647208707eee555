"""Per-request / per-task context (request id, ticket id, task) shared by logs and Celery headers.

Context variables, so each thread, coroutine and prefork child sees its own values.
"""

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header that carries the id from the web process into the tasks.
TASK_HEADER = "request_id"

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
ticket_id_var: ContextVar[int | None] = ContextVar("ticket_id", default=None)
task_var: ContextVar[tuple[str, str] | None] = ContextVar("task", default=None)

# A client-supplied id is echoed into logs and headers: keep it short and printable.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_clean(value: str | None) -> str:
    """The client's id when it is safe to log, else a fresh one."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return request_id_new()


def ticket_id_bind(ticket_id: int | None) -> None:
    """Mark the rest of this request or task as being about ``ticket_id`` (for the logs)."""
    ticket_id_var.set(ticket_id)
