"""The API under the one permission filter: every role, every endpoint and method.

Each case says what a role gets (200, 201, 204, 400, 403, 404, 405) and checks that nothing
leaks: a list holds exactly what the filter lets the role see, and an enterprise's contacts
appear only for those who may see its confidential data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from cleanprod.services.documents import document_json
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion
from cleanprod.web.assessments.saving import save_document
from cleanprod.web.enterprises.models import Contact, Enterprise

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
EVERYONE = set(ROLES)

#: Who sees each enterprise's registry fields (an enterprise user: only their own).
REGISTRY = {
    "enterprise": EVERYONE - {"other_enterprise_user"},
    "other_enterprise": EVERYONE - {"enterprise_user"},
    "spare": EVERYONE - {"enterprise_user", "other_enterprise_user"},
}
#: Who sees each enterprise's confidential data (contacts, assessments, options).
CONFIDENTIAL = {
    "enterprise": {
        "centre_admin",
        "consultant",
        "assigned_consultant",
        "enterprise_user",
        "superuser",
    },
    "other_enterprise": {"other_consultant", "other_enterprise_user", "superuser"},
    "spare": {"centre_admin", "consultant", "superuser"},
}
#: Who changes ``enterprise``'s data, who deletes the (Lao) ``spare``, who registers.
CHANGES = {"centre_admin", "consultant", "assigned_consultant", "superuser"}
DELETES = {"centre_admin", "superuser"}
REGISTERS = {"centre_admin", "consultant", "assigned_consultant", "other_consultant", "superuser"}


def status_by_rule(seen: set[str], allowed: set[str], ok: int) -> Callable[[str], int]:
    """404 for who may not see the object, ``ok`` for who may do it, 403 for the others."""
    return lambda role: 404 if role not in seen else ok if role in allowed else 403


@pytest.fixture
def world(people, organisations, enterprise, other_enterprise, assessment, example):
    """Three enterprises with a contact each, an assessment of two of them."""
    spare = Enterprise.objects.create(
        name="Luang Prabang Weavers",
        country="LA",
        sector="textiles",
        organisation=organisations["lao"],
    )
    for owner, name in [
        (enterprise, "Ms Khamla"),
        (other_enterprise, "Mr Tuan"),
        (spare, "Mrs Vone"),
    ]:
        Contact.objects.create(enterprise=owner, name=name, email="someone@example.org")
    document = example("lao-soft-drink")
    other_assessment = Assessment.objects.create(
        enterprise=other_enterprise, title="Rattan baseline", year=2024
    )
    save_document(other_assessment, document, people["other_consultant"], started_from=0)
    return SimpleNamespace(
        people=people,
        organisations=organisations,
        enterprises={
            "enterprise": enterprise,
            "other_enterprise": other_enterprise,
            "spare": spare,
        },
        assessments={"enterprise": assessment, "other_enterprise": other_assessment},
        option=AssessmentOption.objects.filter(assessment=assessment).first(),
        document=document_json(document),
    )


# --- the cases ---------------------------------------------------------------------------------


def new_enterprise(world: Any, role: str) -> dict[str, Any]:
    body = {"name": f"New enterprise of {role}", "country": "la", "sector": "food"}
    if role == "superuser":
        body["organisation"] = world.organisations["viet"].pk
    return body


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expected: Callable[[str], int]
    body: Callable[[Any, str], dict[str, Any]] | None = None

    def url(self, world: Any) -> str:
        return self.path.format(
            enterprise=world.enterprises["enterprise"].pk,
            spare=world.enterprises["spare"].pk,
            assessment=world.assessments["enterprise"].pk,
            option=world.option.pk,
        )


SEES_ENTERPRISE = REGISTRY["enterprise"]
SEES_ASSESSMENT = CONFIDENTIAL["enterprise"]
CASES = {
    # enterprises
    "enterprise list": Case("get", "/api/enterprises/", lambda role: 200),
    "enterprise get": Case(
        "get", "/api/enterprises/{enterprise}/", status_by_rule(SEES_ENTERPRISE, EVERYONE, 200)
    ),
    "enterprise create": Case(
        "post",
        "/api/enterprises/",
        lambda role: 201 if role in REGISTERS else 403,
        new_enterprise,
    ),
    "enterprise put": Case(
        "put",
        "/api/enterprises/{enterprise}/",
        status_by_rule(SEES_ENTERPRISE, CHANGES, 200),
        lambda world, role: {"name": "Renamed", "country": "LA", "sector": "beverages"},
    ),
    "enterprise patch": Case(
        "patch",
        "/api/enterprises/{enterprise}/",
        status_by_rule(SEES_ENTERPRISE, CHANGES, 200),
        lambda world, role: {"employees": 130},
    ),
    "enterprise delete": Case(
        "delete", "/api/enterprises/{spare}/", status_by_rule(REGISTRY["spare"], DELETES, 204)
    ),
    # assessments
    "assessment list": Case("get", "/api/assessments/", lambda role: 200),
    "assessment get": Case(
        "get", "/api/assessments/{assessment}/", status_by_rule(SEES_ASSESSMENT, EVERYONE, 200)
    ),
    "assessment get with document": Case(
        "get",
        "/api/assessments/{assessment}/?include=document",
        status_by_rule(SEES_ASSESSMENT, EVERYONE, 200),
    ),
    "assessment create": Case(
        "post",
        "/api/assessments/",
        # Creating an assessment changes the enterprise's data; an enterprise the user may not
        # see is an unknown id (400), as if it did not exist.
        lambda role: 400 if role not in SEES_ENTERPRISE else 201 if role in CHANGES else 403,
        lambda world, role: {
            "enterprise": world.enterprises["enterprise"].pk,
            "document": world.document,
        },
    ),
    "assessment put": Case(
        "put",
        "/api/assessments/{assessment}/",
        status_by_rule(SEES_ASSESSMENT, CHANGES, 200),
        lambda world, role: {"title": "Baseline, revised", "year": 2008, "stage": "options"},
    ),
    "assessment patch": Case(
        "patch",
        "/api/assessments/{assessment}/",
        status_by_rule(SEES_ASSESSMENT, CHANGES, 200),
        lambda world, role: {"stage": "options"},
    ),
    "assessment delete": Case("delete", "/api/assessments/{assessment}/", lambda role: 405),
    "document get": Case(
        "get",
        "/api/assessments/{assessment}/document/",
        status_by_rule(SEES_ASSESSMENT, EVERYONE, 200),
    ),
    "document put": Case(
        "put",
        "/api/assessments/{assessment}/document/",
        status_by_rule(SEES_ASSESSMENT, CHANGES, 200),
        lambda world, role: {"revision": 1, "document": world.document, "comment": role},
    ),
    "document post": Case(
        "post",
        "/api/assessments/{assessment}/document/",
        status_by_rule(SEES_ASSESSMENT, CHANGES, 200),
        lambda world, role: {"revision": 1, "document": world.document},
    ),
    "versions": Case(
        "get",
        "/api/assessments/{assessment}/versions/",
        status_by_rule(SEES_ASSESSMENT, EVERYONE, 200),
    ),
    "results": Case(
        "get",
        "/api/assessments/{assessment}/results/",
        status_by_rule(SEES_ASSESSMENT, EVERYONE, 200),
    ),
    # options
    "option list": Case("get", "/api/options/", lambda role: 200),
    "option get": Case(
        "get", "/api/options/{option}/", status_by_rule(SEES_ASSESSMENT, EVERYONE, 200)
    ),
    "option create": Case("post", "/api/options/", lambda role: 405, lambda world, role: {}),
    "option put": Case("put", "/api/options/{option}/", lambda role: 405, lambda w, r: {}),
}


def send(client: Any, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


# --- what a response may hold ------------------------------------------------------------------


def check_enterprise(item: dict[str, Any], role: str, world: Any) -> None:
    """An enterprise the role may see, with contacts exactly when it may see them."""
    name = next(key for key, value in world.enterprises.items() if value.pk == item["id"])
    assert role in REGISTRY[name]
    if role in CONFIDENTIAL[name]:
        expected = set(
            Contact.objects.filter(enterprise_id=item["id"]).values_list("name", flat=True)
        )
        assert {contact["name"] for contact in item["contacts"]} == expected
    else:
        assert "contacts" not in item


def expected_assessments(role: str, world: Any) -> set[int]:
    return {world.assessments[name].pk for name in world.assessments if role in CONFIDENTIAL[name]}


def check_no_leak(name: str, role: str, world: Any, data: Any) -> None:
    user = world.people[role]
    if name == "enterprise list":
        ids = {item["id"] for item in data["results"]}
        expected = {world.enterprises[key].pk for key in REGISTRY if role in REGISTRY[key]}
        assert (
            ids == expected == set(Enterprise.objects.restrict(user).values_list("pk", flat=True))
        )
        for item in data["results"]:
            check_enterprise(item, role, world)
    elif name == "enterprise create":
        assert data["contacts"] == []  # the registering staff see its confidential data
    elif name.startswith("enterprise") and name != "enterprise delete":
        check_enterprise(data, role, world)
    elif name == "assessment list":
        ids = {item["id"] for item in data["results"]}
        expected = expected_assessments(role, world)
        assert (
            ids == expected == set(Assessment.objects.restrict(user).values_list("pk", flat=True))
        )
        assert all("document" not in item for item in data["results"])
    elif name == "assessment get":
        assert "document" not in data
    elif name == "assessment get with document":
        assert data["document"]["format"] == "cleanprod/1"
    elif name == "option list":
        assessments = {item["assessment"] for item in data["results"]}
        assert assessments == expected_assessments(role, world)
        visible = AssessmentOption.objects.restrict(user).values_list("pk", flat=True)
        assert {item["id"] for item in data["results"]} == set(visible)
    elif name == "versions":
        assert [item["number"] for item in data["results"]] == [1]
        assert all("document" not in item for item in data["results"])
    elif name in {"document put", "document post"}:
        assert data["revision"] == 2
    elif name == "results":
        assert "options" in data and "layers" in data


def check_case(name: str, role: str, world: Any, client: Any) -> None:
    case = CASES[name]
    body = case.body(world, role) if case.body else None
    client.force_login(world.people[role])
    response = send(client, case.method, case.url(world), body)
    expected = case.expected(role)
    assert response.status_code == expected, response.content[:300]
    if expected in {200, 201}:
        check_no_leak(name, role, world, response.json())
    elif expected == 204:
        assert not Enterprise.objects.filter(pk=world.enterprises["spare"].pk).exists()
    else:
        # Refused: nothing written.
        assert Enterprise.objects.count() == 3
        assert Assessment.objects.get(pk=world.assessments["enterprise"].pk).revision == 1
        assert AssessmentVersion.objects.count() == 2
    if name == "enterprise create" and expected == 201:
        created = Enterprise.objects.get(pk=response.json()["id"])
        profile = getattr(world.people[role], "profile", None)
        owner = world.organisations["viet"] if role == "superuser" else profile.organisation
        assert created.organisation == owner and created.country == "LA"


@pytest.mark.parametrize("name", list(CASES))
def test_every_role_gets_the_expected_status_and_nothing_more(name, world, client):
    """One endpoint and method, each role in turn; each role's writes are rolled back."""
    failures = []
    for role in ROLES:
        with transaction.atomic():
            try:
                check_case(name, role, world, client)
            except AssertionError as error:
                failures.append(f"{role}: {error}")
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


ANONYMOUS_CASES = [name for name in CASES if CASES[name].expected("superuser") != 405]


@pytest.mark.parametrize("name", ANONYMOUS_CASES)
def test_anonymous_is_refused(name, world, client):
    case = CASES[name]
    body = case.body(world, "centre_admin") if case.body else None
    response = send(client, case.method, case.url(world), body)
    assert response.status_code in {401, 403}
    assert set(response.json()) == {"detail"}
