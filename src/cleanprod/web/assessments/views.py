"""Pages of assessments and their options."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cleanprod.web.assessments.models import Assessment, AssessmentOption
from cleanprod.web.permissions import get_permitted


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = Assessment.objects.restrict(request.user).select_related("enterprise")[:100]
    return render(request, "assessments/list.html", {"assessments": assessments})


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_permitted(Assessment.objects, request.user, pk=pk)
    return render(request, "assessments/detail.html", {"assessment": assessment})


@login_required
def option_list(request: HttpRequest) -> HttpResponse:
    options = AssessmentOption.objects.restrict(request.user).select_related("assessment")[:100]
    return render(request, "assessments/options.html", {"options": options})
