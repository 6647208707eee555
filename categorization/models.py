from django.db import models
from django.utils import timezone


class AttemptOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    RATE_LIMITED = "rate_limited", "Rate limited (429)"
    OVERLOADED = "overloaded", "Overloaded (529)"
    SERVER_ERROR = "server_error", "Server error (5xx)"
    TIMEOUT = "timeout", "Timeout"
    CONNECTION_ERROR = "connection_error", "Connection error"
    CLIENT_ERROR = "client_error", "Client error (4xx)"
    REFUSAL = "refusal", "Refusal"
    MALFORMED = "malformed", "Malformed answer"
    OUT_OF_ENUM = "out_of_enum", "Department outside the enum"
    CIRCUIT_OPEN = "circuit_open", "Skipped: circuit open"
    UNAVAILABLE = "unavailable", "Categorizer unavailable"


# Failures worth retrying later: the API was busy or unreachable, not wrong.
TRANSIENT_OUTCOMES = frozenset(
    {
        AttemptOutcome.RATE_LIMITED,
        AttemptOutcome.OVERLOADED,
        AttemptOutcome.SERVER_ERROR,
        AttemptOutcome.TIMEOUT,
        AttemptOutcome.CONNECTION_ERROR,
    }
)


class CategorizationAttempt(models.Model):
    """One try of one categorizer on one ticket: for audit and cost analytics."""

    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="categorization_attempts"
    )
    method = models.CharField(max_length=16)
    model = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    department = models.CharField(max_length=32, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cache_creation_input_tokens = models.PositiveIntegerField(default=0)
    cache_read_input_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=8, default=0)
    request_id = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="attempt_ticket_idx"),
            models.Index(fields=["method", "outcome", "created_at"], name="attempt_method_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.outcome} on #{self.ticket_id}"


class CircuitBreaker(models.Model):
    """Shared by every worker: consecutive failures of an external categorizer and, when
    tripped, the time until which it is skipped. Updated under select_for_update."""

    name = models.CharField(max_length=32, unique=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.consecutive_failures} failures"
