"""Seasons of weekly episodes, the points ledger and the scores kept from it, and the
credits and titles members earn at the end of a season."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from cohort.core.models import TimeStampedModel

DEFAULT_SEASON_CAP = 1500
DEFAULT_ASCENSION_BONUS = 5
DEFAULT_CREDIT_DIVISOR = 10  # a tenth of the season score becomes vault credits
EPISODE_NAMES = ("Kickoff", "Build", "Intensity", "Finale")


class Season(TimeStampedModel):
    """A stretch of the programme (a calendar month by default) of weekly episodes."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", gettext_lazy("Upcoming")
        ACTIVE = "active", gettext_lazy("Active")
        FINALISED = "finalised", gettext_lazy("Finalised")

    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text=gettext_lazy("The last day of the season (inclusive)."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPCOMING)
    point_cap = models.PositiveIntegerField(default=DEFAULT_SEASON_CAP)
    ascension_bonus = models.PositiveIntegerField(
        default=DEFAULT_ASCENSION_BONUS,
        help_text=gettext_lazy(
            "Added to the legacy score of a member who beats their previous season."
        ),
    )
    credit_divisor = models.PositiveIntegerField(
        default=DEFAULT_CREDIT_DIVISOR,
        help_text=gettext_lazy("Credits awarded at the end: the season score divided by this."),
    )
    episode_count = models.PositiveSmallIntegerField(default=len(EPISODE_NAMES))
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="season_window"),
            models.CheckConstraint(condition=Q(credit_divisor__gte=1), name="season_divisor"),
            models.UniqueConstraint(fields=["starts_on"], name="season_start_unique"),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="one_active_season"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Episode(models.Model):
    """One week of a season; the next unlocks when a member's required work here is approved."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["season", "number"]
        constraints = [
            models.UniqueConstraint(fields=["season", "number"], name="episode_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.season} · {self.number}. {self.name}"


class Category(models.Model):
    """A kind of work points are earned for, with a cap per season and the rule that awards
    them (set by organisers)."""

    class Rule(models.TextChoices):
        WORK = "work", gettext_lazy("Approved work (the assignment's points)")
        ACTIVITY = "activity", gettext_lazy("Activity (points per day logged over a threshold)")
        CODING_STREAK = "coding_streak", gettext_lazy("Coding streak (bands of the season covered)")

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    season_cap = models.PositiveIntegerField()
    rule = models.CharField(max_length=16, choices=Rule.choices, default=Rule.WORK)
    points_per_day = models.PositiveSmallIntegerField(
        default=0,
        help_text=gettext_lazy("Activity rule: points for each day at or over the threshold."),
    )
    min_steps = models.PositiveIntegerField(
        default=0, help_text=gettext_lazy("Activity rule: the threshold for a day to count.")
    )
    order = models.PositiveSmallIntegerField(default=0)
    monthly_target = models.PositiveSmallIntegerField(
        default=0,
        help_text=gettext_lazy(
            "At least this many approved submissions a calendar month (0: no target); "
            "mentors see who falls short."
        ),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class PointsEntry(models.Model):
    """The append-only ledger. `source_key` names what earned the points; its uniqueness is
    what makes every award happen once, whoever races to write it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="points_entries")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField()
    reason = models.CharField(max_length=200)
    # What earned the points ("work:12:345"); an entry's key is the source and its sequence
    # ("work:12:345#0"), so a source's net only changes by a new, uniquely keyed entry.
    source = models.CharField(max_length=110)
    source_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "points entries"
        indexes = [
            models.Index(fields=["season", "user"], name="points_season_user"),
            models.Index(fields=["source"], name="points_source"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+} {self.category_id} ({self.source_key})"


class CategoryTotal(models.Model):
    """A member's raw points in one category of one season: the ledger summed, kept in the
    same transaction as each entry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "season", "category"], name="category_total_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category_id}: {self.points}"


class SeasonScore(models.Model):
    """A member's season score: each category capped, then the season's cap."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="scores")
    score = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "season"], name="season_score_unique"),
        ]
        indexes = [models.Index(fields=["season", "-score", "user"], name="season_score_rank")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.season_id}: {self.score}"


class Legacy(models.Model):
    """What a member carries from season to season: the lifetime score (season scores plus
    ascension bonuses) and the last finalised season's score to beat."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legacy"
    )
    score = models.IntegerField(default=0)
    last_season_score = models.IntegerField(null=True, blank=True)
    seasons = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "legacies"
        indexes = [models.Index(fields=["-score", "user"], name="legacy_rank")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.score}"


class SeasonStanding(models.Model):
    """A finalised season's frozen result for one member."""

    class Award(models.TextChoices):
        CHAMPION = "champion", gettext_lazy("Champion")
        RUNNER_UP = "runner_up", gettext_lazy("Runner-up")
        TOP_10 = "top_10", gettext_lazy("Top 10%")
        TOP_25 = "top_25", gettext_lazy("Top 25%")
        TOP_50 = "top_50", gettext_lazy("Top 50%")
        NONE = "", gettext_lazy("Taking part")

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="standings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.IntegerField()
    award = models.CharField(max_length=10, choices=Award.choices, blank=True)
    bonus = models.PositiveIntegerField(default=0)
    credits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["season", "rank", "user"]
        constraints = [
            models.UniqueConstraint(fields=["season", "user"], name="season_standing_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.season_id} #{self.rank}: {self.user_id}"


class Wallet(models.Model):
    """A member's vault credits. The balance changes only with a CreditTransaction, under
    this row's lock, and can never go below zero."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet"
    )
    balance = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="wallet_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance} credits"


class CreditTransaction(models.Model):
    wallet = models.ForeignKey(Wallet, on_delete=models.CASCADE, related_name="transactions")
    amount = models.IntegerField(
        help_text=gettext_lazy("Positive when earned, negative when spent.")
    )
    balance_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    source_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.wallet_id} {self.amount:+} ({self.reason})"


class Title(models.Model):
    """A title shown beside a member's name. Bought with credits, or awarded (a season's
    champion and runners-up) when `award` is set."""

    class Rarity(models.TextChoices):
        COMMON = "common", gettext_lazy("Common")
        RARE = "rare", gettext_lazy("Rare")
        EPIC = "epic", gettext_lazy("Epic")
        LEGENDARY = "legendary", gettext_lazy("Legendary")

    name = models.CharField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True)
    rarity = models.CharField(max_length=10, choices=Rarity.choices, default=Rarity.COMMON)
    cost = models.PositiveIntegerField(default=0)
    is_for_sale = models.BooleanField(default=True)
    award = models.CharField(
        max_length=10,
        choices=SeasonStanding.Award.choices,
        blank=True,
        help_text=gettext_lazy("Given to every member who finishes a season with this award."),
    )

    class Meta:
        ordering = ["cost", "name"]

    def __str__(self) -> str:
        return self.name


class OwnedTitle(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_titles"
    )
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="owners")
    is_equipped = models.BooleanField(default=False)
    acquired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acquired_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "title"], name="owned_title_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_equipped=True), name="one_equipped_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} owns {self.title_id}"
