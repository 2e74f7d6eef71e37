from django import forms

from cohort.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_dashboard", "email_profile", "daily_digest"]
