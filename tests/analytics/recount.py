"""Direct recounts over the tickets and events tables, independent of the rollups."""

from collections import Counter

from django.db.models import Count, Min
from django.db.models.functions import TruncDate

from analytics.buckets import confidence_bucket, duration_bucket
from tickets.models import EventKind, Ticket, TicketEvent


def status_totals() -> dict[str, int]:
    return dict(Ticket.objects.values_list("status").annotate(n=Count("id")).order_by())


def status_by_department() -> Counter:
    rows = Ticket.objects.values_list("department__slug", "status").annotate(n=Count("id")).order_by()
    return Counter({(slug, status): n for slug, status, n in rows})


def needs_review() -> int:
    return Ticket.objects.filter(needs_review=True).count()


def created_per_day_department() -> Counter:
    # Routing sends a ticket to its suggested department: that is where its creation counts.
    rows = (
        Ticket.objects.annotate(day=TruncDate("created_at"))
        .values_list("day", "suggested_department__slug")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({(day, slug): n for day, slug, n in rows})


def method_mix() -> Counter:
    return Counter(dict(Ticket.objects.values_list("categorization_method").annotate(n=Count("id")).order_by()))


def resolve_events_per_day() -> Counter:
    rows = (
        TicketEvent.objects.filter(kind=EventKind.STATUS_UPDATED, payload__to="resolved")
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter(dict(rows))


def reopen_events() -> int:
    return TicketEvent.objects.filter(kind=EventKind.STATUS_UPDATED, payload__from="resolved").count()


def routed_events() -> int:
    return TicketEvent.objects.filter(kind=EventKind.ROUTED).count()


def rerouted_events() -> int:
    return TicketEvent.objects.filter(kind=EventKind.REROUTED).count()


def first_resolution_seconds() -> dict[int, float]:
    """Per resolved ticket: seconds from created_at to its first resolution."""
    firsts = dict(
        TicketEvent.objects.filter(kind=EventKind.STATUS_UPDATED, payload__to="resolved")
        .values_list("ticket_id")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    created = _event_times(EventKind.CREATED)
    return {tid: (firsts[tid] - created[tid]).total_seconds() for tid in firsts}


def _event_times(kind: str) -> dict[int, object]:
    """Per ticket: when its (once-only) event of this kind was recorded. Durations run between
    events, not row timestamps: a ticket row is stamped a few ms before its created event."""
    return dict(TicketEvent.objects.filter(kind=kind).values_list("ticket_id", "created_at"))


def resolution_buckets() -> Counter:
    return Counter(duration_bucket(int(s)) for s in first_resolution_seconds().values())


def categorize_buckets() -> Counter:
    created = _event_times(EventKind.CREATED)
    categorized = _event_times(EventKind.CATEGORIZED)
    return Counter(duration_bucket(int((at - created[tid]).total_seconds())) for tid, at in categorized.items())


def confidence_buckets() -> Counter:
    rows = Ticket.objects.exclude(confidence=None).values_list("confidence", flat=True)
    return Counter(confidence_bucket(c) for c in rows)
