"""The enumerations of trainings, each in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """A participant's sex, as programme indicators disaggregate it."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    NOT_STATED = "not-stated", _("Not stated")


class AssignmentStatus(models.TextChoices):
    """Where an in-plant assignment stands."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in-progress", _("In progress")
    PRESENTED = "presented", _("Presented at the next module")
    COMPLETED = "completed", _("Completed")


#: The scale of an evaluation question: 1 (poor, disagree) to 5 (excellent, agree).
SCORES = (1, 2, 3, 4, 5)
