from django.contrib import admin

from analytics.models import DepartmentDayStats


@admin.register(DepartmentDayStats)
class DepartmentDayStatsAdmin(admin.ModelAdmin):
    list_display = ("day", "department", *DepartmentDayStats.COUNTERS)
    list_filter = ("department",)
    date_hierarchy = "day"
