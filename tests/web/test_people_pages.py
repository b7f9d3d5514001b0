"""The people pages: a centre administrator manages the people of their organisation."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from cleanprod.web.accounts.models import Profile
from cleanprod.web.accounts.views import managed_organisations

ROLES = (
    "centre_admin",
    "consultant",
    "assigned_consultant",
    "other_consultant",
    "enterprise_user",
    "other_enterprise_user",
    "programme_viewer",
    "superuser",
)
MANAGERS = {"centre_admin", "superuser"}
PASSWORD = "a long people password 3"


def _new_person(**fields):
    data = {
        "username": "khamla",
        "first_name": "Khamla",
        "last_name": "Phommasack",
        "email": "khamla@example.com",
        "role": "consultant",
        "enterprise": "",
        "language": "lo",
        "password1": "",
        "password2": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_people_pages_are_for_centre_administrators_only(role, people, organisations, client_of):
    client = client_of(people[role])
    expected = 200 if role in MANAGERS else 403
    assert client.get(reverse("people:list")).status_code == expected
    assert client.get(reverse("people:add")).status_code == expected
    colleague = people["consultant"].pk
    assert client.get(reverse("people:detail", args=[colleague])).status_code == expected
    response = client.post(
        reverse("people:add"), _new_person(organisation=str(organisations["lao"].pk))
    )
    assert response.status_code == (302 if role in MANAGERS else 403)
    assert get_user_model().objects.filter(username="khamla").exists() is (role in MANAGERS)
    deactivate = client.post(reverse("people:active", args=[colleague]), {"active": "0"})
    assert deactivate.status_code == (302 if role in MANAGERS else 403)


def test_people_list_shows_the_people_of_the_admins_organisation(people, client_of):
    response = client_of(people["centre_admin"]).get(reverse("people:list"))
    usernames = {profile.user.username for profile in response.context["page"]}
    assert usernames == {"lao-admin", "lao-consultant", "drinks-owner"}
    page = response.content.decode()
    assert "Vientiane Soft Drinks Co., Ltd" in page and "Enterprise user" in page


def test_people_of_another_organisation_are_not_found(people, client_of):
    client = client_of(people["centre_admin"])
    stranger = people["other_consultant"].pk
    assert client.get(reverse("people:detail", args=[stranger])).status_code == 404
    response = client.post(reverse("people:active", args=[stranger]), {"active": "0"})
    assert response.status_code == 404
    people["other_consultant"].refresh_from_db()
    assert people["other_consultant"].is_active


def test_managed_organisations_is_the_one_rule(people, organisations):
    assert list(managed_organisations(people["centre_admin"])) == [organisations["lao"]]
    assert managed_organisations(people["superuser"]).count() == len(organisations)
    for role in ROLES:
        if role not in MANAGERS:
            assert managed_organisations(people[role]) is None
    people["centre_admin"].is_active = False
    assert managed_organisations(people["centre_admin"]) is None


def test_person_add_generates_a_password_shown_once(people, organisations, client_of):
    client = client_of(people["centre_admin"])
    response = client.post(reverse("people:add"), _new_person())
    person = get_user_model().objects.get(username="khamla")
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.profile.organisation == organisations["lao"]
    assert (person.profile.role, person.profile.language) == ("consultant", "lo")
    first = client.get(response["Location"])
    password = first.context["password"]
    assert password and password in first.content.decode()
    assert person.check_password(password)
    second = client.get(response["Location"])
    assert second.context["password"] is None and password not in second.content.decode()


def test_person_add_with_a_given_password_validates_it(people, client_of):
    client = client_of(people["centre_admin"])
    weak = client.post(reverse("people:add"), _new_person(password1="123", password2="123"))
    assert "password1" in weak.context["form"].errors
    differ = _new_person(password1="a long lao password 9", password2="a long lao password 8")
    assert "password2" in client.post(reverse("people:add"), differ).context["form"].errors
    good = _new_person(password1="a long lao password 9", password2="a long lao password 9")
    response = client.post(reverse("people:add"), good)
    assert response.status_code == 302
    assert client.get(response["Location"]).context["password"] is None
    assert get_user_model().objects.get(username="khamla").check_password("a long lao password 9")


def test_person_add_refuses_a_taken_username_in_any_case(people, client_of):
    response = client_of(people["centre_admin"]).post(
        reverse("people:add"), _new_person(username="LAO-CONSULTANT")
    )
    assert "username" in response.context["form"].errors


def test_person_add_ties_an_enterprise_user_only_to_an_enterprise_of_the_organisation(
    people, enterprise, other_enterprise, client_of
):
    client = client_of(people["centre_admin"])
    offered = client.get(reverse("people:add")).context["form"].fields["enterprise"].queryset
    assert list(offered) == [enterprise]
    foreign = _new_person(role="enterprise-user", enterprise=str(other_enterprise.pk))
    assert "enterprise" in client.post(reverse("people:add"), foreign).context["form"].errors
    none = _new_person(role="enterprise-user")
    assert "enterprise" in client.post(reverse("people:add"), none).context["form"].errors
    own = _new_person(role="enterprise-user", enterprise=str(enterprise.pk))
    assert client.post(reverse("people:add"), own).status_code == 302
    assert get_user_model().objects.get(username="khamla").profile.enterprise == enterprise


def test_person_add_by_a_superuser_checks_the_enterprise_against_the_organisation(
    people, organisations, enterprise, other_enterprise, client_of
):
    client = client_of(people["superuser"])
    data = _new_person(
        role="enterprise-user",
        enterprise=str(other_enterprise.pk),
        organisation=str(organisations["lao"].pk),
    )
    response = client.post(reverse("people:add"), data)
    assert "registered by VNCPC" in str(response.context["form"].errors["enterprise"])
    data["organisation"] = str(organisations["viet"].pk)
    assert client.post(reverse("people:add"), data).status_code == 302


def test_person_change_of_role_and_name_is_audited(people, client_of):
    admin = people["centre_admin"]
    consultant = people["consultant"]
    client = client_of(admin)
    data = {
        "role": "centre-admin",
        "enterprise": "",
        "language": "en",
        "first_name": "Vilay",
        "last_name": "",
        "email": "vilay@example.com",
    }
    response = client.post(reverse("people:detail", args=[consultant.pk]), data)
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert consultant.profile.role == "centre-admin" and consultant.first_name == "Vilay"
    update = LogEntry.Action.UPDATE
    profile_entry = LogEntry.objects.get_for_object(consultant.profile).get(action=update)
    assert profile_entry.actor == admin and "role" in profile_entry.changes_dict
    user_entry = LogEntry.objects.get_for_object(consultant).get(action=update)
    assert user_entry.actor == admin
    assert user_entry.changes_dict["email"] == ["", "vilay@example.com"]
    page = client.get(reverse("people:detail", args=[consultant.pk])).content.decode()
    assert "vilay@example.com" in page and "centre-admin" in page


def test_person_role_change_away_from_enterprise_user_unties_the_enterprise(people, client_of):
    owner = people["enterprise_user"]
    data = {"role": "consultant", "enterprise": str(owner.profile.enterprise_id)}
    data |= {"language": "en", "first_name": "", "last_name": "", "email": ""}
    client_of(people["centre_admin"]).post(reverse("people:detail", args=[owner.pk]), data)
    profile = Profile.objects.get(user=owner)
    assert (profile.role, profile.enterprise) == ("consultant", None)


def test_person_admin_cannot_change_their_own_role_or_deactivate_themselves(people, client_of):
    admin = people["centre_admin"]
    client = client_of(admin)
    data = {"role": "consultant", "enterprise": "", "language": "en"}
    data |= {"first_name": "Noy", "last_name": "", "email": ""}
    client.post(reverse("people:detail", args=[admin.pk]), data)
    response = client.post(reverse("people:active", args=[admin.pk]), {"active": "0"}, follow=True)
    admin.refresh_from_db()
    assert admin.profile.role == "centre-admin" and admin.first_name == "Noy"
    assert admin.is_active
    assert "cannot deactivate yourself" in response.content.decode()


def test_person_deactivation_and_reactivation(people, client_of):
    from django.test import Client

    consultant = people["consultant"]
    consultant.set_password(PASSWORD)
    consultant.save()
    admin_client = client_of(people["centre_admin"])
    response = admin_client.post(reverse("people:active", args=[consultant.pk]), {"active": "0"})
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert not consultant.is_active
    assert not Client().login(username="lao-consultant", password=PASSWORD)
    entry = LogEntry.objects.get_for_object(consultant).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == people["centre_admin"]
    assert entry.changes_dict["is_active"] == ["True", "False"]
    admin_client.post(reverse("people:active", args=[consultant.pk]), {"active": "1"})
    consultant.refresh_from_db()
    assert consultant.is_active
    assert Client().login(username="lao-consultant", password=PASSWORD)
    listed = admin_client.get(reverse("people:list")).context["page"]
    assert all(profile.user.is_active for profile in listed)
