"""Options across enterprises: filtered, totalled per currency, exported as CSV, in a constant
number of queries, under the one permission filter."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cleanprod.web.assessments.models import Assessment, AssessmentOption


def _options_of(enterprise, count: int, currency: str) -> Assessment:
    record = Assessment.objects.create(enterprise=enterprise, title=f"CPA of {enterprise.name}")
    AssessmentOption.objects.bulk_create(
        AssessmentOption(
            assessment=record,
            option_id=f"option-{number}",
            title=f"Option {number} of {enterprise.name}",
            practice="good housekeeping" if number % 2 else "technology change",
            status="implemented" if number % 3 == 0 else "identified",
            currency=currency,
            investment=1000.0 * (number + 1),
            annual_savings=500.0,
            net_present_value=200.0,
            payback_years=2.0,
            verified_savings=12.5 if number % 3 == 0 else None,
            verified_savings_unit="m3" if number % 3 == 0 else "",
            implemented_on=dt.date(2025, 1, 1) if number % 3 == 0 else None,
        )
        for number in range(count)
    )
    return record


def test_options_list_filters_and_totals(client_of, people, enterprise, other_enterprise):
    _options_of(enterprise, 4, "LAK")
    _options_of(other_enterprise, 3, "VND")
    client = client_of(people["superuser"])
    everything = client.get("/assessments/options/")
    assert everything.status_code == 200
    totals = {row["currency"]: row for row in everything.context["totals"]}
    assert totals["LAK"]["count"] == 4 and totals["LAK"]["investment"] == 10000.0
    assert totals["LAK"]["implemented"] == 2 and totals["VND"]["count"] == 3
    page = everything.content.decode()
    assert "Option 0 of Vientiane Soft Drinks Co., Ltd" in page and "12.5 m3" in page
    implemented = client.get("/assessments/options/", {"status": "implemented"}).context["page"]
    assert {row.status for row in implemented} == {"implemented"} and len(implemented) == 3
    rattan = client.get("/assessments/options/", {"sector": "rattan-bamboo"}).context["page"]
    assert {row.assessment.enterprise_id for row in rattan} == {other_enterprise.pk}
    laos = client.get("/assessments/options/", {"country": "LA", "practice": "good housekeeping"})
    assert [row.option_id for row in laos.context["page"]] == ["option-1", "option-3"]
    organisation = other_enterprise.organisation_id
    by_centre = client.get("/assessments/options/", {"organisation": organisation})
    assert len(by_centre.context["page"]) == 3


def test_options_list_follows_the_permission_filter(
    client_of, people, enterprise, other_enterprise
):
    _options_of(enterprise, 2, "LAK")
    _options_of(other_enterprise, 2, "VND")
    seen = client_of(people["other_consultant"]).get("/assessments/options/").context["page"]
    assert {row.assessment.enterprise_id for row in seen} == {other_enterprise.pk}
    donor = client_of(people["programme_viewer"]).get("/assessments/options/")
    assert len(donor.context["page"]) == 0 and not donor.context["totals"]


def test_options_csv_export_of_the_filtered_list(client_of, people, enterprise, other_enterprise):
    _options_of(enterprise, 3, "LAK")
    _options_of(other_enterprise, 3, "VND")
    response = client_of(people["superuser"]).get(
        "/assessments/options/", {"country": "LA", "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="cleanprod-options.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 3
    assert rows[0]["Enterprise"] == "Vientiane Soft Drinks Co., Ltd"
    assert rows[0]["Investment"] == "1000" and rows[0]["Implemented on"] == "2025-01-01"
    assert rows[0]["Verified savings"] == "12.5" and rows[0]["Unit of the verified savings"] == "m3"


def test_options_list_takes_the_same_queries_for_few_and_many(
    client_of, people, enterprise, other_enterprise, django_assert_max_num_queries
):
    client = client_of(people["consultant"])
    _options_of(enterprise, 2, "LAK")
    client.get("/assessments/options/")
    with CaptureQueriesContext(connection) as few:
        client.get("/assessments/options/", {"status": "identified"})
    _options_of(enterprise, 45, "LAK")
    _options_of(other_enterprise, 10, "VND")
    with django_assert_max_num_queries(len(few)), CaptureQueriesContext(connection) as many:
        response = client.get("/assessments/options/", {"status": "identified"})
    assert len(response.context["page"]) == 31
    assert len(many) == len(few) <= 10


def test_saved_assessment_options_appear_with_their_figures(client_of, people, assessment):
    page = client_of(people["consultant"]).get("/assessments/options/", {"status": "implemented"})
    (row,) = page.context["page"]
    assert row.option_id == "repair-supply-leak"
    assert row.verified_savings and row.implemented_on == dt.date(2008, 2, 28)
    assert row.net_present_value > 0 and row.payback_years > 0
