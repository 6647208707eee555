import django_filters

from tickets.models import Department, Ticket, TicketStatus


class TicketFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TicketStatus.choices)
    department = django_filters.ModelChoiceFilter(
        field_name="department", to_field_name="slug", queryset=Department.objects.all()
    )

    class Meta:
        model = Ticket
        fields = ("status", "department")
