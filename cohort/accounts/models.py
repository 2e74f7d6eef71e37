import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.accounts import permissions
from cohort.accounts.roles import Role
from cohort.core.models import TimeStampedModel

MAX_GROUP_MEMBERS = 20


def normalize_email(email: str) -> str:
    """Emails are stored lower-cased, so exact lookups use the unique index."""
    return (email or "").strip().lower()


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(repr)s is not a known time zone (e.g. Europe/Madrid).") % {"repr": repr(value)}
        )


def default_time_zone() -> str:
    return settings.PROGRAMME_TIME_ZONE


class Division(TimeStampedModel):
    name = models.CharField(max_length=100, unique=True)
    is_personal_password_required = models.BooleanField(
        gettext_lazy("Members need a personal password"),
        default=False,
        help_text=gettext_lazy(
            "Members who have none are sent to set one right after signing in with the "
            "group password, and can do nothing else until they do (for programmes with private "
            "mentor threads)."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupQuerySet(models.QuerySet["Group"]):
    def for_viewer(self, viewer) -> "GroupQuerySet":
        """Groups the viewer may see: organisers all, coordinators their division's,
        mentors the groups they mentor, members their own."""

        if not viewer.is_authenticated or not viewer.is_active:
            return self.none()
        if permissions.may_see_all_groups(viewer):
            return self
        if permissions.is_coordinator(viewer):
            return (
                self.filter(division_id=viewer.division_id) if viewer.division_id else self.none()
            )
        if permissions.is_mentor(viewer):
            return self.filter(mentors=viewer)
        return self.filter(pk=viewer.group_id) if viewer.group_id else self.none()


class Group(TimeStampedModel):
    name = models.CharField(max_length=100)
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="groups"
    )
    password = models.CharField(max_length=128, editable=False)
    password_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    leader = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentors = models.ManyToManyField("accounts.User", blank=True, related_name="mentored_groups")
    # Kept by the membership services under the group's row lock; the check constraint is
    # the last line of defence for the 20-member cap.
    member_count = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="group_name_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(member_count__gte=0, member_count__lte=MAX_GROUP_MEMBERS),
                name="group_member_count_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_full(self) -> bool:
        return self.member_count >= MAX_GROUP_MEMBERS

    @property
    def places_left(self) -> int:
        return max(0, MAX_GROUP_MEMBERS - self.member_count)

    def set_password(self, raw_password: str | None) -> None:
        self.password = make_password(raw_password)
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password: str) -> bool:
        def upgrade(raw: str) -> None:
            self.password = make_password(raw)
            Group.objects.filter(pk=self.pk).update(password=self.password)

        return check_password(raw_password, self.password, upgrade)


class UserQuerySet(models.QuerySet["User"]):
    def for_viewer(self, viewer) -> "UserQuerySet":
        """Users whose group the viewer may see (see GroupQuerySet.for_viewer)."""

        if permissions.may_see_all_groups(viewer):
            return self
        return self.filter(group__in=Group.objects.for_viewer(viewer))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, display_name: str = "", password: str | None = None, **extra):
        user = self.model(email=normalize_email(email), display_name=display_name, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, display_name: str = "", password: str | None = None):
        return self.create_user(email, display_name or email, password, role=User.Role.ORGANISER)


# settings.LANGUAGES' codes; kept here so a migration does not follow the settings.
LANGUAGE_CHOICES = [("en", "English"), ("es", "Español"), ("hi", "हिन्दी")]


class User(AbstractBaseUser):
    """A person. Members sign in with their group's password; staff roles with their own."""

    Role = Role

    email = models.EmailField(max_length=254, unique=True)
    display_name = models.CharField(max_length=100)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    division = models.ForeignKey(
        Division,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinators",
        help_text=gettext_lazy("For coordinators: the division they look after."),
    )
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    # When the member chose their zone themselves (profile, API, or the browser's zone offered
    # after signing in); until then the offer shows when the browser's zone differs.
    time_zone_chosen_at = models.DateTimeField(null=True, blank=True)
    # The language of pages, emails and notifications ("" : the browser's Accept-Language).
    language = models.CharField(max_length=8, blank=True, default="", choices=LANGUAGE_CHOICES)
    marker_colour = models.CharField(
        max_length=7,
        default="#2563eb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #2563eb.")],
    )
    # The latest day the member logged, kept by the activity services: dashboards order by it.
    last_logged_on = models.DateField(null=True, blank=True, db_index=True)
    hide_name_outside_group = models.BooleanField(
        default=False,
        help_text=gettext_lazy(
            'Shown on leaderboards outside their group as "a member of <group>".'
        ),
    )
    leetcode_username = models.CharField(
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_.-]+$", "Letters, digits, '_', '.' and '-' only.")
        ],
        help_text=gettext_lazy(
            "Public LeetCode profile whose submission calendar gives the coding streak."
        ),
    )
    # Set when the member showed the username is theirs (their leetcode_code in its "About
    # me"); cleared when the username changes. Only verified usernames are synced.
    leetcode_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the account was closed (services/closure.py): the person can no longer sign
    # in, their name and email are erased, their days stay in group figures anonymously.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The version of the terms (core.SiteText) the person last accepted; 0 = none yet.
    terms_accepted_version = models.PositiveIntegerField(default=0, editable=False)
    terms_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            # One verified LeetCode username belongs to one member (LeetCode's names are
            # case-insensitive); anyone may type it, only one can hold it.
            models.UniqueConstraint(
                Lower("leetcode_username"),
                condition=models.Q(leetcode_verified_at__isnull=False),
                name="user_leetcode_verified_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    @property
    def leetcode_code(self) -> str:
        """The code this member puts in their LeetCode "About me" to show the username is
        theirs: derived (keyed with SECRET_KEY) from the member and the username, so it
        differs per member and changes with the username; "" without a username."""
        if not self.leetcode_username:
            return ""
        value = f"{self.pk}:{self.leetcode_username.lower()}"
        return "cohort-" + salted_hmac("cohort.leetcode-code", value).hexdigest()[:6]

    @property
    def is_staff(self) -> bool:
        """Only organisers reach the admin."""
        return self.is_active and self.role == self.Role.ORGANISER

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    @property
    def is_member(self) -> bool:
        return self.role == self.Role.MEMBER

    @property
    def is_group_leader(self) -> bool:
        return self.group_id is not None and self.group.leader_id == self.pk

    @property
    def has_personal_password(self) -> bool:
        """A member with their own password signs in with it, never with the group's.
        Staff roles always sign in with their own."""
        return self.has_usable_password()

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj=None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    def _get_session_auth_hash(self, secret=None):
        # A member's session is bound to their group and the password they sign in with:
        # rotating the group password ends every session signed in with the old one, setting
        # a personal password ends the member's sessions (the view keeps the current one), and
        # moving the member ends them all.
        if self.role == self.Role.MEMBER and not self.has_usable_password():
            material = f"group:{self.group_id}:{self.group.password if self.group_id else ''}"
        elif self.role == self.Role.MEMBER:
            material = f"member:{self.group_id}:own:{self.password}"
        else:
            material = f"own:{self.password}"
        return salted_hmac(
            "cohort.accounts.User.session_auth_hash", material, secret=secret, algorithm="sha256"
        ).hexdigest()


class ApiToken(models.Model):
    """A personal token for scripts and devices (`Authorization: Bearer coh_...`). It expires,
    and its scope says which writes it may make (cohort.accounts.tokens)."""

    class Scope(models.TextChoices):
        READ = "read", gettext_lazy("read: GET requests only")
        ACTIVITY_WRITE = "activity:write", gettext_lazy("activity:write: read, and log activity")
        ORGANISE = "organise", gettext_lazy("organise: read, and run jobs (organisers only)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(
        max_length=10, help_text=gettext_lazy("The first characters, to tell tokens apart.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class Passkey(models.Model):
    """A WebAuthn credential (a passkey) that signs its user in without a password. Members
    add one once they have a personal password (the fallback if the device is lost)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=60)
    credential_id = models.CharField(
        max_length=1400,
        unique=True,
        help_text=gettext_lazy("base64url of the authenticator's credential id"),
    )
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class SetupLink(models.Model):
    """A one-time link that creates the first organiser on a fresh installation (like
    Jupyter's or Grafana's start-up link). Only the SHA-256 of its key is stored; it expires,
    and it is dead once used or once any organiser exists (services/setup.py)."""

    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Set-up link of {self.created_at:%Y-%m-%d %H:%M}"
