import django_filters
from django.contrib.auth import get_user_model

from tickets.models import Department, Ticket, TicketPriority, TicketStatus


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    department = django_filters.ModelChoiceFilter(
        field_name="department", to_field_name="slug", queryset=Department.objects.all()
    )
    priority = django_filters.ChoiceFilter(choices=TicketPriority.choices)
    # ?assignee=<username>; ?unassigned=true lists tickets nobody works yet.
    assignee = django_filters.ModelChoiceFilter(
        field_name="assignee", to_field_name="username", queryset=get_user_model().objects.all()
    )
    unassigned = django_filters.BooleanFilter(field_name="assignee", lookup_expr="isnull")

    class Meta:
        model = Ticket
        fields = ("status", "department", "priority", "assignee", "unassigned")
