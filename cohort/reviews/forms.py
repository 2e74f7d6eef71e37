from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; type, size and count are checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class SubmissionForm(forms.Form):
    """One hand-in from the /submissions/ page: save as a draft or hand in for review."""

    DRAFT, SUBMIT = "draft", "submit"

    assignment = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(required=False, max_length=20000, widget=forms.Textarea)
    link = forms.URLField(required=False, max_length=500, assume_scheme="https")
    files = MultipleFileField()
    action = forms.ChoiceField(choices=[(DRAFT, "Save draft"), (SUBMIT, "Hand in")])

    @property
    def is_draft(self) -> bool:
        return self.cleaned_data["action"] == self.DRAFT
