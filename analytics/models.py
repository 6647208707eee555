from django.db import models

from tickets.models import Department, TicketEvent


class DepartmentDayStats(models.Model):
    """Counts per day and department, folded from the event log by ``record_analytics``."""

    day = models.DateField()
    # Null: the ticket had no department yet when the event was applied.
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE)
    created = models.PositiveIntegerField(default=0)
    categorized = models.PositiveIntegerField(default=0)
    routed = models.PositiveIntegerField(default=0)
    rerouted = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "department day stats"
        constraints = [
            models.UniqueConstraint(fields=["day", "department"], name="stats_one_row_per_day_department"),
            models.UniqueConstraint(
                fields=["day"], condition=models.Q(department__isnull=True), name="stats_one_unrouted_row_per_day"
            ),
        ]


class AppliedEvent(models.Model):
    """Marks an event as folded into the rollups; its primary key makes that happen once."""

    event = models.OneToOneField(TicketEvent, primary_key=True, on_delete=models.CASCADE, related_name="applied")
    applied_at = models.DateTimeField(auto_now_add=True)
