"""The one permission filter: who sees and changes which enterprise's data."""

from __future__ import annotations

import pytest

from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.permissions import Action, get_permitted, is_permitted

#: Who may see the confidential data of ``enterprise`` (registered by the Lao centre).
SEES_CONFIDENTIAL = {
    "centre_admin": True,
    "consultant": True,
    "assigned_consultant": True,
    "other_consultant": False,
    "enterprise_user": True,
    "other_enterprise_user": False,
    "programme_viewer": False,
    "superuser": True,
}
CHANGES = {
    "centre_admin": True,
    "consultant": True,
    "assigned_consultant": True,
    "other_consultant": False,
    "enterprise_user": False,
    "other_enterprise_user": False,
    "programme_viewer": False,
    "superuser": True,
}
DELETES = {name: name in {"centre_admin", "superuser"} for name in CHANGES}


@pytest.mark.parametrize("role", sorted(SEES_CONFIDENTIAL))
def test_confidential_records_follow_the_rule(role, people, assessment):
    user = people[role]
    expected = SEES_CONFIDENTIAL[role]
    assert Assessment.objects.restrict(user).filter(pk=assessment.pk).exists() is expected
    versions = AssessmentVersion.objects.restrict(user).filter(assessment=assessment)
    assert versions.exists() is expected
    options = AssessmentOption.objects.restrict(user).filter(assessment=assessment)
    assert options.exists() is expected
    assert is_permitted(user, Action.CHANGE, assessment) is CHANGES[role]
    assert is_permitted(user, Action.DELETE, assessment) is DELETES[role]


@pytest.mark.parametrize("role", sorted(SEES_CONFIDENTIAL))
def test_registry_is_shared_but_not_with_other_enterprises_users(role, people, enterprise):
    visible = set(Enterprise.objects.restrict(people[role]).values_list("name", flat=True))
    if role == "enterprise_user":
        assert visible == {enterprise.name}
    elif role == "other_enterprise_user":
        assert enterprise.name not in visible and len(visible) == 1
    else:
        assert enterprise.name in visible and len(visible) == 2


def test_filter_gives_each_row_once_when_assigned_and_own_organisation(
    people, enterprise, assessment
):
    """A consultant of the registering centre who is also assigned: one row, not two."""
    consultant = people["consultant"]
    enterprise.consultants.add(consultant, people["centre_admin"])
    assert Assessment.objects.restrict(consultant).filter(pk=assessment.pk).count() == 1
    assert Enterprise.objects.restrict(consultant, Action.CHANGE).count() == 1


def test_anonymous_and_profileless_users_see_nothing(db, assessment, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    nobody = django_user_model.objects.create_user("no-profile", password="x-long-password-1")
    for user in (AnonymousUser(), nobody):
        assert not Enterprise.objects.restrict(user).exists()
        assert not Assessment.objects.restrict(user).exists()


def test_get_permitted_hides_existence_and_refuses_changes(people, assessment):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        get_permitted(Assessment.objects, people["other_consultant"], pk=assessment.pk)
    with pytest.raises(PermissionDenied):
        get_permitted(
            Assessment.objects, people["enterprise_user"], Action.CHANGE, pk=assessment.pk
        )
    assert get_permitted(Assessment.objects, people["consultant"], Action.CHANGE, pk=assessment.pk)
