"""CO₂e of electricity and fuels: factors checked by hand against their published tables.

Hand calculations (IPCC 2006 Vol. 2 Table 1.2 NCV, Table 1.4 CO₂, Table 2.3 CH₄ and N₂O for
manufacturing industries; GWP100 of IPCC AR5: CH₄ 28, N₂O 265):

- diesel, 1 kg = 1e-6 Gg x 43.0 TJ/Gg = 4.3e-5 TJ;
  CO₂ 74100 x 4.3e-5 = 3.18630 kg, CH₄ 3 x 4.3e-5 x 28 = 0.003612 kg CO₂e,
  N₂O 0.6 x 4.3e-5 x 265 = 0.006837 kg CO₂e; together 3.196749 kg CO₂e/kg.
- fuel wood, 1 kWh = 3.6e-6 TJ; CH₄ 30 x 28 + N₂O 4 x 265 = 1900 kg CO₂e/TJ, so 0.00684 kg/kWh;
  biogenic CO₂ 112000 x 3.6e-6 = 0.4032 kg/kWh (memo, not counted).
- Viet Nam grid 2023 (MONRE): 0.6592 t CO₂/MWh, so 1000 kWh = 659.2 kg.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml
from numpy.testing import assert_allclose

from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.emissions import (
    DOCUMENT,
    GRID_TYPES,
    IPCC_DEFAULT,
    EmissionFactorError,
    emission_factor,
    factor_tables,
    flow_emissions,
)
from cleanprod.errors import CleanprodError
from cleanprod.io import read_document
from cleanprod.model import Assessment, EmissionFactor
from cleanprod.model.assessment import known_fuels

DIESEL_PER_KG = 43.0e-6 * (74100 + 3 * 28 + 0.6 * 265)  # 3.196749 kg CO2e/kg
WOOD_PER_KWH = 3.6e-6 * (30 * 28 + 4 * 265)  # 0.00684 kg CO2e/kWh
DATA_FILE = Path(__file__).parents[2] / "src" / "cleanprod" / "data" / "emission_factors.yaml"
EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def own_factor(fuel: str, value: str, source: str = "supplier sheet", year: int | None = 2022):
    return EmissionFactor.model_validate(
        {"fuel": fuel, "value": value, "source": source, "year": year}
    )


# ---- one factor --------------------------------------------------------------------------------


def test_emission_factor_viet_nam_grid_2023():
    factor = emission_factor("electricity", "kWh", "VN", 2023)

    assert_allclose(1000 * factor.value, 659.2)
    assert factor.factor_unit == "kg/kWh"
    assert (factor.year, factor.factor_type, factor.scope) == (2023, "combined margin", "2")
    assert "MONRE" in factor.source
    assert factor.biogenic_co2 == 0
    assert factor.notes == ()


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2018, 0.9130), (2019, 0.8458), (2020, 0.8041), (2021, 0.7221), (2022, 0.6766)],
)
def test_emission_factor_viet_nam_grid_by_year(year, expected):
    assert_allclose(emission_factor("electricity", "kWh", "VN", year).value, expected)


def test_emission_factor_latest_earlier_year_is_used_and_said():
    factor = emission_factor("electricity", "kWh", "VN", 2024)

    assert_allclose(factor.value, 0.6592)
    assert factor.year == 2023
    assert factor.notes == ("grid factor of 2023 used for 2024 (latest published)",)


def test_emission_factor_earliest_year_when_none_is_older():
    factor = emission_factor("electricity", "kWh", "LA", 2007)

    assert_allclose(factor.value, 0.5595)
    assert factor.year == 2010
    assert "grid factor of 2010 used for 2007 (earliest published)" in factor.notes


def test_emission_factor_cambodia_has_only_margins_so_the_operating_margin_is_named():
    factor = emission_factor("electricity", "kWh", "KH", 2025)

    assert_allclose(factor.value, 0.2339)
    assert factor.factor_type == "operating margin"
    assert any("no combined margin" in note for note in factor.notes)


def test_emission_factor_grid_in_another_energy_unit():
    assert_allclose(emission_factor("electricity", "MWh", "VN", 2023).value, 659.2)
    assert_allclose(emission_factor("electricity", "GJ", "VN", 2023).value, 659.2 / 3.6)


def test_emission_factor_unknown_country_names_the_remedy():
    with pytest.raises(EmissionFactorError) as raised:
        emission_factor("electricity", "kWh", "TH", 2024)

    assert isinstance(raised.value, CleanprodError)
    assert "no grid factor for TH; give one under emission_factors" in str(raised.value)


def test_emission_factor_diesel_per_kg_from_the_ipcc_tables():
    factor = emission_factor("diesel", "kg", "VN", 2024)

    assert_allclose(factor.value, 3.196749)
    assert_allclose(1000 * factor.value, 3196.749)
    assert (factor.factor_type, factor.scope, factor.year) == (IPCC_DEFAULT, "1", 2006)
    assert "Table 2.3" in factor.source
    assert factor.biogenic_co2 == 0


def test_emission_factor_diesel_per_tonne_and_per_litre():
    assert_allclose(emission_factor("diesel", "t", "LA", 2007).value, 1000 * DIESEL_PER_KG)
    per_litre = emission_factor("diesel", "l", "LA", 2007)
    # UNSD: 1149 litres of gas diesel oil per tonne.
    assert_allclose(per_litre.value, DIESEL_PER_KG * 1000 / 1149)
    assert "United Nations Statistics Division" in per_litre.source
    assert per_litre.notes


def test_emission_factor_diesel_per_kwh_of_calorific_value():
    assert_allclose(emission_factor("diesel", "kWh", "VN", 2024).value, 3.6e-6 * (74100 + 84 + 159))


def test_emission_factor_fuel_wood_biogenic_co2_is_not_counted():
    factor = emission_factor("fuel-wood", "kWh", "VN", 2024)

    assert_allclose(factor.value, WOOD_PER_KWH)
    assert_allclose(factor.value, 0.00684)
    assert_allclose(factor.biogenic_co2, 0.4032)


def test_emission_factor_fuel_wood_per_kg_through_its_calorific_value():
    factor = emission_factor("fuel-wood", "kg", "VN", 2024)

    assert_allclose(factor.value, 15.6e-6 * 1900)
    assert_allclose(factor.biogenic_co2, 15.6e-6 * 112000)


def test_emission_factor_aliases_name_the_same_fuel():
    assert emission_factor("wood-waste", "kg", "VN", 2024).value == pytest.approx(
        emission_factor("fuel-wood", "kg", "VN", 2024).value
    )


def test_emission_factor_document_override_wins():
    overrides = [own_factor("electricity", "0.58 kg/kWh", "EDL annual report 2022", 2022)]

    factor = emission_factor("electricity", "kWh", "LA", 2022, overrides)

    assert factor.value == 0.58
    assert (factor.factor_type, factor.source, factor.year) == (
        DOCUMENT,
        "EDL annual report 2022",
        2022,
    )
    assert factor.scope == "2"


def test_emission_factor_document_override_for_a_country_without_grid_data():
    factor = emission_factor(
        "electricity", "kWh", "TH", 2024, [own_factor("electricity", "0.45 t/MWh")]
    )

    assert_allclose(factor.value, 0.45)


def test_emission_factor_document_override_converted_through_density():
    factor = emission_factor("diesel", "kg", "VN", 2024, [own_factor("diesel", "2.7 kg/l")])

    assert_allclose(factor.value, 2.7 * 1149 / 1000)
    assert factor.factor_type == DOCUMENT
    assert factor.notes


def test_emission_factor_document_fuel_of_its_own():
    overrides = [own_factor("kerosene", "2.5 kg/l")]

    assert_allclose(emission_factor("kerosene", "m3", "VN", 2024, overrides).value, 2500)
    with pytest.raises(EmissionFactorError, match="give the factor per kg"):
        emission_factor("kerosene", "kg", "VN", 2024, overrides)


def test_emission_factor_unknown_fuel():
    with pytest.raises(EmissionFactorError, match="no emission factor for the fuel 'kerosene'"):
        emission_factor("kerosene", "kg", "VN", 2024)


@pytest.mark.parametrize(
    ("fuel", "unit", "message"),
    [
        ("electricity", "kg", "electricity is counted per unit of energy"),
        ("fuel-wood", "m3", "no density of fuel-wood"),
        ("natural-gas", "m3", "no density of natural-gas"),
        ("diesel", "piece", "per energy, mass or volume"),
    ],
)
def test_emission_factor_unit_it_cannot_take(fuel, unit, message):
    with pytest.raises(EmissionFactorError, match=message):
        emission_factor(fuel, unit, "VN", 2024)


# ---- the data file -----------------------------------------------------------------------------


def test_every_factor_in_the_data_file_has_a_source_and_a_year():
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))

    assert data["gwp"]["source"] and data["gwp"]["year"] == 2013
    rows = data["electricity"]["factors"]
    assert rows
    for row in rows:
        assert row["source"].strip() and row["read_in"].strip(), row
        assert isinstance(row["year"], int), row
        assert row["type"] in GRID_TYPES, row
        assert row["value"] >= 0, row
    for fuel, entry in data["fuels"].items():
        assert entry["source"].strip() and isinstance(entry["year"], int), fuel
        for key in ("ncv_tj_per_gg", "co2_kg_per_tj", "ch4_kg_per_tj", "n2o_kg_per_tj"):
            assert entry[key] > 0, (fuel, key)
        if "density" in entry:
            assert entry["density"]["source"].strip(), fuel
            assert entry["density"]["litres_per_tonne"] > 0, fuel


def test_data_file_viet_nam_grid_matches_the_domain_notes():
    published = {2018: 0.9130, 2019: 0.8458, 2020: 0.8041, 2021: 0.7221, 2022: 0.6766, 2023: 0.6592}
    rows = {
        row.year: row.value
        for row in factor_tables().grid
        if row.country == "VN" and row.factor_type == "combined margin"
    }

    for year, value in published.items():
        assert_allclose(rows[year], value)


def test_data_file_gwp_is_ar5():
    assert dict(factor_tables().gwp) == {"CO2": 1, "CH4": 28, "N2O": 265}


def test_known_fuels_of_the_model_are_those_of_the_data_file():
    assert known_fuels() == {"electricity", *factor_tables().fuels}
    assert {"electricity", "diesel", "fuel-oil", "lpg", "fuel-wood", "rice-husk"} <= known_fuels()


# ---- the emissions of an assessment ------------------------------------------------------------

PLANT = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Bien Hoa Noodles", "country": "VN", "sector": "food",
                   "currency": "VND"},
    "period": {"start": "2024-01-01", "end": "2024-12-31"},
    "processes": [
        {"id": "boiler", "name": "Boiler"},
        {"id": "line", "name": "Noodle line"},
    ],
    "flows": [
        {"id": "diesel", "name": "Diesel", "to": "boiler", "kind": "input", "value": "10 t",
         "sd": "0.2 t", "fuel": "diesel"},
        {"id": "flue-gas", "name": "Flue gas", "from": "boiler", "kind": "emission"},
        {"id": "grid", "name": "Electricity", "to": "line", "layer": "energy", "kind": "input",
         "value": "100000 kWh", "sd": "1000 kWh", "fuel": "electricity"},
        {"id": "steam-heat", "name": "Steam heat", "from": "boiler", "to": "line",
         "layer": "energy", "kind": "internal"},
        {"id": "diesel-heat", "name": "Diesel heat (NCV)", "to": "boiler", "layer": "energy",
         "kind": "input", "value": "430 GJ"},
        {"id": "line-losses", "name": "Line losses", "from": "line", "layer": "energy",
         "kind": "loss"},
    ],
}  # fmt: skip


def emissions_of(document: dict):
    assessment = Assessment.model_validate(copy.deepcopy(document))
    return flow_emissions(assessment, balance_assessment(assessment))


def test_flow_emissions_counts_each_flow_with_a_fuel():
    result = emissions_of(PLANT)

    by_flow = {entry.flow: entry for entry in result.flows}
    assert set(by_flow) == {"diesel", "grid"}
    assert_allclose(by_flow["diesel"].co2e, 10_000 * DIESEL_PER_KG)
    assert_allclose(by_flow["diesel"].sd, 200 * DIESEL_PER_KG)
    assert (by_flow["diesel"].quantity, by_flow["diesel"].unit) == (10_000, "kg")
    assert_allclose(by_flow["grid"].co2e, 65_920)
    assert by_flow["grid"].factor_unit == "kg/kWh"
    assert_allclose(result.total, 10_000 * DIESEL_PER_KG + 65_920)
    assert_allclose(result.total_sd, math.hypot(200 * DIESEL_PER_KG, 659.2))
    assert_allclose(result.by_scope["1"], 10_000 * DIESEL_PER_KG)
    assert_allclose(result.by_scope["2"], 65_920)
    assert result.missing == ()
    assert "grid factor of 2023 used for 2024 (latest published)" in result.notes


def test_flow_emissions_document_factor_overrides():
    document = {
        **PLANT,
        "emission_factors": [
            {"fuel": "electricity", "value": "0.7 kg/kWh", "year": 2024, "source": "EVN 2024"}
        ],
    }

    grid = next(entry for entry in emissions_of(document).flows if entry.flow == "grid")

    assert_allclose(grid.co2e, 70_000)
    assert (grid.factor_type, grid.source, grid.year) == (DOCUMENT, "EVN 2024", 2024)


def test_flow_emissions_biogenic_co2_is_a_memo():
    document = copy.deepcopy(PLANT)
    document["flows"][0] = {
        "id": "firewood", "name": "Firewood", "to": "boiler", "kind": "input",
        "value": "50 t", "sd": "0 t", "fuel": "fuel-wood",
    }  # fmt: skip

    result = emissions_of(document)

    wood = next(entry for entry in result.flows if entry.flow == "firewood")
    assert_allclose(wood.co2e, 50_000 * 15.6e-6 * 1900)
    assert_allclose(wood.biogenic_co2, 50_000 * 15.6e-6 * 112_000)
    assert_allclose(result.total, wood.co2e + 65_920)
    assert_allclose(result.biogenic_co2, wood.biogenic_co2)


def test_flow_emissions_unobservable_flow_is_missing_not_zero():
    document = copy.deepcopy(PLANT)
    # Two unmetered feeders into the line: only their sum is known from the line's balance.
    document["flows"][2] = {
        "id": "grid-a",
        "name": "Feeder A",
        "to": "line",
        "layer": "energy",
        "kind": "input",
        "fuel": "electricity",
    }
    document["flows"].append(
        {
            "id": "grid-b",
            "name": "Feeder B",
            "to": "line",
            "layer": "energy",
            "kind": "input",
            "fuel": "electricity",
        }
    )
    document["flows"][5] = {**document["flows"][5], "value": "90000 kWh"}  # fmt: skip

    result = emissions_of(document)

    assert set(result.missing) == {"grid-a", "grid-b"}
    assert [entry.flow for entry in result.flows] == ["diesel"]
    assert_allclose(result.total, 10_000 * DIESEL_PER_KG)


def test_flow_emissions_flow_leaving_the_system_is_not_counted():
    document = copy.deepcopy(PLANT)
    document["flows"].append({"id": "wood-sold", "name": "Offcuts sold as firewood",
                              "from": "line", "kind": "by-product", "value": "2 t",
                              "fuel": "fuel-wood"})  # fmt: skip
    document["flows"][1] = {**document["flows"][1], "value": "10 t"}

    result = emissions_of(document)

    assert "wood-sold" not in {entry.flow for entry in result.flows}
    assert any(note.startswith("wood-sold: leaves the system") for note in result.notes)


def test_flow_emissions_names_the_flow_when_no_factor_fits():
    document = {**PLANT, "enterprise": {**PLANT["enterprise"], "country": "TH"}}

    with pytest.raises(EmissionFactorError, match="flow 'grid': no grid factor for TH"):
        emissions_of(document)


def test_flow_emissions_total_sd_uses_the_correlation_of_a_shared_bill():
    # Two machines on one bill of 1000 kWh ± 1 %: each is uncertain, their sum is not.
    document = copy.deepcopy(PLANT)
    document["flows"][0]["sd"] = "0 t"
    document["flows"][2:3] = [
        {
            "id": "press",
            "name": "Press",
            "to": "line",
            "layer": "energy",
            "kind": "input",
            "value": "600 kWh",
            "uncertainty": "30%",
            "fuel": "electricity",
        },
        {
            "id": "fans",
            "name": "Fans",
            "to": "line",
            "layer": "energy",
            "kind": "input",
            "fuel": "electricity",
        },
    ]
    document["measurements"] = [{"id": "bill", "flows": ["press", "fans"], "value": "1000 kWh",
                                 "uncertainty": "1%"}]  # fmt: skip

    result = emissions_of(document)

    grid = [entry for entry in result.flows if entry.scope == "2"]
    assert_allclose(sum(entry.co2e for entry in grid), 659.2, rtol=1e-6)
    independent = math.sqrt(sum(entry.sd**2 for entry in result.flows))
    assert result.total_sd < 0.5 * independent
    assert_allclose(result.total_sd, 6.592, rtol=1e-3)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_flow_emissions_of_every_example(path):
    assessment = read_document(path)

    result = flow_emissions(assessment, balance_assessment(assessment))

    assert result.total > 0
    assert result.missing == ()
    with_fuel = [flow.id for flow in assessment.flows if flow.fuel is not None]
    assert sorted(entry.flow for entry in result.flows) == sorted(with_fuel)
    assert {entry.scope for entry in result.flows} == {"1", "2"}
    assert all(entry.co2e > 0 and entry.sd >= 0 for entry in result.flows)


def test_flow_emissions_lao_soft_drink_by_hand():
    assessment = read_document(next(path for path in EXAMPLES if path.stem == "lao-soft-drink"))

    result = flow_emissions(assessment, balance_assessment(assessment))

    by_flow = {entry.flow: entry.co2e for entry in result.flows}
    # 65 t diesel (invoices, non-redundant) and 720000 kWh from the EDL bills; the Lao grid
    # factor of 2010 (0.5595 t/MWh) is the only one published, used for 2007.
    assert_allclose(by_flow["diesel"], 65_000 * DIESEL_PER_KG)
    assert_allclose(by_flow["electricity-purchased"], 720_000 * 0.5595)
    assert "grid factor of 2010 used for 2007 (earliest published)" in result.notes


# ---- the link check, through `cleanprod validate` ---------------------------------------------


def test_validate_unknown_fuel_suggests_a_close_id(run_cli, write_document_file):
    document = copy.deepcopy(PLANT)
    document["flows"][0]["fuel"] = "disel"
    path = write_document_file(document)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert "flows[0] (diesel).fuel: no fuel has the id 'disel' — did you mean 'diesel'?" in (
        result.stderr
    )
    assert "give its factor under emission_factors" in result.stderr


def test_validate_unknown_fuel_lists_the_known_ones(run_cli, write_document_file):
    document = copy.deepcopy(PLANT)
    document["flows"][0]["fuel"] = "kerosene"
    path = write_document_file(document)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert "no fuel has the id 'kerosene'; the fuels with a factor are: " in result.stderr
    assert "diesel, electricity, firewood, fuel-oil, fuel-wood" in result.stderr


def test_validate_fuel_of_the_documents_own_factors(run_cli, write_document_file):
    document = copy.deepcopy(PLANT)
    document["flows"][0]["fuel"] = "kerosene"
    document["emission_factors"] = [
        {"fuel": "kerosene", "value": "3.1 kg/kg", "year": 2024, "source": "supplier"}
    ]
    path = write_document_file(document)

    result = run_cli("validate", path)

    assert result.exit_code == 0, result.output


def test_validate_other_problems_do_not_make_the_documents_own_fuel_unknown(
    run_cli, write_document_file
):
    document = copy.deepcopy(PLANT)
    document["flows"][0]["fuel"] = "kerosene"
    document["flows"][2]["sd"] = "-1 kWh"
    document["emission_factors"] = [
        {"fuel": "kerosene", "value": "3.1 kg/kg", "year": 2024, "source": "supplier"}
    ]
    path = write_document_file(document)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert "a standard deviation cannot be negative" in result.stderr
    assert "kerosene" not in result.stderr


def test_validate_unknown_coal_suggests_the_coals(run_cli, write_document_file):
    document = copy.deepcopy(PLANT)
    document["flows"][0]["fuel"] = "coal"
    path = write_document_file(document)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert (
        "no fuel has the id 'coal' — did you mean one of coal-anthracite, coal-bituminous, "
        "coal-sub-bituminous?"
    ) in result.stderr
