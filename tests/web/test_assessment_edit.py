"""Editing a document's processes and flows in the browser, following its options, and what
happens when two people edit at once."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from cleanprod.web.assessments import editing
from cleanprod.web.assessments.models import AssessmentOption

# --------------------------------------------------------------------------------------------
# What a browser sends


class _FormReader(HTMLParser):
    """The fields of the first form with method post, as a browser would send them."""

    def __init__(self, action: str | None = None):
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and not self.done and attributes.get("method") == "post":
            self.inside = self.action is None or attributes.get("action") == self.action
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind == "checkbox":
                if "checked" in attributes:
                    self.data[name] = attributes.get("value", "on")
            elif kind not in ("submit", "file"):
                self.data[name] = attributes.get("value", "")
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attributes.get("value", ""), "selected" in attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected]
            first = self.options[0][0] if self.options else ""
            self.data[self.select] = chosen[0] if chosen else first
            self.select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_data(html: str, action: str | None = None) -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(html)
    return reader.data


def flow_field(data: dict[str, str], flow_id: str, field: str) -> str:
    """The name of a field of the flows' form row that holds ``flow_id``."""
    for key, value in data.items():
        if key.startswith("flows-") and key.endswith("-original_id") and value == flow_id:
            return key.replace("-original_id", f"-{field}")
    raise KeyError(flow_id)


def process_field(data: dict[str, str], process_id: str, field: str) -> str:
    for key, value in data.items():
        if key.startswith("processes-") and key.endswith("-original_id") and value == process_id:
            return key.replace("-original_id", f"-{field}")
    raise KeyError(process_id)


def _edit_page(client: Client, assessment: Any) -> dict[str, str]:
    url = f"/assessments/{assessment.pk}/edit/"
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), url)


def _flow(document: dict[str, Any], flow_id: str) -> dict[str, Any]:
    return next(flow for flow in document["flows"] if flow["id"] == flow_id)


# --------------------------------------------------------------------------------------------
# Editing


def test_edit_form_holds_the_document_and_changes_only_what_changed(client_of, people, assessment):
    client = client_of(people["consultant"])
    data = _edit_page(client, assessment)
    assert data["started_from"] == "1"
    assert data[flow_field(data, "municipal-water", "value")] == "31200"
    assert data[flow_field(data, "municipal-water", "unit")] == "m3"
    assert data[flow_field(data, "municipal-water", "quality")] == "measured"
    before = assessment.document
    data[flow_field(data, "municipal-water", "value")] = "30000"
    data["comment"] = "meter read again"
    response = client.post(f"/assessments/{assessment.pk}/edit/", data)
    assert response.status_code == 302, response.context and response.context.get("problems")
    assessment.refresh_from_db()
    assert assessment.revision == 2
    after = assessment.document
    assert _flow(after, "municipal-water")["value"] == "30000 m3"
    assert _flow(after, "municipal-water")["price"] == _flow(before, "municipal-water")["price"]
    assert {**after, "flows": None} == {**before, "flows": None}
    changed = [
        flow["id"] for flow, old in zip(after["flows"], before["flows"], strict=True) if flow != old
    ]
    assert changed == ["municipal-water"]
    assert assessment.versions.get(number=2).comment == "meter read again"


def test_edit_without_changes_saves_nothing(client_of, people, assessment):
    client = client_of(people["consultant"])
    response = client.post(f"/assessments/{assessment.pk}/edit/", _edit_page(client, assessment))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.revision == 1


def test_edit_adds_a_flow_and_renames_a_process_everywhere(client_of, people, assessment):
    client = client_of(people["consultant"])
    data = _edit_page(client, assessment)
    data[process_field(data, "water-treatment", "id")] = "water-room"
    total = int(data["flows-TOTAL_FORMS"])
    new = int(data["flows-INITIAL_FORMS"])
    assert total == new + 3
    data.update(
        {
            f"flows-{new}-id": "roof-rain",
            f"flows-{new}-name": "Rain water from the roof",
            f"flows-{new}-to_process": "water-room",
            f"flows-{new}-kind": "input",
            f"flows-{new}-layer": "water",
            f"flows-{new}-value": "120",
            f"flows-{new}-uncertainty": "30",
        }
    )
    response = client.post(f"/assessments/{assessment.pk}/edit/", data)
    assert response.status_code == 302, response.context and [
        form.errors for form in response.context["flows"] if form.errors
    ]
    assessment.refresh_from_db()
    document = assessment.document
    assert _flow(document, "roof-rain") == {
        "id": "roof-rain",
        "name": "Rain water from the roof",
        "to": "water-room",
        "layer": "water",
        "kind": "input",
        "value": "120 m3",
        "uncertainty": "30%",
    }
    assert _flow(document, "municipal-water")["to"] == "water-room"
    assert "water-treatment" not in str(document["flows"])
    leak = next(option for option in document["options"] if option["id"] == "repair-supply-leak")
    assert leak["processes"] == ["water-room"]


def test_edit_problems_are_shown_beside_their_row_and_nothing_is_saved(
    client_of, people, assessment
):
    client = client_of(people["consultant"])
    data = _edit_page(client, assessment)
    data[flow_field(data, "backwash", "sd")] = "-5"
    data[flow_field(data, "cip-water", "to_process")] = "cip-room"
    data[flow_field(data, "general-water", "value")] = "12,000"
    response = client.post(f"/assessments/{assessment.pk}/edit/", data)
    assert response.status_code == 400
    forms = {form["original_id"].value(): form for form in response.context["flows"]}
    assert "cannot be negative" in " ".join(forms["backwash"].errors["sd"])
    assert "no process has the id 'cip-room'" in " ".join(forms["cip-water"].errors["to_process"])
    assert "thousands separators" in " ".join(forms["general-water"].errors["value"])
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'value="-5"' in page and 'value="cip-room"' in page  # the input is kept
    assessment.refresh_from_db()
    assert assessment.revision == 1


def test_deleting_a_flow_an_option_names_lists_the_problem(client_of, people, assessment):
    client = client_of(people["consultant"])
    data = _edit_page(client, assessment)
    data[flow_field(data, "caustic-soda", "DELETE")] = "on"
    response = client.post(f"/assessments/{assessment.pk}/edit/", data)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert problems and any("caustic-soda" in problem.message for problem in problems)
    assert any("options[" in problem.where for problem in problems)
    assessment.refresh_from_db()
    assert assessment.revision == 1


def test_header_changes_title_period_and_stage(client_of, people, assessment):
    client = client_of(people["consultant"])
    data = _edit_page(client, assessment)
    data.update({"title": "Baseline, corrected", "period_end": "2007-06-30", "stage": "options"})
    assert client.post(f"/assessments/{assessment.pk}/edit/", data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.title == "Baseline, corrected" and assessment.stage == "options"
    assert assessment.document["period"] == {"start": "2007-01-01", "end": "2007-06-30"}


def test_period_ending_before_it_starts_is_shown_on_the_date(client_of, people, assessment):
    client = client_of(people["consultant"])
    data = _edit_page(client, assessment)
    data["period_end"] = "2006-12-31"
    response = client.post(f"/assessments/{assessment.pk}/edit/", data)
    assert response.status_code == 400
    assert "ends (2006-12-31) before it starts" in " ".join(
        response.context["header"].errors["period_end"]
    )


# --------------------------------------------------------------------------------------------
# Two people at once


def test_edit_conflict_keeps_the_input_and_links_to_the_comparison(client_of, people, assessment):
    first = client_of(people["consultant"])
    first_data = _edit_page(first, assessment)
    second = Client()
    second.force_login(people["assigned_consultant"])
    second_data = _edit_page(second, assessment)

    second_data[flow_field(second_data, "backwash", "value")] = "1300"
    assert second.post(f"/assessments/{assessment.pk}/edit/", second_data).status_code == 302

    first_data[flow_field(first_data, "municipal-water", "value")] = "29999"
    response = first.post(f"/assessments/{assessment.pk}/edit/", first_data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "partner-consultant saved version 2" in page
    assert "Your changes were not saved" in page
    assert 'value="29999"' in page
    assert f"/assessments/{assessment.pk}/compare/?from=1&amp;to=2" in page
    assessment.refresh_from_db()
    assert assessment.revision == 2
    assert _flow(assessment.document, "municipal-water")["value"] == "31200 m3"
    assert _flow(assessment.document, "backwash")["value"] == "1300 m3"
    comparison = first.get(f"/assessments/{assessment.pk}/compare/?from=1&to=2")
    assert "<del>1200 m3</del>" in comparison.content.decode()


# --------------------------------------------------------------------------------------------
# Following the options


def test_option_status_date_and_actual_investment_are_followed(client_of, people, assessment):
    client = client_of(people["consultant"])
    page = client.get(f"/assessments/{assessment.pk}/options/")
    assert page.status_code == 200
    action = f"/assessments/{assessment.pk}/options/caustic-control/"
    data = form_data(page.content.decode(), action)
    assert data["option-caustic-control-status"] == "implement-now"
    data.update(
        {
            "option-caustic-control-status": "implemented",
            "option-caustic-control-date": "2008-05-15",
            "option-caustic-control-actual_investment": "24000000",
        }
    )
    response = client.post(action, data)
    assert response.status_code == 302
    assert response["Location"].endswith("/options/#option-caustic-control")
    assessment.refresh_from_db()
    assert assessment.revision == 2
    option = next(
        item for item in assessment.document["options"] if item["id"] == "caustic-control"
    )
    assert option["status"] == "implemented"
    assert option["dates"]["implemented"] == "2008-05-15"
    assert option["actual_investment"] == "24000000 LAK"
    row = AssessmentOption.objects.get(assessment=assessment, option_id="caustic-control")
    assert row.status == "implemented" and str(row.implemented_on) == "2008-05-15"


def test_option_with_a_bad_investment_is_refused_beside_the_field(client_of, people, assessment):
    client = client_of(people["consultant"])
    action = f"/assessments/{assessment.pk}/options/caustic-control/"
    data = form_data(client.get(f"/assessments/{assessment.pk}/options/").content.decode(), action)
    data["option-caustic-control-actual_investment"] = "-5"
    response = client.post(action, data)
    assert response.status_code == 400
    row = next(row for row in response.context["rows"] if row["id"] == "caustic-control")
    assert "cannot be negative" in " ".join(row["form"].errors["actual_investment"])
    assessment.refresh_from_db()
    assert assessment.revision == 1


def test_a_new_status_without_a_date_is_dated_today(assessment):
    from django.utils import timezone

    data, index = editing.followed_option(
        assessment.document,
        "washer-rinse-reuse",
        {"status": "planned", "date": None, "actual_investment": ""},
        {"status"},
        timezone.localdate(),
    )
    option = data["options"][index]
    assert option["status"] == "planned"
    assert option["dates"] == {"planned": timezone.localdate().isoformat()}
    with pytest.raises(KeyError):
        editing.followed_option(
            assessment.document, "no-such-option", {}, set(), timezone.localdate()
        )


def test_a_new_assessment_is_built_in_the_browser_from_nothing(client_of, people, enterprise):
    client = client_of(people["consultant"])
    client.post(
        "/assessments/new/",
        {"enterprise": enterprise.pk, "title": "From scratch", "year": 2024, "stage": "baseline"},
    )
    assessment = enterprise.assessments.get()
    results = client.get(f"/assessments/{assessment.pk}/results/").content.decode()
    assert "No flow yet" in results and "plotly.min.js" not in results
    data = _edit_page(client, assessment)
    assert data["processes-INITIAL_FORMS"] == "0" and data["flows-INITIAL_FORMS"] == "0"
    data.update(
        {
            "processes-0-id": "washing",
            "processes-0-name": "Washing",
            "flows-0-id": "water-in",
            "flows-0-name": "Water in",
            "flows-0-to_process": "washing",
            "flows-0-kind": "input",
            "flows-0-layer": "water",
            "flows-0-value": "100",
            "flows-0-sd": "5",
            "flows-1-id": "water-out",
            "flows-1-name": "Water out",
            "flows-1-from_process": "washing",
            "flows-1-kind": "loss",
            "flows-1-layer": "water",
        }
    )
    response = client.post(f"/assessments/{assessment.pk}/edit/", data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.document["processes"] == [{"id": "washing", "name": "Washing"}]
    assert _flow(assessment.document, "water-in")["sd"] == "5 m3"
    assert "value" not in _flow(assessment.document, "water-out")
    assert assessment.summary["layers"]["water"]["dof"] == 0
    results = client.get(f"/assessments/{assessment.pk}/results/").content.decode()
    assert 'id="sankey-water"' in results


def test_dates_of_the_edit_form_are_iso_in_every_language(client_of, people, assessment):
    client = client_of(people["consultant"])
    page = client.get(f"/assessments/{assessment.pk}/edit/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    data = form_data(page.content.decode(), f"/assessments/{assessment.pk}/edit/")
    assert (data["period_start"], data["period_end"]) == ("2007-01-01", "2007-12-31")
    follow = client.get(f"/assessments/{assessment.pk}/options/", HTTP_ACCEPT_LANGUAGE="vi")
    action = f"/assessments/{assessment.pk}/options/repair-supply-leak/"
    assert form_data(follow.content.decode(), action)["option-repair-supply-leak-date"] == (
        "2008-02-28"
    )
