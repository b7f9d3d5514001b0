"""A case study as its public page shows it: in the reader's language when it is translated,
its figures formatted for that language, its verified saving in plain words.

:func:`present` reads only the case's public fields (:data:`models.PUBLIC_FIELDS`) and its
translations: what it returns is all a public template knows of a case. Call it with the
reader's language active (``translation.override``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cleanprod.web.assessments.formatting import figure, money, percent
from cleanprod.web.library.choices import (
    LANGUAGE_NAMES,
    PRACTICE_EXPLANATIONS,
    PRACTICE_NAMES,
    SECTOR_KINDS,
    SIZE_WORDS,
    country_label,
)
from cleanprod.web.library.models import CaseStudy

#: Units as a reader writes them.
UNIT_SIGNS = {"m3": "m³", "m2": "m²", "Nm3": "Nm³"}


def unit_sign(unit: str) -> str:
    return UNIT_SIGNS.get(unit, unit)


@dataclass(frozen=True)
class Fact:
    """One figure of a case: what it is, its value with its unit, and a note."""

    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class CaseView:
    """What a case's page shows, in one language."""

    slug: str
    #: The language of the text shown, the language asked for, and whether they differ.
    text_language: str
    language: str
    untranslated_note: str
    title: str
    summary: str
    narrative: list[tuple[str, str]]
    #: The enterprise: its name, or nothing when the case is anonymised; and its
    #: description ("A small rattan and bamboo processor in Ha Noi, Viet Nam").
    enterprise_name: str
    description: str
    country: str
    country_name: str
    sector: str
    practice: str
    practice_name: str
    practice_explanation: str
    year_implemented: int | None
    facts: list[Fact] = field(default_factory=list)
    headline: str = ""
    verified: list[str] = field(default_factory=list)
    verified_resource: str = ""
    organisation: str = ""
    published_on: str = ""
    #: The languages the case can be read in (its own and its translations').
    languages: tuple[str, ...] = ()


def description_of(case: CaseStudy) -> str:
    """ "A small rattan and bamboo processor in Ha Noi, Viet Nam": the enterprise by its size,
    sector and place, never by its name."""
    kind = str(SECTOR_KINDS.get(case.sector, SECTOR_KINDS["other"]))
    size = SIZE_WORDS.get(case.size)
    values = {
        "kind": kind,
        "size": str(size) if size else "",
        "province": case.province,
        "country": country_label(case.country),
    }
    if size and case.province:
        return _("A %(size)s %(kind)s in %(province)s, %(country)s") % values
    if size:
        return _("A %(size)s %(kind)s in %(country)s") % values
    if case.province:
        return _("A %(kind)s in %(province)s, %(country)s") % values
    return _("A %(kind)s in %(country)s") % values


def _amount(value: float | None, currency: str) -> str:
    """An amount in whole units with its currency code (đồng, kip and riel have no smaller
    coins in use)."""
    return f"{money(value)} {currency}".strip()


def facts_of(case: CaseStudy) -> list[Fact]:
    """The figures of a case, each with its unit, formatted for the active language."""
    facts = []
    currency = case.currency
    if case.actual_investment is not None:
        note = ""
        if case.investment is not None:
            note = _("%(amount)s was planned.") % {"amount": _amount(case.investment, currency)}
        facts.append(Fact(_("Investment"), _amount(case.actual_investment, currency), note))
    elif case.investment is not None:
        facts.append(Fact(_("Investment"), _amount(case.investment, currency)))
    if case.annual_savings is not None:
        facts.append(
            Fact(
                _("Savings a year"),
                _amount(case.annual_savings, currency),
                _("As appraised in the assessment."),
            )
        )
    if case.payback_years is not None:
        facts.append(
            Fact(_("Simple payback"), _("%(years)s years") % {"years": figure(case.payback_years)})
        )
    if case.water_m3:
        facts.append(Fact(_("Water saved a year"), f"{figure(case.water_m3)} {unit_sign('m3')}"))
    if case.energy_kwh:
        facts.append(Fact(_("Energy saved a year"), f"{figure(case.energy_kwh)} kWh"))
    if case.co2e_t:
        facts.append(
            Fact(
                _("Greenhouse gases avoided a year"),
                _("%(tonnes)s t CO₂e") % {"tonnes": figure(case.co2e_t)},
            )
        )
    if case.year_implemented:
        facts.append(Fact(_("Implemented in"), str(case.year_implemented)))
    return facts


def verified_words(case: CaseStudy) -> list[str]:
    """The verified saving in plain words: what the records show, how sure it is, what it
    is worth; nothing when the saving is not verified."""
    if case.verified_saving is None:
        return []
    unit = unit_sign(case.verified_unit)
    values = {
        "saving": figure(case.verified_saving),
        "unit": unit,
        "periods": case.verified_periods or "?",
        "percent": percent(case.verified_fraction),
        "low": figure(case.verified_low),
        "high": figure(case.verified_high),
    }
    sentences = []
    if case.verified_fraction is not None:
        sentences.append(
            _(
                "The saving was checked against the plant's own records from before and after "
                "the change: over the %(periods)s periods recorded after it, the plant used "
                "%(saving)s %(unit)s less than it would have used without it (%(percent)s less)."
            )
            % values
        )
    else:
        sentences.append(
            _(
                "The saving was checked against the plant's own records from before and after "
                "the change: over the %(periods)s periods recorded after it, the plant used "
                "%(saving)s %(unit)s less than it would have used without it."
            )
            % values
        )
    if case.verified_low is not None and case.verified_high is not None:
        if case.verified_significant:
            sentences.append(
                _(
                    "Allowing for the ups and downs of production, the true saving lies "
                    "between %(low)s and %(high)s %(unit)s, with 95 %% confidence."
                )
                % values
            )
        else:
            sentences.append(
                _(
                    "The records cannot yet tell this saving apart from chance: with 95 %% "
                    "confidence, the true saving lies between %(low)s and %(high)s %(unit)s, "
                    "a range that includes no saving at all."
                )
                % values
            )
    if case.verified_money is not None and case.currency:
        sentences.append(
            _("At the prices of the assessment, this saving is worth %(amount)s.")
            % {"amount": _amount(case.verified_money, case.currency)}
        )
    return sentences


def headline_of(case: CaseStudy) -> str:
    """One line for a list: what the option saves a year."""
    if case.annual_savings is not None and case.currency:
        amount = _amount(case.annual_savings, case.currency)
        if case.payback_years is not None:
            return _("Saves %(amount)s a year; pays back in %(years)s years.") % {
                "amount": amount,
                "years": figure(case.payback_years),
            }
        return _("Saves %(amount)s a year.") % {"amount": amount}
    return ""


def _translations(case: CaseStudy, translations: Any = None) -> dict[str, Any]:
    if translations is None:
        translations = getattr(case, "translations", None)
    if translations is None:
        translations = list(case.texts.all())
    return {text.language: text for text in translations}


def present(case: CaseStudy, language: str, translations: Any = None) -> CaseView:
    """The case as its page shows it in ``language`` (which must be active): its text in
    that language when it is translated, else its own with a note saying so.

    ``translations`` are the case's :class:`CaseStudyText` rows (by default those prefetched
    by :meth:`CaseStudyQuerySet.published`, else read).
    """
    texts = _translations(case, translations)
    if language == case.language:
        source, text_language, note = case, case.language, ""
    elif language in texts:
        source, text_language, note = texts[language], language, ""
    else:
        source, text_language = case, case.language
        note = _(
            "This case study has not yet been translated into %(language)s. It is shown in "
            "the language it was written in, %(original)s."
        ) % {
            "language": LANGUAGE_NAMES.get(language, language),
            "original": LANGUAGE_NAMES.get(case.language, case.language),
        }
    narrative_labels = {
        "problem": _("The problem"),
        "action": _("What was done"),
        "outcome": _("Results"),
        "lessons": _("Lessons for others"),
    }
    narrative = [
        (str(label), getattr(source, name))
        for name, label in narrative_labels.items()
        if getattr(source, name)
    ]
    published_on = ""
    if case.published_at:
        published_on = formats.date_format(timezone.localtime(case.published_at), "DATE_FORMAT")
    organisation = ""
    if case.organisation_id is not None:
        organisation = case.organisation.name
    return CaseView(
        slug=case.slug or "",
        text_language=text_language,
        language=language,
        untranslated_note=note,
        title=source.title,
        summary=source.summary,
        narrative=narrative,
        enterprise_name="" if case.anonymised else case.enterprise_name,
        description=description_of(case),
        country=case.country,
        country_name=country_label(case.country),
        sector=case.sector,
        practice=case.practice,
        practice_name=str(PRACTICE_NAMES.get(case.practice, case.practice)),
        practice_explanation=str(PRACTICE_EXPLANATIONS.get(case.practice, "")),
        year_implemented=case.year_implemented,
        facts=facts_of(case),
        headline=headline_of(case),
        verified=verified_words(case),
        verified_resource=case.verified_resource,
        organisation=organisation,
        published_on=published_on,
        languages=tuple(sorted({case.language, *texts}, key=_language_order)),
    )


def _language_order(code: str) -> int:
    order = list(LANGUAGE_NAMES)
    return order.index(code) if code in order else len(order)
