"""Every routing write: the pipeline task, the API and the admin all call these.

Lock order, everywhere: the ticket row first, then the membership rows of the
candidate agents in primary-key order. One order means no deadlocks.
"""

from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from routing.models import (
    DepartmentMembership,
    RoutingAction,
    RoutingDecision,
    RoutingMethod,
    RoutingRule,
)
from routing.selectors import rule_first_matching
from tickets.departments import FALLBACK_DEPARTMENT
from tickets.models import Department, EventKind, PipelineState, Ticket, TicketStatus, pipeline_reached
from tickets.pipeline import analytics_refresh
from tickets.services import event_record

_NEVER = datetime.min.replace(tzinfo=dt_timezone.utc)


class RoutingError(Exception):
    """A routing request that cannot be carried out; ``code`` names why."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class RoutingConflict(RoutingError):
    """The request contradicts the ticket's current state (same department, not in triage)."""


# --- Assignment -------------------------------------------------------------------


def agent_pick(*, department_id: int) -> AbstractBaseUser | None:
    """The department's active agent with the fewest open tickets; ties go to the one
    assigned longest ago, then the lowest id. Call inside a transaction.

    The membership rows of every candidate (in all their departments) are locked in
    pk order first, so a concurrent pick waits and then counts the committed assignment.
    """
    candidates = DepartmentMembership.objects.filter(
        department_id=department_id, is_active=True, user__is_active=True
    ).values("user_id")
    locked = list(
        DepartmentMembership.objects.select_for_update()
        .filter(user_id__in=candidates)
        .order_by("pk")
        .values_list("user_id", "department_id", "is_active")
    )
    agent_ids = sorted({user_id for user_id, dept_id, active in locked if dept_id == department_id and active})
    if not agent_ids:
        return None
    assigned = Ticket.objects.filter(assignee_id__in=agent_ids)
    open_counts = dict(
        assigned.exclude(status=TicketStatus.RESOLVED)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    last_assigned = dict(
        assigned.values("assignee_id").annotate(last=Max("assigned_at")).values_list("assignee_id", "last")
    )
    chosen = min(
        agent_ids,
        key=lambda user_id: (open_counts.get(user_id, 0), last_assigned.get(user_id) or _NEVER, user_id),
    )
    return get_user_model().objects.get(pk=chosen)


def _assign(*, ticket: Ticket, assignee: AbstractBaseUser | None, actor: AbstractBaseUser | None, reason: str) -> None:
    """Set the (locked) ticket's assignee and record it; no-op when nothing changes."""
    previous = ticket.assignee
    if (previous.pk if previous else None) == (assignee.pk if assignee else None):
        return
    ticket.assignee = assignee
    ticket.assigned_at = timezone.now() if assignee else None
    ticket.save(update_fields=["assignee", "assigned_at", "updated_at"])
    event_record(
        ticket=ticket,
        kind=EventKind.ASSIGNED,
        actor=actor,
        payload={
            "assignee": assignee.get_username() if assignee else None,
            "previous": previous.get_username() if previous else None,
            "reason": reason,
        },
    )


def _auto_assign(*, ticket: Ticket, actor: AbstractBaseUser | None, reason: str) -> None:
    """Assign to the department's least-loaded agent, or unassign when switched off or nobody is there."""
    assignee = None
    if settings.ROUTING_AUTO_ASSIGN and ticket.department_id is not None:
        assignee = agent_pick(department_id=ticket.department_id)
    _assign(ticket=ticket, assignee=assignee, actor=actor, reason=reason)


@transaction.atomic
def ticket_assignee_set(
    *, ticket_id: int, assignee: AbstractBaseUser | None, actor: AbstractBaseUser | None = None
) -> Ticket:
    """Reassign a ticket by hand to an active agent of its department, or unassign it (None)."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=ticket_id)
    if assignee is not None:
        if ticket.department_id is None:
            raise RoutingConflict("The ticket is not routed to a department yet.", code="not_routed")
        is_member = DepartmentMembership.objects.filter(
            user=assignee, department_id=ticket.department_id, is_active=True, user__is_active=True
        ).exists()
        if not is_member:
            raise RoutingError(
                f"'{assignee.get_username()}' is not an active agent of {ticket.department}.",
                code="not_an_agent",
                field="assignee",
            )
    _assign(ticket=ticket, assignee=assignee, actor=actor, reason="manual")
    return ticket


# --- Routing ----------------------------------------------------------------------


def _analytics_after_commit(*, ticket: Ticket) -> None:
    """A human decision on a recorded ticket: let analytics fold in the new events.
    Before that, the pipeline's own record step applies them."""
    if ticket.pipeline_state == PipelineState.RECORDED:
        ticket_id = ticket.pk
        transaction.on_commit(lambda: analytics_refresh(ticket_id=ticket_id))


def _fallback_department() -> Department:
    return Department.objects.get(slug=FALLBACK_DEPARTMENT)


@transaction.atomic
def ticket_route(*, ticket_id: int) -> Ticket | None:
    """Route a categorized ticket: the first matching rule, else the suggested department;
    then assign an agent. Safe to run twice: one decision, one assignment."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or pipeline_reached(ticket.pipeline_state, PipelineState.ROUTED):
        return ticket
    if ticket.pipeline_state != PipelineState.CATEGORIZED:
        # Not categorized yet (out-of-order delivery): leave it for the sweeper's next run.
        return ticket
    if RoutingDecision.objects.filter(ticket=ticket, action=RoutingAction.ROUTE).exists():
        # A human routed it before the pipeline got here; keep their choice.
        ticket.pipeline_state = PipelineState.ROUTED
        ticket.save(update_fields=["pipeline_state", "updated_at"])
        return ticket

    rule = rule_first_matching(ticket=ticket)
    update_fields = ["department", "routed_at", "pipeline_state", "updated_at"]
    if rule is not None:
        department, method = rule.department, RoutingMethod.RULE
        if rule.priority:
            ticket.priority = rule.priority
            update_fields.append("priority")
    else:
        department, method = ticket.suggested_department, RoutingMethod.AUTO
        if department is None or not department.is_active:
            department = _fallback_department()
    now = timezone.now()
    ticket.department = department
    ticket.routed_at = now
    ticket.pipeline_state = PipelineState.ROUTED
    ticket.save(update_fields=update_fields)
    RoutingDecision.objects.create(
        ticket=ticket,
        action=RoutingAction.ROUTE,
        from_department=None,
        to_department=department,
        method=method,
        rule=rule,
        reason=f"rule '{rule.name}'" if rule else "suggested department",
        from_triage=False,
        created_at=now,
    )
    event_record(
        ticket=ticket,
        kind=EventKind.ROUTED,
        payload={
            "department": department.slug,
            "method": method,
            "rule": rule.pk if rule else None,
            "priority": ticket.priority,
        },
        dedupe_key="routed",
    )
    _auto_assign(ticket=ticket, actor=None, reason="routed")
    return ticket


@transaction.atomic
def ticket_route_manual(
    *, ticket_id: int, department: Department, actor: AbstractBaseUser | None, reason: str = ""
) -> RoutingDecision:
    """Route a ticket by hand: its first routing if it has no department yet, otherwise a reroute.

    A reroute records a decision and a ``ticket.rerouted`` event, reassigns the ticket
    and clears ``needs_review``. Rerouting to the current department is a conflict.
    """
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("department", "assignee").get(pk=ticket_id)
    if not department.is_active:
        raise RoutingError(f"The department '{department.slug}' is not active.", code="inactive", field="department")
    if ticket.department_id == department.pk:
        raise RoutingConflict(
            f"The ticket is already in {department.name} ('{department.slug}'); choose another department.",
            code="same_department",
        )
    now = timezone.now()
    previous = ticket.department
    first = previous is None
    from_triage = ticket.needs_review
    decision = RoutingDecision.objects.create(
        ticket=ticket,
        action=RoutingAction.ROUTE if first else RoutingAction.REROUTE,
        from_department=previous,
        to_department=department,
        method=RoutingMethod.MANUAL,
        reason=reason,
        actor=actor,
        from_triage=from_triage,
        created_at=now,
    )
    ticket.department = department
    ticket.needs_review = False
    update_fields = ["department", "needs_review", "updated_at"]
    if first:
        ticket.routed_at = now
        update_fields.append("routed_at")
    ticket.save(update_fields=update_fields)
    payload = {"department": department.slug, "method": RoutingMethod.MANUAL, "reason": reason}
    if first:
        event_record(ticket=ticket, kind=EventKind.ROUTED, actor=actor, payload=payload, dedupe_key="routed")
    else:
        event_record(
            ticket=ticket,
            kind=EventKind.REROUTED,
            actor=actor,
            payload={**payload, "from": previous.slug, "to": department.slug, "from_triage": from_triage},
        )
    _auto_assign(ticket=ticket, actor=actor, reason="rerouted" if not first else "routed")
    _analytics_after_commit(ticket=ticket)
    return decision


@transaction.atomic
def ticket_review_confirm(*, ticket_id: int, actor: AbstractBaseUser | None, reason: str = "") -> RoutingDecision:
    """A human agrees with the routed department: clear ``needs_review`` and record it."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("department").get(pk=ticket_id)
    if not ticket.needs_review:
        raise RoutingConflict("The ticket is not waiting in triage.", code="not_in_triage")
    if ticket.department is None:
        raise RoutingConflict(
            "The ticket is not routed yet; route it to a department instead of confirming.", code="not_routed"
        )
    decision = RoutingDecision.objects.create(
        ticket=ticket,
        action=RoutingAction.CONFIRM,
        from_department=ticket.department,
        to_department=ticket.department,
        method=RoutingMethod.MANUAL,
        reason=reason,
        actor=actor,
        from_triage=True,
    )
    ticket.needs_review = False
    ticket.save(update_fields=["needs_review", "updated_at"])
    event_record(
        ticket=ticket,
        kind=EventKind.REVIEW_CONFIRMED,
        actor=actor,
        payload={"department": ticket.department.slug, "reason": reason},
    )
    _analytics_after_commit(ticket=ticket)
    return decision


@transaction.atomic
def ticket_triage_reroute(
    *, ticket_id: int, department: Department, actor: AbstractBaseUser | None, reason: str = ""
) -> RoutingDecision:
    """Correct a ticket waiting in triage (a reroute that insists the ticket is in triage)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    if not ticket.needs_review:
        raise RoutingConflict("The ticket is not waiting in triage.", code="not_in_triage")
    return ticket_route_manual(ticket_id=ticket_id, department=department, actor=actor, reason=reason)


# --- Admin writes -------------------------------------------------------------------


def routing_rule_save(*, rule: RoutingRule) -> RoutingRule:
    """Validate (regex compiles, confidence range, a condition) and store a rule."""
    rule.full_clean()
    rule.save()
    return rule


def membership_save(*, membership: DepartmentMembership) -> DepartmentMembership:
    membership.full_clean()
    membership.save()
    return membership


def membership_delete(*, membership: DepartmentMembership) -> None:
    membership.delete()


# --- Agents -------------------------------------------------------------------------

AGENTS_GROUP = "Agents"
# What an agent may do in the admin: see and act on tickets. Which tickets is decided per
# object in tickets/admin.py (their departments and the triage queue), not by these.
AGENT_PERMISSIONS = (("tickets", "view_ticket"), ("tickets", "change_ticket"))


def agents_group_ensure():
    """The "Agents" group with its ticket permissions; safe to call any number of times."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=AGENTS_GROUP)
    for app_label, codename in AGENT_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


@transaction.atomic
def agent_create(
    *, username: str, department_slugs: list[str], password: str | None = None, email: str = ""
) -> tuple[AbstractBaseUser, bool]:
    """Create (or update) a staff user who works the named departments' tickets.

    Idempotent: an existing user keeps their password unless one is given, gains the
    missing memberships (reactivated if inactive) and joins the Agents group.
    Returns ``(user, created)``. Unknown department slugs raise RoutingError.
    """
    slugs = list(dict.fromkeys(department_slugs))
    if not slugs:
        raise RoutingError("An agent needs at least one department.", code="no_department", field="department")
    departments = {department.slug: department for department in Department.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in departments]
    if unknown:
        known = ", ".join(Department.objects.order_by("slug").values_list("slug", flat=True))
        raise RoutingError(
            f"Unknown department(s): {', '.join(unknown)}. Known: {known}.", code="unknown_department",
            field="department",
        )
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email, "is_staff": True})
    update_fields = []
    if not user.is_staff:
        user.is_staff = True
        update_fields.append("is_staff")
    if email and user.email != email:
        user.email = email
        update_fields.append("email")
    if password:
        user.set_password(password)
        update_fields.append("password")
    elif created:
        user.set_unusable_password()
        update_fields.append("password")
    if update_fields:
        user.save(update_fields=update_fields)
    for slug in slugs:
        membership, made = DepartmentMembership.objects.get_or_create(user=user, department=departments[slug])
        if not made and not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
    user.groups.add(agents_group_ensure())
    return user, created
