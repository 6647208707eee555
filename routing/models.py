import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from tickets.models import Department, Ticket, TicketPriority

PATTERN_MAX_LENGTH = 500


class DepartmentMembership(models.Model):
    """A user working a department's tickets. A user with at least one membership is an agent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    # An inactive member keeps their department's visibility but gets no new tickets (holiday, leaving).
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("department__name", "user__username")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="membership_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.department}"


class RoutingRule(models.Model):
    """An ordered override of the suggested department.

    Every condition that is filled in must hold (AND); empty conditions are ignored.
    The first active matching rule, by ``position`` then id, wins.
    """

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=100, help_text="Lower runs first.")
    is_active = models.BooleanField(default=True)
    # Conditions.
    suggested_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="Match tickets the categorizer suggested for this department.",
    )
    min_confidence = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    max_confidence = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    pattern = models.CharField(
        max_length=PATTERN_MAX_LENGTH, blank=True,
        help_text="Keyword (case-insensitive substring) or regular expression searched in title and description.",
    )
    pattern_is_regex = models.BooleanField(default=False)
    email_domain = models.CharField(
        max_length=253, blank=True, help_text="Requester's email domain, e.g. example.com (exact, case-insensitive)."
    )
    # Outcome.
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="routing_rules")
    priority = models.CharField(
        max_length=8, choices=TicketPriority.choices, blank=True, help_text="Leave empty to keep the ticket's priority."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return f"{self.position}: {self.name} → {self.department}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.pattern_is_regex and self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as error:
                errors["pattern"] = [f"Not a valid regular expression: {error}."]
        if self.pattern_is_regex and not self.pattern:
            errors["pattern"] = ["A regular expression rule needs a pattern."]
        if (
            self.min_confidence is not None
            and self.max_confidence is not None
            and self.min_confidence > self.max_confidence
        ):
            errors["max_confidence"] = ["Must be at least the minimum confidence."]
        if self.email_domain:
            self.email_domain = self.email_domain.strip().lstrip("@").lower()
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", self.email_domain):
                errors["email_domain"] = ["Enter a domain such as example.com."]
        has_condition = (
            self.suggested_department_id is not None
            or self.min_confidence is not None
            or self.max_confidence is not None
            or bool(self.pattern)
            or bool(self.email_domain)
        )
        if not has_condition:
            errors.setdefault("__all__", []).append("A rule needs at least one condition.")
        if errors:
            raise ValidationError(errors)


class RoutingMethod(models.TextChoices):
    AUTO = "auto", "Automatic (suggested department)"
    RULE = "rule", "Routing rule"
    MANUAL = "manual", "Manual"


class RoutingAction(models.TextChoices):
    ROUTE = "route", "First routing"
    REROUTE = "reroute", "Reroute"
    CONFIRM = "confirm", "Triage confirmation"


class RoutingDecision(models.Model):
    """One routing decision about a ticket; never edited, never deleted."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="routing_decisions")
    action = models.CharField(max_length=8, choices=RoutingAction.choices)
    from_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8, choices=RoutingMethod.choices)
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    reason = models.TextField(blank=True)
    # Null actor means the system (the routing task) decided.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Taken on a ticket that was waiting in triage (needs_review).
    from_triage = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["ticket", "created_at"], name="decision_ticket_idx")]
        constraints = [
            # A redelivered route_ticket cannot record a second first routing.
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(action="route"), name="decision_one_first_route"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.action} {self.from_department_id}→{self.to_department_id} ({self.method})"
