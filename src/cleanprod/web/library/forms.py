"""The forms of the case-study library: a new case, its details, its text in a language, the
staff's and the public's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cleanprod.web.enterprises.choices import Sector
from cleanprod.web.library.choices import (
    LANGUAGE_NAMES,
    PRACTICE_CHOICES,
    TEXT_FIELDS,
    Status,
    country_label,
)
from cleanprod.web.library.models import CaseStudy, CaseStudyText
from cleanprod.web.library.publishing import identifiers_of, identifying_problems

TEXT_WIDGETS = {
    "summary": forms.Textarea(attrs={"rows": 3, "maxlength": 600}),
    "problem": forms.Textarea(attrs={"rows": 5}),
    "action": forms.Textarea(attrs={"rows": 5}),
    "outcome": forms.Textarea(attrs={"rows": 5}),
    "lessons": forms.Textarea(attrs={"rows": 4}),
}
TEXT_HELP = {
    "title": _("A short title that says what was done, such as “Repairing a hidden leak”."),
    "summary": _("Two or three sentences a busy reader takes away."),
    "problem": _("What was wasted, and why it mattered to the enterprise."),
    "action": _("What the enterprise changed, with whom, and what it cost."),
    "outcome": _("What changed afterwards, in figures the enterprise measured."),
    "lessons": _("What another enterprise should know before doing the same."),
}


def _anonymity_errors(form: forms.Form, enterprise: Any, anonymised: bool, language: str) -> None:
    """Put on the form each text that names an anonymised case's enterprise."""
    if not anonymised or enterprise is None:
        return
    texts = {language: {name: form.cleaned_data.get(name) or "" for name in TEXT_FIELDS}}
    for problem in identifying_problems(identifiers_of(enterprise), texts):
        form.add_error(None, problem)


class CaseStartForm(forms.ModelForm):
    """A new case study: the language it is written in, its text, whether it is
    anonymised, the province it names."""

    class Meta:
        model = CaseStudy
        fields = ["language", *TEXT_FIELDS, "anonymised", "province"]
        widgets = TEXT_WIDGETS
        help_texts = {
            **TEXT_HELP,
            "province": _("Leave it empty to name only the country."),
        }

    def __init__(self, *args: Any, enterprise: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _anonymity_errors(
            self, self.enterprise, bool(data.get("anonymised")), data.get("language") or "en"
        )
        return data

    def _post_clean(self) -> None:
        """No instance is built from this form: publishing.start_case_study takes its values
        and runs the model's checks of the other fields there."""


class CaseDetailsForm(forms.ModelForm):
    """A case's details: the language it is written in, its anonymity, sector and province."""

    class Meta:
        model = CaseStudy
        fields = ["language", "anonymised", "sector", "province"]
        help_texts = {"province": _("Leave it empty to name only the country.")}

    def clean_language(self) -> str:
        language = self.cleaned_data["language"]
        if (
            language != self.instance.language
            and self.instance.texts.filter(language=language).exists()
        ):
            raise forms.ValidationError(
                _(
                    "The case has a translation into %(language)s: delete that translation "
                    "before saying the case is written in %(language)s."
                ),
                params={"language": LANGUAGE_NAMES.get(language, language)},
            )
        return language


class OriginalTextForm(forms.ModelForm):
    """The text of a case in the language it was written in."""

    class Meta:
        model = CaseStudy
        fields = list(TEXT_FIELDS)
        widgets = TEXT_WIDGETS
        help_texts = TEXT_HELP

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        case = self.instance
        _anonymity_errors(self, case.assessment.enterprise, case.anonymised, case.language)
        return data


class TranslationForm(forms.ModelForm):
    """A case's text in another language; empty title and summary delete the translation."""

    class Meta:
        model = CaseStudyText
        fields = list(TEXT_FIELDS)
        widgets = TEXT_WIDGETS

    def __init__(self, *args: Any, case: CaseStudy, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.case = case
        self.language = language
        self.fields["title"].required = False
        self.fields["summary"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        title = (data.get("title") or "").strip()
        summary = (data.get("summary") or "").strip()
        if bool(title) != bool(summary):
            raise forms.ValidationError(
                _(
                    "Give both the title and the summary of the translation, or empty both "
                    "to delete it."
                )
            )
        _anonymity_errors(
            self, self.case.assessment.enterprise, self.case.anonymised, self.language
        )
        return data

    def _post_clean(self) -> None:
        """No instance is built from this form: publishing.save_translation saves its values
        (and deletes an emptied translation)."""


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class StaffFilter(forms.Form):
    """Search and status of the staff's list of cases."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _any(_("any status")) + list(Status.choices)


class PublicFilter(forms.Form):
    """Search and filters of the public list: only the sectors, practices and countries of
    published cases are offered."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    practice = forms.ChoiceField(label=_("Practice"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(
        self,
        *args: Any,
        sectors: set[str],
        practices: set[str],
        countries: set[str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = _any(_("any sector")) + [
            (value, label) for value, label in Sector.choices if value in sectors
        ]
        self.fields["practice"].choices = _any(_("any practice")) + [
            (value, label) for value, label in PRACTICE_CHOICES if value in practices
        ]
        self.fields["country"].choices = _any(_("any country")) + sorted(
            ((code, country_label(code)) for code in countries), key=lambda item: item[1]
        )
