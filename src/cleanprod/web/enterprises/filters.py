"""The registry's search, filters and sort order: one definition for the list page and its
exports."""

from __future__ import annotations

from typing import Any

import django_filters
import pycountry
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.models import Organisation
from cleanprod.web.enterprises.choices import Sector, Size, SupplyChainRole
from cleanprod.web.enterprises.duplicates import fold

#: The filter's value for the empty supply-chain role ("not in a programme supply chain").
NO_ROLE = "none"

SORT_CHOICES = [
    ("name", _("name, A to Z")),
    ("-name", _("name, Z to A")),
    ("country", _("country")),
    ("-country", _("country, descending")),
    ("-updated", _("changed lately")),
    ("updated", _("changed longest ago")),
]
#: What each sort order sorts by: then by name and key, so that pages never overlap.
SORT_ORDER = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "country": ("country", "name", "pk"),
    "-country": ("-country", "name", "pk"),
    "updated": ("updated", "pk"),
    "-updated": ("-updated", "-pk"),
}


#: The centres' countries by the names their governments and the UN use.
CENTRE_COUNTRY_NAMES = {"VN": "Viet Nam", "LA": "Lao PDR", "KH": "Cambodia"}


def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 alpha-2 code ("LA" → "Lao PDR", "TH" →
    "Thailand"), or the code itself when unknown."""
    if code in CENTRE_COUNTRY_NAMES:
        return CENTRE_COUNTRY_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or getattr(country, "name", code)


def search_condition(text: str) -> Q:
    """Every word of ``text`` in an enterprise's name, local name, registration number or
    province, whatever the case and the Vietnamese accents (``Enterprise.search_text``)."""
    condition = Q()
    for word in fold(text).split():
        condition &= Q(search_text__contains=word)
    return condition


class EnterpriseFilter(django_filters.FilterSet):
    """Filters a query of enterprises (already restricted to what the user may see)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("name, registration number, province")}
        ),
    )
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("any"))
    province = django_filters.ChoiceFilter(label=_("Province"), empty_label=_("any"))
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.choices, empty_label=_("any")
    )
    size = django_filters.ChoiceFilter(label=_("Size"), choices=Size.choices, empty_label=_("any"))
    role = django_filters.ChoiceFilter(
        label=_("Supply-chain role"),
        choices=[(value or NO_ROLE, label) for value, label in SupplyChainRole.choices],
        empty_label=_("any"),
        method="by_role",
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Registered by"),
        queryset=Organisation.objects.none(),
        empty_label=_("any"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="by_order"
    )

    def __init__(self, data: Any = None, queryset: QuerySet | None = None, **kwargs: Any):
        super().__init__(data, queryset=queryset, **kwargs)
        registry = self.queryset.order_by()
        countries = sorted(registry.values_list("country", flat=True).distinct())
        self.filters["country"].extra["choices"] = [
            (code, f"{country_name(code)} ({code})") for code in countries
        ]
        chosen_country = (data or {}).get("country")
        provinces = registry.exclude(province="")
        if chosen_country in countries:
            provinces = provinces.filter(country=chosen_country)
        pairs = sorted(provinces.values_list("country", "province").distinct())
        grouped: dict[str, list[tuple[str, str]]] = {}
        for code, province in pairs:
            grouped.setdefault(country_name(code), []).append((province, province))
        self.filters["province"].extra["choices"] = list(grouped.items())
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=registry.values("organisation")
        )

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            queryset = queryset.order_by(*SORT_ORDER["name"])
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(search_condition(value))

    def by_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(supply_chain_role="" if value == NO_ROLE else value)

    def by_order(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORT_ORDER.get(value, SORT_ORDER["name"]))
