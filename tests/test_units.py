"""The one unit registry: what consultants write is read, and dimensions never mix."""

from __future__ import annotations

import pytest

from cleanprod.units import UnitError, conversion_factor, dimension_name, parse_unit


@pytest.mark.parametrize(
    ("unit", "dimension"),
    [
        ("m3", "volume"),
        ("Nm3", "volume"),
        ("hl", "volume"),
        ("t", "mass"),
        ("kWh", "energy"),
        ("GJ", "energy"),
        ("pcs", "pieces"),
        ("pieces", "pieces"),
        ("mg/l", "mass per volume"),
    ],
)
def test_parse_unit_reads_what_consultants_write(unit, dimension):
    assert dimension_name(unit) == dimension


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("t", "kg", 1000.0),
        ("hl", "m3", 0.1),
        ("GJ", "kWh", 1e6 / 3600),
        ("l", "m3", 1e-3),
        ("dozen_pieces", "piece", 12.0),
    ],
)
def test_conversion_factor_published_values(source, target, factor):
    assert conversion_factor(source, target) == pytest.approx(factor, rel=1e-12)


def test_conversion_factor_refuses_pieces_to_kilograms():
    with pytest.raises(UnitError, match=r"piece \(pieces\) cannot be converted to kg \(mass\)"):
        conversion_factor("piece", "kg")


@pytest.mark.parametrize("text", ["foo", "", "CO2", "12"])
def test_parse_unit_names_what_it_cannot_read(text):
    with pytest.raises(UnitError):
        parse_unit(text)
