from django import forms
from django.utils.translation import gettext_lazy as _

from cohort.accounts import permissions
from cohort.accounts.models import Division, User
from cohort.messaging.models import Announcement
from cohort.messaging.selectors import announcement_groups_postable
from cohort.messaging.services import AnnouncementDraft


class AnnouncementForm(forms.Form):
    """What staff may post; the groups, divisions and audiences offered are the viewer's.
    The service checks them again."""

    title = forms.CharField(label=_("Title"), max_length=150)
    text = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Announcement.Audience.choices)
    groups = forms.ModelMultipleChoiceField(label=_("Groups"), queryset=None, required=False)
    division = forms.ModelChoiceField(label=_("Division"), queryset=None, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Announcement.Priority.choices,
        coerce=int,
        initial=Announcement.Priority.NORMAL,
    )
    event_on = forms.DateField(
        required=False, label=_("Event date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_at = forms.DateTimeField(
        required=False,
        label=_("Expires"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    publish = forms.BooleanField(required=False, label=_("Publish now"))

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        groups = announcement_groups_postable(viewer)
        self.fields["groups"].queryset = groups
        only = list(groups.values_list("pk", flat=True)[:2])
        if len(only) == 1:  # a mentor of one group addresses it without having to pick it
            self.fields["groups"].initial = only
        divisions = Division.objects.none()
        if permissions.may_address_everyone(viewer):
            divisions = Division.objects.all()
        elif permissions.may_address_division(viewer, viewer.division_id):
            divisions = Division.objects.filter(pk=viewer.division_id)
        self.fields["division"].queryset = divisions
        audiences = [(Announcement.Audience.GROUPS, "Groups")]
        if divisions.exists():
            audiences.append((Announcement.Audience.DIVISION, "A division"))
        if permissions.may_address_everyone(viewer):
            audiences.append((Announcement.Audience.EVERYONE, "Everyone"))
        self.fields["audience"].choices = audiences

    def draft(self) -> AnnouncementDraft:
        data = self.cleaned_data
        return AnnouncementDraft(
            title=data["title"],
            text=data["text"],
            audience=data["audience"],
            group_ids=[g.pk for g in data["groups"]],
            division_id=data["division"].pk if data["division"] else None,
            priority=data["priority"],
            event_on=data["event_on"],
            expires_at=data["expires_at"],
        )


class MessageForm(forms.Form):
    text = forms.CharField(
        max_length=5000, label=_("Message"), widget=forms.Textarea(attrs={"rows": 3})
    )
