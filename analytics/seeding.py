"""Realistic demo history, generated fast: tickets and their events are written with
COPY on PostgreSQL (executemany elsewhere), and folded into the rollups by the same
``ticket_events_fold`` as live traffic, so rollups and events agree by construction."""

import io
import json
import math
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from analytics.folding import Contributions, ticket_events_fold
from analytics.models import AppliedEvent
from analytics.services import rollups_add
from tickets.models import Department, EventKind, PipelineState, Ticket, TicketEvent, TicketStatus

DEPARTMENT_WEIGHTS = {"it_support": 40, "hr": 18, "facilities": 17, "finance": 15, "general": 10}
# Median hours to resolve, per department (log-normal around it).
RESOLVE_MEDIAN_HOURS = {"it_support": 6, "hr": 40, "facilities": 20, "finance": 60, "general": 12}
METHODS = (("keywords", 55), ("ai", 35), ("model", 10))
TITLES = {
    "it_support": ["VPN keeps disconnecting", "Laptop will not boot", "Password reset needed", "Printer offline"],
    "hr": ["Payslip missing", "Holiday request", "Sick note upload", "Onboarding for new hire"],
    "facilities": ["Heating broken on floor 3", "Desk move request", "Door badge not working", "Leaking tap"],
    "finance": ["Invoice not paid", "Expense claim for taxi", "Corporate card declined", "Purchase order approval"],
    "general": ["Question about the summer event", "Feedback on the intranet", "Who do I ask about this?", "hi"],
}
REVIEW_THRESHOLD = 60


class _Event:
    __slots__ = ("id", "kind", "payload", "created_at", "dedupe_key")

    def __init__(self, id_, kind, payload, created_at, dedupe_key=None):
        self.id, self.kind, self.payload, self.created_at, self.dedupe_key = id_, kind, payload, created_at, dedupe_key


def _weighted(rng: random.Random, pairs) -> str:
    total = sum(w for _, w in pairs)
    pick = rng.random() * total
    for name, weight in pairs:
        pick -= weight
        if pick < 0:
            return name
    return pairs[-1][0]


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _Writer:
    """Buffers rows per table and flushes them with COPY (PostgreSQL) or executemany."""

    def __init__(self, model) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        # Columns this code does not know (added by later migrations) get their model default.
        self.pairs = [(f.attname, f.get_default()) for f in self.fields]
        self.rows: list[list] = []

    def add(self, values: dict) -> None:
        self.rows.append([values.get(name, default) for name, default in self.pairs])

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for row in self.rows:
                    buffer.write("\t".join(_copy_text(v) for v in row))
                    buffer.write("\n")
                buffer.seek(0)
                raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
                raw.copy_expert(f'COPY {table} ({", ".join(self.columns)}) FROM STDIN', buffer)
            else:
                prepared = [
                    [json.dumps(v) if isinstance(v, (dict, list)) else v for v in row] for row in self.rows
                ]
                placeholders = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f'INSERT INTO {table} ({", ".join(self.columns)}) VALUES ({placeholders})', prepared)
        self.rows.clear()


def demo_seed(
    *, tickets: int, days: int, seed: int = 5, progress: Callable[[int], None] | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Create ``tickets`` tickets spread over the last ``days`` days, with events and rollups."""
    rng = random.Random(seed)
    now = now or timezone.now()
    departments = dict(Department.objects.values_list("slug", "id"))
    weights = [(slug, DEPARTMENT_WEIGHTS.get(slug, 10)) for slug in departments]
    slugs = list(departments)
    start = now - timedelta(days=days)
    ticket_id = (Ticket.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    event_id = (TicketEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    first_event_id = event_id
    ticket_writer, event_writer = _Writer(Ticket), _Writer(TicketEvent)
    contributions = Contributions()
    # Weekdays busier than weekends, and a slow growth over the period.
    day_weights = []
    for d in range(days):
        day = start + timedelta(days=d)
        day_weights.append((0.4 if day.weekday() >= 5 else 1.0) * (0.8 + 0.4 * d / max(days - 1, 1)))
    scale = tickets / sum(day_weights)
    per_day = [int(w * scale) for w in day_weights]
    for i in range(tickets - sum(per_day)):
        per_day[i % days] += 1

    latest = now - timedelta(minutes=5)
    made = 0
    events_made = 0
    with transaction.atomic():
        for d, count in enumerate(per_day):
            day_start = start + timedelta(days=d)
            offsets = sorted(rng.random() * 86400 for _ in range(count))
            for offset in offsets:
                created_at = day_start + timedelta(seconds=offset)
                if created_at > latest:  # leave the pipeline time to finish before "now"
                    created_at = latest - timedelta(seconds=rng.random() * 60)
                events = _ticket_history(rng, created_at=created_at, now=now, slugs=slugs, weights=weights)
                for event in events:
                    event.id = event_id
                    event_id += 1
                ticket_writer.add(_ticket_row(rng, ticket_id, events, departments, now))
                for event in events:
                    event_writer.add(
                        {
                            "id": event.id,
                            "ticket_id": ticket_id,
                            "kind": event.kind,
                            "actor_id": None,
                            "payload": event.payload,
                            "created_at": event.created_at,
                            "dedupe_key": event.dedupe_key,
                        }
                    )
                ticket_events_fold(events=events, into=contributions)
                ticket_id += 1
                made += 1
                events_made += len(events)
                if made % 20_000 == 0:
                    ticket_writer.flush()
                    event_writer.flush()
                    if progress:
                        progress(made)
        ticket_writer.flush()
        event_writer.flush()
        rollups_add(contributions=contributions)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {AppliedEvent._meta.db_table} (event_id, applied_at) "
                f"SELECT id, %s FROM {TicketEvent._meta.db_table} WHERE id >= %s",
                [now, first_event_id],
            )
            if connection.vendor == "postgresql":
                for model in (Ticket, TicketEvent):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Ticket._meta.db_table}, {TicketEvent._meta.db_table}")
    if progress:
        progress(made)
    return {"tickets": made, "events": events_made}


def _lognormal_seconds(rng: random.Random, median_seconds: float, sigma: float) -> float:
    return median_seconds * math.exp(rng.gauss(0, sigma))


def _ticket_history(rng, *, created_at, now, slugs, weights) -> list[_Event]:
    true_dept = _weighted(rng, weights)
    method = _weighted(rng, METHODS)
    correct = rng.random() < (0.93 if method == "ai" else 0.85)
    suggested = true_dept if correct else rng.choice([s for s in slugs if s != true_dept] or [true_dept])
    confidence = int(min(100, max(5, rng.gauss(82 if correct else 52, 12))))
    needs_review = confidence < REVIEW_THRESHOLD
    title = rng.choice(TITLES.get(true_dept, TITLES["general"]))
    categorized_at = created_at + timedelta(
        seconds=min(240.0, _lognormal_seconds(rng, 4 if method == "keywords" else 25, 0.8))
    )
    routed_at = categorized_at + timedelta(seconds=0.05 + rng.random() * 2)
    events = [
        _Event(0, EventKind.CREATED, {"title": title, "requester_email": "demo@example.com"}, created_at, "created"),
        _Event(
            0,
            EventKind.CATEGORIZED,
            {"department": suggested, "confidence": confidence, "method": method, "needs_review": needs_review},
            categorized_at,
            "categorized",
        ),
        _Event(0, EventKind.ROUTED, {"department": suggested, "method": "auto"}, routed_at, "routed"),
    ]
    department = suggested
    moment = routed_at
    if suggested != true_dept and rng.random() < 0.75:
        moment = routed_at + timedelta(seconds=_lognormal_seconds(rng, 2 * 3600, 1.0))
        if moment < now:
            events.append(
                _Event(0, EventKind.REROUTED, {"from": suggested, "to": true_dept, "needs_review": False}, moment)
            )
            department = true_dept
        else:
            moment = routed_at
    status = TicketStatus.PENDING
    resolve_after = _lognormal_seconds(rng, RESOLVE_MEDIAN_HOURS.get(department, 24) * 3600, 1.1)
    if rng.random() < 0.7:  # most tickets are picked up before they are resolved
        started = moment + timedelta(seconds=resolve_after * rng.random() * 0.5)
        if started < now:
            events.append(_Event(0, EventKind.STATUS_UPDATED, _move(status, TicketStatus.IN_PROGRESS), started))
            status = TicketStatus.IN_PROGRESS
            moment = started
    resolved_at = created_at + timedelta(seconds=resolve_after)
    if resolved_at > moment and resolved_at < now:
        events.append(_Event(0, EventKind.STATUS_UPDATED, _move(status, TicketStatus.RESOLVED), resolved_at))
        status = TicketStatus.RESOLVED
        moment = resolved_at
        if rng.random() < 0.05:
            reopened_at = moment + timedelta(seconds=_lognormal_seconds(rng, 86400, 0.8))
            if reopened_at < now:
                events.append(_Event(0, EventKind.STATUS_UPDATED, _move(status, TicketStatus.IN_PROGRESS), reopened_at))
                status = TicketStatus.IN_PROGRESS
                moment = reopened_at
                again = moment + timedelta(seconds=_lognormal_seconds(rng, 8 * 3600, 1.0))
                if rng.random() < 0.7 and again < now:
                    events.append(_Event(0, EventKind.STATUS_UPDATED, _move(status, TicketStatus.RESOLVED), again))
                    status = TicketStatus.RESOLVED
    return events


def _move(before: str, after: str) -> dict:
    return {"from": str(before), "to": str(after), "reopened": before == TicketStatus.RESOLVED}


def _ticket_row(rng, ticket_id: int, events: list[_Event], departments: dict[str, int], now) -> dict:
    """The ticket's final state, as the services would have left it after these events."""
    created, categorized, routed = events[0], events[1], events[2]
    department = routed.payload["department"]
    needs_review = categorized.payload["needs_review"]
    status = TicketStatus.PENDING
    resolved_at = None
    for event in events[3:]:
        if event.kind == EventKind.REROUTED:
            department = event.payload["to"]
            needs_review = event.payload.get("needs_review", needs_review)
        elif event.kind == EventKind.STATUS_UPDATED:
            status = event.payload["to"]
            if status == TicketStatus.RESOLVED:
                resolved_at = event.created_at
    return {
        "id": ticket_id,
        "title": created.payload["title"],
        "description": "Generated by seed_demo.",
        "requester_name": "Demo Requester",
        "requester_email": "demo@example.com",
        "created_by_id": None,
        "status": str(status),
        "department_id": departments[department],
        "suggested_department_id": departments[categorized.payload["department"]],
        "confidence": categorized.payload["confidence"],
        "categorization_method": categorized.payload["method"],
        "needs_review": needs_review,
        "pipeline_state": PipelineState.RECORDED.value,
        "created_at": created.created_at,
        "updated_at": events[-1].created_at,
        "categorized_at": categorized.created_at,
        "routed_at": routed.created_at,
        "resolved_at": resolved_at,
    }
