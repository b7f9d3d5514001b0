"""The forms of assessments: filters, a new assessment, an upload, the edit of a document's
processes and flows, the follow-up of an option."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic_core import PydanticCustomError

from cleanprod.model.choices import FLOW_KINDS, OPTION_STATUSES, PRACTICES, QUALITIES
from cleanprod.model.quantities import check_currency
from cleanprod.web.accounts.models import Organisation
from cleanprod.web.assessments.choices import Stage
from cleanprod.web.enterprises.choices import Sector
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import Action

#: Largest document a user may upload [bytes] (a workbook of a large plant is a few MB).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: The suffixes of the documents the platform reads.
UPLOAD_SUFFIXES = ".yaml,.yml,.json,.xlsx"


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country is not None else code


def _any(label: str) -> list[tuple[str, str]]:
    return [("", label)]


#: Above this many enterprises the filter offers no drop-down list of them.
MOST_ENTERPRISES_LISTED = 200


class AssessmentFilter(forms.Form):
    """Search and filters of the list of assessments (every field optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        enterprises = Enterprise.objects.restrict(user, Action.VIEW)
        countries = enterprises.order_by("country").values_list("country", flat=True).distinct()
        self.fields["country"].choices = _any(_("any country")) + [
            (code, country_name(code)) for code in countries
        ]
        self.fields["sector"].choices = _any(_("any sector")) + list(Sector.choices)
        self.fields["stage"].choices = _any(_("any stage")) + list(Stage.choices)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = _("any organisation")
        self.fields["enterprise"].queryset = enterprises.order_by("name")
        self.fields["enterprise"].empty_label = _("any enterprise")
        if enterprises.count() > MOST_ENTERPRISES_LISTED:
            # A registry of thousands makes no list to choose from: search by name instead;
            # the enterprise's own page links here with its id.
            self.fields["enterprise"].widget = forms.HiddenInput()


class OptionFilter(forms.Form):
    """Filters of the options across enterprises."""

    sector = forms.ChoiceField(label=_("Sector"), required=False)
    practice = forms.ChoiceField(label=_("Practice"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        enterprises = Enterprise.objects.restrict(user, Action.VIEW)
        countries = enterprises.order_by("country").values_list("country", flat=True).distinct()
        self.fields["country"].choices = _any(_("any country")) + [
            (code, country_name(code)) for code in countries
        ]
        self.fields["sector"].choices = _any(_("any sector")) + list(Sector.choices)
        self.fields["practice"].choices = _any(_("any practice")) + [
            (practice, practice) for practice in PRACTICES
        ]
        self.fields["status"].choices = _any(_("any status")) + status_choices()
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = _("any organisation")


def status_choices() -> list[tuple[str, str]]:
    """The statuses of an option, in words."""
    words = {
        "identified": _("identified"),
        "implement-now": _("implement now"),
        "further-study": _("further study"),
        "rejected": _("rejected"),
        "planned": _("planned"),
        "implemented": _("implemented"),
    }
    return [(status, words.get(status, status)) for status in OPTION_STATUSES]


class ChangeableEnterprise(forms.ModelChoiceField):
    """An enterprise the user may change (their organisation's or one they are assigned to)."""

    def label_from_instance(self, enterprise: Enterprise) -> str:
        return f"{enterprise.name} ({enterprise.country})"


def _enterprises_for(user: Any) -> Any:
    return Enterprise.objects.restrict(user, Action.CHANGE).order_by("name")


def _year_choices() -> list[tuple[int, int]]:
    this_year = dt.date.today().year
    return [(year, year) for year in range(this_year + 1, 1989, -1)]


class NewAssessmentForm(forms.Form):
    """A new assessment started in the browser, from the registry's data of its enterprise."""

    enterprise = ChangeableEnterprise(label=_("Enterprise"), queryset=Enterprise.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.TypedChoiceField(
        label=_("Baseline year"),
        coerce=int,
        help_text=_("The document's period is this calendar year; change it when editing."),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.BASELINE)
    currency = forms.CharField(
        label=_("Currency of the accounts"),
        max_length=3,
        required=False,
        help_text=_("ISO 4217 code (LAK, VND, KHR, USD ...); empty: the country's currency."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises_for(user)
        self.fields["year"].choices = _year_choices()
        self.fields["year"].initial = dt.date.today().year - 1

    def clean_currency(self) -> str:
        code = self.cleaned_data.get("currency", "").strip()
        if not code:
            return ""
        try:
            return check_currency(code)
        except PydanticCustomError:  # the model's error, said here in the form's words
            raise forms.ValidationError(
                _("'%(code)s' is not an ISO 4217 currency code (e.g. LAK, VND, KHR, USD)."),
                params={"code": code},
            ) from None


class _UploadFields(forms.Form):
    document = forms.FileField(
        label=_("Document"),
        help_text=_("A cleanprod/1 document: .xlsx, .yaml or .json."),
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_SUFFIXES}),
    )
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the platform reads documents up to %(most)s MB."),
                params={
                    "size": round(upload.size / 1024 / 1024, 1),
                    "most": MAX_UPLOAD_BYTES // 1024 // 1024,
                },
            )
        return upload


class UploadNewForm(_UploadFields):
    """An uploaded document that starts a new assessment of an enterprise."""

    enterprise = ChangeableEnterprise(label=_("Enterprise"), queryset=Enterprise.objects.none())
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.BASELINE)

    field_order = ["enterprise", "document", "stage", "comment"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises_for(user)


class UploadVersionForm(_UploadFields):
    """An uploaded document that becomes the next version of an assessment."""

    started_from = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class HeaderForm(forms.Form):
    """The document's title and period, and the assessment's stage and year."""

    started_from = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label=_("to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    comment = forms.CharField(label=_("What you changed"), max_length=300, required=False)


class ProcessForm(forms.Form):
    """One process step: its id and name (its other fields are kept as they are)."""

    original_id = forms.CharField(widget=forms.HiddenInput, required=False)
    id = forms.CharField(label=_("Id"), max_length=100)
    name = forms.CharField(label=_("Name"), max_length=300)
    unit_operation = forms.CharField(label=_("Unit operation"), max_length=100, required=False)


def _choices(values: tuple[str, ...], blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(value, value) for value in values]
    return [("", blank), *choices] if blank is not None else choices


class FlowForm(forms.Form):
    """One flow: where it goes, its kind and layer, its value and how sure it is (its price,
    costs, concentrations, causes and source are kept as they are)."""

    original_id = forms.CharField(widget=forms.HiddenInput, required=False)
    id = forms.CharField(label=_("Id"), max_length=100)
    name = forms.CharField(label=_("Name"), max_length=300)
    from_process = forms.CharField(label=_("From"), max_length=100, required=False)
    to_process = forms.CharField(label=_("To"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_choices(FLOW_KINDS, ""))
    layer = forms.CharField(label=_("Layer"), max_length=100, initial="mass")
    value = forms.CharField(label=_("Value"), max_length=40, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    sd = forms.CharField(label=_("sd"), max_length=40, required=False)
    uncertainty = forms.CharField(label=_("± %"), max_length=20, required=False)
    quality = forms.ChoiceField(label=_("Quality"), choices=_choices(QUALITIES, ""), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("from_process", "to_process"):
            self.fields[name].widget.attrs["list"] = "process-ids"
        self.fields["layer"].widget.attrs["list"] = "layer-ids"
        for name in ("value", "sd", "uncertainty"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "size": 8})
        for name in ("unit", "layer"):
            self.fields[name].widget.attrs["size"] = 6


ProcessFormSet = forms.formset_factory(ProcessForm, extra=2, can_delete=True)
FlowFormSet = forms.formset_factory(FlowForm, extra=3, can_delete=True)


class OptionFollowForm(forms.Form):
    """Where an option stands: its status, since when, and what it really cost."""

    started_from = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(label=_("Status"))
    date = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When it reached this status (today, when you change the status only)."),
    )
    actual_investment = forms.CharField(
        label=_("Actual investment"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
    )

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = status_choices()
        if currency:
            self.fields["actual_investment"].help_text = _("in %(currency)s") % {
                "currency": currency
            }
