from django.contrib.auth import get_user_model
from rest_framework import serializers

from routing.models import RoutingDecision
from tickets.models import Department, Ticket

REASON_MAX_LENGTH = 2000


def _department_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Department.objects.all(),
        error_messages={"does_not_exist": "No department with the slug '{value}'."},
    )


class RouteSerializer(serializers.Serializer):
    """Body of PUT /api/route/{ticket_id} and of POST /api/triage/{id}/reroute."""

    department = _department_field()
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, allow_blank=True, required=False, default="")


class RouteCreateSerializer(RouteSerializer):
    """Body of POST /api/route."""

    ticket_id = serializers.IntegerField(min_value=1)


class ConfirmSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, allow_blank=True, required=False, default="")


class AssigneeSerializer(serializers.Serializer):
    """``{"assignee": "username"}``, or null to unassign."""

    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        error_messages={"does_not_exist": "No active user named '{value}'."},
    )


class RoutingDecisionSerializer(serializers.ModelSerializer):
    from_department = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    to_department = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    rule = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()

    class Meta:
        model = RoutingDecision
        fields = (
            "id", "ticket", "action", "from_department", "to_department", "method", "rule", "reason", "actor",
            "from_triage", "created_at",
        )
        read_only_fields = fields

    def get_rule(self, decision: RoutingDecision) -> dict | None:
        return {"id": decision.rule.pk, "name": decision.rule.name} if decision.rule else None

    def get_actor(self, decision: RoutingDecision) -> str:
        return decision.actor.get_username() if decision.actor else "system"


class TriageTicketSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    suggested_department = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = (
            "id", "title", "description", "requester_email", "status", "priority", "department",
            "suggested_department", "confidence", "categorization_method", "needs_review", "assignee",
            "created_at", "routed_at",
        )
        read_only_fields = fields
