"""The enumerations of assessments, each in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cleanprod.model.choices import OPTION_STATUSES, PRACTICES


class Stage(models.TextChoices):
    """Where an assessment stands, by the phases of a CPA (domain-notes §1)."""

    PREPARATION = "preparation", _("Planning and organisation")
    BASELINE = "baseline", _("Baseline and balances")
    OPTIONS = "options", _("Options and feasibility")
    IMPLEMENTATION = "implementation", _("Implementation and monitoring")
    CLOSED = "closed", _("Closed")


#: The option statuses and practices of the document (cleanprod.model.choices), as choices.
OPTION_STATUS_CHOICES = [(status, status.replace("-", " ")) for status in OPTION_STATUSES]
PRACTICE_CHOICES = [(practice, practice) for practice in PRACTICES]
