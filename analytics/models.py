"""Rollups folded from the ticket event log, one row per day × department (× key).

Dashboards read only these tables: at a million tickets they hold a few tens of
thousands of rows. ``department`` is the department's slug, "" when the ticket
had none (the slug is what the API speaks, and a plain column keeps bulk upserts
simple). ``day`` is the UTC date of the event that was folded.
"""

from django.db import models

from tickets.models import TicketEvent


class DepartmentDayStats(models.Model):
    """Event counts per day and department."""

    day = models.DateField()
    department = models.CharField(max_length=32, blank=True, default="")
    created = models.PositiveIntegerField(default=0)
    categorized = models.PositiveIntegerField(default=0)
    routed = models.PositiveIntegerField(default=0)
    # Counted on the department the ticket was taken away from (the misroute).
    rerouted = models.PositiveIntegerField(default=0)
    # Every move to resolved; resolved_first counts each ticket's first resolution only.
    resolved = models.PositiveIntegerField(default=0)
    resolved_first = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    COUNTERS = ("created", "categorized", "routed", "rerouted", "resolved", "resolved_first", "reopened")

    class Meta:
        verbose_name_plural = "department day stats"
        constraints = [models.UniqueConstraint(fields=["day", "department"], name="stats_one_row_per_day_department")]


class MethodDayStats(models.Model):
    """Categorizations per day, department and method (keywords, ai, ...)."""

    day = models.DateField()
    department = models.CharField(max_length=32, blank=True, default="")
    method = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "department", "method"], name="method_one_row_per_day_dept")
        ]


class Metric(models.TextChoices):
    TIME_TO_CATEGORIZE = "categorize", "Time to categorize"
    TIME_TO_ROUTE = "route", "Time to route"
    TIME_TO_RESOLVE = "resolve", "Time to resolve"
    CONFIDENCE = "confidence", "Confidence"


class HistogramBucket(models.Model):
    """How many values of a metric fell in a bucket (see analytics.buckets), and their sum (for means)."""

    day = models.DateField()
    department = models.CharField(max_length=32, blank=True, default="")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department", "metric", "bucket"], name="histogram_one_row_per_bucket"
            )
        ]
        indexes = [models.Index(fields=["metric", "day"], name="histogram_metric_day_idx")]


class Gauge(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    NEEDS_REVIEW = "needs_review", "Needs review"


class GaugeDayDelta(models.Model):
    """Net change of a gauge (tickets per status, tickets needing review) on a day in a department.

    The gauge's value at the end of day D is the sum of its deltas up to D.
    """

    day = models.DateField()
    department = models.CharField(max_length=32, blank=True, default="")
    gauge = models.CharField(max_length=16, choices=Gauge.choices)
    delta = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "department", "gauge"], name="gauge_one_row_per_day")]


class AppliedEvent(models.Model):
    """Marks an event as folded into the rollups; its primary key makes that happen once."""

    event = models.OneToOneField(TicketEvent, primary_key=True, on_delete=models.CASCADE, related_name="applied")
    applied_at = models.DateTimeField(auto_now_add=True)
