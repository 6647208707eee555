from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.buckets import duration_bucket, duration_bucket_bounds
from tests.analytics import recount
from tickets.models import EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/dashboard/summary",
    "/api/analytics/performance",
    "/api/analytics/trends",
    "/api/analytics/departments/hr",
    "/api/analytics/events",
]


@pytest.fixture
def seeded(db):
    call_command("seed_demo", tickets=300, days=14, seed=3)


def _within_bucket(estimate: float | None, exact_values: list[float], q: float) -> bool:
    exact = sorted(exact_values)[max(0, int(q * len(exact_values) + 0.999999) - 1)]
    lower, upper = duration_bucket_bounds(duration_bucket(int(exact)))
    return lower <= estimate <= (upper if upper is not None else lower)


def test_summary_matches_a_recount(seeded, staff_client):
    body = staff_client.get("/api/dashboard/summary").json()
    statuses = recount.status_totals()
    assert body["totals"]["by_status"] == {s: statuses.get(s, 0) for s in ("pending", "in_progress", "resolved")}
    assert body["totals"]["all"] == Ticket.objects.count() == 300
    assert body["open_backlog"] == Ticket.objects.exclude(status="resolved").count()
    assert body["needs_review"] == recount.needs_review()
    for (slug, status), n in recount.status_by_department().items():
        assert body["totals"]["by_department"][slug][status] == n
    today = timezone.now().date()
    created_7d = Ticket.objects.filter(created_at__date__gte=today - timedelta(days=6)).count()
    assert body["created"] == {
        "today": Ticket.objects.filter(created_at__date=today).count(),
        "last_7_days": created_7d,
    }
    resolves = recount.resolve_events_per_day()
    assert body["resolved"]["today"] == resolves.get(today, 0)
    assert body["resolved"]["last_7_days"] == sum(n for day, n in resolves.items() if day >= today - timedelta(days=6))
    seconds = list(recount.first_resolution_seconds().values())
    assert body["resolution_time"]["tickets"] == len(seconds)
    assert body["resolution_time"]["mean_seconds"] == pytest.approx(sum(int(s) for s in seconds) / len(seconds), abs=0.1)
    assert _within_bucket(body["resolution_time"]["median_seconds"], seconds, 0.5)


def test_performance_matches_a_recount(seeded, staff_client):
    body = staff_client.get("/api/analytics/performance").json()
    assert {m["method"]: m["count"] for m in body["method_mix"]} == dict(recount.method_mix())
    confidence = recount.confidence_buckets()
    assert [b["count"] for b in body["confidence_distribution"]["buckets"]] == [confidence.get(i, 0) for i in range(10)]
    assert body["overall"]["reroute_rate"] == round(recount.rerouted_events() / recount.routed_events(), 4)
    assert body["overall"]["time_to_resolve"]["count"] == len(recount.first_resolution_seconds())
    # Per department: the p50 estimate lies in the bucket of the exact median of that department's tickets.
    firsts = recount.first_resolution_seconds()
    final_department = dict(Ticket.objects.values_list("id", "department__slug"))
    resolve_department = {}
    for event in TicketEvent.objects.filter(kind=EventKind.STATUS_UPDATED, payload__to="resolved").order_by("id"):
        resolve_department.setdefault(event.ticket_id, final_department[event.ticket_id])
    for slug, kpis in body["departments"].items():
        values = [s for tid, s in firsts.items() if resolve_department[tid] == slug]
        assert kpis["time_to_resolve"]["count"] == len(values)
        if values:
            assert _within_bucket(kpis["time_to_resolve"]["p50_seconds"], values, 0.5)
            assert _within_bucket(kpis["time_to_resolve"]["p90_seconds"], values, 0.9)


def test_trends_match_a_recount(seeded, staff_client):
    body = staff_client.get("/api/analytics/trends?interval=day&days=14").json()
    assert len(body["series"]) == 14
    created = {}
    for ticket in Ticket.objects.values_list("created_at", flat=True):
        created[ticket.date()] = created.get(ticket.date(), 0) + 1
    resolves = recount.resolve_events_per_day()
    for point in body["series"]:
        day = point["period"]
        assert point["created"] == created.get(timezone.datetime.fromisoformat(day).date(), 0)
        assert point["resolved"] == resolves.get(timezone.datetime.fromisoformat(day).date(), 0)
    assert body["series"][-1]["backlog"] == Ticket.objects.exclude(status="resolved").count()
    weekly = staff_client.get("/api/analytics/trends?interval=week&days=14&department=hr").json()
    assert sum(p["created"] for p in weekly["series"]) == Ticket.objects.filter(suggested_department__slug="hr").count()
    assert weekly["series"][-1]["backlog"] == Ticket.objects.filter(department__slug="hr").exclude(status="resolved").count()


def test_department_view_matches_a_recount(seeded, staff_client):
    body = staff_client.get("/api/analytics/departments/finance/").json()
    finance = Ticket.objects.filter(department__slug="finance")
    assert body["counts"]["created"] == Ticket.objects.filter(suggested_department__slug="finance").count()
    assert body["open_backlog"] == finance.exclude(status="resolved").count()
    assert body["by_status"]["resolved"] == finance.filter(status="resolved").count()
    assert body["needs_review"] == finance.filter(needs_review=True).count()
    assert sum(m["count"] for m in body["method_mix"]) == body["counts"]["categorized"]
    assert staff_client.get("/api/analytics/departments/nope").status_code == 404


def test_events_are_paginated_and_filtered(seeded, staff_client):
    ticket = Ticket.objects.order_by("id").first()
    body = staff_client.get(f"/api/analytics/events?ticket={ticket.pk}").json()
    assert [e["id"] for e in body["results"]] == list(
        TicketEvent.objects.filter(ticket=ticket).order_by("-id").values_list("id", flat=True)
    )
    since = timezone.now() - timedelta(days=2)
    seen, url = 0, f"/api/analytics/events?kind=ticket.routed&since={since.isoformat().replace('+00:00', 'Z')}&page_size=50"
    while url:
        page = staff_client.get(url).json()
        assert all(e["kind"] == "ticket.routed" for e in page["results"])
        seen += len(page["results"])
        url = page["next"]
    assert seen == TicketEvent.objects.filter(kind=EventKind.ROUTED, created_at__gte=since).count() > 0


def test_invalid_parameters_get_a_400_per_field(staff_client):
    response = staff_client.get("/api/analytics/events?ticket=abc&kind=nope&since=yesterday")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"ticket", "kind", "since"}
    response = staff_client.get("/api/analytics/trends?interval=month&days=0&department=nowhere")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"interval", "days", "department"}
    response = staff_client.get("/api/analytics/performance?since=2026-02-01&until=2026-01-01")
    assert response.status_code == 400
    assert "until" in response.json()["error"]["fields"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_endpoints_require_staff(path, api_client, user_client):
    assert api_client.get(path).status_code in (401, 403)
    assert user_client.get(path).status_code == 403


@pytest.mark.parametrize("path", ENDPOINTS)
def test_endpoints_answer_with_and_without_slash_under_v1(path, staff_client):
    assert staff_client.get(path).status_code == 200
    assert staff_client.get(path + "/").status_code == 200
    assert staff_client.get(path.replace("/api/", "/api/v1/")).status_code == 200
