from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cohort.journeys.models import Path

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
