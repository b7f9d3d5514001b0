"""The platform's one permission filter: who may see and change what.

Every page and every API endpoint reads records through :meth:`RestrictedQuerySet.restrict`,
which filters a query by the user and the action; an object-level check
(:func:`is_permitted`, :func:`sees_confidential`) is the same filter applied to one row.
Nothing else decides access to an enterprise's records; who manages people's accounts is
:func:`cleanprod.web.accounts.views.managed_organisations`.

The rules (issue 7, "organisations and people"):

- The **registry** of enterprises (name, country, province, sector, size, supply-chain role)
  is visible to every signed-in member of an organisation; an enterprise user sees only their
  own enterprise.
- An enterprise's **confidential data** (contacts, assessments and their costs, balances and
  options) is visible only to the staff (centre administrators and consultants) of the
  organisation that registered it, to the consultants assigned to it, and to its own users.
  A programme viewer (donor) sees none of it: only aggregates.
- **Changes** to an enterprise or its data: the staff of its organisation and its assigned
  consultants. **Deleting**: a centre administrator of its organisation.
- A superuser may do everything.

A model takes part by using :class:`RestrictedQuerySet` as its manager and saying how it
reaches its enterprise (``permission_path``: ``""`` for the enterprise itself,
``"enterprise"``, ``"assessment__enterprise"`` ...) and whether it is confidential.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from cleanprod.web.accounts.choices import STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"


NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def profile_of(user: User) -> Any | None:
    """The user's profile, or None (signed out, or a user with no place on the platform)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except ObjectDoesNotExist:  # a user created without a profile (a bare superuser)
        return None


def enterprise_condition(
    user: User, action: Action | str, path: str = "", confidential: bool = True
) -> Q:
    """The condition on the enterprise reached by ``path`` under which ``user`` may do
    ``action``.

    Parameters
    ----------
    user
        The signed-in user (or an anonymous one, who may do nothing).
    action
        ``view``, ``change`` or ``delete``.
    path
        The lookup from the filtered model to its enterprise; ``""`` for an enterprise.
    confidential
        Whether viewing the record shows an enterprise's confidential data.
    """
    action = Action(action)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOTHING
    if getattr(user, "is_superuser", False):
        return EVERYTHING
    profile = profile_of(user)
    if profile is None:
        return NOTHING
    enterprise = path or "pk"
    organisation = f"{path}__organisation" if path else "organisation"

    if profile.role == Role.ENTERPRISE_USER:
        if action != Action.VIEW or profile.enterprise_id is None:
            return NOTHING
        return Q(**{enterprise: profile.enterprise_id})

    if action == Action.VIEW and not confidential:
        return EVERYTHING
    if profile.role == Role.PROGRAMME_VIEWER:
        return NOTHING

    from cleanprod.web.enterprises.models import Enterprise

    own_organisation = Q(**{organisation: profile.organisation_id})
    if action == Action.DELETE:
        return own_organisation if profile.role == Role.CENTRE_ADMIN else NOTHING
    assigned = Enterprise.consultants.through.objects.filter(user_id=user.pk).values(
        "enterprise_id"
    )
    if profile.role in STAFF_ROLES:
        if not path:
            return own_organisation | Q(pk__in=assigned)
        # A record of an enterprise: one semi-join on the enterprise's id, which the
        # databases plan better over large tables than an OR across a join.
        enterprises = Enterprise.objects.filter(
            Q(organisation_id=profile.organisation_id) | Q(pk__in=assigned)
        ).values("pk")
        return Q(**{f"{path}__in": enterprises})
    return NOTHING


class RestrictedQuerySet(models.QuerySet):
    """A query that can be narrowed to what a user may see or do."""

    def restrict(self, user: User, action: Action | str = Action.VIEW) -> RestrictedQuerySet:
        model = self.model
        condition = enterprise_condition(
            user,
            action,
            path=getattr(model, "permission_path", ""),
            confidential=getattr(model, "confidential", True),
        )
        return self.filter(condition)


def is_permitted(user: User, action: Action | str, obj: models.Model) -> bool:
    """Whether ``user`` may do ``action`` on ``obj``: the same filter, applied to one row."""
    return type(obj).objects.filter(pk=obj.pk).restrict(user, action).exists()


def confidential_visibility(user: User) -> Exists:
    """An expression for annotating enterprises: whether ``user`` may see each one's
    confidential data (the filter's condition for a confidential record, asked of the
    enterprise itself); ``Enterprise.objects.annotate(sees_confidential=...)``."""
    from cleanprod.web.enterprises.models import Enterprise

    condition = enterprise_condition(user, Action.VIEW, path="", confidential=True)
    return Exists(Enterprise.objects.filter(condition, pk=OuterRef("pk")))


def sees_confidential(user: User, enterprise: models.Model) -> bool:
    """Whether ``user`` may see ``enterprise``'s confidential data (contacts, assessments,
    assigned consultants)."""
    from cleanprod.web.enterprises.models import Enterprise

    condition = enterprise_condition(user, Action.VIEW, path="", confidential=True)
    return Enterprise.objects.filter(condition, pk=enterprise.pk).exists()


def can_assign_consultants(user: User, enterprise: models.Model) -> bool:
    """Whether ``user`` may choose the consultants assigned to ``enterprise``: the staff of
    the organisation that registered it, and superusers; a consultant assigned from another
    organisation may change its data but not who else is assigned."""
    if not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    profile = profile_of(user)
    return (
        profile is not None
        and profile.role in STAFF_ROLES
        and profile.organisation_id == enterprise.organisation_id
    )


def can_register_enterprises(user: User) -> bool:
    """Centre staff (and superusers) register enterprises, for their own organisation."""
    if getattr(user, "is_superuser", False):
        return True
    profile = profile_of(user)
    return profile is not None and profile.role in STAFF_ROLES


def get_permitted(
    queryset: models.QuerySet, user: User, action: Action | str = Action.VIEW, **lookup: Any
) -> Any:
    """The one object of ``queryset`` matching ``lookup`` that ``user`` may see, checked for
    ``action`` as well.

    Raises
    ------
    Http404
        When there is no such object or the user may not see it: its existence is not told.
    PermissionDenied
        When the user may see it but not do ``action``.
    """
    try:
        obj = queryset.restrict(user, Action.VIEW).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} found") from None
    if Action(action) != Action.VIEW and not is_permitted(user, action, obj):
        raise PermissionDenied
    return obj


# ---------------------------------------------------------------------------------------------
# The centre's own work (trainings): an addition to the filter above, by organisation.
#
# A course, a session and what hangs off them are the work of the organisation that runs them,
# not an enterprise's confidential data. A model takes part by using
# :class:`OrganisationRestrictedQuerySet` as its manager and declaring ``organisation_paths``
# (the lookups to the organisation(s) running it: ``("organisation",)``,
# ``("session__organisation",)`` ...) and ``personal`` (whether a row shows a person's data:
# name, sex, email, phone, answers). The rules:
#
# - **Viewing** what is not personal (courses, modules, sessions, assignments): every
#   signed-in member of an organisation. Aggregates of those records (counts, sex-disaggregated
#   totals, evaluation means) are computed over the rows of a record one may view.
# - **Viewing personal data** (participants, attendance, evaluations with their participant):
#   the staff (centre administrators and consultants) of a running organisation.
# - **Changes**: the staff of a running organisation. **Deleting**: its centre administrators.
# - A superuser may do everything.


def organisation_condition(
    user: User,
    action: Action | str,
    paths: tuple[str, ...] = ("organisation",),
    personal: bool = False,
    model: type[models.Model] | None = None,
) -> Q:
    """The condition under which ``user`` may do ``action`` on a record of the centre's own
    work, run by the organisation(s) reached by ``paths``.

    Parameters
    ----------
    user
        The signed-in user (or an anonymous one, who may do nothing).
    action
        ``view``, ``change`` or ``delete``.
    paths
        The lookups from the filtered model to the organisations running the record; the
        staff of any of them may act. A path through a one-to-many or many-to-many relation
        (``attendances__session__organisation``) becomes a subquery of ``model``, so that a
        row is never repeated.
    personal
        Whether viewing the record shows a person's data.
    model
        The filtered model; needed only for paths through one-to-many relations.
    """
    action = Action(action)
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NOTHING
    if getattr(user, "is_superuser", False):
        return EVERYTHING
    profile = profile_of(user)
    if profile is None:
        return NOTHING
    if action == Action.VIEW and not personal:
        return EVERYTHING
    if profile.role not in STAFF_ROLES:
        return NOTHING
    if action == Action.DELETE and profile.role != Role.CENTRE_ADMIN:
        return NOTHING
    condition = NOTHING
    for path in paths:
        own = Q(**{path: profile.organisation_id})
        if model is not None and _through_many(model, path):
            own = Q(pk__in=model._base_manager.filter(own).values("pk"))
        condition |= own
    return condition


def _through_many(model: type[models.Model], path: str) -> bool:
    """Whether ``path`` from ``model`` crosses a one-to-many or many-to-many relation."""
    for name in path.split("__")[:-1]:
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
    return False


class OrganisationRestrictedQuerySet(RestrictedQuerySet):
    """A query of the centre's own work, narrowed by :func:`organisation_condition`; works
    with :func:`get_permitted` and :func:`is_permitted` as the enterprise filter does."""

    def restrict(
        self, user: User, action: Action | str = Action.VIEW
    ) -> OrganisationRestrictedQuerySet:
        model = self.model
        condition = organisation_condition(
            user,
            action,
            paths=model.organisation_paths,
            personal=getattr(model, "personal", False),
            model=model,
        )
        return self.filter(condition)


def sees_personal_data(user: User, obj: models.Model) -> bool:
    """Whether ``user`` may see the personal data (names, sex, email, phone, answers) of the
    people of ``obj`` (a session or a course): the rule of a personal record, asked of it."""
    model = type(obj)
    condition = organisation_condition(
        user, Action.VIEW, paths=model.organisation_paths, personal=True, model=model
    )
    return model._base_manager.filter(condition, pk=obj.pk).exists()


def can_run_trainings(user: User) -> bool:
    """Centre staff (and superusers) run courses and sessions and keep participants' records,
    for their own organisation."""
    if not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    profile = profile_of(user)
    return profile is not None and profile.role in STAFF_ROLES
