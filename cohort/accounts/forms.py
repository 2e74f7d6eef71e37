from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cohort.accounts.models import LANGUAGE_CHOICES, ApiToken, User
from cohort.accounts.services.personal_password import (
    personal_password_check_current,
    personal_password_validate,
)
from cohort.accounts.services.profile import ProfileInvalid, profile_clean
from cohort.core.exceptions import DomainError


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New group password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common or all-numeric password."),
    )
    confirm = forms.CharField(
        label=_("Repeat it"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The two passwords differ."))
        return data


class PersonalPasswordForm(forms.Form):
    """The member's current secret (the group password, or their personal one once set) and
    a new personal password twice; the service's own checks give the field errors."""

    current = forms.CharField(
        label=_("Current password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = forms.CharField(
        label=_("New personal password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters; not a common or all-numeric password, and not the "
            "group password."
        ),
    )
    confirm = forms.CharField(
        label=_("Repeat it"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_personal_password:
            self.fields["current"].label = _("Current personal password")
        else:
            self.fields["current"].label = _("Group password")
            self.fields["current"].help_text = _("The password you signed in with.")

    def clean_current(self):
        current = self.cleaned_data["current"]
        try:
            personal_password_check_current(user=self.user, current=current)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail) from exc
        return current

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            personal_password_validate(user=self.user, password=password)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail) from exc
        return password

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", _("The two passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "My phone"}),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        # The organise scope is for organisers, who make tokens through the API.
        choices=[c for c in ApiToken.Scope.choices if c[0] != ApiToken.Scope.ORGANISE],
        initial=ApiToken.Scope.READ,
        required=False,
        help_text=_("What the token may do besides reading; nothing else is ever allowed."),
    )

    def clean_scope(self):
        return self.cleaned_data["scope"] or ApiToken.Scope.READ


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    display_name = forms.CharField(label=_("Name"), max_length=100, required=False)


class JoinForm(MemberForm):
    display_name = forms.CharField(label=_("Your name"), max_length=100)


class LeaderForm(forms.Form):
    leader = forms.ModelChoiceField(queryset=User.objects.none(), label=_("New leader"))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["leader"].queryset = members


class RegisterForm(NewPasswordForm):
    group_name = forms.CharField(label=_("Group name"), max_length=100)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    display_name = forms.CharField(label=_("Your name"), max_length=100)

    field_order = ["group_name", "display_name", "email", "password", "confirm"]


class ProfileForm(forms.Form):
    """The member's own name, time zone and marker colour; the service checks them again
    (profile_update), so the page and PATCH /api/v1/me refuse the same things."""

    display_name = forms.CharField(label=_("Your name"), max_length=100)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("Your day starts at midnight here. Type to search, e.g. Madrid or Chicago."),
        widget=forms.TextInput(
            attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    marker_colour = forms.CharField(
        label=_("Marker colour"),
        max_length=7,
        help_text=_("Your dot on the map and the group page."),
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The browser's language")), *LANGUAGE_CHOICES],
        help_text=_("Pages, emails and notifications in this language."),
    )

    def clean(self):
        data = super().clean()
        try:
            profile_clean(
                display_name=data.get("display_name"),
                time_zone=data.get("time_zone"),
                marker_colour=data.get("marker_colour"),
                language=data.get("language"),
            )
        except ProfileInvalid as exc:
            self.add_error(exc.field if exc.field in data else None, exc.detail)
        return data


class LeetCodeForm(forms.Form):
    """The member's LeetCode username, and nothing else: streaks are read, never entered."""

    leetcode_username = forms.CharField(
        label=_("LeetCode username"),
        max_length=40,
        required=False,
        validators=User._meta.get_field("leetcode_username").validators,
        help_text=_("Your public profile's name; leave it blank to stop the sync."),
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
        help_text=_("The 6-digit code your authenticator app shows for Cohort."),
    )


class TwoFactorVerifyForm(forms.Form):
    """The app's 6-digit code or a recovery code (letters too: a text keyboard)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"}
        ),
        help_text=_(
            "The 6-digit code your authenticator app shows for Cohort, or one of your "
            "recovery codes."
        ),
    )


class SetupForm(forms.Form):
    """The first organiser, from the set-up link; the service checks the password."""

    display_name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common or all-numeric password."),
    )
    confirm = forms.CharField(
        label=_("Repeat it"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class MembersCsvForm(forms.Form):
    """A members CSV to preview (accounts.services.imports): an organiser's, with the
    options; a leader's (for_leader) with the file alone."""

    file = forms.FileField(
        label=_("Members CSV"),
        help_text=_(
            "UTF-8 CSV with a header line: email, name, group (a leader's file may leave the "
            "group out). Nothing is written until you check the preview and apply it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    create_groups = forms.BooleanField(
        label=_("Create the groups the file names that do not exist yet (each gets a password)"),
        required=False,
        initial=True,
    )
    move_members = forms.BooleanField(
        label=_("Move members who are in another group into the group the file names"),
        required=False,
    )

    def __init__(self, *args, for_leader: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_leader:
            del self.fields["create_groups"], self.fields["move_members"]
            self.fields["file"].help_text = _(
                "UTF-8 CSV with a header line: email, name (and group, your group's name, if "
                "you like). Up to your group's 20 places. Nothing is written until you check "
                "the preview and apply it."
            )


class ImportApplyForm(forms.Form):
    """Apply a previewed import: the key of the kept upload, and the welcome emails."""

    key = forms.CharField(max_length=40, widget=forms.HiddenInput)
    welcome = forms.BooleanField(
        label=_("Email each new member a welcome: their group's invite link and how to sign in"),
        required=False,
        initial=True,
    )


def import_errors_message(result) -> str:
    """The file field's error for an import with bad lines, naming them."""
    lines = [str(line) for line, _reason in result.errors]
    shown = ", ".join(lines[:10]) + (", …" if len(lines) > 10 else "")
    return ngettext(
        "Line %(lines)s has an error (listed below): fix it and choose the file again.",
        "Lines %(lines)s have errors (listed below): fix them and choose the file again.",
        len(lines),
    ) % {"lines": shown}
