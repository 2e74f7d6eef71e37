from django.contrib import admin

from cohort.devices.models import DeviceConnection, SyncRun


@admin.register(DeviceConnection)
class DeviceConnectionAdmin(admin.ModelAdmin):
    """Read-only: members connect and disconnect on /profile/devices/. The encrypted tokens
    are never shown."""

    list_display = ["user", "provider", "status", "last_sync_ok_at", "days_filled", "last_error"]
    list_filter = ["provider", "status"]
    list_select_related = ["user"]
    search_fields = ["user__email", "external_user_id"]
    exclude = ["access_token_encrypted", "refresh_token_encrypted"]
    readonly_fields = [
        f.name
        for f in DeviceConnection._meta.fields
        if f.name not in ("access_token_encrypted", "refresh_token_encrypted")
    ]

    def has_add_permission(self, request):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "user", "provider", "kind", "outcome", "days_written",
                    "requests", "duration_ms", "error"]  # fmt: skip
    list_filter = ["provider", "kind", "outcome"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
