"""Starting, writing, publishing and withdrawing case studies: the library's side effects.

Every change goes through a model's ``save`` (or ``delete``), one record at a time, so that
the audit trail (django-auditlog) records who changed what; the derived search text is kept
with a plain UPDATE (it is not logged). An anonymised case is checked before each change:
none of its texts, in any language, may name the enterprise or give its registration number,
address or contacts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cleanprod.web.enterprises.duplicates import (
    fold,
    normalise_name,
    normalise_registration_number,
)
from cleanprod.web.library.choices import LANGUAGE_NAMES, TEXT_FIELDS, Status
from cleanprod.web.library.models import CaseStudy, CaseStudyText
from cleanprod.web.library.snapshot import CaseStudyError, case_figures, option_title

#: The shortest name, number or contact detail looked for in an anonymised case's texts
#: (shorter ones would be found inside ordinary words).
SHORTEST_IDENTIFIER = 4
#: The longest address of a public page (the slug), before a "-2" that makes it unique.
SLUG_LENGTH = 70


# --------------------------------------------------------------------------------------------
# What identifies an enterprise


@dataclass(frozen=True)
class Identifier:
    """Something that names an enterprise: ``kind`` says what (for the message), ``shown``
    is what the user wrote, ``folded`` what is looked for, ``compare`` how the text is
    reduced before looking (``name``, ``text`` or ``digits``)."""

    kind: str
    shown: str
    folded: str
    compare: str


def _alphanumeric(text: str) -> str:
    return "".join(char for char in fold(text) if char.isalnum())


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def identifiers_of(enterprise: Any) -> list[Identifier]:
    """The names, numbers and contact details of an enterprise that an anonymised case may
    not show (one query for its contacts)."""
    found = []

    def add(kind: str, shown: str, folded: str, compare: str) -> None:
        if len(folded) >= SHORTEST_IDENTIFIER:
            found.append(Identifier(kind, shown, folded, compare))

    for name in (enterprise.name, enterprise.local_name):
        if name:
            add(_("the enterprise's name"), name, normalise_name(name), "name")
    if enterprise.registration_number:
        number = enterprise.registration_number
        add(_("its registration number"), number, normalise_registration_number(number), "alnum")
    if enterprise.address:
        add(_("its address"), enterprise.address, fold(enterprise.address), "text")
    if enterprise.email:
        add(_("its email"), enterprise.email, fold(enterprise.email), "text")
    if enterprise.website:
        site = urlsplit(enterprise.website).netloc or enterprise.website
        site = site.removeprefix("www.")
        add(_("its website"), enterprise.website, fold(site), "text")
    if enterprise.phone:
        add(_("its phone number"), enterprise.phone, _digits(enterprise.phone), "digits")
    for contact in enterprise.contacts.all():
        add(_("the name of a contact"), contact.name, normalise_name(contact.name), "name")
        if contact.email:
            add(_("a contact's email"), contact.email, fold(contact.email), "text")
        if contact.phone:
            add(_("a contact's phone number"), contact.phone, _digits(contact.phone), "digits")
    return found


def _reduced(text: str, compare: str) -> str:
    if compare == "name":
        return normalise_name(text)
    if compare == "alnum":
        return _alphanumeric(text)
    if compare == "digits":
        return _digits(text)
    return fold(text)


def identifying_problems(
    identifiers: Iterable[Identifier], texts: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """What in ``texts`` (``{language: {field: text}}``) identifies the enterprise, one
    sentence per finding; none when nothing does."""
    identifiers = list(identifiers)
    problems = []
    for language, fields in texts.items():
        for field, text in fields.items():
            if not text:
                continue
            for identifier in identifiers:
                if identifier.folded in _reduced(text, identifier.compare):
                    problems.append(
                        _(
                            "The %(field)s in %(language)s gives %(what)s (“%(shown)s”), "
                            "but the case is anonymised: remove it, or untick “anonymised” "
                            "if the enterprise agrees to be named."
                        )
                        % {
                            "field": field_label(field),
                            "language": LANGUAGE_NAMES.get(language, language),
                            "what": identifier.kind,
                            "shown": identifier.shown,
                        }
                    )
    return problems


def field_label(field: str) -> str:
    """The name of a text field in a sentence."""
    return str(CaseStudy._meta.get_field(field).verbose_name)


def texts_of(case: CaseStudy) -> dict[str, dict[str, str]]:
    """Every text of a case by language: its own and its translations'."""
    texts = {case.language: {field: getattr(case, field) for field in TEXT_FIELDS}}
    for text in case.texts.all():
        texts[text.language] = {field: getattr(text, field) for field in TEXT_FIELDS}
    return texts


def check_anonymity(case: CaseStudy, texts: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Refuse an anonymised case whose texts (all of them, or ``texts``) identify its
    enterprise.

    Raises
    ------
    CaseStudyError
        Naming each text that identifies the enterprise.
    """
    if not case.anonymised:
        return
    enterprise = case.assessment.enterprise
    problems = identifying_problems(identifiers_of(enterprise), texts or texts_of(case))
    if problems:
        raise CaseStudyError(" ".join(problems))


# --------------------------------------------------------------------------------------------
# The search text and the address


def search_text_of(case: CaseStudy, texts: Mapping[str, Mapping[str, str]]) -> str:
    """Every text of the case in every language, with the place and (when it is named) the
    enterprise, folded for searching."""
    words = [case.enterprise_name, case.province]
    for fields in texts.values():
        words.extend(fields.values())
    return fold(" ".join(word for word in words if word))


def keep_search_text(case: CaseStudy) -> None:
    """Recompute the case's search text and mark it changed (so that the public pages'
    validators change); a plain UPDATE, outside the audit trail."""
    now = timezone.now()
    text = search_text_of(case, texts_of(case))
    CaseStudy.objects.filter(pk=case.pk).update(search_text=text, updated=now)
    case.search_text, case.updated = text, now


def _slug_identifies(slug: str, identifiers: list[Identifier]) -> bool:
    words = slug.replace("-", " ")
    return any(
        identifier.compare == "name" and identifier.folded in normalise_name(words)
        for identifier in identifiers
    )


def unique_slug(case: CaseStudy, identifiers: list[Identifier] | None = None) -> str:
    """An address for the case's public page, from its title (or, for a title in Lao or
    Khmer, its option), never naming an anonymised case's enterprise."""
    identifiers = identifiers or []
    candidates = [slugify(case.title), slugify(case.option_id), "case-study"]
    base = next(
        (
            slug[:SLUG_LENGTH].strip("-")
            for slug in candidates
            if slug and not _slug_identifies(slug, identifiers)
        ),
        "case-study",
    )
    slug, number = base, 1
    while CaseStudy.objects.filter(slug=slug).exclude(pk=case.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# --------------------------------------------------------------------------------------------
# Changes


def _validate(record: Any, exclude: list[str]) -> None:
    """The model's own checks, said as one error a page shows."""
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as error:
        raise CaseStudyError(" ".join(error.messages)) from None


def results_of(assessment: Any) -> dict[str, Any]:
    """The results of the assessment's current revision (kept in the cache once computed).

    Raises
    ------
    CaseStudyError
        Saying why they cannot be computed.
    """
    from cleanprod.web.assessments.results import current_results

    results, problem = current_results(assessment)
    if results is None:
        raise CaseStudyError(
            _("The results of the assessment cannot be computed: %(reason)s") % {"reason": problem}
        )
    return results


def figures_now(assessment: Any, option_id: str) -> dict[str, Any]:
    """The figures a case of this option would take now from the current results."""
    return case_figures(results_of(assessment), option_id)


def start_case_study(
    assessment: Any,
    option_id: str,
    user: Any,
    values: Mapping[str, Any] | None = None,
    results: dict[str, Any] | None = None,
) -> CaseStudy:
    """A new draft case study of an implemented option, its figures taken from the current
    results of the assessment.

    Parameters
    ----------
    values
        The case's own fields (``title``, ``summary``, ``problem`` ..., ``language``,
        ``anonymised``, ``province``); the title defaults to the option's.
    results
        The results of the assessment's current revision, when the caller has them.

    Raises
    ------
    CaseStudyError
        When the option is not implemented, the results cannot be computed, a case of the
        option exists already, or an anonymised case's text names the enterprise.
    """
    results = results if results is not None else results_of(assessment)
    figures = case_figures(results, option_id)
    if CaseStudy.objects.filter(assessment=assessment, option_id=option_id).exists():
        raise CaseStudyError(
            _("A case study of this option exists already: open it from the library.")
        )
    enterprise = assessment.enterprise
    values = dict(values or {})
    values.setdefault("title", option_title(results, option_id))
    values.setdefault("province", enterprise.province)
    case = CaseStudy(
        assessment=assessment,
        option_id=option_id,
        organisation_id=enterprise.organisation_id,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        sector=enterprise.sector,
        size=enterprise.size,
        country=enterprise.country,
        **figures,
    )
    for name, value in values.items():
        setattr(case, name, value)
    case.enterprise_name = "" if case.anonymised else enterprise.name
    check_anonymity(case, {case.language: {field: getattr(case, field) for field in TEXT_FIELDS}})
    _validate(case, exclude=["assessment", "organisation", "slug"])
    try:
        with transaction.atomic():
            case.save()
            keep_search_text(case)
    except IntegrityError:  # another case of the option, saved a moment before
        raise CaseStudyError(
            _("A case study of this option exists already: open it from the library.")
        ) from None
    return case


def save_details(case: CaseStudy) -> None:
    """Save the case's own fields (language, anonymity, sector, province, original text)
    after checking its anonymity."""
    case.enterprise_name = "" if case.anonymised else case.assessment.enterprise.name
    check_anonymity(case)
    with transaction.atomic():
        case.save()
        keep_search_text(case)


def save_translation(case: CaseStudy, language: str, values: Mapping[str, str]) -> Any:
    """Write (or, with no title and no summary, delete) the case's text in ``language``;
    returns the translation, or None when it was deleted.

    Raises
    ------
    CaseStudyError
        When the case is anonymised and the text names the enterprise.
    """
    if language == case.language:
        raise CaseStudyError(
            _("The case is written in %(language)s: edit its own text, not a translation.")
            % {"language": LANGUAGE_NAMES.get(language, language)}
        )
    existing = CaseStudyText.objects.filter(case=case, language=language).first()
    with transaction.atomic():
        if not (values.get("title") or "").strip() and not (values.get("summary") or "").strip():
            if existing is not None:
                existing.delete()
            keep_search_text(case)
            return None
        check_anonymity(case, {language: {field: values.get(field, "") for field in TEXT_FIELDS}})
        text = existing or CaseStudyText(case=case, language=language)
        for field in TEXT_FIELDS:
            setattr(text, field, values.get(field, ""))
        _validate(text, exclude=["case"])
        text.save()
        keep_search_text(case)
    return text


def refresh_figures(case: CaseStudy) -> None:
    """Take a draft's figures again from the current results of its assessment.

    Raises
    ------
    CaseStudyError
        When the case is published (withdraw it first), or its option is no longer
        implemented in the current results.
    """
    if case.status == Status.PUBLISHED:
        raise CaseStudyError(
            _(
                "A published case keeps the figures it was published with. Withdraw it "
                "first, take the figures again, check them, and publish it again."
            )
        )
    for name, value in figures_now(case.assessment, case.option_id).items():
        setattr(case, name, value)
    case.save()


def publish(case: CaseStudy, user: Any) -> None:
    """Publish a case: its public page is then on the web, for everyone.

    Raises
    ------
    CaseStudyError
        When an anonymised case's text (in any language) identifies the enterprise, or the
        case has no title or summary.
    """
    enterprise = case.assessment.enterprise
    if not case.title.strip() or not case.summary.strip():
        raise CaseStudyError(_("Give the case a title and a summary before publishing it."))
    identifiers = identifiers_of(enterprise) if case.anonymised else []
    if case.anonymised:
        problems = identifying_problems(identifiers, texts_of(case))
        if problems:
            raise CaseStudyError(" ".join(problems))
    case.enterprise_name = "" if case.anonymised else enterprise.name
    if not case.slug or _slug_identifies(case.slug, identifiers):
        case.slug = unique_slug(case, identifiers)
    case.status = Status.PUBLISHED
    case.published_at = timezone.now()
    case.published_by = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        case.save()
        keep_search_text(case)


def withdraw(case: CaseStudy) -> None:
    """Take a case off the public pages (it is a draft again; its address is kept for the
    next publication)."""
    case.status = Status.DRAFT
    case.published_at = None
    case.published_by = None
    case.save()
