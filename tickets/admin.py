from django.contrib import admin

from tickets.models import Department, TaskDelivery, Ticket, TicketEvent


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "is_active", "contact_email")


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "payload")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = (
        "id", "title", "department", "status", "confidence", "categorization_method", "needs_review",
        "pipeline_state", "created_at",
    )
    list_filter = ("status", "department", "categorization_method", "needs_review", "pipeline_state")
    search_fields = ("title", "description", "requester_email", "requester_name")
    list_select_related = ("department",)
    date_hierarchy = "created_at"
    inlines = [TicketEventInline]
    readonly_fields = (
        "status", "department", "suggested_department", "confidence", "categorization_method", "needs_review",
        "pipeline_state", "created_by", "created_at", "categorized_at", "routed_at", "resolved_at",
    )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
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


@admin.register(TaskDelivery)
class TaskDeliveryAdmin(admin.ModelAdmin):
    """Parked messages (delivered too often: they kept killing their worker) show here."""

    list_display = ("task_name", "task_id", "retries", "ticket", "deliveries", "last_delivered_at", "parked_at")
    list_filter = (("parked_at", admin.EmptyFieldListFilter), "task_name")
    search_fields = ("task_id", "ticket__id")
    list_select_related = ("ticket",)
    readonly_fields = list_display + ("first_delivered_at",)
