"""The public pages of the library, for everyone, without signing in: the published case
studies, searched and filtered, and one case.

They read published cases only, through :meth:`CaseStudyQuerySet.published` (the snapshot,
the texts and the publishing organisation's name), and show them through
:func:`cleanprod.web.library.presenting.present`. They are made for a phone on a slow
network: no script, no external file, a few queries whatever the number of cases, cached by
browsers and proxies for a few minutes and revalidated with an ETag.

The language is the one of the address (``?lang=lo``), else the visitor's (its cookie or
its browser's): the links of the page keep it, so that an address shared is read in the
language it was shared in.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe
from django.views.decorators.vary import vary_on_headers

import cleanprod
from cleanprod.web.enterprises.duplicates import fold
from cleanprod.web.library.choices import LANGUAGE_CHOICES, LANGUAGE_CODES, Status
from cleanprod.web.library.forms import PublicFilter
from cleanprod.web.library.models import CaseStudy
from cleanprod.web.library.presenting import present

#: Cases on a page of the public list.
PUBLIC_PAGE_SIZE = 12
#: How long a browser or a proxy may keep a public page without asking again [s].
PUBLIC_MAX_AGE = 300
#: The query parameters of the public list (others are ignored, and not in its ETag).
LIST_PARAMETERS = ("q", "sector", "practice", "country", "page")


@functools.cache
def release() -> str:
    """What else a public page depends on: the platform's version and when its templates
    and translation catalogues last changed (read once per process)."""
    here = Path(__file__).resolve().parent
    files = [*here.glob("templates/library/*.html")]
    for folder in settings.LOCALE_PATHS:
        files.extend(Path(folder).glob("*/LC_MESSAGES/*.mo"))
    latest = max((path.stat().st_mtime_ns for path in files), default=0)
    return f"{cleanprod.__version__}:{latest}"


def public_language(request: HttpRequest) -> str:
    """The language of a public page: the address's ``lang``, else the visitor's."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGE_CODES:
        return asked
    current = getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or "en"
    return current if current in LANGUAGE_CODES else "en"


def _tag(*parts: Any) -> str:
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:32]


def _list_query(request: HttpRequest, **changes: str) -> str:
    """The list's query string with ``changes`` (an empty value drops the parameter)."""
    query = request.GET.copy()
    for name, value in changes.items():
        if value:
            query[name] = value
        else:
            query.pop(name, None)
    return query.urlencode()


def _language_links(request: HttpRequest, language: str) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "name": name,
            "query": _list_query(request, lang=code),
            "current": code == language,
        }
        for code, name in LANGUAGE_CHOICES
    ]


def _public(view: Any) -> Any:
    """A public page: GET and HEAD only, kept a few minutes by browsers and proxies, which
    tell the languages apart."""
    view = vary_on_headers("Accept-Language", "Cookie")(view)
    view = cache_control(public=True, max_age=PUBLIC_MAX_AGE)(view)
    return require_safe(view)


# --------------------------------------------------------------------------------------------
# The list


def _list_etag(request: HttpRequest) -> str:
    """Changes when a case is published, withdrawn or edited, or the page's language,
    search or filters change."""
    state = CaseStudy.objects.filter(status=Status.PUBLISHED).aggregate(
        last=Max("updated"), count=Count("pk")
    )
    asked = [(name, request.GET.get(name, "")) for name in LIST_PARAMETERS]
    return _tag(release(), public_language(request), asked, state["count"], state["last"])


@_public
@condition(etag_func=_list_etag)
def case_list(request: HttpRequest) -> HttpResponse:
    """The published case studies, newest first, searched and filtered by sector, practice
    and country, twelve a page."""
    language = public_language(request)
    with translation.override(language):
        published = CaseStudy.objects.filter(status=Status.PUBLISHED)
        present_in = set(
            published.order_by().values_list("country", "sector", "practice").distinct()
        )
        form = PublicFilter(
            request.GET,
            countries={country for country, _sector, _practice in present_in},
            sectors={sector for _country, sector, _practice in present_in},
            practices={practice for _country, _sector, practice in present_in},
        )
        cases = CaseStudy.objects.published()
        searched = False
        if form.is_valid():
            data = form.cleaned_data
            for word in fold(data["q"]).split():
                cases = cases.filter(search_text__contains=word)
            for name in ("sector", "practice", "country"):
                if data[name]:
                    cases = cases.filter(**{name: data[name]})
            searched = any(data.values())
        page = Paginator(cases.order_by("-published_at", "pk"), PUBLIC_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        response = render(
            request,
            "library/public_list.html",
            {
                "form": form,
                "page": page,
                "cases": [present(case, language) for case in page],
                "searched": searched,
                "language": language,
                "language_links": _language_links(request, language),
                "page_query": _list_query(request, page="", lang=language),
            },
        )
    response["Content-Language"] = language
    return response


# --------------------------------------------------------------------------------------------
# One case


def _case_etag(request: HttpRequest, slug: str) -> str | None:
    updated = (
        CaseStudy.objects.filter(status=Status.PUBLISHED, slug=slug)
        .values_list("updated", flat=True)
        .first()
    )
    if updated is None:
        return None
    return _tag(release(), public_language(request), slug, updated)


@_public
@condition(etag_func=_case_etag)
def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A published case study: what was wasted, what was done, its figures, its verified
    saving in plain words and the practice it is an example of."""
    language = public_language(request)
    case = CaseStudy.objects.published().filter(slug=slug).first()
    if case is None:
        raise Http404(_("No such case study"))
    with translation.override(language):
        response = render(
            request,
            "library/public_detail.html",
            {
                "case": present(case, language),
                "language": language,
                "language_links": _language_links(request, language),
                "public": True,
            },
        )
    response["Content-Language"] = language
    return response
