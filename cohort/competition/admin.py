from uuid import uuid4

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.competition.models import (
    Category,
    CreditTransaction,
    Episode,
    Legacy,
    OwnedTitle,
    PointsEntry,
    Season,
    SeasonStanding,
    Title,
    Wallet,
)
from cohort.competition.services.rewards import credits_grant, titles_grant_many
from cohort.competition.services.seasons import season_create, season_current_forget

# --- Credits and titles -------------------------------------------------------------------
# A balance changes only through credits_grant (here) or a purchase, under the wallet's
# lock; transactions are append-only, so the admin shows them and never edits them.


class CreditTransactionInline(admin.TabularInline):
    model = CreditTransaction
    fields = ["created_at", "amount", "balance_after", "reason", "source_key"]
    readonly_fields = fields
    ordering = ["-id"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WalletForm(forms.ModelForm):
    grant_amount = forms.IntegerField(
        required=False, min_value=1, help_text=gettext_lazy("Credits to add now (optional).")
    )
    grant_reason = forms.CharField(required=False, max_length=200)
    # Made once per form shown, so a double submit grants once.
    grant_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid4().hex)

    class Meta:
        model = Wallet
        fields = ["user"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grant_amount") and not cleaned.get("grant_reason"):
            self.add_error("grant_reason", _("Say why these credits are given."))
        return cleaned


@admin.register(Wallet)
class WalletAdmin(admin.ModelAdmin):
    form = WalletForm
    list_display = ["user", "balance"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user"]
    inlines = [CreditTransactionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "balance"] if obj else ["balance"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:  # a change never saves the row: the balance moves only by a grant
            obj.save()
        amount = form.cleaned_data.get("grant_amount")
        if amount:
            granted = credits_grant(
                user_id=obj.user_id,
                amount=amount,
                reason=form.cleaned_data["grant_reason"],
                source_key=f"admin:{form.cleaned_data['grant_key']}",
            )
            if granted is None:
                messages.warning(request, _("That grant was already made."))
            obj.refresh_from_db()


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ["name", "rarity", "cost", "is_for_sale", "award"]
    list_filter = ["rarity", "is_for_sale", "award"]
    search_fields = ["name"]


@admin.register(OwnedTitle)
class OwnedTitleAdmin(admin.ModelAdmin):
    """Organisers give a title by adding a row; members choose which to wear."""

    list_display = ["user", "title", "is_equipped", "acquired_at"]
    list_filter = ["title", "is_equipped"]
    list_select_related = ["user", "title"]
    search_fields = ["user__email", "user__display_name", "title__name"]
    raw_id_fields = ["user"]
    fields = ["user", "title", "is_equipped", "acquired_at"]
    readonly_fields = ["is_equipped", "acquired_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        titles_grant_many(title=obj.title, user_ids=[obj.user_id])
        obj.pk = OwnedTitle.objects.get(user_id=obj.user_id, title=obj.title).pk


# --- End of credits and titles ------------------------------------------------------------


# --- Seasons, categories and the points ledger -------------------------------------------


class EpisodeInline(admin.TabularInline):
    model = Episode
    extra = 0
    fields = ("number", "name", "starts_on", "ends_on")


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    """A new season gets its weekly episodes from season_create; `update_seasons` moves it
    from upcoming to active to finalised, so the status is read-only here."""

    list_display = ("name", "starts_on", "ends_on", "status", "point_cap", "finalised_at")
    list_filter = ("status",)
    readonly_fields = ("status", "finalised_at")
    inlines = [EpisodeInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            season_current_forget()
            return
        created = season_create(
            starts_on=obj.starts_on, ends_on=obj.ends_on, name=obj.name, like=obj
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "season_cap",
        "rule",
        "points_per_day",
        "min_steps",
        "order",
        "monthly_target",
    )
    prepopulated_fields = {"slug": ("name",)}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the services (an append-only ledger, a frozen snapshot)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "season", "category", "points", "reason")
    list_filter = ("season", "category")
    list_select_related = ("user", "season", "category")
    search_fields = ("user__email", "source")


@admin.register(SeasonStanding)
class SeasonStandingAdmin(ReadOnlyAdmin):
    list_display = ("season", "rank", "user", "score", "award", "bonus", "credits")
    list_filter = ("season", "award")
    list_select_related = ("user", "season")
    search_fields = ("user__email",)


@admin.register(Legacy)
class LegacyAdmin(ReadOnlyAdmin):
    list_display = ("user", "score", "last_season_score", "seasons")
    list_select_related = ("user",)
    search_fields = ("user__email",)
