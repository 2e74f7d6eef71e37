"""The kinds of account. Its own module so that `permissions.py` and the models' querysets
(which ask the permission rules) both import it without importing each other."""

from django.db import models
from django.utils.translation import gettext_lazy


class Role(models.TextChoices):
    MEMBER = "member", gettext_lazy("Member")
    MENTOR = "mentor", gettext_lazy("Mentor")
    COORDINATOR = "coordinator", gettext_lazy("Coordinator")
    ORGANISER = "organiser", gettext_lazy("Organiser")
