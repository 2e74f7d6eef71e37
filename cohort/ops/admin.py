from django.contrib import admin

from cohort.ops.models import AuditEvent, JobRun, ScheduledJob


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "ip", "target_type", "target_id"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["actor__email", "ip"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "started_at",
        "finished_at",
        "outcome",
        "chunks_done",
        "chunks_total",
        "rows",
    ]
    list_filter = ["name", "outcome"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    """The in-process scheduler's jobs (the embedded default, without beat)."""

    list_display = ["name", "last_run_at", "last_finished_at", "last_error"]
    readonly_fields = [f.name for f in ScheduledJob._meta.fields]

    def has_add_permission(self, request):
        return False
