from django.contrib import admin

from cohort.reviews.models import Assignment, Submission, SubmissionFile


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "episode", "category", "points", "due_on", "is_required", "is_open"]
    list_filter = ["episode__season", "episode", "category", "is_required", "is_open"]
    list_select_related = ["episode__season", "category"]
    search_fields = ["title"]


class SubmissionFileInline(admin.TabularInline):
    """Read-only: files come in through submission_create, which checks their content."""

    model = SubmissionFile
    fields = ["original_name", "size", "content_type", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Decisions are read-only here: they go through submission_review (the API), which
    checks who may review, locks the row and awards the points once."""

    list_display = ["assignment", "user", "status", "reviewer", "created_at", "reviewed_at"]
    list_filter = ["status", "assignment__category"]
    list_select_related = ["assignment", "user", "reviewer"]
    search_fields = ["user__email", "assignment__title"]
    raw_id_fields = ["user", "assignment"]
    readonly_fields = ["status", "reviewer", "feedback", "reviewed_at", "created_at"]
    inlines = [SubmissionFileInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False
