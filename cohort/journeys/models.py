import posixpath
from decimal import Decimal

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.core.models import TimeStampedModel

# A postcard photo's detected kind -> the extensions its name may end in. Recognised by
# content, so a renamed page or script is refused; served inline from our own view.
POSTCARD_PHOTO_KINDS = {"png": {"png"}, "jpg": {"jpg", "jpeg"}, "gif": {"gif"}, "webp": {"webp"}}
POSTCARD_PHOTO_MAX_BYTES = 5 * 1024 * 1024


def postcard_photo_validate(upload) -> None:
    """A PNG, JPEG, GIF or WebP image (by its first bytes, with a name that agrees), at most
    5 MB; raises ValidationError with a sentence for the admin form."""
    if upload.size > POSTCARD_PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is too large; the limit is 5 MB."))
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    extension = posixpath.splitext(upload.name or "")[1].lower().lstrip(".")
    if kind is None or kind.extension not in POSTCARD_PHOTO_KINDS:
        raise ValidationError(_("The photo must be a PNG, JPEG, GIF or WebP image."))
    if extension not in POSTCARD_PHOTO_KINDS[kind.extension]:
        raise ValidationError(
            _("This is a %(upper)s image: its name must end in .%(extension)s")
            % {"upper": kind.extension.upper(), "extension": kind.extension}
        )


class PathRoute(models.Model):
    """A path's line, measured once at import (cohort.journeys.routes): `points` are
    [longitude, latitude] (geographic) or [x, y] pixels of the path's image (illustrated),
    `cumulative` the distance from the start to each point (metres or pixels). Never
    changed: a new line is a new row, so a cached geometry is keyed by its id."""

    points = models.JSONField()
    cumulative = models.JSONField()
    is_geographic = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"route {self.pk} ({len(self.points)} points)"


class Path(TimeStampedModel):
    """A route members walk together. Exactly one path is current."""

    class Unit(models.TextChoices):
        MILES = "mi", gettext_lazy("miles")
        KILOMETRES = "km", "km"

    class Kind(models.TextChoices):
        GEOGRAPHIC = (
            "geographic",
            gettext_lazy("geographic (a line of latitude/longitude over map tiles)"),
        )
        ILLUSTRATED = (
            "illustrated",
            gettext_lazy("illustrated (an image, in its pixel coordinates)"),
        )

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=2, choices=Unit.choices, default=Unit.MILES)
    steps_per_unit = models.PositiveIntegerField(
        default=2112,
        validators=[MinValueValidator(1)],
        help_text=gettext_lazy("2,112 steps a mile by default."),
    )
    total_distance = models.DecimalField(
        max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=False)
    next_path = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="previous_paths",
        help_text=gettext_lazy(
            "Finishing this path enrolls the member in the next (there and back again)."
        ),
    )
    kind = models.CharField(max_length=11, choices=Kind.choices, default=Kind.ILLUSTRATED)
    # Without a route an illustrated path's line runs through its milestones' x/y.
    route = models.OneToOneField(
        PathRoute, null=True, blank=True, on_delete=models.SET_NULL, related_name="path"
    )
    map_image = models.FileField(
        upload_to="maps/",
        blank=True,
        validators=[postcard_photo_validate],
        help_text=gettext_lazy(
            "Illustrated paths: the map image (PNG, JPEG, GIF or WebP, at most 5 MB)."
        ),
    )
    # An illustrated path's image size in pixels (the SVG map's drawing box for both kinds).
    map_width = models.PositiveIntegerField(default=1000)
    map_height = models.PositiveIntegerField(default=600)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_path",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="path_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A named point on a path; the first one (order 0, distance 0) is the start."""

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    distance = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=gettext_lazy("From the start of the path, in the path's unit."),
    )
    # Geographic paths place a milestone at lat/lon, illustrated ones at x/y (image pixels).
    lat = models.FloatField(
        null=True, blank=True, help_text=gettext_lazy("Geographic paths: latitude.")
    )
    lon = models.FloatField(
        null=True, blank=True, help_text=gettext_lazy("Geographic paths: longitude.")
    )
    x = models.FloatField(
        null=True, blank=True, help_text=gettext_lazy("Illustrated paths: image pixels.")
    )
    y = models.FloatField(null=True, blank=True)
    # Shown to a member once they reach the milestone (notification, map, postcard page).
    postcard = models.CharField(max_length=400, blank=True)
    postcard_photo = models.FileField(
        upload_to="postcards/",
        blank=True,
        validators=[postcard_photo_validate],
        help_text=gettext_lazy("Optional: a PNG, JPEG, GIF or WebP image, at most 5 MB."),
    )

    class Meta:
        ordering = ["path", "order"]
        constraints = [
            models.UniqueConstraint(fields=["path", "order"], name="milestone_order_unique"),
            models.UniqueConstraint(fields=["path", "distance"], name="milestone_distance_unique"),
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=True) & models.Q(lon__isnull=True))
                | models.Q(
                    lat__isnull=False,
                    lon__isnull=False,
                    lat__gte=-90,
                    lat__lte=90,
                    lon__gte=-180,
                    lon__lte=180,
                ),
                name="milestone_lat_lon_in_range",
                violation_error_message="Give both latitude (-90 to 90) and longitude "
                "(-180 to 180), or neither.",
            ),
            models.CheckConstraint(
                condition=models.Q(lat__isnull=False, lon__isnull=False)
                | models.Q(x__isnull=False, y__isnull=False),
                name="milestone_has_a_map_point",
                violation_error_message="Place the milestone: latitude and longitude on a "
                "geographic path, x and y (image pixels) on an illustrated one.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.distance})"


class Enrollment(models.Model):
    """A member on a path. Derived from DailyActivity; `update_progress` can rebuild it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        db_index=False,  # the unique (user, path) index serves lookups by user
    )
    path = models.ForeignKey(
        Path,
        on_delete=models.CASCADE,
        related_name="enrollments",
        db_index=False,  # the (path, -distance, user) index serves lookups by path
    )
    # Activity from this day on counts (the path's start, or the day after the previous
    # path in a chain was finished).
    started_on = models.DateField()
    steps = models.BigIntegerField(default=0)
    distance = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    progress = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        help_text=gettext_lazy("Percent, 0 to 100."),
    )
    current_milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The highest milestone order already announced; notifications go out only above it.
    notified_order = models.SmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="one_enrollment_per_path"),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="progress_is_a_percentage",
            ),
        ]
        indexes = [
            # The dashboard's order (distance, then user: its keyset) over everyone on a
            # path: organisers' first page 180 ms to 1.5 ms at 100,000 members
            # (docs/performance.md). It replaced (path, -progress), which no query read
            # in that order and which led the planner into an 800 ms plan for a
            # progress range.
            models.Index(fields=["path", "-distance", "user"], name="enrollment_path_distance"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.path_id}: {self.progress}%"
