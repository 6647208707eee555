from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinLengthValidator
from django.db import models
from django.utils import timezone

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10_000


class Department(models.Model):
    slug = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class TicketStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"


# The status lifecycle: every allowed move, and nothing else.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    TicketStatus.PENDING: (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED),
    TicketStatus.IN_PROGRESS: (TicketStatus.RESOLVED,),
    TicketStatus.RESOLVED: (TicketStatus.IN_PROGRESS,),
}


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class PipelineState(models.TextChoices):
    RECEIVED = "received", "Received"
    CATEGORIZED = "categorized", "Categorized"
    ROUTED = "routed", "Routed"
    RECORDED = "recorded", "Recorded"


PIPELINE_ORDER = [state.value for state in PipelineState]


def pipeline_reached(current: str, target: str) -> bool:
    """True when a ticket in pipeline state ``current`` is at or past ``target``."""
    return PIPELINE_ORDER.index(current) >= PIPELINE_ORDER.index(target)


class Ticket(models.Model):
    title = models.CharField(max_length=TITLE_MAX_LENGTH, validators=[MinLengthValidator(1)])
    description = models.TextField(blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)])
    requester_name = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets_created"
    )
    status = models.CharField(max_length=16, choices=TicketStatus.choices, default=TicketStatus.PENDING)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    suggested_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(max_length=8, choices=TicketPriority.choices, default=TicketPriority.NORMAL)
    # Who works the ticket: an agent of its department (routing assigns one, see routing/services.py).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets_assigned"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    categorization_method = models.CharField(max_length=16, blank=True)
    needs_review = models.BooleanField(default=False)
    pipeline_state = models.CharField(max_length=16, choices=PipelineState.choices, default=PipelineState.RECEIVED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    categorized_at = models.DateTimeField(null=True, blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # When the pipeline was last published to the broker (with publisher confirms). Null
    # means never: the commit happened while the broker was away, and the sweeper sends it.
    dispatched_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The client's Idempotency-Key header: a retried POST returns this ticket instead of a second one.
    idempotency_key = models.CharField(max_length=128, null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ticket_newest_idx"),
            models.Index(fields=["status", "-created_at"], name="ticket_status_idx"),
            models.Index(fields=["department", "status"], name="ticket_dept_status_idx"),
            # The sweeper looks only at unfinished tickets: a small partial index at any size.
            models.Index(
                fields=["updated_at"],
                condition=~models.Q(pipeline_state="recorded"),
                name="ticket_unfinished_idx",
            ),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(confidence__lte=100), name="ticket_confidence_0_100"),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="ticket_idempotency_key_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class EventKind(models.TextChoices):
    CREATED = "ticket.created", "Created"
    CATEGORIZED = "ticket.categorized", "Categorized"
    ROUTED = "ticket.routed", "Routed"
    REROUTED = "ticket.rerouted", "Rerouted"
    ASSIGNED = "ticket.assigned", "Assigned"
    REVIEW_CONFIRMED = "ticket.review.confirmed", "Review confirmed"
    STATUS_UPDATED = "ticket.status.updated", "Status updated"


class TicketEvent(models.Model):
    """The audit trail: one row per thing that happened to a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    # Null actor means the system (a pipeline task) did it.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Events that may happen once per ticket carry a key; the unique constraint makes
    # a redelivered task unable to record them twice.
    dedupe_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "dedupe_key"],
                condition=models.Q(dedupe_key__isnull=False),
                name="event_once_per_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id}"


class TaskDelivery(models.Model):
    """How often one task message has been delivered to a worker.

    A message is counted before it runs, in its own transaction, so the count survives a
    worker killed mid-task. A message that keeps killing its worker is parked after
    ``TASK_MAX_DELIVERIES`` deliveries instead of looping forever.
    """

    task_id = models.CharField(max_length=64)
    # A retry is a new message with the same task id and retries + 1: counted apart.
    retries = models.PositiveIntegerField(default=0)
    task_name = models.CharField(max_length=200)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    deliveries = models.PositiveIntegerField(default=0)
    first_delivered_at = models.DateTimeField(default=timezone.now)
    last_delivered_at = models.DateTimeField(default=timezone.now)
    parked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "task deliveries"
        constraints = [models.UniqueConstraint(fields=["task_id", "retries"], name="delivery_once_per_message")]
        indexes = [models.Index(fields=["parked_at"], name="delivery_parked_idx")]

    def __str__(self) -> str:
        return f"{self.task_name}[{self.task_id}] x{self.deliveries}"
