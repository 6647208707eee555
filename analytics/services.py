"""Writes to the rollups: the live fold after each pipeline run and status change,
and the full rebuild. Both go through ``ticket_events_fold`` and ``rollups_add``."""

from collections.abc import Callable, Iterable
from itertools import groupby

from django.db import connection, transaction
from django.utils import timezone

from analytics.folding import Contributions, ticket_events_fold
from analytics.models import AppliedEvent, DepartmentDayStats, GaugeDayDelta, HistogramBucket, MethodDayStats
from tickets.models import PipelineState, Ticket, TicketEvent, pipeline_reached

BATCH = 2000


def _upsert_add(*, model, keys: tuple[str, ...], values: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT rows, adding their values to an existing row with the same keys (PostgreSQL and SQLite)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(keys + values)
    updates = ", ".join(f"{v} = {table}.{v} + EXCLUDED.{v}" for v in values)
    placeholders = "(" + ", ".join(["%s"] * (len(keys) + len(values))) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            sql = f"INSERT INTO {table} ({columns}) VALUES %s ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
            execute_values(cursor.cursor, sql, rows, page_size=5000)
            return
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
            )
            cursor.execute(sql, [value for row in chunk for value in row])


def rollups_add(*, contributions: Contributions) -> None:
    """Add folded contributions to the rollup tables."""
    per_row: dict[tuple, dict[str, int]] = {}
    for (day, department, counter), n in contributions.counts.items():
        per_row.setdefault((day, department), {})[counter] = n
    _upsert_add(
        model=DepartmentDayStats,
        keys=("day", "department"),
        values=DepartmentDayStats.COUNTERS,
        rows=[key + tuple(c.get(name, 0) for name in DepartmentDayStats.COUNTERS) for key, c in per_row.items()],
    )
    _upsert_add(
        model=MethodDayStats,
        keys=("day", "department", "method"),
        values=("count",),
        rows=[key + (n,) for key, n in contributions.methods.items()],
    )
    _upsert_add(
        model=HistogramBucket,
        keys=("day", "department", "metric", "bucket"),
        values=("count", "total"),
        rows=[key + (n, contributions.histogram_total[key]) for key, n in contributions.histogram.items()],
    )
    _upsert_add(
        model=GaugeDayDelta,
        keys=("day", "department", "gauge"),
        values=("delta",),
        rows=[key + (n,) for key, n in contributions.gauges.items() if n],
    )


def applied_mark(*, event_ids: list[int]) -> None:
    """Mark events folded (the caller guarantees none of them is marked yet)."""
    now = timezone.now()
    table = connection.ops.quote_name(AppliedEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(
                cursor.cursor, f"INSERT INTO {table} (event_id, applied_at) VALUES %s",
                [(event_id, now) for event_id in event_ids], page_size=10_000,
            )
            return
        for start in range(0, len(event_ids), BATCH * 5):
            chunk = event_ids[start : start + BATCH * 5]
            cursor.execute(
                f"INSERT INTO {table} (event_id, applied_at) VALUES {', '.join(['(%s, %s)'] * len(chunk))}",
                [value for event_id in chunk for value in (event_id, now)],
            )


@transaction.atomic
def ticket_events_apply(*, ticket_id: int) -> int:
    """Fold the ticket's not-yet-applied events into the rollups, each exactly once.

    The ticket row lock serialises concurrent folds of one ticket; AppliedEvent's
    primary key would refuse a second fold even without it.
    """
    if not Ticket.objects.select_for_update().filter(pk=ticket_id).exists():
        return 0
    events = list(TicketEvent.objects.filter(ticket_id=ticket_id).order_by("created_at", "id"))
    if not events:
        return 0
    applied = set(AppliedEvent.objects.filter(event__ticket_id=ticket_id).values_list("event_id", flat=True))
    pending = [e.id for e in events if e.id not in applied]
    if not pending:
        return 0
    contributions = Contributions()
    folded = ticket_events_fold(events=events, into=contributions, only=pending)
    rollups_add(contributions=contributions)
    applied_mark(event_ids=folded)
    return len(folded)


@transaction.atomic
def ticket_record(*, ticket_id: int) -> Ticket | None:
    """Last pipeline stage: apply the ticket's events and mark it recorded. Safe to run twice."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or not pipeline_reached(ticket.pipeline_state, PipelineState.ROUTED):
        return ticket
    ticket_events_apply(ticket_id=ticket_id)
    if ticket.pipeline_state != PipelineState.RECORDED:
        ticket.pipeline_state = PipelineState.RECORDED
        ticket.save(update_fields=["pipeline_state", "updated_at"])
    return ticket


def rollups_clear() -> None:
    for model in (DepartmentDayStats, MethodDayStats, HistogramBucket, GaugeDayDelta, AppliedEvent):
        model.objects.all().delete()


class _Event:
    __slots__ = ("id", "ticket_id", "kind", "payload", "created_at")

    def __init__(self, row: tuple) -> None:
        self.id, self.ticket_id, self.kind, self.payload, self.created_at = row


def rollups_rebuild(*, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Recompute every rollup from the event log, in one transaction. Idempotent.

    Streams the events in ticket order (a server-side cursor on PostgreSQL), so memory
    stays flat; ``progress`` is called with the number of events read so far.
    On PostgreSQL the rollup tables are locked for the duration: live folds wait.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(
                m._meta.db_table for m in (AppliedEvent, DepartmentDayStats, MethodDayStats, HistogramBucket, GaugeDayDelta)
            )
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        rollups_clear()
        contributions = Contributions()
        folded: list[int] = []
        read = 0
        rows: Iterable[tuple] = (
            TicketEvent.objects.order_by("ticket_id", "created_at", "id")
            .values_list("id", "ticket_id", "kind", "payload", "created_at")
            .iterator(chunk_size=20_000)
        )
        events = (_Event(row) for row in rows)
        for _, group in groupby(events, key=lambda e: e.ticket_id):
            ticket_events = list(group)
            folded.extend(ticket_events_fold(events=ticket_events, into=contributions))
            read += len(ticket_events)
            if progress and read % 10_000 < len(ticket_events):
                progress(read)
        rollups_add(contributions=contributions)
        applied_mark(event_ids=folded)
        if progress:
            progress(read)
    return {"events_read": read, "events_folded": len(folded)}
