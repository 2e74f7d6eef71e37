from django import forms
from django.utils.translation import gettext_lazy as _


class DayForm(forms.Form):
    day = forms.TypedChoiceField(label=_("Day"), coerce=str)
    steps = forms.IntegerField(
        label=_("Steps"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(d.isoformat(), label) for d, label in days]
