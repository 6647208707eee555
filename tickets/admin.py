"""The admin is where agents work tickets.

Agents (staff who are members of departments) see the tickets of their departments,
the triage queue and their own; they may act only on their departments' tickets and the
triage queue. Admins (staff in no department) see and act on everything. Every action
calls the same services as the API, so events and routing history are identical.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.http import Http404
from django.template.response import TemplateResponse

from routing.models import DepartmentMembership, RoutingDecision
from routing.selectors import user_department_ids, user_is_admin
from routing.services import RoutingError, ticket_assignee_set, ticket_route_manual, ticket_triage_reroute
from tickets.models import Department, TaskDelivery, Ticket, TicketEvent, TicketStatus
from tickets.selectors import ticket_list_visible
from tickets.services import TicketTransitionError, ticket_status_update


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "is_active", "contact_email")


def user_may_act_on(*, user, ticket: Ticket, department_ids: set[int] | None = None) -> bool:
    """Admins act on every ticket; agents on their departments' tickets, the triage queue
    and tickets not routed yet (the same rule as the API's triage and route endpoints)."""
    if user.is_superuser or user_is_admin(user=user):
        return True
    departments = user_department_ids(user=user) if department_ids is None else department_ids
    if not departments:
        return False
    return ticket.department_id is None or ticket.needs_review or ticket.department_id in departments


class ReadOnlyInline(admin.TabularInline):
    """History rows: shown to whoever may view the ticket, never edited from the ticket page."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("tickets.view_ticket") or request.user.has_perm("tickets.change_ticket")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    verbose_name_plural = "event trail"
    fields = ("created_at", "kind", "actor", "payload")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class RoutingDecisionInline(ReadOnlyInline):
    model = RoutingDecision
    verbose_name_plural = "routing history"
    fields = ("created_at", "action", "from_department", "to_department", "method", "rule", "reason", "actor",
              "from_triage")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_department", "to_department", "rule", "actor")


class RerouteForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.filter(is_active=True), empty_label=None)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=1000,
        help_text="Recorded in the routing history and the event trail.",
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.none(), empty_label=None)

    def __init__(self, *args, department_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        agent_ids = DepartmentMembership.objects.filter(
            department_id__in=department_ids, is_active=True, user__is_active=True
        ).values("user_id")
        self.fields["assignee"].queryset = get_user_model().objects.filter(pk__in=agent_ids).order_by("username")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = (
        "id", "title", "department", "status", "priority", "confidence", "method", "review", "assignee", "created_at",
    )
    list_display_links = ("id", "title")
    list_filter = (
        "status", "department", "categorization_method", "needs_review", "priority",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("title", "description", "requester_email", "requester_name")
    list_select_related = ("department", "assignee")
    list_per_page = 100
    date_hierarchy = "created_at"
    inlines = [TicketEventInline, RoutingDecisionInline]
    actions = ["start_tickets", "resolve_tickets", "reopen_tickets", "assign_to_agent", "reroute_to_department"]
    fieldsets = (
        (None, {"fields": ("title", "description", "requester_name", "requester_email")}),
        ("Work", {"fields": ("status", "priority", "department", "assignee", "assigned_at", "needs_review")}),
        ("Categorization", {"fields": ("suggested_department", "categorization_method", "confidence",
                                       "categorized_at")}),
        ("Pipeline", {"fields": ("pipeline_state", "created_by", "created_at", "routed_at", "resolved_at")}),
    )
    add_fieldsets = ((None, {"fields": ("title", "description", "requester_name", "requester_email")}),)

    @admin.display(description="method", ordering="categorization_method")
    def method(self, ticket: Ticket) -> str:
        return ticket.categorization_method or "–"

    @admin.display(description="needs review", ordering="needs_review", boolean=True)
    def review(self, ticket: Ticket) -> bool:
        return ticket.needs_review

    # --- Who sees what -------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=ticket_list_visible(user=request.user).values("pk"))

    def get_object(self, request, object_id, from_field=None):
        # A ticket outside the user's scope is a 404, as in the API (not the admin's redirect).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No ticket with that id that you can see.")
        return obj

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or user_may_act_on(user=request.user, ticket=obj)

    def has_delete_permission(self, request, obj=None):
        # Tickets are history: only admins may delete them.
        return super().has_delete_permission(request, obj) and user_is_admin(user=request.user)

    # --- The ticket page -------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj is not None else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Nothing is edited in the form: every change is an action that goes through a service.
        return [field for _, options in self.fieldsets for field in options["fields"]]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False,
            "ticket_actions": (
                ("start_tickets", "Start"), ("resolve_tickets", "Resolve"), ("reopen_tickets", "Reopen"),
                ("assign_to_agent", "Assign…"), ("reroute_to_department", "Reroute…"),
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return  # read-only page: writes happen through the actions
        # New tickets go through the one creation service so the pipeline starts.
        from tickets.services import ticket_create

        created = ticket_create(
            title=obj.title,
            description=obj.description,
            requester_name=obj.requester_name,
            requester_email=obj.requester_email,
            created_by=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    # --- Actions ----------------------------------------------------------------------

    def _actionable(self, request, queryset) -> list[Ticket]:
        """The selected tickets the user may act on; the others are reported and skipped."""
        departments = user_department_ids(user=request.user)
        tickets, refused = [], []
        for ticket in queryset.select_related("department", "assignee").order_by("pk"):
            if user_may_act_on(user=request.user, ticket=ticket, department_ids=departments):
                tickets.append(ticket)
            else:
                refused.append(f"#{ticket.pk}")
        if refused:
            self.message_user(
                request,
                f"You may not act on {', '.join(refused)}: not in your departments or the triage queue.",
                messages.ERROR,
            )
        return tickets

    def _report(self, request, done: list[str], failures: list[str], verb: str) -> None:
        if done:
            self.message_user(request, f"{verb} {len(done)} ticket(s): {', '.join(done)}.", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.WARNING)

    def _move(self, request, queryset, *, target: str, from_statuses: tuple[str, ...], verb: str) -> None:
        done, failures = [], []
        for ticket in self._actionable(request, queryset):
            if ticket.status not in from_statuses:
                failures.append(
                    f"#{ticket.pk} is {ticket.get_status_display().lower()}: it cannot be {verb.lower()}."
                )
                continue
            try:
                ticket_status_update(ticket_id=ticket.pk, status=target, actor=request.user)
            except TicketTransitionError as error:
                failures.append(f"#{ticket.pk}: {error}")
            else:
                done.append(f"#{ticket.pk}")
        self._report(request, done, failures, verb)

    @admin.action(description="Start working on the selected tickets", permissions=["change"])
    def start_tickets(self, request, queryset):
        self._move(request, queryset, target=TicketStatus.IN_PROGRESS, from_statuses=(TicketStatus.PENDING,),
                   verb="Started")

    @admin.action(description="Resolve the selected tickets", permissions=["change"])
    def resolve_tickets(self, request, queryset):
        self._move(request, queryset, target=TicketStatus.RESOLVED,
                   from_statuses=(TicketStatus.PENDING, TicketStatus.IN_PROGRESS), verb="Resolved")

    @admin.action(description="Reopen the selected tickets", permissions=["change"])
    def reopen_tickets(self, request, queryset):
        self._move(request, queryset, target=TicketStatus.IN_PROGRESS, from_statuses=(TicketStatus.RESOLVED,),
                   verb="Reopened")

    def _intermediate(self, request, queryset, *, form, action: str, title: str, tickets: list[Ticket]):
        """The page between choosing an action and applying it; it posts back to the changelist."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "tickets": tickets,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/tickets/ticket/action_form.html", context)

    @admin.action(description="Reroute the selected tickets to a department…", permissions=["change"])
    def reroute_to_department(self, request, queryset):
        tickets = self._actionable(request, queryset)
        if not tickets:
            return None
        form = RerouteForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._intermediate(
                request, queryset, form=form, action="reroute_to_department", tickets=tickets,
                title="Reroute tickets to a department",
            )
        department, reason = form.cleaned_data["department"], form.cleaned_data["reason"]
        done, failures = [], []
        for ticket in tickets:
            # A triage ticket of another department is the triage queue's to correct (like the API).
            reroute = ticket_triage_reroute if ticket.needs_review else ticket_route_manual
            try:
                reroute(ticket_id=ticket.pk, department=department, actor=request.user, reason=reason)
            except RoutingError as error:
                failures.append(f"#{ticket.pk}: {error}")
            else:
                done.append(f"#{ticket.pk}")
        self._report(request, done, failures, f"Rerouted to {department.name}")
        return None

    @admin.action(description="Assign the selected tickets to an agent…", permissions=["change"])
    def assign_to_agent(self, request, queryset):
        tickets = self._actionable(request, queryset)
        if not tickets:
            return None
        department_ids = {ticket.department_id for ticket in tickets if ticket.department_id is not None}
        form = AssignForm(request.POST if "apply" in request.POST else None, department_ids=department_ids)
        if not form.is_valid():
            return self._intermediate(
                request, queryset, form=form, action="assign_to_agent", tickets=tickets,
                title="Assign tickets to an agent",
            )
        assignee = form.cleaned_data["assignee"]
        done, failures = [], []
        for ticket in tickets:
            try:
                ticket_assignee_set(ticket_id=ticket.pk, assignee=assignee, actor=request.user)
            except RoutingError as error:
                failures.append(f"#{ticket.pk}: {error}")
            else:
                done.append(f"#{ticket.pk}")
        self._report(request, done, failures, f"Assigned to {assignee.get_username()}")
        return None


@admin.register(TaskDelivery)
class TaskDeliveryAdmin(admin.ModelAdmin):
    """Parked messages (delivered too often: they kept killing their worker) show here."""

    list_display = ("task_name", "task_id", "retries", "ticket", "deliveries", "last_delivered_at", "parked_at")
    list_filter = (("parked_at", admin.EmptyFieldListFilter), "task_name")
    search_fields = ("task_id", "ticket__id")
    list_select_related = ("ticket",)
    readonly_fields = list_display + ("first_delivered_at",)
