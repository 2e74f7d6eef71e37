from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cohort.accounts.models import Division, Group
from cohort.journeys.models import Path
from cohort.ops.models import AuditEvent

_UNIT_CHOICES = [(Path.Unit.KILOMETRES, "km"), (Path.Unit.MILES, "miles")]


class PathFileForm(forms.Form):
    """A geographic path from a GPX or GeoJSON file (journeys.services.path_import)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    unit = forms.ChoiceField(label=_("Unit"), choices=_UNIT_CHOICES, initial=Path.Unit.KILOMETRES)
    every = forms.DecimalField(
        label=_("A milestone every"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        help_text=_("In the unit above; used when the file has no waypoints."),
    )
    route_file = forms.FileField(
        label=_("GPX or GeoJSON file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".gpx,.geojson,.json"}),
    )


class PathImageForm(forms.Form):
    """An illustrated path over an image (journeys.services.editor.path_from_image_create)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    unit = forms.ChoiceField(label=_("Unit"), choices=_UNIT_CHOICES, initial=Path.Unit.KILOMETRES)
    total_distance = forms.DecimalField(
        label=_("Length"), min_value=Decimal("0.01"), max_digits=9, decimal_places=2
    )
    image = forms.FileField(
        label=_("Map image"),
        help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )


class PathDetailsForm(forms.ModelForm):
    class Meta:
        model = Path
        fields = ["name", "description", "start_date", "end_date", "next_path"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "next_path": _("Next path in the journey"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["next_path"]
        field.queryset = Path.objects.exclude(pk=self.instance.pk).only("id", "name")
        field.empty_label = _("None (the journey ends here)")


class MilestoneAddForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    distance = forms.DecimalField(
        label=_("Distance from the start"),
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
    )
    postcard = forms.CharField(
        label=_("Postcard"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    postcard = forms.CharField(
        label=_("Postcard"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(
        label=_("Postcard photo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)


class GroupsBulkForm(forms.Form):
    """Groups in bulk, each with a generated password (accounts groups_create_bulk)."""

    names = forms.CharField(
        label=_("Group names, one a line"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    division = forms.ModelChoiceField(
        label=_("Division"), queryset=Division.objects.order_by("name"), required=False
    )


class GroupChoiceForm(forms.Form):
    """A group to move a member to, or to bring a former member back into."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.order_by("name"))


class SheetForm(forms.Form):
    """A sign-in sheet, with the group's password printed on it when it is given."""

    password = forms.CharField(
        label=_("Group password to print (optional)"),
        max_length=4096,
        strip=False,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Left empty, the sheet says to ask the leader or organiser for it."),
    )


# --- The console -------------------------------------------------------------------------

_DATE = {"type": "date"}


class SeasonNextForm(forms.Form):
    """The next season (copied from the latest: organise.services.season_next_create)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the month's name (say, “March 2027”)."),
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(_DATE, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        required=False,
        help_text=_("Leave empty for the end of the first day's month."),
        widget=forms.DateInput(_DATE, format="%Y-%m-%d"),
    )


class SeasonDatesForm(forms.Form):
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(_DATE, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(_DATE, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day comes on or after the first."))
        return data


class MentorAssignForm(forms.Form):
    """A mentor for a group; the choices are those in the viewer's reach."""

    group = forms.TypedChoiceField(label=_("Group"), coerce=int)
    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int)

    def __init__(self, *args, groups=(), mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—")] + [(g.pk, g.name) for g in groups]
        self.fields["mentor"].choices = [("", "—")] + [
            (m.pk, f"{m.display_name} ({m.email})") for m in mentors
        ]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    person = forms.CharField(
        label=_("Person"),
        max_length=254,
        required=False,
        help_text=_("An email address, or part of a name."),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(_DATE, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(_DATE, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("Any action")),
            *AuditEvent.Action.choices,
        ]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end comes on or after the start."))
        return data
