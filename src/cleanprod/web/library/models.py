"""Case studies: implemented options told for others to learn from, published by a centre.

A case study is drawn from one option of an assessment (``assessment`` and ``option_id``:
the option rows of an assessment are rewritten at every save, so no foreign key to them is
kept). Its figures are a **snapshot** of the assessment's results taken when the case was
started (and taken again on request while it is a draft): what the public page shows does not
change when the assessment is edited afterwards.

A draft, and the link of any case to its enterprise and assessment, are confidential: they
pass through the platform's one permission filter, through the assessment's enterprise. A
published case is public: :meth:`CaseStudyQuerySet.published` gives the published cases with
only their public fields (the snapshot, the texts and the publishing organisation's name),
and the public pages read nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.models import Organisation
from cleanprod.web.assessments.models import Assessment
from cleanprod.web.enterprises.choices import Sector, Size
from cleanprod.web.library.choices import LANGUAGE_CHOICES, PRACTICE_CHOICES, Status
from cleanprod.web.permissions import RestrictedQuerySet

#: The fields of a case the public pages read: the snapshot and the original text. Nothing
#: leads from them to the enterprise, its assessment or the people who wrote the case.
PUBLIC_FIELDS = (
    "id",
    "slug",
    "language",
    "title",
    "summary",
    "problem",
    "action",
    "outcome",
    "lessons",
    "anonymised",
    "enterprise_name",
    "sector",
    "size",
    "country",
    "province",
    "practice",
    "year_implemented",
    "currency",
    "investment",
    "actual_investment",
    "annual_savings",
    "payback_years",
    "verified_resource",
    "verified_saving",
    "verified_low",
    "verified_high",
    "verified_unit",
    "verified_significant",
    "verified_periods",
    "verified_fraction",
    "verified_money",
    "water_m3",
    "energy_kwh",
    "co2e_t",
    "published_at",
    "updated",
    "organisation__name",
    "organisation__short_name",
)
#: The fields of a translation the public pages read.
PUBLIC_TEXT_FIELDS = (
    "id",
    "case_id",
    "language",
    "title",
    "summary",
    "problem",
    "action",
    "outcome",
    "lessons",
)


class CaseStudyQuerySet(RestrictedQuerySet):
    """Case studies: ``restrict(user, action)`` for the staff's pages, :meth:`published` for
    everyone."""

    def published(self) -> CaseStudyQuerySet:
        """The published cases with only their public fields, their translations and the
        publishing organisation's name (three queries for any number of cases)."""
        return (
            self.filter(status=Status.PUBLISHED)
            .select_related("organisation")
            .only(*PUBLIC_FIELDS)
            .prefetch_related(
                Prefetch(
                    "texts",
                    queryset=CaseStudyText.objects.only(*PUBLIC_TEXT_FIELDS),
                    to_attr="translations",
                )
            )
        )


class CaseStudy(models.Model):
    """An implemented option told as a case study: a snapshot of its figures, its story in
    the language it was written in (translations in :class:`CaseStudyText`), published by
    a centre."""

    #: Drafts and the link to the enterprise are the enterprise's confidential data.
    permission_path = "assessment__enterprise"
    confidential = True

    # The source: confidential.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        related_name="case_studies",
        verbose_name=_("assessment"),
    )
    option_id = models.CharField(_("option"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="case_studies",
        verbose_name=_("published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    # Publication.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    #: The address of the public page, given at the first publication and kept after.
    slug = models.SlugField(_("address"), max_length=80, unique=True, null=True, blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    # The text, in the language it was written in.
    language = models.CharField(
        _("language written in"), max_length=5, choices=LANGUAGE_CHOICES, default="en"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    problem = models.TextField(_("the problem"), blank=True, default="")
    action = models.TextField(_("what was done"), blank=True, default="")
    outcome = models.TextField(_("results"), blank=True, default="")
    lessons = models.TextField(_("lessons"), blank=True, default="")

    # Who: the enterprise as the case shows it.
    anonymised = models.BooleanField(
        _("anonymised"),
        default=False,
        help_text=_(
            "The public page then describes the enterprise by its sector, size and place, "
            "never by its name."
        ),
    )
    #: The enterprise's name at publication; empty when the case is anonymised.
    enterprise_name = models.CharField(_("enterprise"), max_length=200, blank=True, default="")
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True, default="")
    country = models.CharField(_("country"), max_length=2)
    province = models.CharField(_("province"), max_length=100, blank=True, default="")

    # The figures: a snapshot of the results of the assessment.
    practice = models.CharField(_("practice"), max_length=40, choices=PRACTICE_CHOICES)
    year_implemented = models.PositiveSmallIntegerField(
        _("year implemented"), null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    investment = models.FloatField(_("investment"), null=True, blank=True)
    actual_investment = models.FloatField(_("actual investment"), null=True, blank=True)
    annual_savings = models.FloatField(_("annual savings"), null=True, blank=True)
    payback_years = models.FloatField(_("simple payback [years]"), null=True, blank=True)
    verified_resource = models.CharField(
        _("resource of the verified saving"), max_length=200, blank=True, default=""
    )
    verified_saving = models.FloatField(_("verified saving"), null=True, blank=True)
    verified_low = models.FloatField(_("verified saving, lower bound"), null=True, blank=True)
    verified_high = models.FloatField(_("verified saving, upper bound"), null=True, blank=True)
    verified_unit = models.CharField(
        _("unit of the verified saving"), max_length=40, blank=True, default=""
    )
    verified_significant = models.BooleanField(
        _("verified saving is significant"), null=True, blank=True
    )
    verified_periods = models.PositiveSmallIntegerField(
        _("reporting periods of the verified saving"), null=True, blank=True
    )
    verified_fraction = models.FloatField(_("verified saving [fraction]"), null=True, blank=True)
    verified_money = models.FloatField(_("worth of the verified saving"), null=True, blank=True)
    water_m3 = models.FloatField(_("water saved [m3 a year]"), null=True, blank=True)
    energy_kwh = models.FloatField(_("energy saved [kWh a year]"), null=True, blank=True)
    co2e_t = models.FloatField(_("emissions avoided [t CO2e a year]"), null=True, blank=True)

    #: Every text of the case in every language, the enterprise's name (when shown) and its
    #: province, folded for a search that ignores case and Vietnamese accents; kept by
    #: :mod:`cleanprod.web.library.publishing`.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-updated", "pk"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "option_id"], name="one_case_study_per_option"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "country", "sector"]),
            models.Index(fields=["status", "practice"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_verified_saving(self) -> bool:
        return self.verified_saving is not None


class CaseStudyText(models.Model):
    """A case's text translated into another language."""

    permission_path = "case__assessment__enterprise"
    confidential = True

    case = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, related_name="texts", verbose_name=_("case study")
    )
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    problem = models.TextField(_("the problem"), blank=True, default="")
    action = models.TextField(_("what was done"), blank=True, default="")
    outcome = models.TextField(_("results"), blank=True, default="")
    lessons = models.TextField(_("lessons"), blank=True, default="")
    updated = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["case", "language"]
        verbose_name = _("translation of a case study")
        verbose_name_plural = _("translations of case studies")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"
