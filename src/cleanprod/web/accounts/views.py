"""The people pages: a centre administrator manages the people of their organisation.

Who may manage whose account is decided in one place, :func:`managed_organisations`. Every
change is in the audit trail, as ``Profile`` and ``User`` are registered with django-auditlog
(``accounts/apps.py``): users and profiles are saved one by one, never in bulk.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cleanprod.web.accounts.choices import Role
from cleanprod.web.accounts.forms import PersonCreateForm, ProfileFields, generated_password
from cleanprod.web.accounts.models import Organisation, Profile
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import Action, profile_of

PAGE_SIZE = 100
#: The session key under which a generated password waits to be shown, once.
NEW_PASSWORD = "people:new-password"


def managed_organisations(user: Any) -> QuerySet | None:
    """The organisations whose people ``user`` may see and manage, or None when they may
    manage nobody's account.

    The rule: an active **centre administrator** manages the people of **their own
    organisation** (adds them, changes their role and enterprise, deactivates them); a
    superuser those of every organisation; nobody else anyone's. Every people page asks this
    function, and only this one.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_superuser", False):
        return Organisation.objects.order_by("name")
    profile = profile_of(user)
    if profile is None or profile.role != Role.CENTRE_ADMIN:
        return None
    return Organisation.objects.filter(pk=profile.organisation_id)


def _organisations_or_403(user: Any) -> QuerySet:
    organisations = managed_organisations(user)
    if organisations is None:
        raise PermissionDenied
    return organisations


def _person_or_404(organisations: QuerySet, pk: int) -> Profile:
    """The profile of user ``pk`` if it belongs to one of ``organisations``; else 404."""
    try:
        return Profile.objects.select_related("user", "organisation", "enterprise").get(
            user_id=pk, organisation__in=organisations
        )
    except Profile.DoesNotExist:
        raise Http404("No such person") from None


def _enterprises_of(user: Any, organisations: QuerySet) -> QuerySet:
    """The enterprises an enterprise user of ``organisations`` may be tied to."""
    return Enterprise.objects.restrict(user, Action.CHANGE).filter(organisation__in=organisations)


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    """The people of the organisations the user manages: user name, name, role, enterprise."""
    organisations = _organisations_or_403(request.user)
    people = (
        Profile.objects.filter(organisation__in=organisations)
        .select_related("user", "organisation", "enterprise")
        .order_by("organisation__name", "user__username")
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest) -> HttpResponse:
    """Adds a person: their account, with a password given or generated (shown once), and
    their profile."""
    organisations = _organisations_or_403(request.user)
    form = PersonCreateForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        enterprises=_enterprises_of(request.user, organisations),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password1"] or generated_password()
        with transaction.atomic():
            person = get_user_model().objects.create_user(
                data["username"],
                email=data["email"],
                password=password,
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            profile = form.save(commit=False)
            profile.user = person
            profile.save()
        if not data["password1"]:
            request.session[NEW_PASSWORD] = {"person": person.pk, "password": password}
        messages.success(request, _("%(username)s is added.") % {"username": person.username})
        return redirect("people:detail", pk=person.pk)
    return render(request, "accounts/person_add.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person: their account, the form to change their role, enterprise, name and email,
    (de)activation, and the history of their account."""
    organisations = _organisations_or_403(request.user)
    profile = _person_or_404(organisations, pk)
    person = profile.user
    is_self = person.pk == request.user.pk
    form = ProfileFields(
        request.POST if request.method == "POST" else None,
        instance=profile,
        enterprises=_enterprises_of(request.user, organisations),
    )
    if is_self:
        form.fields["role"].disabled = True
        form.fields["role"].help_text = _(
            "You cannot change your own role: another administrator of your organisation can."
        )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            changes = form.user_changes()
            if changes:
                for name, (_before, after) in changes.items():
                    setattr(person, name, after)
                person.save(update_fields=list(changes))
            if form.has_changed():
                form.save()
        messages.success(request, _("%(username)s is saved.") % {"username": person.username})
        return redirect("people:detail", pk=person.pk)
    shown = request.session.get(NEW_PASSWORD)
    password = None
    if shown and shown.get("person") == person.pk:
        password = request.session.pop(NEW_PASSWORD)["password"]
    history = LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Profile), object_id=profile.pk)
        | Q(content_type=ContentType.objects.get_for_model(person), object_id=person.pk)
    ).select_related("actor", "content_type")[:50]
    return render(
        request,
        "accounts/person.html",
        {
            "person_profile": profile,
            "person": person,
            "form": form,
            "is_self": is_self,
            "password": password,
            "history": history,
        },
    )


@login_required
@require_POST
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivates a person (they can no longer sign in; their records stay) or activates
    them again."""
    organisations = _organisations_or_403(request.user)
    person = _person_or_404(organisations, pk).user
    active = request.POST.get("active") == "1"
    if person.pk == request.user.pk:
        messages.error(
            request,
            _("You cannot deactivate yourself: another administrator of your organisation can."),
        )
    elif person.is_active != active:
        person.is_active = active
        person.save(update_fields=["is_active"])
        if active:
            message = _("%(username)s can sign in again.")
        else:
            message = _("%(username)s is deactivated: they can no longer sign in.")
        messages.success(request, message % {"username": person.username})
    return redirect("people:detail", pk=person.pk)
