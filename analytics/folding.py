"""Turning one ticket's event stream into rollup contributions.

Pure functions, no database: the live fold (``ticket_events_apply``), the rebuild
and ``seed_demo`` all call ``ticket_events_fold``, so the three can never disagree.

Attribution rules (the README's KPI section states them for readers):
- nothing of a ticket is folded before it has a ``ticket.routed`` event; events
  before routing count for the department it was first routed to;
- after a reroute, events count for the new department; the reroute itself
  counts for the department the ticket was taken from;
- an event's day is the UTC date of its ``created_at``; durations count on the
  day of the event that ends them.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from analytics.buckets import confidence_bucket, duration_bucket
from analytics.models import Gauge, Metric
from tickets.models import EventKind, TicketStatus


class EventLike(Protocol):
    id: int
    kind: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass
class Contributions:
    """Amounts to add to each rollup row, keyed like the rows' unique constraints."""

    counts: Counter = field(default_factory=Counter)  # (day, dept, counter) -> n
    methods: Counter = field(default_factory=Counter)  # (day, dept, method) -> n
    histogram: Counter = field(default_factory=Counter)  # (day, dept, metric, bucket) -> n
    histogram_total: Counter = field(default_factory=Counter)  # (day, dept, metric, bucket) -> sum of values
    gauges: Counter = field(default_factory=Counter)  # (day, dept, gauge) -> delta

    def merge(self, other: "Contributions") -> None:
        self.counts.update(other.counts)
        self.methods.update(other.methods)
        self.histogram.update(other.histogram)
        self.histogram_total.update(other.histogram_total)
        self.gauges.update(other.gauges)

    def is_empty(self) -> bool:
        return not (self.counts or self.methods or self.histogram or self.gauges)


def _routed_department(events: Sequence[EventLike]) -> str | None:
    for event in events:
        if event.kind == EventKind.ROUTED:
            return event.payload.get("department") or ""
    return None


def ticket_events_fold(
    *, events: Sequence[EventLike], into: Contributions, only: Iterable[int] | None = None
) -> list[int]:
    """Add the contributions of ``events`` (one ticket, oldest first) to ``into``.

    The whole stream is walked to know the ticket's state at each event; only events
    whose id is in ``only`` contribute (None: all). Returns the ids folded; empty when
    the ticket is not routed yet, so that its events wait for the pipeline's end.
    """
    department = _routed_department(events)
    if department is None:
        return []
    wanted = None if only is None else set(only)
    started_at = next((e.created_at for e in events if e.kind == EventKind.CREATED), events[0].created_at)
    status = TicketStatus.PENDING
    flagged = False
    resolved_before = False
    folded: list[int] = []

    for event in events:
        take = wanted is None or event.id in wanted
        day: date = event.created_at.date()
        payload = event.payload or {}
        add = _adder(into, take, day)
        kind = event.kind
        if kind == EventKind.CREATED:
            add.count(department, "created")
            add.gauge(department, Gauge.PENDING, 1)
        elif kind == EventKind.CATEGORIZED:
            add.count(department, "categorized")
            add.method(department, payload.get("method") or "unknown")
            add.duration(department, Metric.TIME_TO_CATEGORIZE, event.created_at - started_at)
            if payload.get("confidence") is not None:
                confidence = int(payload["confidence"])
                add.value(department, Metric.CONFIDENCE, confidence_bucket(confidence), confidence)
            if payload.get("needs_review") and not flagged:
                flagged = True
                add.gauge(department, Gauge.NEEDS_REVIEW, 1)
        elif kind == EventKind.ROUTED:
            add.count(department, "routed")
            add.duration(department, Metric.TIME_TO_ROUTE, event.created_at - started_at)
        elif kind == EventKind.REROUTED:
            source = payload.get("from") or department
            target = payload.get("to") or payload.get("department") or department
            add.count(source, "rerouted")
            if source != target:
                add.gauge(source, status, -1)
                add.gauge(target, status, 1)
                if flagged:
                    add.gauge(source, Gauge.NEEDS_REVIEW, -1)
                    add.gauge(target, Gauge.NEEDS_REVIEW, 1)
            department = target
        elif kind == EventKind.STATUS_UPDATED:
            before = payload.get("from") or status
            after = payload.get("to") or status
            if before != after:
                add.gauge(department, before, -1)
                add.gauge(department, after, 1)
            if after == TicketStatus.RESOLVED and before != TicketStatus.RESOLVED:
                add.count(department, "resolved")
                if not resolved_before:
                    resolved_before = True
                    add.count(department, "resolved_first")
                    add.duration(department, Metric.TIME_TO_RESOLVE, event.created_at - started_at)
            if before == TicketStatus.RESOLVED and after != TicketStatus.RESOLVED:
                add.count(department, "reopened")
            status = after
        # Any event may state the review flag explicitly (a human review clears it).
        if kind != EventKind.CATEGORIZED and "needs_review" in payload and bool(payload["needs_review"]) != flagged:
            flagged = bool(payload["needs_review"])
            add.gauge(department, Gauge.NEEDS_REVIEW, 1 if flagged else -1)
        if take:
            folded.append(event.id)
    return folded


class _adder:
    """Writes into the contributions only when the current event is being folded."""

    __slots__ = ("into", "take", "day")

    def __init__(self, into: Contributions, take: bool, day: date) -> None:
        self.into, self.take, self.day = into, take, day

    def count(self, department: str, counter: str) -> None:
        if self.take:
            self.into.counts[(self.day, department, counter)] += 1

    def method(self, department: str, method: str) -> None:
        if self.take:
            self.into.methods[(self.day, department, method)] += 1

    def gauge(self, department: str, gauge: str, delta: int) -> None:
        if self.take:
            self.into.gauges[(self.day, department, str(gauge))] += delta

    def value(self, department: str, metric: str, bucket: int, value: int) -> None:
        if self.take:
            key = (self.day, department, str(metric), bucket)
            self.into.histogram[key] += 1
            self.into.histogram_total[key] += value

    def duration(self, department: str, metric: str, elapsed) -> None:
        seconds = max(0, int(elapsed.total_seconds()))
        self.value(department, metric, duration_bucket(seconds), seconds)

