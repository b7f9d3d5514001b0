"""Every save a version, no save lost to another, every change in the audit trail."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from cleanprod.web.assessments.models import AssessmentOption
from cleanprod.web.assessments.saving import EditConflict, save_document


def test_first_save_keeps_version_summary_and_options(assessment, example):
    assert assessment.revision == 1
    version = assessment.versions.get()
    assert version.number == 1 and version.comment == "baseline"
    assert version.document["format"] == "cleanprod/1"
    document = example("lao-soft-drink")
    assert assessment.summary["options"] == len(document.options)
    assert set(assessment.summary["layers"]) >= {"water"}
    rows = AssessmentOption.objects.filter(assessment=assessment)
    assert sorted(rows.values_list("option_id", flat=True)) == sorted(
        option.id for option in document.options
    )
    implemented = rows.filter(status="implemented")
    assert implemented.exists()
    assert any(row.verified_savings for row in implemented)


def test_a_save_from_an_old_revision_is_refused_and_writes_nothing(assessment, people, example):
    document = example("lao-soft-drink")
    edited = document.model_copy(update={"title": "First edit"})
    save_document(assessment, edited, people["consultant"], started_from=1)
    late = document.model_copy(update={"title": "Late edit from version 1"})
    with pytest.raises(EditConflict) as refused:
        save_document(assessment, late, people["assigned_consultant"], started_from=1)
    assert "lao-consultant saved version 2" in str(refused.value)
    assessment.refresh_from_db()
    assert assessment.revision == 2 and assessment.title == "First edit"
    assert assessment.versions.count() == 2


def test_each_save_is_in_the_audit_trail_with_who(assessment, people, example):
    document = example("lao-soft-drink").model_copy(update={"title": "Renamed"})
    save_document(assessment, document, people["consultant"], started_from=1, comment="fix")
    entries = LogEntry.objects.get_for_object(assessment)
    latest = entries.order_by("-timestamp").first()
    assert latest.changes_dict["revision"] == ["1", "2"]
    assert latest.changes_dict["title"][1] == "Renamed"
