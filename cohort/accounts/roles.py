"""The kinds of account. Its own module so that `permissions.py` and the models' querysets
(which ask the permission rules) both import it without importing each other."""

from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    MENTOR = "mentor", "Mentor"
    COORDINATOR = "coordinator", "Coordinator"
    ORGANISER = "organiser", "Organiser"
