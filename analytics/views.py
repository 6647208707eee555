from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.utils import timezone

from analytics import selectors
from analytics.serializers import RangeQuerySerializer

DEFAULT_DAYS = 30


@staff_member_required(login_url="/admin/login/")
def dashboard_page(request):
    """The agents' dashboard: charts drawn from the rollups, filtered by day range and department."""
    today = timezone.now().date()
    form = RangeQuerySerializer(data={k: v for k, v in request.GET.items() if v})
    errors = {} if form.is_valid() else form.errors
    query = form.validated_data if not errors else {}
    until = query.get("until") or today
    since = query.get("since") or until - timedelta(days=DEFAULT_DAYS - 1)
    department = query.get("department")
    performance = selectors.performance_get(since=since, until=until, department=department)
    trend = selectors.trends_get(interval="day", days=(until - since).days + 1, department=department, today=until)
    daily = selectors.daily_series_by_department(since=since, until=until, department=department)
    chart_data = {
        "daily": daily,
        "backlog": {
            "days": [p["period"].isoformat() for p in trend["series"]],
            "open": [p["backlog"] for p in trend["series"]],
        },
        "resolution": {
            "departments": list(performance["departments"]),
            "p50_hours": [_hours(d["time_to_resolve"]["p50_seconds"]) for d in performance["departments"].values()],
            "p90_hours": [_hours(d["time_to_resolve"]["p90_seconds"]) for d in performance["departments"].values()],
        },
        "methods": {
            "labels": [m["method"] for m in performance["method_mix"]],
            "counts": [m["count"] for m in performance["method_mix"]],
        },
        "reroute": {
            "departments": list(performance["departments"]),
            "rate_percent": [
                round((d["reroute_rate"] or 0) * 100, 2) for d in performance["departments"].values()
            ],
        },
    }
    context = {
        "since": since,
        "until": until,
        "department": department or "",
        "departments": selectors.department_slugs(),
        "errors": errors,
        "summary": selectors.dashboard_summary(),
        "overall": performance["overall"],
        "chart_data": chart_data,
    }
    return render(request, "analytics/dashboard.html", context)


def _hours(seconds: float | None) -> float:
    return round(seconds / 3600, 2) if seconds else 0
