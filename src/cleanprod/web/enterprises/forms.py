"""Forms of the enterprise registry: an enterprise, its contacts, an import."""

from __future__ import annotations

from typing import Any

import pycountry
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from cleanprod.web.accounts.choices import Role
from cleanprod.web.accounts.models import Organisation
from cleanprod.web.enterprises.filters import CENTRE_COUNTRY_NAMES, country_name
from cleanprod.web.enterprises.models import Contact, Enterprise

#: The countries of the centres, first in the list of countries.
MEKONG_COUNTRIES = tuple(CENTRE_COUNTRY_NAMES)

#: The largest file an import reads (a registry of a few thousand rows is well below).
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def country_choices() -> list[tuple[str, Any]]:
    """The centres' countries first, then every ISO 3166-1 country by name."""

    def choice(code: str) -> tuple[str, str]:
        return code, f"{country_name(code)} ({code})"

    others = sorted(
        (choice(c.alpha_2) for c in pycountry.countries if c.alpha_2 not in MEKONG_COUNTRIES),
        key=lambda pair: pair[1],
    )
    return [
        ("", "—"),
        (_("Mekong"), [choice(code) for code in MEKONG_COUNTRIES]),
        (_("Other countries"), others),
    ]


class ConsultantChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: Any) -> str:
        name = user.get_full_name() or user.get_username()
        profile = getattr(user, "profile", None)
        return f"{name} ({user.get_username()}, {profile.organisation})" if profile else name


class EnterpriseForm(forms.ModelForm):
    """An enterprise's registry fields; its organisation only for a superuser to choose, its
    assigned consultants only for those who may assign them."""

    #: The page's groups of fields.
    FIELDSETS = (
        (_("Enterprise"), ("name", "local_name", "registration_number", "organisation")),
        (
            _("Place"),
            ("country", "province", "district", "address", "latitude", "longitude"),
        ),
        (_("Activity"), ("sector", "size", "employees", "supply_chain_role")),
        (_("How to reach it"), ("phone", "email", "website")),
        (_("Assigned consultants"), ("consultants",)),
    )

    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "local_name",
            "registration_number",
            "country",
            "province",
            "district",
            "address",
            "sector",
            "size",
            "employees",
            "supply_chain_role",
            "latitude",
            "longitude",
            "phone",
            "email",
            "website",
            "organisation",
            "consultants",
        ]
        field_classes = {"consultants": ConsultantChoiceField}
        widgets = {"consultants": forms.CheckboxSelectMultiple}
        help_texts = {
            "local_name": _("As written in Vietnamese, Lao or Khmer."),
            "latitude": _("Decimal degrees, e.g. 17.9757; give the longitude too."),
            "longitude": _("Decimal degrees, e.g. 102.6331; give the latitude too."),
        }

    def __init__(
        self,
        *args: Any,
        choose_organisation: bool = False,
        assign_consultants: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not choose_organisation:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        if not assign_consultants:
            del self.fields["consultants"]
        else:
            # Consultants of any organisation, and whoever is assigned already.
            condition = Q(profile__role=Role.CONSULTANT, is_active=True)
            if self.instance.pk:
                condition |= Q(pk__in=self.instance.consultants.values("pk"))
            self.fields["consultants"].queryset = (
                get_user_model()
                .objects.filter(condition)
                .select_related("profile__organisation")
                .order_by("profile__organisation__name", "first_name", "last_name", "username")
            )
            self.fields["consultants"].help_text = _(
                "Consultants of any organisation; an assigned consultant sees and changes this "
                "enterprise's data."
            )

    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """(legend, bound fields) of the groups that have fields on this form."""
        groups = []
        for legend, names in self.FIELDSETS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append((legend, fields))
        return groups


class EnterpriseCreateForm(EnterpriseForm):
    """A new enterprise; when it looks like enterprises already registered, it is saved only
    with ``register_anyway`` ticked."""

    register_anyway = forms.BooleanField(
        label=_("It is not one of these: register it anyway"), required=False
    )


ContactFormSet = inlineformset_factory(
    Enterprise,
    Contact,
    fields=["name", "position", "phone", "email"],
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class ImportForm(forms.Form):
    """A spreadsheet of enterprises to register."""

    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Registered by"), queryset=Organisation.objects.order_by("name")
    )
    import_duplicates = forms.BooleanField(
        label=_("Import the likely duplicates anyway (I checked them: they are other enterprises)"),
        required=False,
    )

    def __init__(self, *args: Any, choose_organisation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not choose_organisation:
            del self.fields["organisation"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; an import takes at most %(limit)s MB: split it."),
                params={
                    "size": round(upload.size / 1024 / 1024, 1),
                    "limit": MAX_IMPORT_BYTES // 1024 // 1024,
                },
            )
        return upload
