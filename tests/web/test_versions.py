"""Versions of a document: the list, what changed between two (a pure comparison), and an old
version restored."""

from __future__ import annotations

import copy

from cleanprod.web.assessments.comparing import (
    EntryChange,
    FieldChange,
    as_text,
    compare_documents,
    flatten,
)
from cleanprod.web.assessments.saving import save_document

BEFORE = {
    "format": "cleanprod/1",
    "title": "Baseline 2024",
    "enterprise": {"name": "Rattan Co", "country": "VN", "sector": "rattan", "currency": "VND"},
    "period": {"start": "2024-01-01", "end": "2024-12-31"},
    "processes": [{"id": "boiling", "name": "Boiling"}, {"id": "drying", "name": "Drying"}],
    "flows": [
        {"id": "cane", "name": "Cane", "to": "boiling", "kind": "input", "value": "10 t"},
        {"id": "steam", "name": "Steam", "to": "boiling", "layer": "energy", "kind": "input",
         "value": "500 kWh", "costs": {"energy": "100 VND"}},
    ],
    "emission_factors": [{"fuel": "wood", "value": "1.5 kg/kg", "source": "own"}],
    "options": [
        {"id": "lids", "title": "Lids on the boiling vats", "status": "identified",
         "flows": ["steam"], "effects": [{"flow": "steam", "change": "-10%"}]},
    ],
}  # fmt: skip


def _edited() -> dict:
    after = copy.deepcopy(BEFORE)
    after["title"] = "Baseline 2024, corrected"
    after["period"]["end"] = "2024-06-30"
    after["processes"].pop()  # drying removed
    after["processes"].append({"id": "sanding", "name": "Sanding"})
    after["flows"][0]["value"] = "12 t"
    after["flows"][1]["costs"]["energy"] = "120 VND"
    after["flows"][1]["sd"] = "50 kWh"
    after["emission_factors"][0]["value"] = "1.6 kg/kg"
    after["options"][0]["status"] = "implemented"
    after["options"][0]["flows"] = ["steam", "cane"]
    after["options"][0]["effects"][0]["change"] = "-15%"
    return after


def _section(sections, name):
    return next(section for section in sections if section.section == name)


# --------------------------------------------------------------------------------------------
# The comparison itself


def test_compare_identical_documents_finds_nothing():
    assert compare_documents(BEFORE, copy.deepcopy(BEFORE)) == []


def test_compare_lists_document_and_mapping_fields():
    sections = compare_documents(BEFORE, _edited())
    assert [section.section for section in sections] == [
        "document",
        "period",
        "processes",
        "flows",
        "emission_factors",
        "options",
    ]
    assert _section(sections, "document").fields == (
        FieldChange("title", "Baseline 2024", "Baseline 2024, corrected"),
    )
    assert _section(sections, "period").fields == (FieldChange("end", "2024-12-31", "2024-06-30"),)


def test_compare_matches_entries_by_id_with_field_changes():
    sections = compare_documents(BEFORE, _edited())
    processes = _section(sections, "processes").entries
    assert [(entry.key, entry.change) for entry in processes] == [
        ("sanding", "added"),
        ("drying", "removed"),
    ]
    assert processes[0].fields == (
        FieldChange("id", None, "sanding"),
        FieldChange("name", None, "Sanding"),
    )
    flows = _section(sections, "flows").entries
    assert flows == (
        EntryChange("cane", "Cane", "changed", (FieldChange("value", "10 t", "12 t"),)),
        EntryChange(
            "steam",
            "Steam",
            "changed",
            (
                FieldChange("costs.energy", "100 VND", "120 VND"),
                FieldChange("sd", None, "50 kWh"),
            ),
        ),
    )
    assert _section(sections, "flows").count("changed") == 2
    (factor,) = _section(sections, "emission_factors").entries
    assert (factor.key, factor.fields) == (
        "wood",
        (FieldChange("value", "1.5 kg/kg", "1.6 kg/kg"),),
    )
    (option,) = _section(sections, "options").entries
    assert option.name == "Lids on the boiling vats"
    assert option.fields == (
        FieldChange("status", "identified", "implemented"),
        FieldChange("flows", ["steam"], ["steam", "cane"]),
        FieldChange("effects[0].change", "-10%", "-15%"),
    )


def test_compare_a_new_section_and_entries_without_ids():
    after = {**BEFORE, "measurements": [{"name": "bill", "flows": ["steam"], "value": "1 kWh"}]}
    (section,) = compare_documents(BEFORE, after)
    assert section.section == "measurements"
    assert [(entry.key, entry.change) for entry in section.entries] == [("#0", "added")]


def test_flatten_and_text_of_leaves():
    assert flatten({"a": {"b": 1, "c": [1, 2]}, "d": [{"e": None}], "f": []}) == {
        "a.b": 1,
        "a.c": [1, 2],
    }
    assert as_text(["washing", "drying"]) == "washing, drying"
    assert as_text(True) == "true" and as_text(None) == ""


# --------------------------------------------------------------------------------------------
# The pages


def _second_version(assessment, people, example):
    document = example("lao-soft-drink")
    data = document.model_dump(mode="json", by_alias=True, exclude_none=True)
    for flow in data["flows"]:
        if flow["id"] == "municipal-water":
            flow["value"] = "30000 m3"
    edited = type(document).model_validate(data)
    save_document(
        assessment, edited, people["assigned_consultant"], started_from=1, comment="new meter"
    )
    assessment.refresh_from_db()


def test_versions_page_lists_who_when_why(client_of, people, assessment, example):
    _second_version(assessment, people, example)
    assessment.versions.filter(number=1).update(source_name="baseline.xlsx")
    page = client_of(people["consultant"]).get(f"/assessments/{assessment.pk}/versions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "partner-consultant" in text and "new meter" in text and "baseline.xlsx" in text
    assert [version.number for version in page.context["page"]] == [2, 1]
    assert f"/assessments/{assessment.pk}/versions/1/restore/" in text


def test_compare_page_shows_a_changed_flow_value(client_of, people, assessment, example):
    _second_version(assessment, people, example)
    response = client_of(people["enterprise_user"]).get(
        f"/assessments/{assessment.pk}/compare/?from=1&to=2"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "municipal-water" in page and "City water (Nam Papa meter)" in page
    assert "<del>31200 m3</del>" in page and "<ins>30000 m3</ins>" in page
    assert "1 changed" in page
    default = client_of(people["consultant"]).get(f"/assessments/{assessment.pk}/compare/")
    assert (default.context["before"].number, default.context["after"].number) == (1, 2)
    missing = client_of(people["consultant"]).get(f"/assessments/{assessment.pk}/compare/?to=7")
    assert missing.status_code == 404


def test_restore_saves_an_old_version_as_the_newest(client_of, people, assessment, example):
    _second_version(assessment, people, example)
    client = client_of(people["consultant"])
    response = client.post(
        f"/assessments/{assessment.pk}/versions/1/restore/", {"started_from": "2"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.revision == 3
    assert assessment.document == assessment.versions.get(number=1).document
    assert assessment.versions.get(number=3).comment == "version 1 restored"
    assert client.get(f"/assessments/{assessment.pk}/versions/1/restore/").status_code == 405


def test_restore_from_an_old_revision_is_refused(client_of, people, assessment, example):
    _second_version(assessment, people, example)
    response = client_of(people["consultant"]).post(
        f"/assessments/{assessment.pk}/versions/1/restore/", {"started_from": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/assessments/{assessment.pk}/compare/?from=1&to=2"
    assert "partner-consultant saved version 2" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.revision == 2
