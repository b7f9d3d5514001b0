"""The dashboard and the audit trail."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cleanprod.web.assessments.models import Assessment, AssessmentOption
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import Action


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the registry and the assessments the user may see, and, for everyone,
    counts over the whole platform (no enterprise's figures)."""
    user = request.user
    enterprises = Enterprise.objects.restrict(user, Action.VIEW)
    assessments = Assessment.objects.restrict(user, Action.VIEW)
    options = AssessmentOption.objects.restrict(user, Action.VIEW)
    by_country = enterprises.values("country").annotate(count=Count("pk")).order_by("country")
    by_status = options.values("status").annotate(count=Count("pk")).order_by("status")
    money = (
        options.exclude(currency="")
        .values("currency")
        .annotate(
            investment=Sum("investment"),
            savings=Sum("annual_savings"),
            implemented=Count("pk", filter=Q(status="implemented")),
        )
        .order_by("currency")
    )
    recent = assessments.select_related("enterprise").defer("document").order_by("-updated")[:10]
    # Counts over the whole platform: no enterprise's confidential figure is in them.
    platform = {
        "enterprises": Enterprise.objects.count(),
        "assessments": Assessment.objects.count(),
        "options_implemented": AssessmentOption.objects.filter(status="implemented").count(),
    }
    return render(
        request,
        "site/home.html",
        {
            "enterprise_count": enterprises.count(),
            "assessment_count": assessments.count(),
            "by_country": by_country,
            "by_status": by_status,
            "money": money,
            "recent": recent,
            "platform": platform,
        },
    )


def visible_log_entries(user: Any) -> QuerySet:
    """The audit trail's entries on the records the user may change (the same filter)."""
    from cleanprod.web.library.models import CaseStudy

    condition = Q(pk__in=[])
    for model in (Enterprise, Assessment, CaseStudy):
        permitted = model.objects.restrict(user, Action.CHANGE).values("pk")
        condition |= Q(
            content_type=ContentType.objects.get_for_model(model), object_id__in=permitted
        )
    return LogEntry.objects.filter(condition)


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """Who changed what, when, before and after: on the records the user may change."""
    entries = visible_log_entries(request.user).select_related("actor", "content_type")
    kind = request.GET.get("kind")
    if kind in {"enterprise", "assessment", "casestudy"}:
        entries = entries.filter(content_type__model=kind)
    object_id = request.GET.get("object")
    if object_id and object_id.isdigit():
        entries = entries.filter(object_id=int(object_id))
    page = Paginator(entries.order_by("-timestamp"), 50).get_page(request.GET.get("page"))
    return render(request, "site/history.html", {"page": page, "kind": kind})
