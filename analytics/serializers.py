from rest_framework import serializers

from tickets.models import Department, EventKind, TicketEvent


class DepartmentSlugField(serializers.SlugField):
    def to_internal_value(self, data):
        slug = super().to_internal_value(data)
        if not Department.objects.filter(slug=slug).exists():
            raise serializers.ValidationError(f"No department with slug '{slug}'.")
        return slug


class RangeQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day (YYYY-MM-DD), inclusive.")
    until = serializers.DateField(required=False, help_text="Last day (YYYY-MM-DD), inclusive.")
    department = DepartmentSlugField(required=False)

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": ["Must not be before 'since'."]})
        return attrs


class TrendsQuerySerializer(serializers.Serializer):
    interval = serializers.ChoiceField(choices=["day", "week"], default="day")
    days = serializers.IntegerField(min_value=1, max_value=3660, default=30)
    department = DepartmentSlugField(required=False)


class DepartmentDetailQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=3660, default=30)


class EventsQuerySerializer(serializers.Serializer):
    ticket = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    since = serializers.DateTimeField(required=False, help_text="ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z.")


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = TicketEvent
        fields = ("id", "ticket", "kind", "actor", "payload", "created_at")
