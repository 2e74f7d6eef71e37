from django.contrib import admin

from cohort.notifications.models import EmailChannel, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at", "email_failed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    readonly_fields = ["emailed_at", "email_failed_at", "email_error"]
    search_fields = ["recipient__email", "text"]
    raw_id_fields = ["recipient"]


@admin.register(EmailChannel)
class EmailChannelAdmin(admin.ModelAdmin):
    """Each email backend the site sent through and since when (older notifications are not
    mailed through it); deleting a row would let the backlog go out, so rows are read-only."""

    list_display = ["backend", "started_at"]
    readonly_fields = ["backend", "started_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
