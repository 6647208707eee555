"""Dashboard and analytics endpoint latency, against a naive GROUP BY over the tickets table.

Run it against a database filled by ``manage.py seed_demo`` (the figures in
BENCHMARKS.md come from 1,000,000 tickets over 365 days on PostgreSQL):

    DATABASE_URL=postgres://... .venv/bin/python bench/dashboards.py [--runs 50] [--json out.json]

Each endpoint is requested in-process through Django's full stack (middleware,
session auth, DRF, JSON rendering) by a staff user; the baseline runs the SQL a
dashboard would need without rollups. Prints a Markdown table, writes JSON.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketsystem.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

ENDPOINTS = [
    "/api/dashboard/summary",
    "/api/analytics/performance",
    "/api/analytics/performance?since={d90}&department=it_support",
    "/api/analytics/trends?interval=day&days=30",
    "/api/analytics/trends?interval=week&days=365&department=hr",
    "/api/analytics/departments/finance",
    "/api/analytics/events",
    "/api/analytics/events?kind=ticket.rerouted&since={d7}T00:00:00Z",
    "/api/analytics/events?ticket={ticket}",
    "/dashboard/",
]

# What the same figures cost when computed from the tickets table on every request.
BASELINE_SQL = {
    "summary: status x department": "SELECT department_id, status, count(*) FROM tickets_ticket GROUP BY 1, 2",
    "summary: created/resolved last 7 days": (
        "SELECT count(*) FILTER (WHERE created_at >= now() - interval '7 days'), "
        "count(*) FILTER (WHERE resolved_at >= now() - interval '7 days') FROM tickets_ticket"
    ),
    "performance: resolution p50/p90 per department": (
        "SELECT department_id, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP "
        "(ORDER BY extract(epoch FROM resolved_at - created_at)) FROM tickets_ticket "
        "WHERE resolved_at IS NOT NULL GROUP BY 1"
    ),
    "performance: method mix": "SELECT categorization_method, count(*) FROM tickets_ticket GROUP BY 1",
    "trends: created per day, 30 days": (
        "SELECT date_trunc('day', created_at), department_id, count(*) FROM tickets_ticket "
        "WHERE created_at >= now() - interval '30 days' GROUP BY 1, 2"
    ),
}


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def _timed(fn, runs: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--json", default=str(REPO / "bench" / "results" / "dashboards.json"))
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from tickets.models import Ticket

    user, _ = get_user_model().objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    client = Client()
    client.force_login(user)
    today = timezone.now().date()
    ticket = Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 1
    tickets = Ticket.objects.count()  # once, for the report; the endpoints never count tickets

    results: dict = {"tickets": tickets, "database": connection.vendor, "endpoints": {}, "baseline": {}}
    for template in ENDPOINTS:
        path = template.format(d90=today - timedelta(days=90), d7=today - timedelta(days=7), ticket=ticket)

        def request(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.content[:300])

        results["endpoints"][path] = _timed(request, args.runs)
    if not args.no_baseline and connection.vendor == "postgresql":
        for name, sql in BASELINE_SQL.items():

            def query(sql=sql):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
                    cursor.fetchall()

            results["baseline"][name] = _timed(query, max(5, args.runs // 5), warmup=1)

    lines = [f"Tickets: {tickets:,} ({connection.vendor}), {args.runs} runs per endpoint", ""]
    lines += ["| endpoint (rollups) | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|"]
    lines += [f"| `{p}` | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |" for p, r in results["endpoints"].items()]
    if results["baseline"]:
        lines += ["", "| baseline: naive SQL over tickets | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|"]
        lines += [f"| {n} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |" for n, r in results["baseline"].items()]
    print("\n".join(lines))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    return results


if __name__ == "__main__":
    main()
