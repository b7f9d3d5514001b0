"""Sum measurements, ratios and concentrations in the document: read, checked, located.

A small dairy: one electricity bill covers two machines, a recipe ties the culture to the milk,
and the whey's COD is given as a concentration. Each malformed variation must be reported by
`cleanprod validate` with where it is and what to change, in YAML and in the workbook.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cleanprod.io import read_document, write_document
from cleanprod.model import Assessment

DAIRY: dict[str, Any] = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Dairy", "country": "KH", "sector": "food", "currency": "KHR"},
    "period": {"start": "2025-01-01", "end": "2025-01-31"},
    "layers": [{"id": "cod", "name": "COD", "unit": "kg", "carrier": "water"}],
    "processes": [
        {"id": "pasteuriser", "name": "Pasteuriser", "allocation": "water"},
        {"id": "vat", "name": "Vat", "allocation": "85%"},
    ],
    "flows": [
        {"id": "milk", "name": "Raw milk", "to": "pasteuriser", "kind": "input",
         "value": "10 t", "uncertainty": "1%"},
        {"id": "culture", "name": "Culture", "to": "vat", "kind": "input", "value": "20 kg"},
        {"id": "hot-milk", "name": "Pasteurised milk", "from": "pasteuriser", "to": "vat",
         "kind": "internal"},
        {"id": "cheese", "name": "Cheese", "from": "vat", "kind": "product", "value": "1 t"},
        {"id": "whey-mass", "name": "Whey", "from": "vat", "kind": "loss",
         "causes": [{"category": "process control", "description": "curd cut too early",
                     "share": "30%"},
                    {"category": "product", "description": "soft cheese keeps less whey"}]},
        {"id": "wash-water", "name": "Washing water", "to": "vat", "layer": "water",
         "kind": "input", "value": "30 m3"},
        {"id": "effluent", "name": "Effluent", "from": "vat", "layer": "water", "kind": "loss",
         "concentrations": {"cod": {"value": "2000 mg/l", "uncertainty": "20%"}}},
        {"id": "cod-released", "name": "COD from the vat", "to": "vat", "layer": "cod",
         "kind": "input"},
        {"id": "heater", "name": "Heater", "to": "pasteuriser", "layer": "energy",
         "kind": "input", "fuel": "electricity"},
        {"id": "stirrer", "name": "Stirrer", "to": "vat", "layer": "energy", "kind": "input"},
        {"id": "heat-loss", "name": "Heat losses", "from": "pasteuriser", "layer": "energy",
         "kind": "loss"},
        {"id": "stirrer-loss", "name": "Stirrer losses", "from": "vat", "layer": "energy",
         "kind": "loss"},
    ],
    "measurements": [
        {"id": "electricity-bill", "name": "January bill", "flows": ["heater", "stirrer"],
         "value": "1500 kWh", "sd": "15 kWh", "source": "EDC bill"},
    ],
    "emission_factors": [
        {"fuel": "electricity", "value": "0.6592 kg/kWh", "year": 2023,
         "source": "Viet Nam grid emission factor 2023 (used here for illustration)"},
    ],
    "ratios": [
        {"id": "culture-dose", "flows": ["culture"], "per": ["milk"], "value": "2 kg/t",
         "range": ["1.5 kg/t", "2.5 kg/t"]},
        {"id": "heating-energy", "flows": ["heater"], "per": ["milk"], "value": "0.12 kWh/kg",
         "quality": "calculated"},
    ],
}  # fmt: skip


def test_statements_are_read_in_canonical_units():
    dairy = Assessment.model_validate(copy.deepcopy(DAIRY))
    bill = dairy.measurements[0]
    assert bill.layer == "energy"
    assert bill.normalised.value == pytest.approx(1500.0)
    dose, heating = dairy.ratios
    assert (dose.layer, dose.per_layer) == ("mass", "mass")
    assert dose.normalised.value == pytest.approx(0.002)  # kg/kg
    assert dose.normalised.sd == pytest.approx(1.0e-3 / 12**0.5)
    assert heating.per_layer == "mass"
    assert heating.normalised.unit == "kWh/kg"
    assert heating.normalised.sd == pytest.approx(0.012)  # calculated: 10 %
    cod = dairy.flow("effluent").concentrations["cod"]
    assert cod.normalised.value == pytest.approx(2.0)  # kg/m3
    assert cod.normalised.unit == "kg/m3"


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_statements_survive_every_form(tmp_path, suffix):
    document = copy.deepcopy(DAIRY)
    document["flows"][5]["concentrations"] = {"cod": None}  # unknown, to be estimated
    dairy = Assessment.model_validate(document)
    again = read_document(write_document(dairy, tmp_path / f"dairy{suffix}"))
    assert again == dairy
    assert again.flow("wash-water").concentrations["cod"].value is None


def test_unknown_concentration_is_written_as_null(tmp_path):
    document = copy.deepcopy(DAIRY)
    document["flows"][6]["concentrations"] = {"cod": None}
    path = write_document(Assessment.model_validate(document), tmp_path / "dairy.yaml")
    assert "cod: null" in path.read_text(encoding="utf-8")


def setting(path: tuple[str | int, ...], value: Any):
    def mutate(document: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path
        node: Any = document
        for part in parents:
            node = node[part]
        node[last] = value
        return document

    return mutate


CASES = [
    pytest.param(
        setting(("measurements", 0, "flows"), ["heater", "stirer"]),
        "measurements[0] (electricity-bill).flows[1]",
        "no flow has the id 'stirer' — did you mean 'stirrer'?",
        id="measurement-of-an-unknown-flow",
    ),
    pytest.param(
        setting(("measurements", 0, "flows"), ["heater", "wash-water"]),
        "measurements[0] (electricity-bill).flows",
        "must be of one layer; 'heater' is energy, 'wash-water' is water",
        id="measurement-across-layers",
    ),
    pytest.param(
        setting(("measurements", 0), {"id": "bill", "flows": ["heater"], "value": "1500 m3"}),
        "measurements[0] (bill).value",
        "the energy layer is in kWh (energy)",
        id="measurement-in-a-wrong-unit",
    ),
    pytest.param(
        setting(("measurements", 0), {"id": "bill", "flows": ["heater"]}),
        "measurements[0] (bill)",
        "give its value (or a range)",
        id="measurement-without-value",
    ),
    pytest.param(
        setting(("measurements", 0, "flows"), []),
        "measurements[0] (electricity-bill).flows",
        "at least 1 item",
        id="measurement-of-no-flow",
    ),
    pytest.param(
        setting(("ratios", 1, "value"), "0.12 kg/kg"),
        "ratios[1] (heating-energy).value",
        "needs a unit of energy per mass like '0.5 kWh/kg'",
        id="ratio-in-a-wrong-unit",
    ),
    pytest.param(
        setting(("ratios", 0, "per"), ["milkk"]),
        "ratios[0] (culture-dose).per[0]",
        "did you mean 'milk'?",
        id="ratio-per-an-unknown-flow",
    ),
    pytest.param(
        setting(("ratios", 0, "value"), "2"),
        "ratios[0] (culture-dose).value",
        "the unit is missing",
        id="ratio-without-unit",
    ),
    pytest.param(
        setting(("flows", 6, "concentrations"), {"bod": "300 mg/l"}),
        "flows[6] (effluent).concentrations.bod",
        "declared under 'layers'",
        id="concentration-of-an-undeclared-layer",
    ),
    pytest.param(
        setting(("flows", 6, "concentrations"), {"cod": "300 kg"}),
        "flows[6] (effluent).concentrations.cod.value",
        "like 'kg/m3' or 'mg/l'",
        id="concentration-in-a-wrong-unit",
    ),
    pytest.param(
        setting(("flows", 6, "concentrations"), {"cod": "-3 mg/l"}),
        "flows[6] (effluent).concentrations.cod.value",
        "cannot be negative",
        id="negative-concentration",
    ),
    pytest.param(
        setting(("flows", 0, "concentrations"), {"cod": "3 mg/kg"}),
        "flows[0] (milk).concentrations.cod",
        "carried by water, but this flow is of the mass layer",
        id="concentration-in-a-flow-of-another-carrier",
    ),
    pytest.param(
        setting(("layers", 0, "carrier"), "watr"),
        "layers[0] (cod).carrier",
        "did you mean 'water'?",
        id="unknown-carrier",
    ),
    pytest.param(
        setting(("processes", 0, "allocation"), "steam"),
        "processes[0] (pasteuriser).allocation",
        "no layer has the id 'steam'",
        id="allocation-by-an-unknown-layer",
    ),
    pytest.param(
        setting(("processes", 0, "allocation"), "120%"),
        "processes[0] (pasteuriser).allocation",
        "cannot exceed 100 %",
        id="allocation-share-above-100",
    ),
    pytest.param(
        setting(("flows", 4, "causes"), [{"category": "laziness", "description": "spills"}]),
        "flows[4] (whey-mass).causes[0].category",
        "expected one of 'input materials'",
        id="cause-of-an-unknown-category",
    ),
    pytest.param(
        setting(("emission_factors",), [{"fuel": "diesel", "value": "2.7 kWh/l", "source": "x"}]),
        "emission_factors[0].value",
        "CO2e mass per unit of the fuel",
        id="emission-factor-in-a-wrong-unit",
    ),
    pytest.param(
        setting(
            ("emission_factors",),
            [
                {"fuel": "diesel", "value": "2.7 kg/l", "source": "x"},
                {"fuel": "diesel", "value": "3.2 kg/kg", "source": "y"},
            ],
        ),
        "emission_factors[1].fuel",
        "has a factor already",
        id="two-factors-for-one-fuel",
    ),
    pytest.param(
        setting(("ratios", 1, "id"), "culture-dose"),
        "ratios[1] (culture-dose).id",
        "duplicate id 'culture-dose'",
        id="duplicate-ratio-id",
    ),
]


@pytest.mark.parametrize(("mutate", "where", "phrase"), CASES)
def test_validate_malformed_statement(run_cli, write_document_file, mutate, where, phrase):
    path = write_document_file(mutate(copy.deepcopy(DAIRY)), "dairy.yaml")

    result = run_cli("validate", path)

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if where in line and phrase in line]
    assert lines, result.stderr


def test_validate_locates_a_bad_statement_in_the_workbook(run_cli, tmp_path):
    import openpyxl

    path = write_document(Assessment.model_validate(copy.deepcopy(DAIRY)), tmp_path / "d.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["measurements"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("flows") + 1, value="heater, stirer")
    sheet = workbook["concentrations"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("value") + 1, value=-5)
    workbook.save(path)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert "sheet 'measurements', row 2 (electricity-bill), column 'flows'" in result.stderr
    assert "no flow has the id 'stirer'" in result.stderr
    assert "sheet 'concentrations', row 2, column 'value'" in result.stderr
    assert "a concentration cannot be negative" in result.stderr


def test_validate_reports_an_unknown_fuel_with_other_problems(run_cli, write_document_file):
    # The document's own factor still counts when another entry fails its own checks.
    document = copy.deepcopy(DAIRY)
    document["flows"][8]["fuel"] = "biodiesel"
    document["flows"][9]["fuel"] = "electricty"
    document["emission_factors"].append({"fuel": "biodiesel", "value": "-1 kg/l", "source": "x"})
    document["flows"][0]["sd"] = "-1 kg"
    path = write_document_file(document, "dairy.yaml")

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert "flows[9] (stirrer).fuel: no fuel has the id 'electricty'" in result.stderr
    assert "no fuel has the id 'biodiesel'" not in result.stderr
    assert "emission_factors[1].value: an emission factor cannot be negative" in result.stderr
    assert "flows[0] (milk).sd" in result.stderr
