from django.contrib import admin

from categorization.models import CategorizationAttempt, CircuitBreaker
from tickets.admin import ReadOnlyInline, TicketAdmin


@admin.register(CategorizationAttempt)
class CategorizationAttemptAdmin(admin.ModelAdmin):
    list_display = (
        "created_at", "ticket", "method", "model", "outcome", "department", "confidence",
        "latency_ms", "input_tokens", "output_tokens", "cost_usd",
    )
    list_filter = ("method", "outcome", "model")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # an audit trail is read-only


@admin.register(CircuitBreaker)
class CircuitBreakerAdmin(admin.ModelAdmin):
    list_display = ("name", "consecutive_failures", "open_until", "last_failure_at", "updated_at")
    readonly_fields = ("last_error", "last_failure_at", "updated_at")


class CategorizationAttemptInline(ReadOnlyInline):
    """On the ticket page: every categorizer attempt, with its method, confidence and latency."""

    model = CategorizationAttempt
    verbose_name_plural = "categorization attempts"
    fields = ("created_at", "method", "model", "outcome", "department", "confidence", "latency_ms",
              "input_tokens", "output_tokens", "error")
    readonly_fields = fields


TicketAdmin.inlines = [*TicketAdmin.inlines, CategorizationAttemptInline]
