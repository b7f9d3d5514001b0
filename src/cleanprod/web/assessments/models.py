"""Assessments, each save a version of its document, and the options they hold."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleanprod.web.assessments.choices import OPTION_STATUS_CHOICES, PRACTICE_CHOICES, Stage
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import RestrictedQuerySet


class Assessment(models.Model):
    """An in-plant Cleaner Production assessment of an enterprise.

    ``document`` is the current ``cleanprod/1`` document (as its JSON form) and ``revision``
    the number of its latest version: a save names the revision it started from, and is
    refused when another save came first (see :mod:`cleanprod.web.assessments.saving`).
    """

    permission_path = "enterprise"
    confidential = True

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("enterprise"),
    )
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.BASELINE
    )
    lead_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_assessments",
        verbose_name=_("lead consultant"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    document = models.JSONField(_("document"), encoder=DjangoJSONEncoder, default=dict)
    #: Key results of the current revision, for lists and the dashboard (verdict, costs ...).
    summary = models.JSONField(_("summary"), encoder=DjangoJSONEncoder, default=dict, blank=True)
    #: Why the results of the current revision could not be computed, in plain words.
    results_problem = models.TextField(_("problem of the results"), blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["enterprise", "-updated"])]

    def __str__(self) -> str:
        return self.title


class AssessmentVersion(models.Model):
    """One saved state of an assessment's document: who saved it, when, and why."""

    permission_path = "assessment__enterprise"
    confidential = True

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document = models.JSONField(_("document"), encoder=DjangoJSONEncoder)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True, default="")
    source_name = models.CharField(_("uploaded file"), max_length=255, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="one_version_number_per_assessment"
            )
        ]
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"


class AssessmentOption(models.Model):
    """An option of an assessment's current document, kept as a row so that options can be
    followed across enterprises (by sector, practice, country). Rewritten at every save."""

    permission_path = "assessment__enterprise"
    confidential = True

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="options")
    option_id = models.CharField(_("option"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    practice = models.CharField(_("practice"), max_length=40, choices=PRACTICE_CHOICES)
    status = models.CharField(_("status"), max_length=20, choices=OPTION_STATUS_CHOICES)
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    investment = models.FloatField(_("investment"), null=True, blank=True)
    annual_savings = models.FloatField(_("annual savings"), null=True, blank=True)
    net_present_value = models.FloatField(_("net present value"), null=True, blank=True)
    payback_years = models.FloatField(_("simple payback [years]"), null=True, blank=True)
    verified_savings = models.FloatField(_("verified savings"), null=True, blank=True)
    verified_savings_unit = models.CharField(max_length=40, blank=True, default="")
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "option_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "option_id"], name="one_row_per_option")
        ]
        indexes = [models.Index(fields=["status", "practice"])]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.title
