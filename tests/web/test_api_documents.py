"""Assessments through the API: created from a document or a file, saved as versions, refused
with located problems or a conflict, their results as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cleanprod.services.documents import document_json
from cleanprod.web.assessments.models import Assessment, AssessmentOption, AssessmentVersion

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def post_json(client: Any, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def consultant(people, client_of):
    return client_of(people["consultant"])


def test_create_from_json_document_saves_version_1_and_options(consultant, enterprise, example):
    document = example("lao-soft-drink")
    response = post_json(
        consultant,
        "/api/assessments/",
        {"enterprise": enterprise.pk, "document": document_json(document), "comment": "first"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["revision"] == 1 and data["enterprise"] == enterprise.pk
    assert data["title"] == document.title and data["year"] == document.period.start.year
    assert data["summary"]["options"] == len(document.options)
    assert "document" not in data
    version = AssessmentVersion.objects.get(assessment_id=data["id"])
    assert version.number == 1 and version.comment == "first"
    assert AssessmentOption.objects.filter(assessment_id=data["id"]).count() == len(
        document.options
    )


def test_create_from_uploaded_yaml_keeps_the_file_name(consultant, enterprise):
    path = EXAMPLES / "lao-soft-drink.yaml"
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/yaml")
    response = consultant.post(
        "/api/assessments/", {"enterprise": enterprise.pk, "file": upload, "stage": "options"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["stage"] == "options"
    version = AssessmentVersion.objects.get(assessment_id=data["id"])
    assert version.source_name == "lao-soft-drink.yaml"


def test_bad_document_is_400_with_located_problems_and_nothing_saved(consultant, enterprise):
    bad = {"format": "cleanprod/1", "flows": [{"id": "water"}]}
    response = post_json(
        consultant, "/api/assessments/", {"enterprise": enterprise.pk, "document": bad}
    )
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert problems and all(set(problem) == {"where", "message"} for problem in problems)
    assert any("flows[0] (water)" in problem["where"] for problem in problems)
    assert any("period" in problem["where"] for problem in problems)
    assert not Assessment.objects.exists()


def test_upload_of_unreadable_kind_is_400_with_the_file_named(consultant, enterprise):
    upload = SimpleUploadedFile("notes.txt", b"hello")
    response = consultant.post("/api/assessments/", {"enterprise": enterprise.pk, "file": upload})
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert problem["where"] == "notes.txt" and ".xlsx" in problem["message"]
    assert not Assessment.objects.exists()


def test_create_needs_a_document_or_a_file(consultant, enterprise):
    response = post_json(consultant, "/api/assessments/", {"enterprise": enterprise.pk})
    assert response.status_code == 400 and "document" in response.json()


def test_save_from_a_stale_revision_is_409_and_writes_nothing(
    assessment, people, client_of, example
):
    document = document_json(example("lao-soft-drink"))
    url = f"/api/assessments/{assessment.pk}/document/"
    first = post_json(
        client_of(people["consultant"]), url, {"revision": 1, "document": document}, "put"
    )
    assert first.status_code == 200 and first.json()["revision"] == 2
    late = post_json(
        client_of(people["assigned_consultant"]), url, {"revision": 1, "document": document}
    )
    assert late.status_code == 409
    body = late.json()
    assert body["revision"] == 2
    assert "lao-consultant saved version 2" in body["detail"]
    assessment.refresh_from_db()
    assert assessment.revision == 2 and assessment.versions.count() == 2


def test_conflict_found_by_the_save_itself_is_409(
    assessment, people, client_of, example, monkeypatch
):
    """Another save between the check and the save's own conditional update."""
    from cleanprod.web.api import views
    from cleanprod.web.assessments.saving import save_document

    document = example("lao-soft-drink")

    def save_in_between(*args: Any, **kwargs: Any) -> Any:
        save_document(assessment, document, people["centre_admin"], started_from=1)
        return real(*args, **kwargs)

    real = views.save_document
    monkeypatch.setattr(views, "save_document", save_in_between)
    response = post_json(
        client_of(people["consultant"]),
        f"/api/assessments/{assessment.pk}/document/",
        {"revision": 1, "document": document_json(document)},
        "put",
    )
    assert response.status_code == 409
    assert response.json()["revision"] == 2 and "lao-admin" in response.json()["detail"]


def test_save_of_a_bad_document_is_400_and_keeps_the_revision(assessment, people, client_of):
    url = f"/api/assessments/{assessment.pk}/document/"
    response = post_json(
        client_of(people["consultant"]),
        url,
        {"revision": 1, "document": {"format": "cleanprod/0"}},
        "put",
    )
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any(problem["where"] == "document.json, format" for problem in problems)
    assessment.refresh_from_db()
    assert assessment.revision == 1


def test_save_by_upload_and_versions_latest_first(assessment, people, client_of):
    client = client_of(people["assigned_consultant"])
    path = EXAMPLES / "lao-soft-drink.yaml"
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(
        f"/api/assessments/{assessment.pk}/document/",
        {"revision": 1, "file": upload, "comment": "from the field"},
    )
    assert response.status_code == 200, response.content
    versions = client.get(f"/api/assessments/{assessment.pk}/versions/").json()
    assert versions["count"] == 2
    latest, first = versions["results"]
    assert (latest["number"], latest["saved_by"], latest["comment"]) == (
        2,
        "partner-consultant",
        "from the field",
    )
    assert latest["source_name"] == "lao-soft-drink.yaml" and first["number"] == 1


def test_document_is_included_only_when_asked(assessment, people, client_of):
    client = client_of(people["enterprise_user"])
    plain = client.get(f"/api/assessments/{assessment.pk}/").json()
    assert "document" not in plain and plain["revision"] == 1
    full = client.get(f"/api/assessments/{assessment.pk}/?include=document").json()
    assert full["document"] == assessment.document
    current = client.get(f"/api/assessments/{assessment.pk}/document/").json()
    assert current == {"revision": 1, "document": assessment.document}


def test_results_are_json_with_iso_dates(assessment, people, client_of):
    response = client_of(people["enterprise_user"]).get(
        f"/api/assessments/{assessment.pk}/results/"
    )
    assert response.status_code == 200
    results = response.json()
    assert set(results) >= {"layers", "costs", "options", "implementation", "period"}
    assert results["period"]["start"] == assessment.document["period"]["start"]
    assert set(results["options"]) == {row["id"] for row in assessment.document["options"]}


def test_update_writes_only_its_own_fields(assessment, people, client_of):
    """A change of title, year or stage never writes the document, its revision or summary
    (which a save of the document may have changed meanwhile)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = post_json(
            client_of(people["consultant"]),
            f"/api/assessments/{assessment.pk}/",
            {"stage": "implementation", "year": 2008},
            "patch",
        )
    assert response.status_code == 200
    assert response.json()["revision"] == 1
    [update] = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "assessments_assessment"')]
    assert '"stage"' in update and '"year"' in update
    assert '"document"' not in update and '"revision"' not in update
    assessment.refresh_from_db()
    assert (assessment.stage, assessment.year, assessment.revision) == ("implementation", 2008, 1)
