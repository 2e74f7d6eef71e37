from django.contrib import admin

from cohort.notifications.models import EmailChannel, Notification, PushSubscription


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at", "email_failed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    readonly_fields = ["emailed_at", "email_failed_at", "email_error", "pushed_at"]
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


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """The browsers members receive push on; deleting one stops push there (the browser keeps
    asking nothing: the member turns push on again to come back)."""

    list_display = ["user", "created_at", "last_pushed_at", "user_agent"]
    list_select_related = ["user"]
    readonly_fields = ["endpoint", "p256dh", "auth", "user_agent", "created_at", "last_pushed_at"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False
