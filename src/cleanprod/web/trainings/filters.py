"""The filters of the session and participant lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.models import Organisation
from cleanprod.web.enterprises.duplicates import fold
from cleanprod.web.enterprises.filters import country_name
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.trainings.choices import Sex
from cleanprod.web.trainings.models import Course, Module


class SessionFilter(django_filters.FilterSet):
    """Filters a query of sessions (already restricted to what the user may see)."""

    course = django_filters.ModelChoiceFilter(
        label=_("Course"),
        field_name="module__course",
        queryset=Course.objects.none(),
        empty_label=_("any"),
    )
    module = django_filters.ModelChoiceFilter(
        label=_("Module"), queryset=Module.objects.none(), empty_label=_("any")
    )
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("any"))
    year = django_filters.ChoiceFilter(label=_("Year"), empty_label=_("any"), method="by_year")

    def __init__(self, data: Any = None, queryset: QuerySet | None = None, **kwargs: Any):
        super().__init__(data, queryset=queryset, **kwargs)
        sessions = self.queryset.order_by()
        self.filters["course"].queryset = Course.objects.filter(
            pk__in=sessions.values("module__course")
        ).order_by("title")
        modules = Module.objects.filter(pk__in=sessions.values("module")).select_related("course")
        chosen_course = (data or {}).get("course")
        if chosen_course and str(chosen_course).isdigit():
            modules = modules.filter(course_id=int(chosen_course))
        self.filters["module"].queryset = modules.order_by("course__title", "number")
        countries = sorted(sessions.values_list("country", flat=True).distinct())
        self.filters["country"].extra["choices"] = [
            (code, f"{country_name(code)} ({code})") for code in countries
        ]
        years = sorted(
            {
                year
                for year in sessions.annotate(year=ExtractYear("start_date"))
                .values_list("year", flat=True)
                .distinct()
                if year
            },
            reverse=True,
        )
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in years]

    def by_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(start_date__year=int(value))


class ParticipantFilter(django_filters.FilterSet):
    """Filters a query of participants (already restricted to those the user may see)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("name, position, email, phone")}
        ),
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=_("any")
    )
    enterprise = django_filters.ModelChoiceFilter(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), empty_label=_("any")
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices, empty_label=_("any"))

    def __init__(self, data: Any = None, queryset: QuerySet | None = None, **kwargs: Any):
        super().__init__(data, queryset=queryset, **kwargs)
        participants = self.queryset.order_by()
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=participants.values("organisation")
        ).order_by("name")
        self.filters["enterprise"].queryset = Enterprise.objects.filter(
            pk__in=participants.values("enterprise")
        ).order_by("name")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for word in fold(value).split():
            condition &= Q(search_text__contains=word)
        return queryset.filter(condition)
