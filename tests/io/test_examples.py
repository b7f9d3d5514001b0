"""The examples: valid, within the sizes the issue asks, and lossless through Excel."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanprod.io import document_data, read_document, write_document

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def test_examples_cover_the_four_lao_plants_and_a_rattan_sme():
    names = {path.stem for path in EXAMPLES}
    assert {
        "lao-steel-rolling",
        "lao-soft-drink",
        "lao-furniture",
        "lao-agro-processing",
        "vn-rattan-furniture",
    } <= names


@pytest.fixture(params=EXAMPLES, ids=lambda path: path.stem)
def example(request):
    return request.param


def test_example_has_the_size_and_features_of_a_real_assessment(example):
    assessment = read_document(example)
    assert 6 <= len(assessment.processes) <= 20
    assert 15 <= len(assessment.flows) <= 60
    assert {"mass", "water", "energy"} <= set(assessment.layer_ids)
    assert len(assessment.unknown_flows) >= 3, "several flows are unmeasured, as in a real plant"
    assert any(flow.price is not None for flow in assessment.flows)
    assert assessment.notes is not None and len(assessment.notes) > 200, "notes give the sources"
    known = [flow for flow in assessment.flows if flow.is_known]
    with_source = [flow for flow in known if flow.source]
    assert len(with_source) >= 0.8 * len(known), "each figure says where it comes from"


def test_example_round_trip_yaml_xlsx_yaml_gives_the_same_document(example, tmp_path):
    assessment = read_document(example)
    through_excel = read_document(write_document(assessment, tmp_path / "baseline.xlsx"))
    back = read_document(write_document(through_excel, tmp_path / "baseline.yaml"))
    assert document_data(through_excel) == document_data(assessment)
    assert back == assessment
