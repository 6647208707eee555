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
    created = dict(Ticket.objects.filter(pk__in=firsts).values_list("id", "created_at"))
    return {tid: (firsts[tid] - created[tid]).total_seconds() for tid in firsts}


def resolution_buckets() -> Counter:
    return Counter(duration_bucket(int(s)) for s in first_resolution_seconds().values())


def categorize_buckets() -> Counter:
    rows = Ticket.objects.exclude(categorized_at=None).values_list("created_at", "categorized_at")
    return Counter(duration_bucket(int((cat - created).total_seconds())) for created, cat in rows)


def confidence_buckets() -> Counter:
    rows = Ticket.objects.exclude(confidence=None).values_list("confidence", flat=True)
    return Counter(confidence_bucket(c) for c in rows)
