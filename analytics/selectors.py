"""Reads for the dashboards: every figure comes from the rollup tables, never from
a scan of tickets. Each function costs a handful of aggregate queries over rows
that number days × departments (× buckets)."""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from analytics.buckets import CONFIDENCE_BUCKETS, confidence_bucket_label, histogram_percentile
from analytics.models import DepartmentDayStats, Gauge, GaugeDayDelta, HistogramBucket, Metric, MethodDayStats
from tickets.models import Department, TicketEvent

OPEN_GAUGES = (Gauge.PENDING, Gauge.IN_PROGRESS)
STATUS_GAUGES = (Gauge.PENDING, Gauge.IN_PROGRESS, Gauge.RESOLVED)
DURATION_METRICS = (Metric.TIME_TO_CATEGORIZE, Metric.TIME_TO_ROUTE, Metric.TIME_TO_RESOLVE)


def _range(qs: QuerySet, *, since: date | None, until: date | None, department: str | None) -> QuerySet:
    if since:
        qs = qs.filter(day__gte=since)
    if until:
        qs = qs.filter(day__lte=until)
    if department is not None:
        qs = qs.filter(department=department)
    return qs


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def department_slugs() -> list[str]:
    return list(Department.objects.order_by("slug").values_list("slug", flat=True))


def gauges_get(*, department: str | None = None, until: date | None = None) -> dict[str, dict[str, int]]:
    """Current (or end-of-``until``) gauge values per department: {department: {gauge: value}}."""
    qs = _range(GaugeDayDelta.objects.all(), since=None, until=until, department=department)
    result: dict[str, dict[str, int]] = defaultdict(lambda: {g.value: 0 for g in Gauge})
    for row in qs.values("department", "gauge").annotate(value=Sum("delta")).order_by():
        result[row["department"]][row["gauge"]] = row["value"] or 0
    return result


def _counts(*, since: date | None, until: date | None, department: str | None = None) -> dict[str, int]:
    qs = _range(DepartmentDayStats.objects.all(), since=since, until=until, department=department)
    totals = qs.aggregate(**{name: Sum(name) for name in DepartmentDayStats.COUNTERS})
    return {name: totals[name] or 0 for name in DepartmentDayStats.COUNTERS}


def _histograms(
    *, metrics, since: date | None, until: date | None, department: str | None = None, by_department: bool = False
) -> dict[tuple[str, str], dict[int, list[int]]]:
    """{(department or "*", metric): {bucket: [count, total]}}."""
    qs = _range(HistogramBucket.objects.filter(metric__in=metrics), since=since, until=until, department=department)
    fields = ("department", "metric", "bucket") if by_department else ("metric", "bucket")
    result: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(dict)
    for row in qs.values(*fields).annotate(n=Sum("count"), total=Sum("total")).order_by():
        key = (row["department"] if by_department else "*", row["metric"])
        result[key][row["bucket"]] = [row["n"] or 0, row["total"] or 0]
    return result


def _duration_summary(buckets: dict[int, list[int]]) -> dict[str, Any]:
    counts = {bucket: n for bucket, (n, _) in buckets.items()}
    n = sum(counts.values())
    total = sum(t for _, t in buckets.values())
    return {
        "count": n,
        "mean_seconds": _seconds(total / n) if n else None,
        "p50_seconds": _seconds(histogram_percentile(counts, 0.5)),
        "p90_seconds": _seconds(histogram_percentile(counts, 0.9)),
    }


def dashboard_summary(*, today: date | None = None) -> dict[str, Any]:
    """Totals per status and department, backlog, recent flow, review queue, resolution time."""
    today = today or timezone.now().date()
    gauges = gauges_get()
    by_status = {g.value: sum(values[g] for values in gauges.values()) for g in STATUS_GAUGES}
    slugs = department_slugs()
    by_department = {}
    for slug in sorted(set(slugs) | set(gauges)):
        values = gauges.get(slug) or {g.value: 0 for g in Gauge}
        by_department[slug or "unassigned"] = {
            "total": sum(values[g] for g in STATUS_GAUGES),
            "open": sum(values[g] for g in OPEN_GAUGES),
            **{g.value: values[g] for g in STATUS_GAUGES},
        }
    week_start = today - timedelta(days=6)
    recent = (
        DepartmentDayStats.objects.filter(day__gte=week_start, day__lte=today)
        .values("day")
        .annotate(created=Sum("created"), resolved=Sum("resolved"))
        .order_by()
    )
    created_today = resolved_today = created_7d = resolved_7d = 0
    for row in recent:
        created_7d += row["created"] or 0
        resolved_7d += row["resolved"] or 0
        if row["day"] == today:
            created_today, resolved_today = row["created"] or 0, row["resolved"] or 0
    resolution = _duration_summary(
        _histograms(metrics=[Metric.TIME_TO_RESOLVE], since=None, until=None).get(("*", Metric.TIME_TO_RESOLVE), {})
    )
    return {
        "totals": {"all": sum(by_status.values()), "by_status": by_status, "by_department": by_department},
        "open_backlog": sum(by_status[g] for g in OPEN_GAUGES),
        "created": {"today": created_today, "last_7_days": created_7d},
        "resolved": {"today": resolved_today, "last_7_days": resolved_7d},
        "needs_review": sum(values[Gauge.NEEDS_REVIEW] for values in gauges.values()),
        "resolution_time": {
            "tickets": resolution["count"],
            "mean_seconds": resolution["mean_seconds"],
            "median_seconds": resolution["p50_seconds"],
        },
    }


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def performance_get(*, since: date | None = None, until: date | None = None, department: str | None = None) -> dict:
    """The KPIs over a day range, overall and per department."""
    histograms = _histograms(
        metrics=[*DURATION_METRICS, Metric.CONFIDENCE], since=since, until=until, department=department, by_department=True
    )
    per_department_counts = {
        row["department"]: row
        for row in _range(DepartmentDayStats.objects.all(), since=since, until=until, department=department)
        .values("department")
        .annotate(routed=Sum("routed"), rerouted=Sum("rerouted"), resolved=Sum("resolved_first"))
        .order_by()
    }
    slugs = [department] if department is not None else sorted(set(department_slugs()) | set(per_department_counts))
    departments = {}
    for slug in slugs:
        counts = per_department_counts.get(slug, {})
        departments[slug or "unassigned"] = {
            "time_to_categorize": _duration_summary(histograms.get((slug, Metric.TIME_TO_CATEGORIZE), {})),
            "time_to_route": _duration_summary(histograms.get((slug, Metric.TIME_TO_ROUTE), {})),
            "time_to_resolve": _duration_summary(histograms.get((slug, Metric.TIME_TO_RESOLVE), {})),
            "routed": counts.get("routed") or 0,
            "rerouted": counts.get("rerouted") or 0,
            "reroute_rate": _rate(counts.get("rerouted") or 0, counts.get("routed") or 0),
        }
    overall_hist: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for (_, metric), buckets in histograms.items():
        for bucket, (n, total) in buckets.items():
            current = overall_hist[metric].setdefault(bucket, [0, 0])
            current[0] += n
            current[1] += total
    counts = {
        name: sum(row.get(name) or 0 for row in per_department_counts.values()) for name in ("routed", "rerouted")
    }
    methods = (
        _range(MethodDayStats.objects.all(), since=since, until=until, department=department)
        .values("method")
        .annotate(n=Sum("count"))
        .order_by("method")
    )
    method_total = sum(row["n"] for row in methods)
    confidence = overall_hist[Metric.CONFIDENCE]
    confidence_total = sum(n for n, _ in confidence.values())
    return {
        "range": {"since": since, "until": until, "department": department},
        "overall": {
            "time_to_categorize": _duration_summary(overall_hist[Metric.TIME_TO_CATEGORIZE]),
            "time_to_route": _duration_summary(overall_hist[Metric.TIME_TO_ROUTE]),
            "time_to_resolve": _duration_summary(overall_hist[Metric.TIME_TO_RESOLVE]),
            "routed": counts["routed"],
            "rerouted": counts["rerouted"],
            "reroute_rate": _rate(counts["rerouted"], counts["routed"]),
        },
        "departments": departments,
        "method_mix": [
            {"method": row["method"], "count": row["n"], "share": _rate(row["n"], method_total)} for row in methods
        ],
        "confidence_distribution": {
            "count": confidence_total,
            "mean": round(sum(t for _, t in confidence.values()) / confidence_total, 1) if confidence_total else None,
            "buckets": [
                {"range": confidence_bucket_label(b), "count": confidence.get(b, [0, 0])[0]}
                for b in range(CONFIDENCE_BUCKETS)
            ],
        },
        # The categorization events carry no token or cost figures yet; null until they do.
        "ai_usage": None,
    }


def _period_start(day: date, interval: str) -> date:
    return day - timedelta(days=day.weekday()) if interval == "week" else day


def trends_get(*, interval: str = "day", days: int = 30, department: str | None = None, today: date | None = None):
    """Created, resolved and end-of-period open backlog for the last ``days`` days."""
    today = today or timezone.now().date()
    start = today - timedelta(days=days - 1)
    flows = {
        row["day"]: row
        for row in _range(DepartmentDayStats.objects.all(), since=start, until=today, department=department)
        .values("day")
        .annotate(created=Sum("created"), resolved=Sum("resolved"))
        .order_by()
    }
    open_filter = Q(gauge__in=OPEN_GAUGES)
    backlog = (
        _range(GaugeDayDelta.objects.filter(open_filter), since=None, until=start - timedelta(days=1), department=department)
        .aggregate(v=Sum("delta"))["v"]
        or 0
    )
    open_deltas = {
        row["day"]: row["v"]
        for row in _range(GaugeDayDelta.objects.filter(open_filter), since=start, until=today, department=department)
        .values("day")
        .annotate(v=Sum("delta"))
        .order_by()
    }
    points: dict[date, dict[str, Any]] = {}
    day = start
    while day <= today:
        backlog += open_deltas.get(day) or 0
        key = _period_start(day, interval)
        point = points.setdefault(key, {"period": key, "created": 0, "resolved": 0, "backlog": 0})
        flow = flows.get(day) or {}
        point["created"] += flow.get("created") or 0
        point["resolved"] += flow.get("resolved") or 0
        point["backlog"] = backlog  # the backlog at the end of the period's last day in range
        day += timedelta(days=1)
    return {"interval": interval, "days": days, "department": department, "series": list(points.values())}


def department_detail_get(*, slug: str, days: int = 30) -> dict[str, Any]:
    """One department's KPIs (all time), its current gauges and its daily trend."""
    gauges = gauges_get(department=slug).get(slug) or {g.value: 0 for g in Gauge}
    performance = performance_get(department=slug)
    return {
        "department": slug,
        "counts": _counts(since=None, until=None, department=slug),
        "open_backlog": sum(gauges[g] for g in OPEN_GAUGES),
        "by_status": {g.value: gauges[g] for g in STATUS_GAUGES},
        "needs_review": gauges[Gauge.NEEDS_REVIEW],
        "kpis": performance["departments"].get(slug),
        "method_mix": performance["method_mix"],
        "confidence_distribution": performance["confidence_distribution"],
        "trend": trends_get(interval="day", days=days, department=slug),
    }


def daily_series_by_department(*, since: date, until: date, department: str | None = None) -> dict[str, Any]:
    """Per-day created counts per department, for the dashboard's stacked chart."""
    rows = (
        _range(DepartmentDayStats.objects.all(), since=since, until=until, department=department)
        .values("day", "department", "created", "resolved")
        .order_by("day")
    )
    days = []
    day = since
    while day <= until:
        days.append(day)
        day += timedelta(days=1)
    index = {d: i for i, d in enumerate(days)}
    created: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for row in rows:
        created[row["department"] or "unassigned"][index[row["day"]]] += row["created"]
    return {"days": [d.isoformat() for d in days], "created": dict(created)}


def event_list(*, ticket: int | None = None, kind: str | None = None, since=None) -> QuerySet[TicketEvent]:
    """The audit trail, newest recorded first (the primary key order, so paging stays index-only)."""
    qs = TicketEvent.objects.select_related("actor").order_by("-id")
    if ticket is not None:
        qs = qs.filter(ticket_id=ticket)
    if kind:
        qs = qs.filter(kind=kind)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs
