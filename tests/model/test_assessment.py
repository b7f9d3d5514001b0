"""Values and uncertainties converted once, at load, to the unit of their layer."""

from __future__ import annotations

import math

import pytest

from cleanprod.model import Assessment, quality_classes

BASE = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Plant", "country": "KH", "sector": "food", "currency": "KHR"},
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "processes": [{"id": "wash", "name": "Washing"}],
}


def flow_normalised(**measured):
    flow = {"id": "f", "name": "F", "to": "wash", "kind": "input", **measured}
    document = {**BASE, "flows": [flow]}
    return Assessment.model_validate(document).flows[0].normalised


def test_normalise_converts_value_and_sd_to_the_layer_unit():
    normalised = flow_normalised(value="2.5 t", sd="100 kg")
    assert (normalised.value, normalised.sd, normalised.unit) == (2500.0, 100.0, "kg")
    assert normalised.basis == "sd"


def test_normalise_range_alone_gives_midpoint_and_uniform_sd():
    normalised = flow_normalised(layer="water", range=["20 m3", "35 m3"])
    assert normalised.value == pytest.approx(27.5)
    assert normalised.sd == pytest.approx(15 / math.sqrt(12))  # 4.330 m3
    assert normalised.basis == "range"


def test_normalise_relative_uncertainty():
    normalised = flow_normalised(layer="energy", value="3.6 GJ", uncertainty="5%")
    assert normalised.value == pytest.approx(1000.0)  # kWh
    assert normalised.sd == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("quality", "percent"), [("measured", 5), ("calculated", 10), ("estimated", 30)]
)
def test_normalise_quality_class_defaults(quality, percent):
    normalised = flow_normalised(value="200 kg", quality=quality)
    assert normalised.sd == pytest.approx(2 * percent)
    assert quality_classes()[quality]["source"], "each default carries its source"


def test_normalise_document_default_quality_applies_to_values_without_uncertainty():
    document = {
        **BASE,
        "default_quality": "estimated",
        "flows": [{"id": "f", "name": "F", "to": "wash", "kind": "input", "value": "100 kg"}],
    }
    normalised = Assessment.model_validate(document).flows[0].normalised
    assert (normalised.sd, normalised.basis) == (pytest.approx(30.0), "default:estimated")


def test_normalise_unknown_flow_has_no_value():
    normalised = flow_normalised()
    assert (normalised.value, normalised.sd, normalised.basis) == (None, None, "unknown")


def test_to_enterprise_currency_uses_the_exchange_rate():
    document = {**BASE, "exchange_rates": {"USD": 4100}, "flows": []}
    from cleanprod.model import Money

    assessment = Assessment.model_validate(document)
    assert assessment.to_enterprise_currency(Money(2.5, "USD")) == pytest.approx(10250.0)
    assert assessment.to_enterprise_currency(Money(7.0, "KHR")) == 7.0
