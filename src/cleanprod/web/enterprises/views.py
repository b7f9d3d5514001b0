"""Pages of the enterprise registry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import get_permitted


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    enterprises = Enterprise.objects.restrict(request.user).select_related("organisation")[:100]
    return render(request, "enterprises/list.html", {"enterprises": enterprises})


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_permitted(Enterprise.objects, request.user, pk=pk)
    return render(request, "enterprises/detail.html", {"enterprise": enterprise})
