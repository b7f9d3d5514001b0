"""The API's lists and the registry's rules: filters, the organisation of a new enterprise,
deletion refused while assessments keep an enterprise, a constant number of queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleanprod.web.assessments.models import Assessment
from cleanprod.web.assessments.saving import save_document
from cleanprod.web.enterprises.models import Contact, Enterprise


def post_json(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def names(response: Any, key: str = "name") -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item[key] for item in response.json()["results"])


def test_enterprise_filters(people, client_of, enterprise, other_enterprise, organisations):
    client = client_of(people["programme_viewer"])
    everything = names(client.get("/api/enterprises/"))
    assert everything == sorted([enterprise.name, other_enterprise.name])
    assert names(client.get("/api/enterprises/?country=la")) == [enterprise.name]
    assert names(client.get("/api/enterprises/?sector=rattan-bamboo")) == [other_enterprise.name]
    assert names(client.get("/api/enterprises/?size=medium")) == [enterprise.name]
    processors = client.get("/api/enterprises/?supply_chain_role=processor")
    assert names(processors) == [other_enterprise.name]
    lao = organisations["lao"].pk
    assert names(client.get(f"/api/enterprises/?organisation={lao}")) == [enterprise.name]
    assert names(client.get("/api/enterprises/?search=RATTAN")) == [other_enterprise.name]
    assert client.get("/api/enterprises/?sector=nonsense").status_code == 400


def test_filters_never_widen_the_list(people, client_of, other_enterprise):
    """An enterprise user asking for another enterprise's country still sees only their own."""
    client = client_of(people["enterprise_user"])
    assert names(client.get("/api/enterprises/?country=VN")) == []
    assert names(client.get(f"/api/assessments/?enterprise={other_enterprise.pk}"), "title") == []


def test_option_and_assessment_filters(people, client_of, assessment, organisations):
    client = client_of(people["consultant"])
    every = client.get("/api/options/").json()["results"]
    assert {option["enterprise_name"] for option in every} == {assessment.enterprise.name}
    implemented = client.get("/api/options/?status=implemented").json()["results"]
    assert implemented and all(option["status"] == "implemented" for option in implemented)
    assert len(implemented) < len(every)
    practice = every[0]["practice"]
    same = client.get("/api/options/", {"practice": practice}).json()["results"]
    assert same and all(option["practice"] == practice for option in same)
    assert client.get("/api/options/?country=vn").json()["count"] == 0
    assert client.get("/api/options/?sector=beverages").json()["count"] == len(every)
    viet = organisations["viet"].pk
    assert client.get(f"/api/options/?organisation={viet}").json()["count"] == 0
    option = every[0]
    assert option["country"] == "LA" and option["sector"] == "beverages"
    assert option["assessment"] == assessment.pk
    assert client.get("/api/assessments/?stage=baseline").json()["count"] == 1
    assert client.get("/api/assessments/?stage=closed").json()["count"] == 0
    assert client.get("/api/assessments/?search=soft-drink").json()["count"] == 1


@pytest.mark.parametrize(
    ("role", "organisation", "expected"),
    [
        ("consultant", None, ("lao", 201)),
        ("consultant", "lao", ("lao", 201)),
        ("consultant", "viet", (None, 400)),
        ("assigned_consultant", None, ("partner", 201)),
        ("superuser", "viet", ("viet", 201)),
        ("superuser", None, (None, 400)),
        ("programme_viewer", None, (None, 403)),
    ],
)
def test_a_new_enterprise_belongs_to_the_users_organisation(
    role, organisation, expected, people, organisations, client_of
):
    body: dict[str, Any] = {"name": "Savan Rice Mill", "country": "LA", "sector": "food"}
    if organisation:
        body["organisation"] = organisations[organisation].pk
    response = post_json(client_of(people[role]), "/api/enterprises/", body)
    owner, status = expected
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["organisation"] == organisations[owner].pk
        assert response.json()["organisation_name"] == str(organisations[owner])
    elif status == 400:
        assert "organisation" in response.json()
        assert not Enterprise.objects.filter(name="Savan Rice Mill").exists()


def test_only_a_superuser_moves_an_enterprise(people, organisations, enterprise, client_of):
    url = f"/api/enterprises/{enterprise.pk}/"
    viet = organisations["viet"].pk
    moved = client_of(people["centre_admin"]).patch(
        url, json.dumps({"organisation": viet}), content_type="application/json"
    )
    assert moved.status_code == 400
    moved = client_of(people["superuser"]).patch(
        url, json.dumps({"organisation": viet}), content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["organisation"] == viet


def test_an_enterprise_with_assessments_is_not_deleted(people, assessment, client_of):
    response = client_of(people["centre_admin"]).delete(
        f"/api/enterprises/{assessment.enterprise_id}/"
    )
    assert response.status_code == 409
    assert "assessment" in response.json()["detail"]
    assert Enterprise.objects.filter(pk=assessment.enterprise_id).exists()


def test_a_bad_country_is_refused_by_field(people, client_of):
    response = post_json(
        client_of(people["consultant"]),
        "/api/enterprises/",
        {"name": "X", "country": "XX", "sector": "food"},
    )
    assert response.status_code == 400 and "country" in response.json()


def test_the_enterprises_own_rules_hold(people, client_of, enterprise):
    """A position has both its latitude and longitude (Enterprise.clean), keyed by field."""
    response = client_of(people["consultant"]).patch(
        f"/api/enterprises/{enterprise.pk}/",
        json.dumps({"latitude": "17.9757"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "longitude" in response.json()
    enterprise.refresh_from_db()
    assert enterprise.latitude is None


# --- a constant number of queries --------------------------------------------------------------


def add_rows(count: int, enterprise: Any, organisation: Any, user: Any, document: Any) -> None:
    """``count`` more enterprises with contacts, and ``count`` more assessments (with their
    options) of ``enterprise``."""
    for number in range(count):
        extra = Enterprise.objects.create(
            name=f"Extra {number}", country="LA", sector="food", organisation=organisation
        )
        Contact.objects.create(enterprise=extra, name=f"Contact {number}")
        Contact.objects.create(enterprise=extra, name=f"Second contact {number}")
        record = Assessment.objects.create(enterprise=enterprise, title=f"Extra {number}")
        save_document(record, document, user, started_from=0)


@pytest.mark.parametrize(
    "url",
    [
        "/api/enterprises/",
        "/api/assessments/",
        "/api/options/",
        "/api/assessments/{assessment}/versions/",
    ],
)
@pytest.mark.parametrize("role", ["consultant", "assigned_consultant", "superuser"])
def test_a_list_takes_the_same_queries_however_long(
    url,
    role,
    people,
    organisations,
    enterprise,
    assessment,
    example,
    client_of,
    django_assert_max_num_queries,
):
    client = client_of(people[role])
    url = url.format(assessment=assessment.pk)
    client.get(url)  # the session and the user, once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    document = example("lao-soft-drink")
    add_rows(1, enterprise, organisations["lao"], people["consultant"], document)
    few = queries()
    add_rows(4, enterprise, organisations["lao"], people["consultant"], document)
    for number in range(2, 6):
        save_document(assessment, document, people["consultant"], started_from=number - 1)
    assert queries() == few
    # session, user, profile, count, page, contacts (enterprises only)
    with django_assert_max_num_queries(6):
        client.get(url)
