from django.contrib import admin

from routing.models import DepartmentMembership, RoutingDecision, RoutingRule
from routing.services import membership_delete, membership_save, routing_rule_save


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = (
        "position", "name", "is_active", "suggested_department", "min_confidence", "max_confidence", "pattern",
        "pattern_is_regex", "email_domain", "department", "priority",
    )
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "department", "suggested_department")
    search_fields = ("name", "pattern", "email_domain")
    list_select_related = ("department", "suggested_department")
    ordering = ("position", "id")
    readonly_fields = ("created_at",)

    def save_model(self, request, obj, form, change):
        routing_rule_save(rule=obj)


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "is_active", "created_at")
    list_filter = ("department", "is_active")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user", "department")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)

    def save_model(self, request, obj, form, change):
        membership_save(membership=obj)

    def delete_model(self, request, obj):
        membership_delete(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_delete(membership=membership)


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are history, written only by routing/services.py."""

    list_display = ("created_at", "ticket", "action", "from_department", "to_department", "method", "rule", "actor")
    list_filter = ("action", "method", "from_triage", "to_department")
    list_select_related = ("ticket", "from_department", "to_department", "rule", "actor")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
