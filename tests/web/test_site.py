"""The dashboard and the history of changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

ROLES = [
    "centre_admin",
    "consultant",
    "assigned_consultant",
    "other_consultant",
    "enterprise_user",
    "other_enterprise_user",
    "programme_viewer",
    "superuser",
]


def test_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_shows_only_what_the_role_may_open(role, people, assessment, client_of):
    response = client_of(people[role]).get(reverse("home"))
    assert response.status_code == 200
    sees = role in {
        "centre_admin",
        "consultant",
        "assigned_consultant",
        "enterprise_user",
        "superuser",
    }
    assert (assessment.title in response.content.decode()) is sees
    assert response.context["assessment_count"] == (1 if sees else 0)


def test_dashboard_queries_do_not_grow_with_assessments(
    people, enterprise, assessment, client_of, django_assert_max_num_queries
):
    from cleanprod.web.assessments.models import Assessment

    for number in range(30):
        Assessment.objects.create(enterprise=enterprise, title=f"Follow-up {number}", revision=1)
    client = client_of(people["consultant"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert response.context["assessment_count"] == 31


def test_history_lists_who_changed_what_only_on_records_one_may_change(
    people, enterprise, other_enterprise, client_of
):
    client = client_of(people["centre_admin"])
    enterprise.name = "Vientiane Soft Drinks Factory"
    enterprise.save()
    other_enterprise.name = "Renamed by somebody else"
    other_enterprise.save()
    page = client.get(reverse("history")).content.decode()
    assert "Vientiane Soft Drinks Factory" in page
    assert "Renamed by somebody else" not in page
    viewer_page = client_of(people["programme_viewer"]).get(reverse("history")).content.decode()
    assert "Vientiane Soft Drinks Factory" not in viewer_page
