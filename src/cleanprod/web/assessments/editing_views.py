"""Pages that change a document: a new assessment (started in the browser or uploaded), a new
version uploaded, the edit of the processes and flows, the follow-up of the options, the
restoring of an old version.

Every form carries the revision it was opened at; a save from an old revision is refused with
who saved in between, the user's input kept, and a link to what changed. A bad document is
never saved: its problems are listed, each where it is.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cleanprod.errors import CleanprodError, DocumentError, Problem
from cleanprod.model import Assessment as Document
from cleanprod.model.choices import BUILTIN_LAYERS
from cleanprod.services.documents import document_from_json, document_json, read_upload
from cleanprod.web.assessments import editing
from cleanprod.web.assessments.editing import LocatedProblems, Row
from cleanprod.web.assessments.forms import (
    FlowFormSet,
    HeaderForm,
    NewAssessmentForm,
    OptionFollowForm,
    ProcessFormSet,
    UploadNewForm,
    UploadVersionForm,
)
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
from cleanprod.web.assessments.saving import EditConflict, create_assessment, save_document
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import Action, get_permitted

logger = logging.getLogger(__name__)

#: The form fields of a process's and a flow's keys, to put a problem beside its field.
PROCESS_FIELDS = {"id": "id", "name": "name", "unit_operation": "unit_operation"}
FLOW_FIELDS = {
    "id": "id",
    "name": "name",
    "from": "from_process",
    "to": "to_process",
    "kind": "kind",
    "layer": "layer",
    "value": "value",
    "sd": "sd",
    "uncertainty": "uncertainty",
    "quality": "quality",
}
OPTION_FIELDS = {"status": "status", "dates": "date", "actual_investment": "actual_investment"}


def _changeable(request: HttpRequest, pk: int) -> Assessment:
    """The assessment, when the user may change it (404 when they may not see it, 403 when
    they may see it only)."""
    return get_permitted(
        Assessment.objects.select_related("enterprise"), request.user, Action.CHANGE, pk=pk
    )


def _require_changeable_enterprises(user: Any) -> None:
    if not Enterprise.objects.restrict(user, Action.CHANGE).exists():
        raise PermissionDenied


def _conflict(assessment: Assessment, started_from: int, error: EditConflict) -> dict[str, Any]:
    """What the page says of a refused save, with the link to what changed meanwhile."""
    latest = error.latest.number if error.latest is not None else assessment.revision
    url = reverse("assessments:compare", args=[assessment.pk])
    return {"message": str(error), "compare_url": f"{url}?from={started_from}&to={latest}"}


def _check_revision(assessment: Assessment, started_from: int) -> None:
    """Refuse at once a save from an old revision (before computing anything)."""
    if assessment.revision != started_from:
        raise EditConflict(assessment, started_from)


def _base_document(assessment: Assessment, started_from: Any) -> tuple[int, dict[str, Any]]:
    """The revision a form was opened at and its document (the current one when the form
    does not say)."""
    text = str(started_from or "")
    number = int(text) if text.isdigit() else assessment.revision
    if number == assessment.revision:
        return number, assessment.document
    document = (
        AssessmentVersion.objects.filter(assessment=assessment, number=number)
        .values_list("document", flat=True)
        .first()
    )
    if document is None:
        raise Http404(_("No such version"))
    return number, document


# --------------------------------------------------------------------------------------------
# Reading an upload


def read_uploaded(upload: Any) -> tuple[Document | None, list[Problem]]:
    """The document of an uploaded file, or every problem of it (nothing is saved)."""
    name = upload.name or "document"
    try:
        content = upload.read()
        return read_upload(content, name), []
    except DocumentError as error:
        return None, error.problems
    except CleanprodError as error:
        return None, [Problem(name, str(error))]
    except Exception:  # an unreadable upload must not give a traceback: it is the user's file
        logger.exception("reading the upload %s failed", name)
        return None, [
            Problem(
                name,
                _(
                    "cleanprod could not read this file. Open it in Excel or a text editor, "
                    "save it again as .xlsx, .yaml or .json, and upload it again."
                ),
            )
        ]


def _warn_other_enterprise(request: HttpRequest, document: Document, enterprise: Any) -> None:
    if document.enterprise.name.strip().lower() != enterprise.name.strip().lower():
        messages.warning(
            request,
            _(
                "The document names the enterprise '%(document)s'; the registry calls it "
                "'%(registry)s'. Check that you uploaded the right file."
            )
            % {"document": document.enterprise.name, "registry": enterprise.name},
        )


# --------------------------------------------------------------------------------------------
# New assessments


@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    """A new assessment started in the browser: the smallest document, from the registry's
    data of the enterprise, then edited."""
    _require_changeable_enterprises(request.user)
    form = NewAssessmentForm(request.POST or None, user=request.user)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = data["enterprise"]
        document_data = editing.new_document_data(
            title=data["title"],
            year=data["year"],
            name=enterprise.name,
            country=enterprise.country,
            sector=enterprise.sector,
            currency=data["currency"] or editing.currency_of_country(enterprise.country),
            location=enterprise.province,
            employees=enterprise.employees,
        )
        try:
            document = editing.validate(document_data, _("the new assessment"))
        except LocatedProblems as located:
            problems = [problem for _where, problem in located.problems]
        else:
            assessment = create_assessment(
                enterprise,
                document,
                request.user,
                title=data["title"],
                year=data["year"],
                stage=data["stage"],
                comment=_("started in the browser"),
            )
            messages.success(
                request, _("The assessment is created. Add its process steps and flows.")
            )
            return redirect("assessments:edit", pk=assessment.pk)
    return render(
        request,
        "assessments/new.html",
        {"form": form, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
def assessment_upload(request: HttpRequest) -> HttpResponse:
    """A new assessment from an uploaded document (XLSX, YAML or JSON)."""
    _require_changeable_enterprises(request.user)
    form = UploadNewForm(request.POST or None, request.FILES or None, user=request.user)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        document, problems = read_uploaded(upload)
        if document is not None:
            enterprise = form.cleaned_data["enterprise"]
            assessment = create_assessment(
                enterprise,
                document,
                request.user,
                stage=form.cleaned_data["stage"],
                comment=form.cleaned_data["comment"] or _("uploaded"),
                source_name=upload.name,
            )
            _warn_other_enterprise(request, document, enterprise)
            messages.success(request, _("%(file)s is saved as version 1.") % {"file": upload.name})
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/upload.html",
        {"form": form, "problems": problems, "assessment": None},
        status=400 if problems else 200,
    )


@login_required
def version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded document as the next version of an assessment."""
    assessment = _changeable(request, pk)
    form = UploadVersionForm(
        request.POST or None,
        request.FILES or None,
        initial={"started_from": assessment.revision},
    )
    problems: list[Problem] = []
    conflict = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        started_from = form.cleaned_data["started_from"]
        document, problems = read_uploaded(upload)
        if document is not None:
            try:
                _check_revision(assessment, started_from)
                version = save_document(
                    assessment,
                    document,
                    request.user,
                    started_from=started_from,
                    comment=form.cleaned_data["comment"] or _("uploaded"),
                    source_name=upload.name,
                )
            except EditConflict as error:
                conflict = _conflict(assessment, started_from, error)
            else:
                _warn_other_enterprise(request, document, assessment.enterprise)
                messages.success(
                    request,
                    _("%(file)s is saved as version %(number)s.")
                    % {"file": upload.name, "number": version.number},
                )
                return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/upload.html",
        {
            "form": form,
            "problems": problems,
            "assessment": assessment,
            "conflict": conflict,
            "can_change": True,
        },
        status=400 if problems else 409 if conflict else 200,
    )


# --------------------------------------------------------------------------------------------
# Editing the processes and flows


def _rows(formset: Any) -> list[Row]:
    """The rows of a formset that say something: every row that was there, and each new row
    filled in."""
    rows = []
    for index, form in enumerate(formset.forms):
        existing = index < formset.initial_form_count()
        if not existing and not form.has_changed():
            continue
        delete = bool(formset.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"))
        changed = frozenset(name for name in form.changed_data if name != "DELETE")
        values = form.cleaned_data if not delete else {}
        rows.append(Row(values, changed, index, delete))
    return rows


def _place_problems(
    located: LocatedProblems,
    header: HeaderForm,
    processes: Any,
    flows: Any,
    edited: editing.Edited,
) -> list[Problem]:
    """Put each problem beside the row and field it is about; return those that belong to
    no field of the page."""
    elsewhere = []
    for location, problem in located.problems:
        where = location or ()
        section = where[0] if where else None
        index = where[1] if len(where) > 1 and isinstance(where[1], int) else None
        key = str(where[2]) if len(where) > 2 else None
        if section == "processes" and index is not None and index < len(edited.process_rows):
            form = processes.forms[edited.process_rows[index]]
            _add_error(form, PROCESS_FIELDS.get(key or ""), where[2:], problem.message)
        elif section == "flows" and index is not None and index < len(edited.flow_rows):
            form = flows.forms[edited.flow_rows[index]]
            _add_error(form, FLOW_FIELDS.get(key or ""), where[2:], problem.message)
        elif section == "title":
            header.add_error("title", problem.message)
        elif section == "period":
            part = str(where[1]) if len(where) > 1 else ""
            field = {"start": "period_start", "end": "period_end"}.get(part)
            header.add_error(field, problem.message)
        else:
            elsewhere.append(problem)
    return elsewhere


def _add_error(form: Any, field: str | None, path: tuple, message: str) -> None:
    if field is not None:
        form.add_error(field, message)
    elif path:
        form.add_error(None, f"{'.'.join(str(part) for part in path)}: {message}")
    else:
        form.add_error(None, message)


def _edit_context(assessment: Assessment, document: dict[str, Any], **forms: Any) -> dict[str, Any]:
    layers = [*BUILTIN_LAYERS, *(layer.get("id") for layer in document.get("layers") or [])]
    return {
        "assessment": assessment,
        "process_ids": [process.get("id") for process in document.get("processes") or []],
        "layer_ids": layers,
        "can_change": True,
        **forms,
    }


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The document's title, period, process steps and flows in forms; every other part of
    the document is kept as it is."""
    assessment = _changeable(request, pk)
    if request.method != "POST":
        document = assessment.document
        header = HeaderForm(
            initial={
                "started_from": assessment.revision,
                "title": document.get("title", ""),
                "period_start": (document.get("period") or {}).get("start"),
                "period_end": (document.get("period") or {}).get("end"),
                "stage": assessment.stage,
            }
        )
        processes = ProcessFormSet(prefix="processes", initial=editing.process_rows(document))
        flows = FlowFormSet(prefix="flows", initial=editing.flow_rows(document))
        context = _edit_context(
            assessment, document, header=header, processes=processes, flows=flows
        )
        return render(request, "assessments/edit.html", context)

    started_from, base = _base_document(assessment, request.POST.get("started_from"))
    header = HeaderForm(request.POST, initial={"started_from": started_from})
    processes = ProcessFormSet(request.POST, prefix="processes", initial=editing.process_rows(base))
    flows = FlowFormSet(request.POST, prefix="flows", initial=editing.flow_rows(base))
    context = _edit_context(assessment, base, header=header, processes=processes, flows=flows)
    if not (header.is_valid() and processes.is_valid() and flows.is_valid()):
        return render(request, "assessments/edit.html", context, status=400)

    edited = editing.edited_document(base, header.cleaned_data, _rows(processes), _rows(flows))
    try:
        document = editing.validate(edited.data, _("your changes"))
    except LocatedProblems as located:
        context["problems"] = _place_problems(located, header, processes, flows, edited)
        context["invalid"] = True
        return render(request, "assessments/edit.html", context, status=400)

    stage = header.cleaned_data["stage"]
    if document_json(document) == base and stage == assessment.stage:
        messages.info(request, _("Nothing was changed."))
        return redirect("assessments:detail", pk=assessment.pk)
    try:
        _check_revision(assessment, started_from)
        version = save_document(
            assessment,
            document,
            request.user,
            started_from=started_from,
            comment=header.cleaned_data["comment"] or _("edited in the browser"),
            fields={"stage": stage},
        )
    except EditConflict as error:
        context["conflict"] = _conflict(assessment, started_from, error)
        return render(request, "assessments/edit.html", context, status=409)
    messages.success(request, _("Saved as version %(number)s.") % {"number": version.number})
    return redirect("assessments:detail", pk=assessment.pk)


# --------------------------------------------------------------------------------------------
# Following the options


def _option_forms(
    assessment: Assessment, document: dict[str, Any], bound: tuple[str, Any] | None = None
) -> list[dict[str, Any]]:
    currency = (document.get("enterprise") or {}).get("currency", "")
    figures = {row.option_id: row for row in AssessmentOption.objects.filter(assessment=assessment)}
    rows = []
    for option in document.get("options") or []:
        option_id = option.get("id")
        if bound is not None and bound[0] == option_id:
            form = bound[1]
        else:
            form = OptionFollowForm(
                prefix=f"option-{option_id}",
                initial={
                    "started_from": assessment.revision,
                    **editing.option_row(option, currency),
                },
                currency=currency,
            )
        rows.append(
            {"id": option_id, "option": option, "form": form, "figures": figures.get(option_id)}
        )
    return rows


@login_required
def options_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Each option of the document in a small form: its status, since when, and its actual
    investment."""
    assessment = _changeable(request, pk)
    return render(
        request,
        "assessments/follow.html",
        {
            "assessment": assessment,
            "can_change": True,
            "rows": _option_forms(assessment, assessment.document),
        },
    )


@login_required
@require_POST
def option_follow(request: HttpRequest, pk: int, option_id: str) -> HttpResponse:
    """Save one option's status, date and actual investment as a new version."""
    assessment = _changeable(request, pk)
    started_from, base = _base_document(
        assessment, request.POST.get(f"option-{option_id}-started_from")
    )
    option = next((item for item in base.get("options") or [] if item.get("id") == option_id), None)
    if option is None:
        raise Http404(_("No such option"))
    currency = (base.get("enterprise") or {}).get("currency", "")
    form = OptionFollowForm(
        request.POST,
        prefix=f"option-{option_id}",
        initial={"started_from": started_from, **editing.option_row(option, currency)},
        currency=currency,
    )
    context: dict[str, Any] = {"assessment": assessment, "can_change": True}
    status = 400
    if form.is_valid():
        data, index = editing.followed_option(
            base, option_id, form.cleaned_data, set(form.changed_data), timezone.localdate()
        )
        try:
            document = editing.validate(data, _("option %(id)s") % {"id": option_id})
            _check_revision(assessment, started_from)
            save_document(
                assessment,
                document,
                request.user,
                started_from=started_from,
                comment=_("option %(id)s: %(status)s")
                % {"id": option_id, "status": form.cleaned_data["status"]},
            )
        except LocatedProblems as located:
            for location, problem in located.problems:
                where = location or ()
                mine = len(where) > 2 and where[0] == "options" and where[1] == index
                field = OPTION_FIELDS.get(str(where[2])) if mine else None
                form.add_error(field, problem.message if field else str(problem))
        except EditConflict as error:
            context["conflict"] = _conflict(assessment, started_from, error)
            status = 409
        else:
            messages.success(request, _("Option %(id)s is saved.") % {"id": option_id})
            url = reverse("assessments:follow", args=[assessment.pk])
            return redirect(f"{url}#option-{option_id}")
    context["rows"] = _option_forms(assessment, base, bound=(option_id, form))
    return render(request, "assessments/follow.html", context, status=status)


# --------------------------------------------------------------------------------------------
# Restoring an old version


@login_required
@require_POST
def version_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """An old version saved again as the newest (nothing is deleted)."""
    assessment = _changeable(request, pk)
    document = (
        AssessmentVersion.objects.filter(assessment=assessment, number=number)
        .values_list("document", flat=True)
        .first()
    )
    if document is None:
        raise Http404(_("No such version"))
    text = request.POST.get("started_from", "")
    started_from = int(text) if text.isdigit() else -1
    try:
        _check_revision(assessment, started_from)
        version = save_document(
            assessment,
            document_from_json(document),
            request.user,
            started_from=started_from,
            comment=_("version %(number)s restored") % {"number": number},
        )
    except EditConflict as error:
        conflict = _conflict(assessment, started_from, error)
        messages.error(request, conflict["message"])
        return redirect(conflict["compare_url"])
    messages.success(
        request,
        _("Version %(old)s is restored as version %(new)s.")
        % {"old": number, "new": version.number},
    )
    return redirect("assessments:versions", pk=assessment.pk)
