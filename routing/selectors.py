"""Reads for routing: who is an agent, which rule matches, and the statistics."""

import re
import statistics
from collections import Counter
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from routing.models import DepartmentMembership, RoutingAction, RoutingDecision, RoutingMethod, RoutingRule
from tickets.models import Department, Ticket


def user_department_ids(*, user: AbstractBaseUser) -> set[int]:
    """The departments the user is a member of (active or not: membership decides visibility)."""
    if not user.is_authenticated:
        return set()
    return set(DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True))


def user_is_agent(*, user: AbstractBaseUser) -> bool:
    return bool(user_department_ids(user=user))


def user_is_admin(*, user: AbstractBaseUser) -> bool:
    """Staff who belong to no department."""
    return bool(user.is_authenticated and user.is_staff and not user_is_agent(user=user))


def user_may_triage(*, user: AbstractBaseUser) -> bool:
    """The triage queue is shared by every agent and admin."""
    return user_is_admin(user=user) or user_is_agent(user=user)


def user_may_route(*, user: AbstractBaseUser, ticket: Ticket) -> bool:
    """Admins, and agents of the ticket's current department. A ticket not routed yet has
    no department, so any agent may route it (like the triage queue)."""
    if user_is_admin(user=user):
        return True
    departments = user_department_ids(user=user)
    if ticket.department_id is None:
        return bool(departments)
    return ticket.department_id in departments


def rule_matches(*, rule: RoutingRule, ticket: Ticket) -> bool:
    """Every condition the rule fills in must hold."""
    if rule.suggested_department_id is not None and rule.suggested_department_id != ticket.suggested_department_id:
        return False
    if rule.min_confidence is not None and (ticket.confidence is None or ticket.confidence < rule.min_confidence):
        return False
    if rule.max_confidence is not None and (ticket.confidence is None or ticket.confidence > rule.max_confidence):
        return False
    if rule.email_domain:
        domain = ticket.requester_email.rpartition("@")[2].lower()
        if domain != rule.email_domain.lower():
            return False
    if rule.pattern:
        text = f"{ticket.title}\n{ticket.description}"
        if rule.pattern_is_regex:
            try:
                if re.search(rule.pattern, text, flags=re.IGNORECASE) is None:
                    return False
            except re.error:  # saved around validation (raw SQL, old row): never matches
                return False
        elif rule.pattern.lower() not in text.lower():
            return False
    return True


def rule_first_matching(*, ticket: Ticket) -> RoutingRule | None:
    """The first active rule, in order, that matches and routes to an active department."""
    rules = RoutingRule.objects.filter(is_active=True, department__is_active=True).select_related("department")
    for rule in rules.order_by("position", "id"):
        if rule_matches(rule=rule, ticket=ticket):
            return rule
    return None


def triage_list() -> QuerySet[Ticket]:
    """Tickets waiting for a human to confirm or correct their department, oldest first."""
    return (
        Ticket.objects.filter(needs_review=True)
        .select_related("department", "suggested_department", "created_by", "assignee")
        .order_by("created_at", "id")
    )


def routing_history(*, ticket_id: int) -> QuerySet[RoutingDecision]:
    return (
        RoutingDecision.objects.filter(ticket_id=ticket_id)
        .select_related("from_department", "to_department", "rule", "actor")
        .order_by("created_at", "id")
    )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def routing_statistics() -> dict[str, Any]:
    """The numbers behind GET /api/routing/statistics; definitions in the README."""
    slugs = dict(Department.objects.values_list("id", "slug"))
    decisions = RoutingDecision.objects.order_by("ticket_id", "created_at", "id").values(
        "ticket_id", "action", "method", "to_department_id", "from_triage", "created_at"
    )
    first: dict[int, dict] = {}
    rerouted: set[int] = set()
    triage_confirmed: set[int] = set()
    triage_rerouted: set[int] = set()
    for decision in decisions:
        ticket_id = decision["ticket_id"]
        if decision["action"] == RoutingAction.ROUTE:
            first[ticket_id] = decision
        elif decision["action"] == RoutingAction.REROUTE:
            rerouted.add(ticket_id)
            if decision["from_triage"]:
                triage_rerouted.add(ticket_id)
        elif decision["action"] == RoutingAction.CONFIRM:
            triage_confirmed.add(ticket_id)

    tickets = {
        row["id"]: row
        for row in Ticket.objects.filter(id__in=first.keys()).values("id", "department_id", "created_at")
    }
    per_department: Counter[str] = Counter()
    per_method: Counter[str] = Counter({method.value: 0 for method in RoutingMethod})
    auto_first: Counter[str] = Counter()
    auto_corrected: Counter[str] = Counter()
    corrections: Counter[tuple[str, str]] = Counter()
    to_routing_seconds: list[float] = []
    for ticket_id, decision in first.items():
        ticket = tickets[ticket_id]
        per_department[slugs.get(ticket["department_id"], "none")] += 1
        per_method[decision["method"]] += 1
        to_routing_seconds.append((decision["created_at"] - ticket["created_at"]).total_seconds())
        first_slug = slugs[decision["to_department_id"]]
        if decision["method"] in (RoutingMethod.AUTO, RoutingMethod.RULE):
            auto_first[first_slug] += 1
            if ticket_id in rerouted:
                auto_corrected[first_slug] += 1
        if ticket_id in rerouted:
            corrections[(first_slug, slugs.get(ticket["department_id"], "none"))] += 1

    def rate(corrected: int, total: int) -> float | None:
        return round(corrected / total, 4) if total else None

    automated = sum(auto_first.values())
    corrected = sum(auto_corrected.values())
    return {
        "routed": {
            "total": len(first),
            "per_department": {slug: per_department.get(slug, 0) for slug in sorted(slugs.values())},
            "per_method": dict(per_method),
        },
        "reroute_rate": {
            "overall": rate(corrected, automated),
            "automated": automated,
            "rerouted": corrected,
            "per_first_department": {
                slug: {
                    "automated": auto_first[slug],
                    "rerouted": auto_corrected[slug],
                    "rate": rate(auto_corrected[slug], auto_first[slug]),
                }
                for slug in sorted(auto_first)
            },
        },
        "corrections": [
            {"first": first_slug, "final": final_slug, "count": count}
            for (first_slug, final_slug), count in sorted(corrections.items())
        ],
        "median_seconds_to_routing": _median(to_routing_seconds),
        "triage": {
            "waiting": Ticket.objects.filter(needs_review=True).count(),
            "confirmed": len(triage_confirmed),
            "rerouted": len(triage_rerouted),
        },
    }


def department_agents(*, department_id: int) -> QuerySet[DepartmentMembership]:
    return DepartmentMembership.objects.filter(department_id=department_id).select_related("user")
