from django.contrib.auth import get_user_model
from django_filters import rest_framework as django_filters

from tickets.models import Department, Ticket, TicketPriority, TicketStatus


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    department = django_filters.ModelChoiceFilter(
        field_name="department", to_field_name="slug", queryset=Department.objects.all()
    )
    needs_review = django_filters.BooleanFilter()
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="Created at or after (ISO 8601)"
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label="Created before (ISO 8601)"
    )
    requester_email = django_filters.CharFilter(field_name="requester_email", lookup_expr="iexact")
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices)
    # ?assignee=<username>; ?unassigned=true lists tickets nobody works yet.
    assignee = django_filters.ModelChoiceFilter(
        field_name="assignee", to_field_name="username", queryset=get_user_model().objects.all()
    )
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")

    class Meta:
        model = Ticket
        fields = (
            "status", "department", "needs_review", "created_after", "created_before", "requester_email",
            "priority", "assignee", "unassigned",
        )
