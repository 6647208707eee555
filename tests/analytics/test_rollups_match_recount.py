from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Sum

from analytics.models import AppliedEvent, DepartmentDayStats, GaugeDayDelta, HistogramBucket, Metric, MethodDayStats
from analytics.services import rollups_rebuild, ticket_events_apply
from analytics.tasks import record_analytics
from categorization.tasks import categorize_ticket
from routing.tasks import route_ticket
from tests.analytics import recount
from tickets.models import EventKind, Ticket, TicketEvent
from tickets.services import event_record, ticket_create, ticket_status_update

pytestmark = pytest.mark.django_db

TITLES = ["VPN is down", "Payslip missing", "Heating broken", "Invoice not paid", "hello", "Printer jammed"]


def _live_history(user, staff) -> list[Ticket]:
    tickets = []
    for title in TITLES:
        ticket = ticket_create(title=title, requester_email="a@example.com", created_by=user)
        for task in (categorize_ticket, route_ticket, record_analytics):
            task.delay(ticket.pk)
        tickets.append(Ticket.objects.get(pk=ticket.pk))
    ticket_status_update(ticket_id=tickets[0].pk, status="in_progress", actor=staff)
    ticket_status_update(ticket_id=tickets[0].pk, status="resolved", actor=staff)
    ticket_status_update(ticket_id=tickets[1].pk, status="resolved", actor=staff)
    ticket_status_update(ticket_id=tickets[1].pk, status="in_progress", actor=staff)  # reopened
    ticket_status_update(ticket_id=tickets[1].pk, status="resolved", actor=staff)
    # What apply_ticket_events does after commit (on_commit never fires inside a test transaction).
    for ticket in tickets[:2]:
        ticket_events_apply(ticket_id=ticket.pk)
    # A human reroute, recorded as the routing app does (the ticket moves, the flag clears).
    moved = tickets[2]
    source = moved.department.slug
    target = "general" if source != "general" else "hr"
    Ticket.objects.filter(pk=moved.pk).update(department_id=_dept_id(target), needs_review=False)
    event_record(ticket=moved, kind=EventKind.REROUTED, payload={"from": source, "to": target, "needs_review": False})
    ticket_events_apply(ticket_id=moved.pk)
    return tickets


def _dept_id(slug):
    from tickets.models import Department

    return Department.objects.get(slug=slug).pk


def _gauge_totals() -> dict[str, int]:
    rows = GaugeDayDelta.objects.values_list("gauge").annotate(v=Sum("delta")).order_by()
    return {gauge: v for gauge, v in rows if v}


def _rollup_snapshot():
    return (
        sorted(DepartmentDayStats.objects.values_list("day", "department", *DepartmentDayStats.COUNTERS)),
        sorted(MethodDayStats.objects.values_list("day", "department", "method", "count")),
        sorted(HistogramBucket.objects.values_list("day", "department", "metric", "bucket", "count", "total")),
        sorted((r for r in GaugeDayDelta.objects.values_list("day", "department", "gauge", "delta") if r[3])),
    )


def _assert_rollups_equal_recount():
    assert _gauge_totals().get("pending", 0) == recount.status_totals().get("pending", 0)
    assert _gauge_totals().get("in_progress", 0) == recount.status_totals().get("in_progress", 0)
    assert _gauge_totals().get("resolved", 0) == recount.status_totals().get("resolved", 0)
    assert _gauge_totals().get("needs_review", 0) == recount.needs_review()
    per_department = Counter()
    for department, gauge, value in (
        GaugeDayDelta.objects.exclude(gauge="needs_review").values_list("department", "gauge").annotate(v=Sum("delta"))
    ):
        if value:
            per_department[(department, gauge)] = value
    assert per_department == recount.status_by_department()
    created = Counter(
        {(day, dept): n for day, dept, n in DepartmentDayStats.objects.values_list("day", "department", "created") if n}
    )
    assert created == recount.created_per_day_department()
    methods = Counter(dict(MethodDayStats.objects.values_list("method").annotate(n=Sum("count")).order_by()))
    assert methods == recount.method_mix()
    resolved = Counter(dict(DepartmentDayStats.objects.values_list("day").annotate(n=Sum("resolved")).order_by()))
    assert +resolved == recount.resolve_events_per_day()
    totals = DepartmentDayStats.objects.aggregate(
        reopened=Sum("reopened"), routed=Sum("routed"), rerouted=Sum("rerouted"), first=Sum("resolved_first")
    )
    assert totals["reopened"] == recount.reopen_events()
    assert totals["routed"] == recount.routed_events()
    assert (totals["rerouted"] or 0) == recount.rerouted_events()
    assert totals["first"] == len(recount.first_resolution_seconds())

    def buckets(metric):
        rows = HistogramBucket.objects.filter(metric=metric).values_list("bucket").annotate(n=Sum("count")).order_by()
        return Counter({b: n for b, n in rows if n})

    assert buckets(Metric.TIME_TO_RESOLVE) == recount.resolution_buckets()
    assert buckets(Metric.TIME_TO_CATEGORIZE) == recount.categorize_buckets()
    assert buckets(Metric.CONFIDENCE) == recount.confidence_buckets()
    resolve_total = HistogramBucket.objects.filter(metric=Metric.TIME_TO_RESOLVE).aggregate(t=Sum("total"))["t"]
    assert resolve_total == sum(int(s) for s in recount.first_resolution_seconds().values())


def test_live_rollups_equal_a_direct_recount(user, staff):
    _live_history(user, staff)
    assert DepartmentDayStats.objects.aggregate(n=Sum("rerouted"))["n"] == 1
    _assert_rollups_equal_recount()


def test_seeded_rollups_equal_a_direct_recount():
    call_command("seed_demo", tickets=400, days=20, seed=11)
    assert Ticket.objects.count() == 400
    _assert_rollups_equal_recount()


def test_applying_events_again_changes_nothing(user, staff):
    tickets = _live_history(user, staff)
    before = _rollup_snapshot()
    for ticket in tickets:
        assert ticket_events_apply(ticket_id=ticket.pk) == 0
        record_analytics.delay(ticket.pk)
    assert _rollup_snapshot() == before
    assert AppliedEvent.objects.count() == TicketEvent.objects.count()


def test_rebuild_reproduces_the_live_rollups_and_is_idempotent(user, staff):
    _live_history(user, staff)
    live = _rollup_snapshot()
    call_command("analytics_rebuild")
    assert _rollup_snapshot() == live
    rollups_rebuild()
    assert _rollup_snapshot() == live
    assert AppliedEvent.objects.count() == TicketEvent.objects.count()


def test_events_of_an_unrouted_ticket_wait_for_routing(user):
    ticket = ticket_create(title="VPN is down", requester_email="a@example.com", created_by=user)
    categorize_ticket.delay(ticket.pk)
    assert ticket_events_apply(ticket_id=ticket.pk) == 0
    assert not DepartmentDayStats.objects.exists()
    route_ticket.delay(ticket.pk)
    record_analytics.delay(ticket.pk)
    assert DepartmentDayStats.objects.aggregate(n=Sum("created"))["n"] == 1
