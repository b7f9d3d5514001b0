"""The staff's pages of the case-study library: the list, a new case from an implemented
option, a case's preview, details and texts, publishing and withdrawing, deleting a draft.

Every query goes through the one permission filter: a case is seen by those who see its
assessment's confidential data and changed (published, withdrawn) by those who may change
the assessment. The public pages are in :mod:`cleanprod.web.library.public_views`.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cleanprod.web.assessments.models import Assessment, AssessmentOption
from cleanprod.web.enterprises.duplicates import fold
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.library import publishing
from cleanprod.web.library.choices import LANGUAGE_CHOICES, LANGUAGE_NAMES, TEXT_FIELDS, Status
from cleanprod.web.library.forms import (
    CaseDetailsForm,
    CaseStartForm,
    OriginalTextForm,
    StaffFilter,
    TranslationForm,
)
from cleanprod.web.library.models import CaseStudy, CaseStudyText
from cleanprod.web.library.presenting import facts_of, present, verified_words
from cleanprod.web.library.snapshot import CaseStudyError, case_figures, option_title
from cleanprod.web.permissions import Action, get_permitted, is_permitted

PAGE_SIZE = 25


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _case(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> CaseStudy:
    return get_permitted(
        CaseStudy.objects.select_related(
            "assessment", "assessment__enterprise", "organisation", "published_by"
        ),
        request.user,
        action,
        pk=pk,
    )


# --------------------------------------------------------------------------------------------
# The list


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user may see, drafts and published, searched, a page at a time."""
    form = StaffFilter(request.GET)
    cases = (
        CaseStudy.objects.restrict(request.user, Action.VIEW)
        .select_related("assessment", "assessment__enterprise", "organisation")
        .prefetch_related(
            Prefetch("texts", queryset=CaseStudyText.objects.only("id", "case_id", "language"))
        )
        .defer("search_text")
    )
    if form.is_valid():
        data = form.cleaned_data
        for word in fold(data["q"]).split():
            cases = cases.filter(
                Q(search_text__contains=word)
                | Q(assessment__enterprise__search_text__contains=word)
            )
        if data["status"]:
            cases = cases.filter(status=data["status"])
    page = Paginator(cases.order_by("-updated", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "library/list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_start": _changeable_options(request.user).exists(),
            "language_names": LANGUAGE_NAMES,
        },
    )


# --------------------------------------------------------------------------------------------
# A new case


def _changeable_options(user: Any) -> Any:
    """The implemented options of the assessments the user may change."""
    return AssessmentOption.objects.restrict(user, Action.CHANGE).filter(status="implemented")


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Without an option: the implemented options the user may tell as a case. With one
    (``?assessment=<pk>&option=<id>``): the form of the new case, its figures from the
    current results."""
    # The staff who may change an enterprise's data may tell its options (they may have none
    # implemented yet: the page then says how to get one).
    if not Enterprise.objects.restrict(request.user, Action.CHANGE).exists():
        raise PermissionDenied
    assessment_pk = request.GET.get("assessment", "")
    option_id = request.GET.get("option", "")
    if not (assessment_pk.isdigit() and option_id):
        return _choose_option(request)
    assessment = get_permitted(
        Assessment.objects.select_related("enterprise"),
        request.user,
        Action.CHANGE,
        pk=int(assessment_pk),
    )
    existing = CaseStudy.objects.filter(assessment=assessment, option_id=option_id).first()
    if existing is not None:
        messages.info(request, _("This option has a case study already: here it is."))
        return redirect("library:detail", pk=existing.pk)
    try:
        results = publishing.results_of(assessment)
        figures = case_figures(results, option_id)
        title = option_title(results, option_id)
    except CaseStudyError as error:
        messages.error(request, str(error))
        return redirect("library:new")
    enterprise = assessment.enterprise
    if request.method == "POST":
        form = CaseStartForm(request.POST, enterprise=enterprise)
        if form.is_valid():
            try:
                case = publishing.start_case_study(
                    assessment, option_id, request.user, values=form.cleaned_data, results=results
                )
            except CaseStudyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The case study is saved as a draft. Add its translations, then publish it."),
                )
                return redirect("library:detail", pk=case.pk)
    else:
        language = translation.get_language() or "en"
        form = CaseStartForm(
            initial={
                "title": title,
                "province": enterprise.province,
                "language": language if language in LANGUAGE_NAMES else "en",
            },
            enterprise=enterprise,
        )
    preview = CaseStudy(
        sector=enterprise.sector,
        size=enterprise.size,
        country=enterprise.country,
        province=enterprise.province,
        **figures,
    )
    return render(
        request,
        "library/new.html",
        {
            "form": form,
            "assessment": assessment,
            "option_id": option_id,
            "option_title": title,
            "facts": facts_of(preview),
            "verified": verified_words(preview),
            "verified_resource": preview.verified_resource,
        },
    )


def _choose_option(request: HttpRequest) -> HttpResponse:
    existing = CaseStudy.objects.filter(
        assessment=OuterRef("assessment"), option_id=OuterRef("option_id")
    ).values("pk")[:1]
    options = (
        _changeable_options(request.user)
        .select_related("assessment", "assessment__enterprise")
        .annotate(case_pk=Subquery(existing))
        .order_by("assessment__enterprise__name", "assessment_id", "option_id")
    )
    page = Paginator(options, 50).get_page(request.GET.get("page"))
    return render(request, "library/choose.html", {"page": page, "query": ""})


# --------------------------------------------------------------------------------------------
# One case


def _history(case: CaseStudy, translations: list[CaseStudyText]) -> list[dict[str, Any]]:
    """The last changes of the case and of its translations, newest first: when, who, what
    (the fields an update changed)."""
    case_type = ContentType.objects.get_for_model(CaseStudy)
    text_type = ContentType.objects.get_for_model(CaseStudyText)
    languages = {text.pk: text.get_language_display() for text in translations}
    entries = (
        LogEntry.objects.filter(
            Q(content_type=case_type, object_id=case.pk)
            | Q(content_type=text_type, object_id__in=list(languages))
        )
        .select_related("actor")
        .order_by("-timestamp")[:20]
    )
    rows = []
    for entry in entries:
        if entry.content_type_id == text_type.pk:
            what = _("Translation into %(language)s") % {
                "language": languages.get(entry.object_id, "?")
            }
        else:
            what = _("Case study")
        fields = ""
        if entry.action == LogEntry.Action.UPDATE:
            fields = ", ".join(entry.changes_dict)
        rows.append({"entry": entry, "what": what, "fields": fields})
    return rows


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case's preview, as the public page shows it, in any of the four languages, with its
    source, its status, its translations and what may be done with it."""
    case = _case(request, pk)
    language = request.GET.get("lang") or case.language
    if language not in LANGUAGE_NAMES:
        language = case.language
    translations = list(case.texts.all())
    with translation.override(language):
        view = present(case, language, translations)
        preview = render_to_string(
            "library/_case.html", {"case": view, "public": False}, request=request
        )
    have = {case.language, *(text.language for text in translations)}
    return render(
        request,
        "library/detail.html",
        {
            "case": case,
            "preview": preview,
            "preview_language": language,
            "languages": [
                {
                    "code": code,
                    "name": name,
                    "written": code in have,
                    "original": code == case.language,
                }
                for code, name in LANGUAGE_CHOICES
            ],
            "can_change": is_permitted(request.user, Action.CHANGE, case),
            "can_delete": is_permitted(request.user, Action.DELETE, case),
            "history": _history(case, translations),
            "is_published": case.status == Status.PUBLISHED,
        },
    )


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A case's details: the language it is written in, anonymity, sector, province."""
    case = _case(request, pk, Action.CHANGE)
    form = CaseDetailsForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            publishing.save_details(form.instance)
        except CaseStudyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The details of the case study are saved."))
            return redirect("library:detail", pk=case.pk)
    return render(request, "library/edit.html", {"case": case, "form": form})


@login_required
def case_text(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """A case's text in one language: its own text in the language it was written in, else
    its translation (beside the original, for the translator)."""
    case = _case(request, pk, Action.CHANGE)
    if language not in LANGUAGE_NAMES:
        raise Http404(_("No such language"))
    original = language == case.language
    translation_row = None
    if original:
        form = OriginalTextForm(request.POST or None, instance=case)
    else:
        translation_row = CaseStudyText.objects.filter(case=case, language=language).first()
        form = TranslationForm(
            request.POST or None,
            instance=translation_row or CaseStudyText(case=case, language=language),
            case=case,
            language=language,
        )
    if request.method == "POST":
        if not original and "delete" in request.POST:
            if translation_row is not None:
                publishing.save_translation(case, language, {})
                messages.success(request, _("The translation is deleted."))
            return redirect("library:detail", pk=case.pk)
        if form.is_valid():
            try:
                if original:
                    publishing.save_details(form.instance)
                else:
                    publishing.save_translation(case, language, form.cleaned_data)
            except CaseStudyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The text is saved."))
                return redirect(f"{reverse('library:detail', args=[case.pk])}?lang={language}")
    return render(
        request,
        "library/text.html",
        {
            "case": case,
            "form": form,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "original": original,
            "original_name": LANGUAGE_NAMES.get(case.language, case.language),
            "original_texts": [
                (str(CaseStudy._meta.get_field(name).verbose_name), getattr(case, name))
                for name in TEXT_FIELDS
            ],
            "has_translation": translation_row is not None,
        },
    )


@login_required
@require_POST
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a case (needs the right to change its assessment)."""
    case = _case(request, pk, Action.CHANGE)
    try:
        publishing.publish(case, request.user)
    except CaseStudyError as error:
        messages.error(request, str(error))
    else:
        url = reverse("cases:detail", args=[case.slug])
        messages.success(
            request,
            _("The case study is published. Everyone can read it at %(address)s.")
            % {"address": request.build_absolute_uri(url)},
        )
    return redirect("library:detail", pk=case.pk)


@login_required
@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a case off the public pages."""
    case = _case(request, pk, Action.CHANGE)
    if case.status == Status.PUBLISHED:
        publishing.withdraw(case)
        messages.success(request, _("The case study is withdrawn: it is a draft again."))
    return redirect("library:detail", pk=case.pk)


@login_required
@require_POST
def case_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a draft's figures again from the current results of its assessment."""
    case = _case(request, pk, Action.CHANGE)
    try:
        publishing.refresh_figures(case)
    except CaseStudyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The figures are taken again from the current results."))
    return redirect("library:detail", pk=case.pk)


@login_required
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (a published case is withdrawn first)."""
    case = _case(request, pk, Action.DELETE)
    published = case.status == Status.PUBLISHED
    if request.method == "POST" and not published:
        case.delete()  # its translations with it, each logged
        messages.success(request, _("The draft case study is deleted."))
        return redirect("library:list")
    return render(request, "library/delete.html", {"case": case, "published": published})
