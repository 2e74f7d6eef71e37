from django.contrib import admin

from cohort.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at", "email_failed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    readonly_fields = ["emailed_at", "email_failed_at", "email_error"]
    search_fields = ["recipient__email", "text"]
    raw_id_fields = ["recipient"]
