"""Pages of the enterprise registry: the list (search, filters, export), an enterprise,
registering and editing one with its contacts and consultants, deleting, and importing a
spreadsheet.

Every record is read through the one permission filter (``restrict`` / ``get_permitted``);
no page looks at a user's role.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cleanprod.web.assessments.models import Assessment
from cleanprod.web.enterprises import spreadsheet, transfer
from cleanprod.web.enterprises.duplicates import likely_duplicates, registry_candidates
from cleanprod.web.enterprises.filters import EnterpriseFilter, country_name
from cleanprod.web.enterprises.forms import (
    ContactFormSet,
    EnterpriseCreateForm,
    EnterpriseForm,
    ImportForm,
)
from cleanprod.web.enterprises.models import Contact, Enterprise
from cleanprod.web.permissions import (
    Action,
    can_assign_consultants,
    can_register_enterprises,
    get_permitted,
    is_permitted,
    profile_of,
    sees_confidential,
)

PAGE_SIZE = 50


def _registry(request: HttpRequest) -> EnterpriseFilter:
    """The list page's filters over the enterprises the user may see."""
    return EnterpriseFilter(request.GET, queryset=Enterprise.objects.restrict(request.user))


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The registry, searched, filtered and sorted; with htmx only the results are sent."""
    registry = _registry(request)
    enterprises = registry.qs.select_related("organisation")
    page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
    sort = getattr(registry.form, "cleaned_data", {}).get("sort") or "name"
    context = {"filter": registry, "page": page, "sort": sort}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "enterprises/_results.html" if partial else "enterprises/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the page, as .xlsx or CSV (UTF-8)."""
    kind = request.GET.get("format", "xlsx")
    if kind not in {"xlsx", "csv"}:
        kind = "xlsx"
    enterprises = _registry(request).qs
    headers = transfer.export_headers()
    rows = transfer.export_rows(enterprises)
    name = f"enterprises-{timezone.localdate():%Y-%m-%d}.{kind}"
    if kind == "csv":
        body = spreadsheet.csv_bytes(headers, rows, transfer.export_text_columns())
        content_type = spreadsheet.CSV_TYPE
    else:
        body = spreadsheet.xlsx_bytes([(_("Enterprises"), headers, rows)])
        content_type = spreadsheet.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The registry's fields; the contacts, assessments and assigned consultants for those
    who may see an enterprise's confidential data."""
    user = request.user
    enterprise = get_permitted(Enterprise.objects.select_related("organisation"), user, pk=pk)
    context: dict[str, Any] = {
        "enterprise": enterprise,
        "country": f"{country_name(enterprise.country)} ({enterprise.country})",
        "confidential": sees_confidential(user, enterprise),
        "can_change": is_permitted(user, Action.CHANGE, enterprise),
        "can_delete": is_permitted(user, Action.DELETE, enterprise),
    }
    if context["confidential"]:
        context["contacts"] = list(enterprise.contacts.restrict(user))
        context["assessments"] = list(
            Assessment.objects.restrict(user)
            .filter(enterprise=enterprise)
            .select_related("lead_consultant")
            .defer("document")
            .order_by("-updated", "pk")
        )
        context["consultants"] = list(
            enterprise.consultants.select_related("profile__organisation").order_by(
                "first_name", "last_name", "username"
            )
        )
    return render(request, "enterprises/detail.html", context)


def _chooses_organisation(user: Any) -> bool:
    """A superuser registers for any organisation; everyone else for their own."""
    return bool(getattr(user, "is_superuser", False))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    """Registers an enterprise for the user's organisation; when it looks like enterprises
    already registered in its country, they are shown and it is saved only when the user
    confirms it is another one."""
    user = request.user
    if not can_register_enterprises(user):
        raise PermissionDenied
    profile = profile_of(user)
    enterprise = Enterprise()
    if profile is not None:
        enterprise.organisation = profile.organisation
        enterprise.country = profile.organisation.country
    data = request.POST if request.method == "POST" else None
    form = EnterpriseCreateForm(
        data,
        instance=enterprise,
        choose_organisation=_chooses_organisation(user),
        assign_consultants=can_assign_consultants(user, enterprise),
    )
    contacts = ContactFormSet(
        data, instance=enterprise, prefix="contacts", queryset=Contact.objects.none()
    )
    duplicates = []
    if data is not None and form.is_valid() and contacts.is_valid():
        entry = form.cleaned_data
        duplicates = likely_duplicates(entry, registry_candidates(user, [entry["country"]]))
        if not duplicates or entry["register_anyway"]:
            with transaction.atomic():
                enterprise = form.save()
                contacts.instance = enterprise
                contacts.save()
            messages.success(request, _("%(name)s is registered.") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
        form.add_error(
            "register_anyway",
            _(
                "This enterprise looks like one already registered (below). Open it to check; "
                "if it is another enterprise, tick the box and register again."
            ),
        )
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "contacts": contacts, "duplicates": duplicates, "creating": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Changes an enterprise's registry fields, its contacts and (for the staff of its
    organisation) its assigned consultants."""
    user = request.user
    enterprise = get_permitted(
        Enterprise.objects.select_related("organisation"), user, Action.CHANGE, pk=pk
    )
    data = request.POST if request.method == "POST" else None
    form = EnterpriseForm(
        data,
        instance=enterprise,
        choose_organisation=_chooses_organisation(user),
        assign_consultants=can_assign_consultants(user, enterprise),
    )
    contacts = ContactFormSet(
        data,
        instance=enterprise,
        prefix="contacts",
        queryset=Contact.objects.restrict(user, Action.CHANGE),
    )
    if data is not None and form.is_valid() and contacts.is_valid():
        with transaction.atomic():
            if form.has_changed():
                form.save()
            contacts.save()
        messages.success(request, _("%(name)s is saved.") % {"name": enterprise.name})
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "contacts": contacts, "enterprise": enterprise, "creating": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Deletes an enterprise (with its contacts) after a confirmation; refused while it has
    assessments or user accounts."""
    enterprise = get_permitted(Enterprise.objects, request.user, Action.DELETE, pk=pk)
    blockers = {
        "assessments": enterprise.assessments.count(),
        "users": enterprise.users.count(),
    }
    if request.method == "POST" and any(blockers.values()):
        messages.error(request, _("%(name)s cannot be deleted yet.") % {"name": enterprise.name})
    elif request.method == "POST":
        name = enterprise.name
        try:
            with transaction.atomic():
                enterprise.delete()
        except ProtectedError:
            messages.error(
                request,
                _(
                    "%(name)s was not deleted: records were added to it meanwhile. Open it and "
                    "look at its assessments."
                )
                % {"name": name},
            )
            return redirect("enterprises:detail", pk=pk)
        messages.success(request, _("%(name)s is deleted.") % {"name": name})
        return redirect("enterprises:list")
    return render(
        request, "enterprises/delete.html", {"enterprise": enterprise, "blockers": blockers}
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request: HttpRequest) -> HttpResponse:
    """Registers the enterprises of a spreadsheet: every row checked, all or nothing."""
    user = request.user
    if not can_register_enterprises(user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        choose_organisation=_chooses_organisation(user),
    )
    check = None
    if posted and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or profile_of(user).organisation
        upload = form.cleaned_data["file"]
        try:
            table = spreadsheet.read_table(upload.read(), upload.name, sheet="Enterprises")
        except spreadsheet.SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            check = transfer.check_import(
                table,
                user,
                organisation,
                duplicates_accepted=form.cleaned_data["import_duplicates"],
            )
            if not check.refused:
                created = transfer.import_checked(check)
                messages.success(
                    request,
                    _("%(count)s enterprises are registered for %(organisation)s.")
                    % {"count": len(created), "organisation": organisation},
                )
                return redirect(f"{reverse('enterprises:list')}?sort=-updated")
    return render(
        request,
        "enterprises/import.html",
        {"form": form, "check": check, "columns": transfer.COLUMNS},
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The import's template: the columns, an example row, and (in .xlsx) the coded values."""
    headers = list(transfer.COLUMNS)
    if kind == "csv":
        body = spreadsheet.csv_bytes(headers, transfer.template_rows())
        content_type = spreadsheet.CSV_TYPE
    else:
        body = spreadsheet.xlsx_bytes(
            [
                ("Enterprises", headers, transfer.template_rows()),
                ("Choices", [_("column"), _("value"), _("meaning")], transfer.choice_rows()),
            ]
        )
        content_type = spreadsheet.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="enterprises-template.{kind}"'
    return response
