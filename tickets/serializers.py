from rest_framework import serializers

from tickets.models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, Department, Ticket, TicketEvent, TicketStatus


class TicketCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, min_length=1)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False, default="")
    requester_name = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    # Defaults to the signed-in user's address when the body leaves it out.
    requester_email = serializers.EmailField(required=False)

    def validate(self, attrs):
        if not attrs.get("requester_email"):
            user = self.context["request"].user
            if not user.email:
                raise serializers.ValidationError({"requester_email": ["This field is required."]})
            attrs["requester_email"] = user.email
        return attrs


class TicketStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TicketStatus.choices)


class TicketEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = ("id", "kind", "actor", "payload", "created_at")

    def get_actor(self, event: TicketEvent) -> str:
        return event.actor.get_username() if event.actor else "system"


class TicketSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    suggested_department = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = (
            "id", "title", "description", "requester_name", "requester_email", "created_by", "status",
            "priority", "assignee", "assigned_at", "department", "suggested_department", "confidence",
            "categorization_method", "needs_review",
            "pipeline_state", "created_at", "updated_at", "categorized_at", "routed_at", "resolved_at",
        )
        read_only_fields = fields


class TicketDetailSerializer(TicketSerializer):
    events = TicketEventSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = TicketSerializer.Meta.fields + ("events",)
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    open_tickets = serializers.IntegerField(read_only=True)

    class Meta:
        model = Department
        fields = ("slug", "name", "description", "contact_email", "is_active", "open_tickets")
