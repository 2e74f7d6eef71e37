from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy

from cohort.core.exceptions import DomainError
from cohort.journeys.models import Enrollment, Milestone, Path
from cohort.journeys.services import (
    path_cache_clear,
    path_make_current,
    path_routes_orphaned_delete,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 1
    fields = ["order", "name", "distance", "lat", "lon", "x", "y", "postcard", "postcard_photo"]


@admin.register(Path)
class PathAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "unit",
        "total_distance",
        "start_date",
        "end_date",
        "is_current",
        "next_path",
        "kind",
    ]
    list_select_related = ["next_path"]
    # A route comes from a file (import_path, POST /api/v1/paths), never typed in.
    readonly_fields = ["is_current", "route"]
    inlines = [MilestoneInline]
    actions = ["make_current"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The current path and its milestones are cached; any edit drops the cache.
        path_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        path_routes_orphaned_delete()
        path_cache_clear()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        path_routes_orphaned_delete()
        path_cache_clear()

    @admin.action(description=gettext_lazy("Make the selected path the current one"))
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose exactly one path."), messages.ERROR)
            return
        try:
            path_make_current(path=queryset.get())
        except DomainError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return
        self.message_user(
            request,
            gettext(
                "Done: members now walk this path; their progress on it is being rebuilt "
                "from the days they logged."
            ),
            messages.SUCCESS,
        )


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "path",
        "steps",
        "distance",
        "progress",
        "current_milestone",
        "completed_at",
    ]
    list_filter = ["path"]
    list_select_related = ["user", "path", "current_milestone"]
    search_fields = ["user__email"]
    readonly_fields = [f.name for f in Enrollment._meta.fields]

    def has_add_permission(self, request):
        return False
