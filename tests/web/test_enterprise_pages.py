"""The registry's pages: list, detail, create, edit, delete, for every role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cleanprod.web.enterprises.models import Contact, Enterprise

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
#: The status of each page of ``enterprise`` (registered by the Lao centre) for each role:
#: 404 for what one may not see, 403 for what one may see but not change.
DETAIL = {role: 200 for role in ROLES} | {"other_enterprise_user": 404}
EDIT = {role: 403 for role in ROLES} | {
    "centre_admin": 200,
    "consultant": 200,
    "assigned_consultant": 200,
    "superuser": 200,
    "other_enterprise_user": 404,
}
DELETE = {role: 403 for role in ROLES} | {
    "centre_admin": 200,
    "superuser": 200,
    "other_enterprise_user": 404,
}
REGISTERS = {"centre_admin", "consultant", "assigned_consultant", "other_consultant", "superuser"}
SEES_CONFIDENTIAL = {"centre_admin", "consultant", "assigned_consultant", "enterprise_user"} | {
    "superuser"
}


def _form_data(**fields):
    """The POST data of the enterprise form with no contact rows."""
    data = {
        "name": "Savan Rattan Export",
        "local_name": "",
        "registration_number": "",
        "country": "LA",
        "province": "Savannakhet",
        "district": "",
        "address": "",
        "sector": "rattan-bamboo",
        "size": "small",
        "employees": "30",
        "supply_chain_role": "exporter",
        "latitude": "",
        "longitude": "",
        "phone": "",
        "email": "",
        "website": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "50",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_pages_answer_each_role_by_the_permission_filter(
    role, people, enterprise, client_of
):
    client = client_of(people[role])
    detail = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert detail.status_code == DETAIL[role]
    edit = client.get(reverse("enterprises:edit", args=[enterprise.pk]))
    assert edit.status_code == EDIT[role]
    delete = client.get(reverse("enterprises:delete", args=[enterprise.pk]))
    assert delete.status_code == DELETE[role]
    create = client.get(reverse("enterprises:create"))
    assert create.status_code == (200 if role in REGISTERS else 403)
    assert client.get(reverse("enterprises:import")).status_code == create.status_code
    if detail.status_code == 200:
        page = detail.content.decode()
        assert (reverse("enterprises:edit", args=[enterprise.pk]) in page) is (EDIT[role] == 200)
        assert (reverse("enterprises:delete", args=[enterprise.pk]) in page) is (
            DELETE[role] == 200
        )


def test_enterprise_pages_send_anonymous_visitors_to_sign_in(db, enterprise, client):
    for name, args in (("list", []), ("detail", [enterprise.pk]), ("create", [])):
        response = client.get(reverse(f"enterprises:{name}", args=args))
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_detail_shows_confidential_part_only_to_those_permitted(
    role, people, enterprise, assessment, client_of
):
    Contact.objects.create(enterprise=enterprise, name="Ms Phonesavanh", phone="+856 21 000")
    response = client_of(people[role]).get(reverse("enterprises:detail", args=[enterprise.pk]))
    if DETAIL[role] == 404:
        assert response.status_code == 404
        return
    page = response.content.decode()
    assert enterprise.name in page
    sees = role in SEES_CONFIDENTIAL
    assert ("Ms Phonesavanh" in page) is sees
    assert (reverse("assessments:detail", args=[assessment.pk]) in page) is sees
    assert ("partner-consultant" in page) is sees  # the assigned consultant
    history = f"/history/?kind=enterprise&amp;object={enterprise.pk}"
    assert (history in page) is (EDIT[role] == 200)


def test_enterprise_list_shows_an_enterprise_user_only_their_own(
    people, enterprise, other_enterprise, client_of
):
    page = client_of(people["enterprise_user"]).get(reverse("enterprises:list")).content.decode()
    assert enterprise.name in page and other_enterprise.name not in page


def _many(organisation, count, **fields):
    return [
        Enterprise.objects.create(
            name=f"Workshop {number:03d}",
            country=fields.get("country", "VN"),
            province=fields.get("province", "Ha Noi"),
            sector=fields.get("sector", "wood"),
            organisation=organisation,
        )
        for number in range(count)
    ]


def test_enterprise_list_makes_the_same_queries_for_60_enterprises_as_for_5(
    people, organisations, client_of, django_assert_max_num_queries, django_assert_num_queries
):
    client = client_of(people["consultant"])
    url = reverse("enterprises:list")
    _many(organisations["viet"], 3)
    client.get(url)  # the session and the content types, loaded once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(organisations["lao"], 60, country="LA", province="Vientiane")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url, {"q": "workshop", "country": "LA", "sort": "-updated", "page": "2"})
    assert len(response.context["page"].object_list) == 50


def test_enterprise_list_searches_without_accents_and_filters(
    people, organisations, enterprise, other_enterprise, client_of
):
    hanoi = Enterprise.objects.create(
        name="Công ty TNHH Mây tre Đồng Tâm",
        registration_number="0101-234",
        country="VN",
        province="Hà Nội",
        sector="rattan-bamboo",
        supply_chain_role="",
        organisation=organisations["viet"],
    )
    client = client_of(people["consultant"])

    def names(**query):
        response = client.get(reverse("enterprises:list"), query)
        assert response.status_code == 200
        return {e.name for e in response.context["page"].object_list}

    assert names(q="dong tam") == {hanoi.name}
    assert names(q="HA NOI") == {hanoi.name, other_enterprise.name}
    assert names(q="mây ha noi") == {hanoi.name}
    assert names(q="0101-234") == {hanoi.name}
    assert names(q="Đồng") == {hanoi.name}
    assert names(country="LA") == {enterprise.name}
    assert names(sector="rattan-bamboo") == {hanoi.name, other_enterprise.name}
    assert names(role="none", country="VN") == {hanoi.name}
    assert names(role="processor") == {other_enterprise.name}
    assert names(size="medium") == {enterprise.name}
    assert names(province="Ha Noi") == {other_enterprise.name}
    assert names(organisation=str(organisations["lao"].pk)) == {enterprise.name}
    sorted_names = [
        e.name for e in client.get(reverse("enterprises:list"), {"sort": "-name"}).context["page"]
    ]
    assert sorted_names == sorted(sorted_names, reverse=True)


def test_enterprise_list_ignores_a_bad_filter_and_says_so(people, enterprise, client_of):
    response = client_of(people["consultant"]).get(
        reverse("enterprises:list"), {"sector": "spaceships", "page": "x"}
    )
    assert response.status_code == 200
    assert "This filter is left out" in response.content.decode()
    assert enterprise in response.context["page"].object_list


def test_enterprise_list_sends_only_the_results_to_htmx(people, enterprise, client_of):
    client = client_of(people["consultant"])
    partial = client.get(reverse("enterprises:list"), {"q": "vientiane"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    page = partial.content.decode()
    assert enterprise.name in page and "<html" not in page and "<form" not in page
    assert "HX-Request" in partial["Vary"]
    full = client.get(reverse("enterprises:list"), {"q": "vientiane"})
    assert "<html" in full.content.decode()


def test_enterprise_create_registers_for_the_creators_organisation_with_a_contact(
    people, organisations, client_of
):
    client = client_of(people["consultant"])
    data = _form_data(
        latitude="16.5563",
        longitude="104.7500",
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-name": "Mr Bounmy",
            "contacts-0-position": "Owner",
            "contacts-0-email": "bounmy@example.com",
            "consultants": [str(people["assigned_consultant"].pk)],
        },
    )
    response = client.post(reverse("enterprises:create"), data)
    created = Enterprise.objects.get(name="Savan Rattan Export")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[created.pk])
    assert created.organisation == organisations["lao"]
    assert created.latitude == Decimal("16.556300")
    assert list(created.contacts.values_list("name", flat=True)) == ["Mr Bounmy"]
    assert list(created.consultants.all()) == [people["assigned_consultant"]]
    assert LogEntry.objects.get_for_object(created).filter(action=LogEntry.Action.CREATE)


def test_enterprise_create_refuses_one_coordinate_without_the_other(people, client_of):
    response = client_of(people["consultant"]).post(
        reverse("enterprises:create"), _form_data(latitude="16.5")
    )
    assert response.status_code == 200
    assert "longitude" in response.context["form"].errors
    assert not Enterprise.objects.filter(name="Savan Rattan Export").exists()


def test_enterprise_create_asks_before_registering_a_likely_duplicate(
    people, enterprise, client_of
):
    client = client_of(people["other_consultant"])
    data = _form_data(name="VIENTIANE SOFT DRINK COMPANY LIMITED", sector="beverages")
    first = client.post(reverse("enterprises:create"), data)
    assert first.status_code == 200
    assert [d.candidate["pk"] for d in first.context["duplicates"]] == [enterprise.pk]
    page = first.content.decode()
    assert reverse("enterprises:detail", args=[enterprise.pk]) in page
    assert "register_anyway" in first.context["form"].errors
    assert Enterprise.objects.filter(country="LA").count() == 1
    second = client.post(reverse("enterprises:create"), {**data, "register_anyway": "on"})
    assert second.status_code == 302
    created = Enterprise.objects.get(name="VIENTIANE SOFT DRINK COMPANY LIMITED")
    assert created.organisation == people["other_consultant"].profile.organisation


def test_enterprise_create_lets_a_superuser_choose_the_organisation(
    people, organisations, client_of
):
    client = client_of(people["superuser"])
    missing = client.post(reverse("enterprises:create"), _form_data())
    assert "organisation" in missing.context["form"].errors
    data = _form_data(organisation=str(organisations["partner"].pk))
    assert client.post(reverse("enterprises:create"), data).status_code == 302
    assert (
        Enterprise.objects.get(name="Savan Rattan Export").organisation == organisations["partner"]
    )


def test_enterprise_create_does_not_let_staff_choose_another_organisation(
    people, organisations, client_of
):
    data = _form_data(organisation=str(organisations["viet"].pk))
    client_of(people["centre_admin"]).post(reverse("enterprises:create"), data)
    assert Enterprise.objects.get(name="Savan Rattan Export").organisation == organisations["lao"]


def test_enterprise_create_refuses_users_who_do_not_register(people, client_of):
    response = client_of(people["programme_viewer"]).post(
        reverse("enterprises:create"), _form_data()
    )
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="Savan Rattan Export").exists()


def _edit_data(enterprise, **fields):
    contacts = list(enterprise.contacts.all())
    data = _form_data(
        name=enterprise.name,
        country=enterprise.country,
        province=enterprise.province,
        sector=enterprise.sector,
        size=enterprise.size,
        employees=str(enterprise.employees or ""),
        supply_chain_role=enterprise.supply_chain_role,
        **{
            "contacts-TOTAL_FORMS": str(len(contacts)),
            "contacts-INITIAL_FORMS": str(len(contacts)),
        },
    )
    for index, contact in enumerate(contacts):
        data[f"contacts-{index}-id"] = str(contact.pk)
        data[f"contacts-{index}-name"] = contact.name
    data.update(fields)
    return data


def test_enterprise_edit_saves_fields_and_contacts_and_logs_them(people, enterprise, client_of):
    contact = Contact.objects.create(enterprise=enterprise, name="Mr Somchai")
    client = client_of(people["assigned_consultant"])
    data = _edit_data(enterprise, employees="150", **{"contacts-0-name": "Mr Somchai Vongsa"})
    data["contacts-0-position"] = "Plant manager"
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    contact.refresh_from_db()
    assert enterprise.employees == 150
    assert (contact.name, contact.position) == ("Mr Somchai Vongsa", "Plant manager")
    entry = LogEntry.objects.get_for_object(enterprise).filter(action=LogEntry.Action.UPDATE)
    assert entry.filter(actor=people["assigned_consultant"]).exists()
    assert "search_text" not in entry.first().changes_dict


def test_enterprise_edit_offers_consultants_only_to_staff_of_its_organisation(
    people, enterprise, client_of
):
    own = client_of(people["consultant"]).get(reverse("enterprises:edit", args=[enterprise.pk]))
    assert "consultants" in own.context["form"].fields
    offered = set(own.context["form"].fields["consultants"].queryset)
    assert offered == {
        people["consultant"],
        people["assigned_consultant"],
        people["other_consultant"],
    }
    assigned = client_of(people["assigned_consultant"]).get(
        reverse("enterprises:edit", args=[enterprise.pk])
    )
    assert "consultants" not in assigned.context["form"].fields


def test_enterprise_edit_by_an_assigned_consultant_keeps_the_assignments(
    people, enterprise, client_of
):
    data = _edit_data(enterprise, consultants=[])
    client_of(people["assigned_consultant"]).post(
        reverse("enterprises:edit", args=[enterprise.pk]), data
    )
    assert list(enterprise.consultants.all()) == [people["assigned_consultant"]]


def test_enterprise_edit_assigns_consultants_and_logs_it(people, enterprise, client_of):
    data = _edit_data(
        enterprise,
        consultants=[str(people["other_consultant"].pk), str(people["assigned_consultant"].pk)],
    )
    client_of(people["centre_admin"]).post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert set(enterprise.consultants.all()) == {
        people["other_consultant"],
        people["assigned_consultant"],
    }
    assert (
        LogEntry.objects.get_for_object(enterprise)
        .filter(changes__icontains="consultants")
        .exists()
    )


def test_enterprise_edit_refused_for_who_may_only_see(people, enterprise, client_of):
    data = _edit_data(enterprise, name="Renamed")
    response = client_of(people["other_consultant"]).post(
        reverse("enterprises:edit", args=[enterprise.pk]), data
    )
    assert response.status_code == 403
    enterprise.refresh_from_db()
    assert enterprise.name == "Vientiane Soft Drinks Co., Ltd"


def test_enterprise_delete_by_a_centre_admin_removes_it_and_its_contacts(
    people, enterprise, client_of
):
    Contact.objects.create(enterprise=enterprise, name="Mr Somchai")
    client = client_of(people["centre_admin"])
    enterprise.users.update(enterprise=None, role="consultant")  # no user accounts on it
    response = client.post(reverse("enterprises:delete", args=[enterprise.pk]))
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
    assert not Contact.objects.filter(name="Mr Somchai").exists()


def test_enterprise_delete_is_refused_while_it_has_assessments(
    people, enterprise, assessment, client_of
):
    client = client_of(people["centre_admin"])
    response = client.post(reverse("enterprises:delete", args=[enterprise.pk]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be deleted" in page and "1 assessment" in page
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_enterprise_delete_is_refused_to_a_consultant(people, enterprise, client_of):
    response = client_of(people["consultant"]).post(
        reverse("enterprises:delete", args=[enterprise.pk])
    )
    assert response.status_code == 403
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
