"""The filters of the API's lists (django-filter), one FilterSet per endpoint.

A filter only narrows a list that the permission filter has already restricted
(:meth:`cleanprod.web.permissions.RestrictedQuerySet.restrict`): it never widens it.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from cleanprod.web.assessments.choices import (
    OPTION_STATUS_CHOICES,
    PRACTICE_CHOICES,
    Stage,
)
from cleanprod.web.assessments.models import Assessment, AssessmentOption
from cleanprod.web.enterprises.choices import Sector, Size, SupplyChainRole
from cleanprod.web.enterprises.duplicates import fold
from cleanprod.web.enterprises.models import Enterprise


class CountryFilter(django_filters.CharFilter):
    """An ISO 3166-1 alpha-2 code, in either case (``LA`` or ``la``)."""

    def filter(self, queryset: QuerySet, value: str) -> QuerySet:
        return super().filter(queryset, value.strip().upper() if value else value)


class EnterpriseFilter(django_filters.FilterSet):
    country = CountryFilter(help_text="ISO 3166-1 alpha-2 code of the country (VN, LA, KH ...)")
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    size = django_filters.ChoiceFilter(choices=Size.choices)
    supply_chain_role = django_filters.ChoiceFilter(choices=SupplyChainRole.choices)
    organisation = django_filters.NumberFilter(
        field_name="organisation_id", help_text="Id of the organisation that registered it"
    )
    search = django_filters.CharFilter(
        method="search_words",
        help_text=(
            "Words of the name, local name, registration number or province, whatever the "
            "case and the Vietnamese accents (as the registry's page searches)"
        ),
    )

    class Meta:
        model = Enterprise
        fields = ["country", "sector", "size", "supply_chain_role", "organisation", "search"]

    def search_words(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word of ``value`` in the enterprise's folded search text."""
        condition = Q()
        for word in fold(value).split():
            condition &= Q(search_text__contains=word)
        return queryset.filter(condition)


class AssessmentFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    organisation = django_filters.NumberFilter(
        field_name="enterprise__organisation_id",
        help_text="Id of the organisation that registered the enterprise",
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    year = django_filters.NumberFilter(help_text="Baseline year")
    search = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", help_text="Part of the title"
    )

    class Meta:
        model = Assessment
        fields = ["enterprise", "organisation", "stage", "year", "search"]


class OptionFilter(django_filters.FilterSet):
    assessment = django_filters.NumberFilter(field_name="assessment_id")
    enterprise = django_filters.NumberFilter(field_name="assessment__enterprise_id")
    organisation = django_filters.NumberFilter(
        field_name="assessment__enterprise__organisation_id",
        help_text="Id of the organisation that registered the enterprise",
    )
    country = CountryFilter(
        field_name="assessment__enterprise__country",
        help_text="ISO 3166-1 alpha-2 code of the enterprise's country",
    )
    sector = django_filters.ChoiceFilter(
        field_name="assessment__enterprise__sector", choices=Sector.choices
    )
    practice = django_filters.ChoiceFilter(choices=PRACTICE_CHOICES)
    status = django_filters.ChoiceFilter(choices=OPTION_STATUS_CHOICES)

    class Meta:
        model = AssessmentOption
        fields = [
            "assessment",
            "enterprise",
            "organisation",
            "country",
            "sector",
            "practice",
            "status",
        ]
