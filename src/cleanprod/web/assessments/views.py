"""Pages to browse assessments: the list, an assessment, its results, versions, comparisons
and downloads, and the options across enterprises.

The pages that change a document are in :mod:`cleanprod.web.assessments.editing_views`.
Every query goes through the one permission filter (``restrict`` / ``get_permitted``).
"""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cleanprod.errors import CleanprodError
from cleanprod.services.documents import (
    DOCUMENT_MEDIA_TYPES,
    REPORT_MEDIA_TYPES,
    document_bytes,
    document_from_json,
    report_bytes,
)
from cleanprod.web.assessments.comparing import as_text, compare_documents
from cleanprod.web.assessments.forms import (
    AssessmentFilter,
    OptionFilter,
    country_name,
    status_choices,
)
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
from cleanprod.web.assessments.results import (
    RESULTS_TIMEOUT,
    current_results,
    result_charts,
    verdicts_of_results,
    verdicts_of_summary,
)
from cleanprod.web.permissions import Action, get_permitted, is_permitted

#: Rows of a page of a list.
PAGE_SIZE = 25
OPTIONS_PAGE_SIZE = 50
#: Words that end an enterprise's name and say nothing in a file name.
LEGAL_FORMS = {"co", "ltd", "llc", "jsc", "plc", "inc", "company", "limited", "corp", "sole"}

SECTION_NAMES = {
    "document": gettext_lazy("The document"),
    "enterprise": gettext_lazy("Enterprise"),
    "period": gettext_lazy("Period"),
    "exchange_rates": gettext_lazy("Exchange rates"),
    "finance": gettext_lazy("Finance"),
    "layers": gettext_lazy("Layers"),
    "products": gettext_lazy("Products"),
    "processes": gettext_lazy("Process steps"),
    "flows": gettext_lazy("Flows"),
    "measurements": gettext_lazy("Measurements covering several flows"),
    "ratios": gettext_lazy("Ratios"),
    "emission_factors": gettext_lazy("Emission factors"),
    "options": gettext_lazy("Options"),
}
CATEGORY_WORDS = {
    "measured": gettext_lazy("measured, not checked"),
    "reconciled": gettext_lazy("measured and reconciled"),
    "suspect": gettext_lazy("reconciled, suspect"),
    "estimated": gettext_lazy("estimated by the balance"),
}
BENCHMARK_WORDS = {
    "below": gettext_lazy("below the range"),
    "within": gettext_lazy("within the range"),
    "above": gettext_lazy("above the range"),
}
CHANGE_NAMES = {
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "changed": gettext_lazy("changed"),
}


def _query_without_page(request: HttpRequest) -> str:
    """The filters of the page's address, without its page number (for the page links)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


# --------------------------------------------------------------------------------------------
# The list and one assessment


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The assessments the user may see, searched and filtered, a page at a time."""
    form = AssessmentFilter(request.GET, user=request.user)
    assessments = (
        Assessment.objects.restrict(request.user, Action.VIEW)
        .select_related("enterprise", "enterprise__organisation", "lead_consultant")
        .defer("document")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            words = data["q"].strip()
            assessments = assessments.filter(
                Q(title__icontains=words)
                | Q(enterprise__name__icontains=words)
                | Q(enterprise__local_name__icontains=words)
            )
        for field, lookup in (
            ("country", "enterprise__country"),
            ("sector", "enterprise__sector"),
            ("stage", "stage"),
            ("organisation", "enterprise__organisation"),
            ("enterprise", "enterprise"),
        ):
            if data.get(field):
                assessments = assessments.filter(**{lookup: data[field]})
    page = Paginator(assessments.order_by("-updated", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    can_create = _can_create(request.user)
    return render(
        request,
        "assessments/list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_create": can_create,
        },
    )


def _can_create(user: Any) -> bool:
    from cleanprod.web.enterprises.models import Enterprise

    return Enterprise.objects.restrict(user, Action.CHANGE).exists()


def _assessment(request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Assessment:
    return get_permitted(
        Assessment.objects.select_related(
            "enterprise", "enterprise__organisation", "lead_consultant"
        ),
        request.user,
        action,
        pk=pk,
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment at a glance: its enterprise, stage, current version and key figures,
    from what was kept at its last save (nothing is computed here)."""
    assessment = _assessment(request, pk)
    version = (
        AssessmentVersion.objects.filter(assessment=assessment, number=assessment.revision)
        .select_related("saved_by")
        .first()
    )
    summary = assessment.summary or {}
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "enterprise": assessment.enterprise,
            "country": country_name(assessment.enterprise.country),
            "version": version,
            "summary": summary,
            "verdicts": verdicts_of_summary(summary),
            "can_change": is_permitted(request.user, Action.CHANGE, assessment),
            "languages": settings.LANGUAGES,
            "document_forms": list(DOCUMENT_MEDIA_TYPES),
        },
    )


# --------------------------------------------------------------------------------------------
# Results


@login_required
def assessment_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the core says of the current version: each layer's balance in words with
    its Sankey diagram and table, the costs of the losses, indicators, focus, options."""
    assessment = _assessment(request, pk)
    results, problem = current_results(assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "problem": problem,
        "results": results,
        "can_change": is_permitted(request.user, Action.CHANGE, assessment),
        "category_words": CATEGORY_WORDS,
        "benchmark_words": BENCHMARK_WORDS,
        "status_words": dict(status_choices()),
    }
    if results is not None:
        charts: dict[str, Any] = {}
        try:
            charts = result_charts(results, request.LANGUAGE_CODE)
        except CleanprodError as error:
            context["chart_problem"] = str(error)
        layers = []
        for row in verdicts_of_results(results):
            layer = results["layers"][row["layer"]]
            layers.append(
                {
                    **row,
                    "data": layer,
                    "chart": charts.get(f"sankey-{row['layer']}"),
                    "flows": [flow for flow in layer["flows"] if flow.get("kind") != "ratios"],
                    "steps": [
                        (node.get("number"), node.get("label"))
                        for node in (layer.get("sankey") or {}).get("nodes", [])
                        if node.get("kind") == "process"
                    ],
                }
            )
        context.update(
            layers=layers,
            loss_chart=charts.get("loss-costs"),
            has_charts=bool(charts),
            costs=results.get("costs"),
            losses=results.get("costliest_losses") or [],
            indicators=_indicator_rows(results.get("indicators")),
            focus=results.get("focus"),
            options=[{"id": key, **value} for key, value in (results.get("options") or {}).items()],
            portfolio=results.get("portfolio"),
            implementation=results.get("implementation") or [],
            report_problems=results.get("problems") or {},
            currency=results.get("currency"),
            emissions=results.get("emissions"),
        )
    return render(request, "assessments/results.html", context)


def _indicator_rows(indicators: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per indicator of each product."""
    rows = []
    for product in ((indicators or {}).get("products") or {}).values():
        for indicator in product.get("indicators") or []:
            rows.append({"product": product.get("name"), **indicator})
    return rows


# --------------------------------------------------------------------------------------------
# Versions and their comparison


@login_required
def version_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of the document: who saved it, when, why, from which file."""
    assessment = _assessment(request, pk)
    versions = AssessmentVersion.objects.filter(assessment=assessment).select_related("saved_by")
    page = Paginator(versions.order_by("-number"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/versions.html",
        {
            "assessment": assessment,
            "page": page,
            "can_change": is_permitted(request.user, Action.CHANGE, assessment),
            "document_forms": list(DOCUMENT_MEDIA_TYPES),
        },
    )


def _number(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default


@login_required
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed from one version to another (by default, in the latest save)."""
    assessment = _assessment(request, pk)
    after = _number(request.GET.get("to"), assessment.revision)
    before = _number(request.GET.get("from"), max(after - 1, 1))
    versions = {
        version.number: version
        for version in AssessmentVersion.objects.filter(
            assessment=assessment, number__in=[before, after]
        ).select_related("saved_by")
    }
    if before not in versions or after not in versions:
        raise Http404(_("No such version"))
    sections = [
        {
            "name": SECTION_NAMES.get(section.section, section.section),
            "fields": [_field_text(change) for change in section.fields],
            "entries": [
                {
                    "key": entry.key,
                    "name": entry.name,
                    "change": entry.change,
                    "change_name": CHANGE_NAMES[entry.change],
                    "fields": [_field_text(change) for change in entry.fields],
                }
                for entry in section.entries
            ],
            "counts": {change: section.count(change) for change in CHANGE_NAMES},
        }
        for section in compare_documents(versions[before].document, versions[after].document)
    ]
    numbers = list(
        AssessmentVersion.objects.filter(assessment=assessment)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    return render(
        request,
        "assessments/compare.html",
        {
            "assessment": assessment,
            "before": versions[before],
            "after": versions[after],
            "sections": sections,
            "numbers": numbers,
            "can_change": is_permitted(request.user, Action.CHANGE, assessment),
        },
    )


def _field_text(change: Any) -> dict[str, str]:
    return {"field": change.field, "before": as_text(change.before), "after": as_text(change.after)}


# --------------------------------------------------------------------------------------------
# Downloads


def file_stem(assessment: Assessment, number: int) -> str:
    """``vientiane-soft-drinks-v3``: the enterprise's name without its legal form, and the
    version."""
    words = slugify(assessment.enterprise.name).split("-")
    while words and words[-1] in LEGAL_FORMS:
        words.pop()
    name = "-".join(words) or f"assessment-{assessment.pk}"
    return f"{name}-v{number}"


def _version_document(assessment: Assessment, version: str | None) -> tuple[int, dict, str]:
    """The number, document and uploaded file's name of the asked version (the current one
    by default)."""
    if version is None or version == "":
        if not assessment.revision:
            raise Http404(_("This assessment has no version yet"))
        return assessment.revision, assessment.document, ""
    if not version.isdigit():
        raise Http404(_("No such version"))
    row = (
        AssessmentVersion.objects.filter(assessment=assessment, number=int(version))
        .values_list("number", "document", "source_name")
        .first()
    )
    if row is None:
        raise Http404(_("No such version"))
    return row


def _attachment(content: bytes, media_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    return response


@login_required
def download_document(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """The document of the current or an earlier version, as YAML, JSON or XLSX."""
    assessment = _assessment(request, pk)
    if form not in DOCUMENT_MEDIA_TYPES:
        raise Http404(_("No such form of document"))
    number, data, _source = _version_document(assessment, request.GET.get("version"))
    try:
        content = document_bytes(document_from_json(data), form)
    except CleanprodError as error:
        messages.error(
            request, _("The document could not be written: %(reason)s") % {"reason": error}
        )
        return redirect("assessments:detail", pk=assessment.pk)
    return _attachment(
        content, DOCUMENT_MEDIA_TYPES[form], f"{file_stem(assessment, number)}.{form}"
    )


@login_required
def download_report(request: HttpRequest, pk: int, form: str, language: str) -> HttpResponse:
    """The CPA report of the current or an earlier version, as PDF or HTML, in English,
    Vietnamese, Lao or Khmer (kept in the cache once made: a version never changes)."""
    assessment = _assessment(request, pk)
    if form not in REPORT_MEDIA_TYPES or language not in dict(settings.LANGUAGES):
        raise Http404(_("No such report"))
    number, data, source = _version_document(assessment, request.GET.get("version"))
    stem = file_stem(assessment, number)
    created = int(assessment.created.timestamp() * 1e6)
    key = f"cleanprod:report:{assessment.pk}:{created}:{number}:{form}:{language}"
    content = cache.get(key)
    if content is None:
        try:
            content = report_bytes(document_from_json(data), form, language, source=source or stem)
        except CleanprodError as error:
            messages.error(
                request, _("The report could not be made: %(reason)s") % {"reason": error}
            )
            return redirect("assessments:detail", pk=assessment.pk)
        cache.set(key, content, RESULTS_TIMEOUT)
    return _attachment(content, REPORT_MEDIA_TYPES[form], f"{stem}-report-{language}.{form}")


# --------------------------------------------------------------------------------------------
# Options across enterprises


def _filtered_options(request: HttpRequest, form: OptionFilter) -> Any:
    options = AssessmentOption.objects.restrict(request.user, Action.VIEW).select_related(
        "assessment", "assessment__enterprise", "assessment__enterprise__organisation"
    )
    if form.is_valid():
        data = form.cleaned_data
        for field, lookup in (
            ("sector", "assessment__enterprise__sector"),
            ("practice", "practice"),
            ("country", "assessment__enterprise__country"),
            ("status", "status"),
            ("organisation", "assessment__enterprise__organisation"),
        ):
            if data.get(field):
                options = options.filter(**{lookup: data[field]})
    return options.order_by("assessment__enterprise__name", "assessment_id", "option_id")


@login_required
def option_list(request: HttpRequest) -> HttpResponse:
    """The options of every assessment the user may see, filtered, with totals per currency;
    ``?export=csv`` gives the filtered list as a CSV file."""
    form = OptionFilter(request.GET, user=request.user)
    options = _filtered_options(request, form)
    if request.GET.get("export") == "csv":
        return _options_csv(options)
    totals = (
        options.order_by()
        .exclude(currency="")
        .values("currency")
        .annotate(
            count=Count("pk"),
            investment=Sum("investment"),
            annual_savings=Sum("annual_savings"),
            net_present_value=Sum("net_present_value"),
            implemented=Count("pk", filter=Q(status="implemented")),
        )
        .order_by("currency")
    )
    page = Paginator(options, OPTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query_without_page(request)
    return render(
        request,
        "assessments/options.html",
        {
            "form": form,
            "page": page,
            "totals": totals,
            "query": query,
            "csv_query": urlencode([*request.GET.items(), ("export", "csv")]),
        },
    )


def _csv_number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _options_csv(options: Any) -> HttpResponse:
    """The options as a CSV file Excel opens with every script intact (UTF-8 with a BOM)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "cleanprod-options.csv")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Enterprise"),
            _("Country"),
            _("Sector"),
            _("Organisation"),
            _("Assessment"),
            _("Option id"),
            _("Option"),
            _("Practice"),
            _("Status"),
            _("Currency"),
            _("Investment"),
            _("Annual savings"),
            _("Net present value"),
            _("Simple payback [years]"),
            _("Verified savings"),
            _("Unit of the verified savings"),
            _("Implemented on"),
        ]
    )
    for option in options.iterator(chunk_size=500):
        enterprise = option.assessment.enterprise
        writer.writerow(
            [
                enterprise.name,
                enterprise.country,
                enterprise.sector,
                str(enterprise.organisation),
                option.assessment.title,
                option.option_id,
                option.title,
                option.practice,
                option.status,
                option.currency,
                _csv_number(option.investment),
                _csv_number(option.annual_savings),
                _csv_number(option.net_present_value),
                _csv_number(option.payback_years),
                _csv_number(option.verified_savings),
                option.verified_savings_unit,
                option.implemented_on.isoformat() if option.implemented_on else "",
            ]
        )
    return response


__all__ = [
    "assessment_detail",
    "assessment_list",
    "assessment_results",
    "download_document",
    "download_report",
    "option_list",
    "version_compare",
    "version_list",
]
