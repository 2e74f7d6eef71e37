from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from cohort.activity.models import DailyActivity, SheetSource, Streak
from cohort.activity.services.daily import activity_review


@admin.register(DailyActivity)
class DailyActivityAdmin(admin.ModelAdmin):
    """Read-only rows: corrections go through the API or activity_log, so progress follows."""

    list_display = ["date", "user", "steps", "source", "review", "updated_at"]
    list_filter = ["review", "source"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    date_hierarchy = "date"
    readonly_fields = [f.name for f in DailyActivity._meta.fields]
    actions = ["confirm", "reject"]

    def has_add_permission(self, request):
        return False

    def _review(self, request, queryset, decision):
        pending = queryset.filter(review=DailyActivity.Review.PENDING)
        for row in pending:
            activity_review(activity=row, decision=decision, actor=request.user)
        text = (
            ngettext("%(count)s day confirmed.", "%(count)s days confirmed.", len(pending))
            if decision == DailyActivity.Review.CONFIRMED
            else ngettext("%(count)s day rejected.", "%(count)s days rejected.", len(pending))
        )
        self.message_user(request, text % {"count": len(pending)}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Confirm the selected flagged days"))
    def confirm(self, request, queryset):
        self._review(request, queryset, DailyActivity.Review.CONFIRMED)

    @admin.action(
        description=gettext_lazy("Reject the selected flagged days (they count for nothing)")
    )
    def reject(self, request, queryset):
        self._review(request, queryset, DailyActivity.Review.REJECTED)


@admin.register(SheetSource)
class SheetSourceAdmin(admin.ModelAdmin):
    list_display = ["group", "url", "is_enabled", "last_synced_at", "last_result"]
    list_select_related = ["group"]
    readonly_fields = ["last_synced_at", "last_result"]


@admin.register(Streak)
class StreakAdmin(admin.ModelAdmin):
    """Read-only: streaks are derived from daily activity and the LeetCode calendar, and
    rebuilt by the nightly recompute and sync_leetcode_streaks."""

    list_display = ["user", "kind", "current", "longest", "last_day", "synced_at", "last_error"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = [f.name for f in Streak._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
