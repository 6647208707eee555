"""Adds the request id, ticket id and task to every log record, whoever logged it."""

import logging

from gateway.context import request_id_var, task_var, ticket_id_var


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Values passed with ``extra=`` win over the ambient context.
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        if getattr(record, "ticket_id", None) is None:
            record.ticket_id = ticket_id_var.get()
        task = task_var.get()
        if task and getattr(record, "task_id", None) is None:
            record.task_name, record.task_id = task
        return True
