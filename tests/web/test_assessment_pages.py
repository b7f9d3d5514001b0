"""The list and page of an assessment, new assessments (in the browser and uploaded), and who
may open which page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleanprod.io import write_document
from cleanprod.web.assessments.models import Assessment, AssessmentVersion

BAD_YAML = b"""format: cleanprod/1
title: A document with problems
enterprise: {name: Vientiane Soft Drinks, country: LA, sector: beverages, currency: LAK}
period: {start: 2024-01-01, end: 2024-12-31}
processes:
  - {id: washing, name: Bottle washing}
flows:
  - {id: fresh-water, name: Fresh water, to: washing, layer: water, kind: input,
     value: 100 m3, sd: -1 m3}
  - {id: wastewater, name: Wastewater, from: washng, layer: water, kind: loss}
"""


def _assessment_urls(pk: int) -> list[str]:
    return [
        f"/assessments/{pk}/",
        f"/assessments/{pk}/results/",
        f"/assessments/{pk}/versions/",
        f"/assessments/{pk}/compare/?from=1&to=1",
        f"/assessments/{pk}/download/yaml/",
        f"/assessments/{pk}/edit/",
        f"/assessments/{pk}/upload/",
        f"/assessments/{pk}/options/",
    ]


# --------------------------------------------------------------------------------------------
# Who may open what


def test_other_consultant_gets_404_on_every_assessment_page(client_of, people, assessment):
    client = client_of(people["other_consultant"])
    for url in _assessment_urls(assessment.pk):
        assert client.get(url).status_code == 404, url
    pk = assessment.pk
    for url in (
        f"/assessments/{pk}/edit/",
        f"/assessments/{pk}/upload/",
        f"/assessments/{pk}/options/repair-supply-leak/",
        f"/assessments/{pk}/versions/1/restore/",
    ):
        assert client.post(url, {"started_from": "1"}).status_code == 404, url
    assert client.get(f"/assessments/{pk}/report/pdf/en/").status_code == 404


def test_enterprise_user_views_but_may_not_change(client_of, people, assessment):
    client = client_of(people["enterprise_user"])
    pk = assessment.pk
    for url in _assessment_urls(pk)[:5]:
        assert client.get(url).status_code == 200, url
    for url in _assessment_urls(pk)[5:]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/assessments/{pk}/edit/", {}).status_code == 403
    assert client.post(f"/assessments/{pk}/upload/", {}).status_code == 403
    assert client.post(f"/assessments/{pk}/versions/1/restore/", {}).status_code == 403
    assert client.get("/assessments/new/").status_code == 403
    assert client.get("/assessments/upload/").status_code == 403
    page = client.get(f"/assessments/{pk}/").content.decode()
    assert f"/assessments/{pk}/edit/" not in page


def test_pages_need_a_signed_in_user(client, assessment):
    response = client.get(f"/assessments/{assessment.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# --------------------------------------------------------------------------------------------
# The list


def _many_assessments(enterprise, other_enterprise, count: int) -> None:
    summary = {"consistent": True, "layers": {"water": {"consistent": True}}}
    for number in range(count):
        Assessment.objects.create(
            enterprise=enterprise if number % 2 else other_enterprise,
            title=f"Assessment {number}",
            year=2020 + number % 5,
            stage="options" if number % 3 else "baseline",
            summary=summary,
        )


def test_assessment_list_searches_and_filters(
    client_of, people, assessment, enterprise, other_enterprise
):
    _many_assessments(enterprise, other_enterprise, 6)
    client = client_of(people["superuser"])
    page = client.get("/assessments/").content.decode()
    assert assessment.title in page and "Assessment 0" in page
    found = client.get("/assessments/", {"q": "soft drinks"}).context["page"]
    assert {row.enterprise_id for row in found} == {enterprise.pk}
    by_country = client.get("/assessments/", {"country": "VN"}).context["page"]
    assert {row.enterprise.country for row in by_country} == {"VN"}
    by_stage = client.get("/assessments/", {"stage": "baseline", "sector": "beverages"})
    assert {row.stage for row in by_stage.context["page"]} == {"baseline"}
    assert {row.enterprise_id for row in by_stage.context["page"]} == {enterprise.pk}
    organisation = enterprise.organisation_id
    by_organisation = client.get("/assessments/", {"organisation": organisation}).context["page"]
    assert {row.enterprise.organisation_id for row in by_organisation} == {organisation}
    one = client.get("/assessments/", {"enterprise": other_enterprise.pk}).context["page"]
    assert {row.enterprise_id for row in one} == {other_enterprise.pk}


def test_assessment_list_shows_only_what_the_user_may_see(
    client_of, people, assessment, enterprise, other_enterprise
):
    _many_assessments(enterprise, other_enterprise, 4)
    rows = client_of(people["other_consultant"]).get("/assessments/").context["page"]
    assert {row.enterprise_id for row in rows} == {other_enterprise.pk}


def test_assessment_list_takes_the_same_queries_for_few_and_many(
    client_of, people, enterprise, other_enterprise, django_assert_max_num_queries
):
    client = client_of(people["consultant"])
    _many_assessments(enterprise, other_enterprise, 2)
    client.get("/assessments/")  # the session and the user, as every later page
    with CaptureQueriesContext(connection) as few:
        assert client.get("/assessments/", {"q": "Assessment"}).status_code == 200
    _many_assessments(enterprise, other_enterprise, 40)
    with django_assert_max_num_queries(len(few)), CaptureQueriesContext(connection) as many:
        page = client.get("/assessments/", {"q": "Assessment"})
    assert len(page.context["page"]) == 21  # the 21 of the enterprise, on one page
    assert len(many) == len(few) <= 12


def test_assessment_list_pages(client_of, people, enterprise, other_enterprise):
    _many_assessments(enterprise, other_enterprise, 30)
    client = client_of(people["superuser"])
    first = client.get("/assessments/", {"sector": ""})
    assert first.context["page"].paginator.num_pages == 2
    assert "sector=&amp;page=2" in first.content.decode()
    second = client.get("/assessments/", {"page": 2})
    assert len(second.context["page"]) == 5


# --------------------------------------------------------------------------------------------
# The page of an assessment


def test_detail_shows_version_verdict_and_links_without_computing(
    client_of, people, assessment, monkeypatch
):
    import cleanprod.report.data

    def no_computing(*args, **kwargs):
        raise AssertionError("the assessment's page computes nothing")

    monkeypatch.setattr(cleanprod.report.data, "report_data", no_computing)
    response = client_of(people["assigned_consultant"]).get(f"/assessments/{assessment.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    pk = assessment.pk
    assert "Vientiane Soft Drinks Co., Ltd" in page
    assert "version 1, saved by lao-consultant" in page and "baseline" in page
    assert "The water balance does not close within the measurement uncertainty" in page
    assert "City water (Nam Papa meter)" in page
    assert "The energy balance" in page
    for url in (
        f"/assessments/{pk}/results/",
        f"/assessments/{pk}/versions/",
        f"/assessments/{pk}/edit/",
        f"/assessments/{pk}/download/xlsx/",
        f"/assessments/{pk}/report/pdf/lo/",
        f"/history/?kind=assessment&amp;object={pk}",
    ):
        assert url in page, url


def test_detail_of_a_document_without_results_says_why(client_of, people, enterprise):
    from cleanprod.web.assessments.saving import create_assessment

    document = _contradicting_document()
    record = create_assessment(enterprise, document, people["consultant"], comment="first")
    assert record.results_problem
    page = client_of(people["consultant"]).get(f"/assessments/{record.pk}/").content.decode()
    assert "could not be computed" in page
    results = client_of(people["consultant"]).get(f"/assessments/{record.pk}/results/")
    assert results.status_code == 200
    assert "cannot be computed" in results.content.decode()
    assert "plotly.min.js" not in results.content.decode()


def _contradicting_document():
    from cleanprod.model import Assessment as Document

    return Document.model_validate(
        {
            "format": "cleanprod/1",
            "title": "Exact figures that contradict each other",
            "enterprise": {"name": "A", "country": "LA", "sector": "food", "currency": "LAK"},
            "period": {"start": "2024-01-01", "end": "2024-12-31"},
            "processes": [{"id": "mixing", "name": "Mixing"}],
            "flows": [
                {"id": "flour", "name": "Flour", "to": "mixing", "kind": "input",
                 "value": "10 kg", "sd": "0 kg"},
                {"id": "dough", "name": "Dough", "from": "mixing", "kind": "product",
                 "value": "5 kg", "sd": "0 kg"},
            ],
        }
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# New assessments


def test_new_assessment_in_the_browser_starts_from_the_registry(client_of, people, enterprise):
    client = client_of(people["assigned_consultant"])
    form = client.get("/assessments/new/")
    assert list(form.context["form"].fields["enterprise"].queryset) == [enterprise]
    response = client.post(
        "/assessments/new/",
        {"enterprise": enterprise.pk, "title": "CPA 2025", "year": 2025, "stage": "preparation"},
    )
    record = Assessment.objects.get(title="CPA 2025")
    assert response.status_code == 302 and response["Location"] == f"/assessments/{record.pk}/edit/"
    assert record.revision == 1 and record.year == 2025 and record.stage == "preparation"
    assert record.lead_consultant == people["assigned_consultant"]
    document = record.document
    assert document["enterprise"] == {
        "name": enterprise.name,
        "country": "LA",
        "sector": "beverages",
        "currency": "LAK",
        "location": "Vientiane Capital",
        "employees": 120,
    }
    assert document["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert record.versions.get().comment == "started in the browser"
    assert client.get(f"/assessments/{record.pk}/edit/").status_code == 200


def test_new_assessment_refuses_an_enterprise_the_user_may_not_change(
    client_of, people, other_enterprise
):
    response = client_of(people["consultant"]).post(
        "/assessments/new/",
        {"enterprise": other_enterprise.pk, "title": "Not mine", "year": 2024, "stage": "baseline"},
    )
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors
    assert not Assessment.objects.filter(title="Not mine").exists()


def test_upload_good_yaml_creates_an_assessment(client_of, people, enterprise, example, tmp_path):
    path = write_document(example("lao-soft-drink"), tmp_path / "soft-drinks.yaml")
    client = client_of(people["consultant"])
    response = client.post(
        "/assessments/upload/",
        {
            "enterprise": enterprise.pk,
            "stage": "baseline",
            "comment": "plant visit",
            "document": SimpleUploadedFile("soft-drinks.yaml", path.read_bytes()),
        },
    )
    record = Assessment.objects.get(enterprise=enterprise)
    assert response.status_code == 302 and response["Location"] == f"/assessments/{record.pk}/"
    version = record.versions.get()
    assert (version.number, version.source_name, version.comment) == (
        1,
        "soft-drinks.yaml",
        "plant visit",
    )
    assert record.summary["options"] == len(example("lao-soft-drink").options)
    assert record.options.count() == record.summary["options"]


def test_upload_good_xlsx_is_the_next_version(client_of, people, assessment, example, tmp_path):
    document = example("lao-soft-drink").model_copy(update={"title": "After the second visit"})
    path = write_document(document, tmp_path / "visit-2.xlsx")
    response = client_of(people["consultant"]).post(
        f"/assessments/{assessment.pk}/upload/",
        {"started_from": 1, "document": SimpleUploadedFile("visit-2.xlsx", path.read_bytes())},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.revision == 2 and assessment.title == "After the second visit"
    assert assessment.versions.get(number=2).source_name == "visit-2.xlsx"


def test_bad_file_lists_every_problem_and_saves_nothing(client_of, people, assessment):
    client = client_of(people["consultant"])
    before = (Assessment.objects.count(), AssessmentVersion.objects.count())
    for url, data in (
        ("/assessments/upload/", {"enterprise": assessment.enterprise_id, "stage": "baseline"}),
        (f"/assessments/{assessment.pk}/upload/", {"started_from": 1}),
    ):
        response = client.post(
            url, {**data, "document": SimpleUploadedFile("baseline.yaml", BAD_YAML)}
        )
        assert response.status_code == 400
        problems = response.context["problems"]
        assert len(problems) == 2
        page = response.content.decode()
        assert "Nothing was saved" in page
        assert "baseline.yaml, line 9, flows[0] (fresh-water).sd" in page
        assert "a standard deviation cannot be negative" in page
        assert "no process has the id &#x27;washng&#x27;" in page
        assert "Traceback" not in page
    assert (Assessment.objects.count(), AssessmentVersion.objects.count()) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", b"hello", "reads .yaml, .yml, .json and .xlsx"),
        ("broken.xlsx", b"not a workbook", "not an Excel workbook"),
        ("empty.json", b"", "The submitted file is empty"),
        ("half.json", b'{"format": "cleanprod/1",', "not valid JSON"),
    ],
)
def test_unreadable_files_are_explained(client_of, people, assessment, name, content, expected):
    response = client_of(people["consultant"]).post(
        f"/assessments/{assessment.pk}/upload/",
        {"started_from": 1, "document": SimpleUploadedFile(name, content)},
    )
    assert response.status_code in (200, 400)
    assert expected in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.revision == 1


def test_upload_from_an_old_revision_is_a_conflict(
    client_of, people, assessment, example, tmp_path
):
    from cleanprod.web.assessments.saving import save_document

    save_document(assessment, example("lao-soft-drink"), people["centre_admin"], started_from=1)
    path = write_document(example("lao-soft-drink"), tmp_path / "late.yaml")
    response = client_of(people["consultant"]).post(
        f"/assessments/{assessment.pk}/upload/",
        {"started_from": 1, "document": SimpleUploadedFile("late.yaml", path.read_bytes())},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "lao-admin saved version 2" in page
    assert f"/assessments/{assessment.pk}/compare/?from=1&amp;to=2" in page
    assessment.refresh_from_db()
    assert assessment.revision == 2
