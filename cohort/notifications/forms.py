from django import forms
from django.utils.translation import gettext_lazy as _

from cohort.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_dashboard", "email_profile", "daily_digest"]


class PushPreferenceForm(forms.ModelForm):
    """Which kinds are pushed to the member's devices, and their quiet hours."""

    class Meta:
        model = NotificationPreference
        fields = ["push_dashboard", "push_profile", "quiet_hours_start", "quiet_hours_end"]
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if (start is None) != (end is None) and not self.errors:
            field = "quiet_hours_end" if end is None else "quiet_hours_start"
            self.add_error(field, _("Give both times, or neither for no quiet hours."))
        return data
