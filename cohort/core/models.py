from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SiteText(models.Model):
    """A page text the organisers write in the browser: the privacy notice and the terms.
    Shown as plain text (escaped; paragraphs and links kept). Each change of the terms
    raises `version`, and members accept the new version at their next page."""

    class Key(models.TextChoices):
        PRIVACY = "privacy", "Privacy notice"
        TERMS = "terms", "Terms of use"

    key = models.CharField(max_length=20, choices=Key.choices, unique=True)
    body = models.TextField(blank=True, max_length=50000)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_key_display()
