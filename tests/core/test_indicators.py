"""RECP indicators: cases worked on paper, the several-products rule, benchmarks, the examples.

The hand-checked bottler makes 600 hl of drink in one step, "plant":

- water: 100 ± 5 m3 in; 60 ± 3 m3 leave in the drink (the product's flow); the wastewater is
  unknown, so the balance estimates it as 40 m3 with σ √(5² + 3²) and no value is adjusted;
- mass: 10 kg of sugar at 1 USD/kg in, 8 kg in the drink, the sugar lost is estimated (2 kg);
  every mass value is exact;
- energy: 1000 kWh of electricity (exact), at the document's 0.5 kg CO2e/kWh.

The product's quantity (600 hl) then has the relative σ of its flow, 3/60 = 5 %.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.indicators import (
    ABOVE,
    BELOW,
    BY_FLOWS,
    BY_QUANTITY,
    BY_VALUE,
    NO_EMISSION_FACTORS,
    WITHIN,
    Benchmark,
    BenchmarkTableError,
    compare,
    delta_method,
    enterprise_indicators,
    indicators_as_dict,
    is_fuel,
    losses_where_they_arise,
    main_materials,
    read_benchmarks,
    shipped_benchmarks,
)
from cleanprod.io import read_document
from cleanprod.model import Assessment
from cleanprod.services.indicators import indicators_data, indicators_file, indicators_text
from cleanprod.units import UnitError

EXAMPLES = Path(__file__).parents[2] / "examples"
BENCHMARK_FILE = Path(__file__).parents[2] / "src" / "cleanprod" / "data" / "benchmarks.yaml"

BOTTLER = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Bottler", "country": "VN", "sector": "beverages", "isic": "1104",
                   "currency": "USD"},
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "products": [{"id": "drink", "name": "Drink", "quantity": "600 hl", "flow": "drink-water"}],
    "processes": [{"id": "plant", "name": "Plant"}],
    "flows": [
        {"id": "water-in", "name": "Water", "to": "plant", "layer": "water", "kind": "input",
         "value": "100 m3", "sd": "5 m3"},
        {"id": "drink-water", "name": "Water in drink", "from": "plant", "layer": "water",
         "kind": "product", "value": "60 m3", "sd": "3 m3"},
        {"id": "wastewater", "name": "Wastewater", "from": "plant", "layer": "water",
         "kind": "loss"},
        {"id": "sugar", "name": "Sugar", "to": "plant", "kind": "input", "value": "10 kg",
         "sd": "0 kg", "price": "1 USD/kg"},
        {"id": "drink-sugar", "name": "Sugar in drink", "from": "plant", "kind": "product",
         "value": "8 kg", "sd": "0 kg"},
        {"id": "sugar-loss", "name": "Sugar lost", "from": "plant", "kind": "loss"},
        {"id": "power", "name": "Electricity", "to": "plant", "layer": "energy", "kind": "input",
         "value": "1000 kWh", "sd": "0 kWh", "fuel": "electricity"},
        {"id": "heat", "name": "Heat", "from": "plant", "layer": "energy", "kind": "loss"},
    ],
    "emission_factors": [
        {"fuel": "electricity", "value": "0.5 kg/kWh", "year": 2025, "source": "test factor"}
    ],
}  # fmt: skip

#: A benchmark of the bottler's water: 1–2 l/l is 0.1–0.2 m3/hl.
WATER_ROW = Benchmark(
    id="test-water", indicator="water", sectors=("beverages",), isic=(), low=1.0, high=2.0,
    unit="l", per="l", better="lower", source="a test", year=2025,
)  # fmt: skip


def indicators_of(document: dict, benchmarks=(WATER_ROW,)):
    assessment = Assessment.model_validate(document)
    balance = balance_assessment(assessment)
    return assessment, balance, enterprise_indicators(assessment, balance, benchmarks)


def by_key(indicators) -> dict:
    return {indicator.key: indicator for indicator in indicators}


# --------------------------------------------------------------------------------------------
# One product, worked on paper


def test_enterprise_indicators_specific_water_by_hand():
    _, _, result = indicators_of(BOTTLER)
    water = by_key(result.products[0].indicators)["water"]
    assert water.value == pytest.approx(100 / 600)
    assert (water.unit, water.per) == ("m3", "hl")
    # σ: the water's 5 m3 and the quantity's 5 %, independent (both measured, no redundancy).
    expected_sd = math.hypot(5 / 600, (100 / 600) * 3 / 60)
    assert water.sd == pytest.approx(expected_sd, rel=1e-6)


def test_enterprise_indicators_productivity_is_the_inverse():
    _, _, result = indicators_of(BOTTLER)
    water = by_key(result.products[0].indicators)["water"]
    value, sd = water.productivity
    assert value == pytest.approx(6.0)  # hl per m3
    assert sd == pytest.approx(water.sd / water.value**2)


def test_enterprise_indicators_product_quantity_sd_from_its_flow():
    _, _, result = indicators_of(BOTTLER)
    product = result.products[0]
    assert (product.quantity, product.unit, product.flow) == (600, "hl", "drink-water")
    assert product.quantity_sd == pytest.approx(600 * 3 / 60)


def test_enterprise_indicators_energy_materials_waste_by_hand():
    _, _, result = indicators_of(BOTTLER)
    indicators = by_key(result.products[0].indicators)
    assert indicators["energy"].value == pytest.approx(1000 / 600)
    assert indicators["electricity"].value == pytest.approx(1000 / 600)
    assert "fuel-energy" not in indicators
    assert indicators["material:sugar"].value == pytest.approx(10 / 600)
    assert indicators["materials"].value == pytest.approx(10 / 600)
    # The sugar lost (2 kg) is exact; only the quantity's 5 % remains.
    assert indicators["waste"].value == pytest.approx(2 / 600)
    assert indicators["waste"].sd == pytest.approx(2 / 600 * 0.05, rel=1e-6)
    assert indicators["waste"].productivity is None


def test_enterprise_indicators_wastewater_carries_the_correlation():
    """Wastewater = water in − drink: it is correlated with the product's own flow."""
    _, balance, result = indicators_of(BOTTLER)
    wastewater = by_key(result.products[0].indicators)["wastewater"]
    value, sd = balance.flow_value("wastewater")
    assert (value, sd) == pytest.approx((40.0, math.hypot(5, 3)))
    assert wastewater.value == pytest.approx(40 / 600)
    # g = w / (Q·d/d0): ∂g/∂w = 1/Q, ∂g/∂d = −(w/Q)/d0, cov(w, d) = −var(d) = −9.
    dw, dd = 1 / 600, -(40 / 600) / 60
    variance = dw**2 * sd**2 + dd**2 * 3**2 + 2 * dw * dd * (-(3**2))
    assert wastewater.sd == pytest.approx(math.sqrt(variance), rel=1e-6)
    independent = math.sqrt(dw**2 * sd**2 + dd**2 * 3**2)
    assert wastewater.sd != pytest.approx(independent, rel=1e-3)


def test_enterprise_indicators_co2e_by_hand():
    _, _, result = indicators_of(BOTTLER)
    co2e = by_key(result.products[0].indicators)["co2e"]
    assert co2e.value == pytest.approx(1000 * 0.5 / 600)
    assert co2e.sd == pytest.approx(1000 * 0.5 / 600 * 0.05, rel=1e-6)


def test_enterprise_indicators_co2e_left_out_when_a_fuel_has_no_factor():
    # Electricity in a country without a published grid factor: the other indicators stand,
    # the CO2e one is left out with the reason.
    document = copy.deepcopy(BOTTLER)
    document["enterprise"]["country"] = "TH"
    document.pop("emission_factors", None)
    _, _, result = indicators_of(document)
    assert "co2e" not in by_key(result.products[0].indicators)
    assert any(
        note.startswith(NO_EMISSION_FACTORS) and "no grid factor for TH" in note
        for note in result.notes
    )
    assert "water" in by_key(result.products[0].indicators)


def test_enterprise_indicators_site_equals_the_single_product():
    _, _, result = indicators_of(BOTTLER)
    site = by_key(result.site.indicators)
    for indicator in result.products[0].indicators:
        assert site[indicator.key].value == pytest.approx(indicator.value)
        assert site[indicator.key].sd == pytest.approx(indicator.sd, rel=1e-6)
    assert result.site.output == pytest.approx(600)
    assert result.site.unit == "hl"
    totals = {total.key: total for total in result.site.totals}
    assert totals["water"].value == pytest.approx(100)
    assert totals["water"].sd == pytest.approx(5)


def test_enterprise_indicators_product_without_flow_is_exact():
    document = copy.deepcopy(BOTTLER)
    del document["products"][0]["flow"]
    _, _, result = indicators_of(document)
    water = by_key(result.products[0].indicators)["water"]
    assert water.sd == pytest.approx(5 / 600, rel=1e-6)
    assert any("taken as exact" in note for note in result.notes)


def test_enterprise_indicators_without_products_gives_totals_only():
    document = copy.deepcopy(BOTTLER)
    document["products"] = []
    _, _, result = indicators_of(document)
    assert result.products == ()
    assert result.site.indicators == ()
    assert {total.key for total in result.site.totals} >= {"water", "energy", "waste"}
    assert any("no product" in note for note in result.notes)


def test_delta_method_of_a_ratio():
    values = [4.0, 2.0]
    covariance = [[0.04, 0.01], [0.01, 0.09]]
    value, sd = delta_method(lambda x: x[0] / x[1], np.array(values), np.array(covariance))
    gradient = np.array([1 / 2.0, -4.0 / 2.0**2])
    assert value == pytest.approx(2.0)
    assert sd == pytest.approx(math.sqrt(gradient @ np.array(covariance) @ gradient), rel=1e-8)


# --------------------------------------------------------------------------------------------
# Several products


def two_products(**changes) -> dict:
    """Chairs (100 pieces, 800 kg) and tables (20 pieces, 400 kg) from 1500 kg of wood."""
    document = {
        "format": "cleanprod/1",
        "enterprise": {"name": "Furniture", "country": "VN", "sector": "furniture",
                       "currency": "USD"},
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "products": [
            {"id": "chairs", "name": "Chairs", "quantity": "100 piece", "flow": "chairs-mass"},
            {"id": "tables", "name": "Tables", "quantity": "20 piece", "flow": "tables-mass"},
        ],
        "processes": [{"id": "shop", "name": "Workshop"}],
        "flows": [
            {"id": "wood", "name": "Wood", "to": "shop", "kind": "input", "value": "1500 kg",
             "sd": "0 kg", "price": "1 USD/kg"},
            {"id": "chairs-mass", "name": "Chairs", "from": "shop", "kind": "product",
             "value": "800 kg", "sd": "0 kg"},
            {"id": "tables-mass", "name": "Tables", "from": "shop", "kind": "product",
             "value": "400 kg", "sd": "0 kg"},
            {"id": "offcuts", "name": "Offcuts", "from": "shop", "kind": "loss",
             "value": "300 kg", "sd": "0 kg"},
        ],
    }  # fmt: skip
    document.update(changes)
    return document


def test_several_products_allocated_by_their_flows():
    _, _, result = indicators_of(two_products(), benchmarks=())
    assert result.allocation == BY_FLOWS
    chairs, tables = result.products
    assert chairs.share == pytest.approx(800 / 1200)
    assert by_key(chairs.indicators)["material:wood"].value == pytest.approx(1500 * 2 / 3 / 100)
    assert by_key(tables.indicators)["material:wood"].value == pytest.approx(1500 / 3 / 20)
    assert by_key(tables.indicators)["waste"].value == pytest.approx(300 / 3 / 20)
    # Both in pieces: the site is per piece of total output.
    assert result.site.output == pytest.approx(120)
    assert by_key(result.site.indicators)["material:wood"].value == pytest.approx(1500 / 120)


def test_several_products_allocated_by_quantity_when_they_share_a_dimension():
    document = two_products()
    for product in document["products"]:
        del product["flow"]
    _, _, result = indicators_of(document, benchmarks=())
    assert result.allocation == BY_QUANTITY
    chairs, tables = result.products
    assert (chairs.share, tables.share) == pytest.approx((100 / 120, 20 / 120))
    for product in result.products:
        assert by_key(product.indicators)["material:wood"].value == pytest.approx(1500 / 120)


def test_several_products_allocated_by_value_when_units_differ():
    document = two_products()
    document["products"] = [
        {"id": "chairs", "name": "Chairs", "quantity": "100 piece", "price": "10 USD/piece"},
        {"id": "boards", "name": "Boards", "quantity": "50 kg", "price": "4 USD/kg"},
    ]
    _, _, result = indicators_of(document, benchmarks=())
    assert result.allocation == BY_VALUE
    chairs, boards = result.products
    assert chairs.share == pytest.approx(1000 / 1200)
    assert by_key(chairs.indicators)["material:wood"].value == pytest.approx(1500 * 5 / 6 / 100)
    assert by_key(boards.indicators)["material:wood"].value == pytest.approx(1500 / 6 / 50)
    assert (chairs.unit, boards.unit) == ("piece", "kg")
    # Pieces and kg do not add up: no site figure per unit of output, only totals.
    assert result.site.indicators == ()
    assert result.site.output is None
    assert any("units of different kinds" in note for note in result.notes)


def test_several_products_without_a_key_have_no_product_indicators():
    document = two_products()
    document["products"] = [
        {"id": "chairs", "name": "Chairs", "quantity": "100 piece"},
        {"id": "boards", "name": "Boards", "quantity": "50 kg"},
    ]
    _, _, result = indicators_of(document, benchmarks=())
    assert result.allocation is None
    assert result.products == ()
    assert any("cannot be shared" in note for note in result.notes)
    assert {total.key for total in result.site.totals} >= {"material:wood", "waste"}


# --------------------------------------------------------------------------------------------
# What counts: main materials, fuels, losses where they arise


def test_main_materials_are_priced_inputs_other_than_fuels():
    assessment = read_document(EXAMPLES / "lao-soft-drink.yaml")
    ids = [flow.id for flow in main_materials(assessment)]
    # Diesel is a fuel (it has a fuel); combustion air and returned bottles are not bought.
    assert ids == [
        "sugar-purchased", "concentrate", "co2-purchased", "caustic-soda", "cip-chemicals",
        "new-bottles",
    ]  # fmt: skip


def test_is_fuel_through_a_tank_and_at_a_stove():
    steel = read_document(EXAMPLES / "lao-steel-rolling.yaml")
    assert is_fuel(steel, steel.flow("fuel-oil-purchased"))  # tank whose output carries a fuel
    assert not is_fuel(steel, steel.flow("billets-purchased"))
    rattan = read_document(EXAMPLES / "vn-rattan-furniture.yaml")
    assert is_fuel(rattan, rattan.flow("firewood"))  # stove with fuel-wood energy from outside
    assert not is_fuel(rattan, rattan.flow("diesel"))  # oil for boiling cane: a material
    assert [flow.id for flow in main_materials(steel)] == ["billets-purchased"]


def test_losses_where_they_arise_skip_collection_steps():
    silk = read_document(EXAMPLES / "vn-silk-dyeing.yaml")
    ids = {flow.id for flow in losses_where_they_arise(silk, "water")}
    assert ids == {"degumming-effluent", "dyeing-effluent", "rinsing-effluent"}
    furniture = read_document(EXAMPLES / "lao-furniture.yaml")
    ids = {flow.id for flow in losses_where_they_arise(furniture, "mass")}
    assert "offcuts" in ids
    # What the residue store dumps was counted where it arose (offcuts, sawdust...).
    assert "wood-waste-dumped" not in ids


# --------------------------------------------------------------------------------------------
# Benchmarks


@pytest.mark.parametrize(
    ("value", "sd", "expected"),
    [
        (0.5, 0.1, (BELOW, True)),
        (0.9, 0.1, (BELOW, False)),
        (1.5, 0.1, (WITHIN, True)),
        (1.1, 0.1, (WITHIN, False)),
        (2.5, 0.1, (ABOVE, True)),
        (2.1, 0.1, (ABOVE, False)),
    ],
)
def test_compare_verdicts(value, sd, expected):
    assert compare(value, sd, 1.0, 2.0) == expected


def test_benchmark_converted_to_the_indicator_units():
    assert WATER_ROW.converted("m3", "hl") == pytest.approx((0.1, 0.2))
    steel = Benchmark("s", "energy", ("steel",), (), 2.0, 2.4, "GJ", "t", "lower", "x", 2007)
    assert steel.converted("kWh", "t") == pytest.approx((2000 / 3.6, 2400 / 3.6))
    with pytest.raises(UnitError):
        steel.converted("kWh", "piece")


def test_enterprise_indicators_benchmark_verdicts():
    _, _, result = indicators_of(BOTTLER)
    water = by_key(result.products[0].indicators)["water"]
    assert water.comparison.verdict == WITHIN
    assert (water.comparison.low, water.comparison.high) == pytest.approx((0.1, 0.2))
    assert water.comparison.benchmark.source == "a test"
    strict = Benchmark("w", "water", ("beverages",), (), 0.5, 1.0, "l", "l", "lower", "t", 2025)
    _, _, result = indicators_of(BOTTLER, benchmarks=(strict,))
    comparison = by_key(result.products[0].indicators)["water"].comparison
    assert comparison.verdict == ABOVE
    assert comparison.better is False


def test_enterprise_indicators_no_benchmark():
    _, _, result = indicators_of(BOTTLER)
    energy = by_key(result.products[0].indicators)["energy"]
    assert energy.comparison is None
    assert energy.benchmark_note == "no benchmark"
    document = copy.deepcopy(BOTTLER)
    document["enterprise"]["sector"] = "furniture"
    document["enterprise"]["isic"] = "3100"
    _, _, result = indicators_of(document)
    assert by_key(result.products[0].indicators)["water"].comparison is None
    assert any("no benchmark for the sector 'furniture'" in note for note in result.notes)


def test_enterprise_indicators_benchmark_that_does_not_fit_the_product_unit():
    document = copy.deepcopy(BOTTLER)
    document["products"][0]["quantity"] = "20000 piece"
    _, _, result = indicators_of(document)
    water = by_key(result.products[0].indicators)["water"]
    assert water.comparison is None
    assert "per l" in water.benchmark_note


def test_benchmark_rows_have_source_and_year():
    rows = yaml.safe_load(BENCHMARK_FILE.read_text("utf-8"))["benchmarks"]
    assert rows
    for row in rows:
        assert str(row["source"]).strip(), row["id"]
        assert isinstance(row["year"], int) and 1950 <= row["year"] <= 2030, row["id"]
        assert str(row["read_in"]).strip(), row["id"]
        assert row["low"] <= row["high"], row["id"]
        assert row["better"] == "lower", row["id"]
    assert len(shipped_benchmarks()) == len(rows)
    assert len({row.id for row in shipped_benchmarks()}) == len(rows)


def test_benchmark_units_read_by_the_registry():
    for row in shipped_benchmarks():
        low, high = row.converted(row.unit, row.per)
        assert (low, high) == pytest.approx((row.low, row.high))


def test_read_benchmarks_refuses_a_row_without_year():
    row = {"id": "x", "indicator": "water", "low": 1, "high": 2, "unit": "l", "per": "l",
           "source": "somewhere"}  # fmt: skip
    with pytest.raises(BenchmarkTableError, match="source and a year"):
        read_benchmarks({"benchmarks": [row]})
    with pytest.raises(BenchmarkTableError, match="source and a year"):
        read_benchmarks({"benchmarks": [{**row, "year": 2020, "source": " "}]})


# --------------------------------------------------------------------------------------------
# The examples, against the balance and by hand


def example(name: str):
    assessment = read_document(EXAMPLES / name)
    balance = balance_assessment(assessment)
    return assessment, balance, enterprise_indicators(assessment, balance)


def test_steel_example_against_the_balance():
    _, balance, result = example("lao-steel-rolling.yaml")
    product = result.products[0]
    assert (product.quantity, product.unit) == (18200, "t")
    indicators = by_key(product.indicators)
    rebar, rebar_sd = balance.flow_value("rebar")
    water, water_sd = balance.flow_value("well-water")
    assert indicators["water"].value == pytest.approx(water / 18200)
    # Water and rebar are in different groups of layers: independent.
    relative = math.hypot(water_sd / water, rebar_sd / rebar)
    assert indicators["water"].sd == pytest.approx(water / 18200 * relative, rel=1e-5)
    electricity, _ = balance.flow_value("electricity-purchased")
    fuel, _ = balance.flow_value("fuel-oil-energy")
    assert indicators["energy"].value == pytest.approx((electricity + fuel) / 18200)
    assert indicators["fuel-energy"].value == pytest.approx(fuel / 18200)
    waste = sum(
        balance.flow_value(flow)[0]
        for flow in ("furnace-scale", "roughing-scale", "crop-ends", "finishing-scale",
                     "miss-rolls", "cut-ends")
    )  # fmt: skip
    assert indicators["waste"].value == pytest.approx(waste / 18200)


def test_steel_example_by_hand_from_the_document():
    """The well water (27600 m3, pump hours) and the EDL bills (2100000 kWh) are non-redundant:
    the balance keeps them, so the indicators follow from the YAML alone."""
    _, _, result = example("lao-steel-rolling.yaml")
    indicators = by_key(result.products[0].indicators)
    assert indicators["water"].value == pytest.approx(27600 / 18200)  # 1.516 m3/t
    assert indicators["electricity"].value == pytest.approx(2100000 / 18200)  # 115.4 kWh/t
    # 32480 GJ of fuel oil + 7560 GJ of electricity = 2.2 GJ/t: within IEA's 2–2.4 GJ/t.
    assert indicators["energy"].value == pytest.approx((32480 / 0.0036 + 2100000) / 18200)
    assert indicators["energy"].comparison.verdict == WITHIN
    assert indicators["energy"].comparison.benchmark.year == 2007
    assert indicators["fuel-energy"].comparison.verdict == WITHIN


def test_soft_drink_example_against_the_balance():
    _, balance, result = example("lao-soft-drink.yaml")
    indicators = by_key(result.products[0].indicators)
    water, _ = balance.flow_value("municipal-water")
    assert indicators["water"].value == pytest.approx(water / 60000)
    # The city meter reads 31200 m3, the uses 26790 m3: reconciliation lowers the meter.
    assert 26790 < water < 31200
    caustic, _ = balance.flow_value("caustic-soda")
    assert indicators["material:caustic-soda"].value == pytest.approx(caustic / 60000)
    wastewater = sum(
        balance.flow_value(flow.id)[0]
        for flow in losses_where_they_arise(
            read_document(EXAMPLES / "lao-soft-drink.yaml"), "water"
        )
    )
    assert indicators["wastewater"].value == pytest.approx(wastewater / 60000)
    # Several hl of water per hl in old returnable-glass plants: above BIER's 1.48–3.95 l/l.
    assert indicators["water"].comparison.verdict == ABOVE
    assert indicators["water"].comparison.significant


def test_soft_drink_example_by_hand_from_the_document():
    """The EDL bills (720000 kWh) are non-redundant: 720000 kWh / 60000 hl = 12 kWh/hl."""
    _, _, result = example("lao-soft-drink.yaml")
    indicators = by_key(result.products[0].indicators)
    assert indicators["electricity"].value == pytest.approx(12.0)
    assert indicators["material:new-bottles"].value == pytest.approx(600000 / 60000)
    assert indicators["material:new-bottles"].unit == "piece"


def test_cassava_example_wastewater_benchmark():
    _, balance, result = example("lao-agro-processing.yaml")
    indicators = by_key(result.products[0].indicators)
    wastewater = sum(
        balance.flow_value(flow)[0]
        for flow in ("cleaning-water", "peel-water", "washing-wastewater", "separation-effluent")
    )
    assert indicators["wastewater"].value == pytest.approx(wastewater / 4500)
    assert indicators["wastewater"].comparison.benchmark.id == "cassava-starch-wastewater-2009"
    # The moisture of the roots is a water input too, shown on its own.
    assert indicators["water:water-in-roots"].value == pytest.approx(
        balance.flow_value("water-in-roots")[0] / 4500
    )


def test_examples_co2e_matches_the_emissions_module():
    from cleanprod.core.emissions import flow_emissions

    assessment, balance, result = example("lao-steel-rolling.yaml")
    emissions = flow_emissions(assessment, balance)
    totals = {total.key: total for total in result.site.totals}
    assert totals["co2e"].value == pytest.approx(emissions.total)
    assert totals["co2e"].sd == pytest.approx(emissions.total_sd, rel=1e-4)
    co2e = by_key(result.products[0].indicators)["co2e"]
    assert co2e.value == pytest.approx(emissions.total / 18200)


# --------------------------------------------------------------------------------------------
# The service: JSON and the readable table


def test_indicators_file_is_json_ready():
    data = indicators_file(EXAMPLES / "lao-steel-rolling.yaml")
    assert set(data) >= {"products", "site", "notes"}
    json.dumps(data, allow_nan=False)
    indicator = data["products"]["rebar-product"]["indicators"][0]
    assert set(indicator) >= {"name", "value", "sd", "unit", "per", "benchmark"}
    energy = next(
        item for item in data["products"]["rebar-product"]["indicators"]
        if item["key"] == "energy"
    )  # fmt: skip
    assert set(energy["benchmark"]) >= {"low", "high", "unit", "source", "year", "verdict"}
    assert energy["benchmark"]["unit"] == "kWh"


def test_indicators_text_shows_tables_and_sources():
    data = indicators_data(read_document(EXAMPLES / "lao-soft-drink.yaml"))
    text = indicators_text(data, "lao-soft-drink.yaml")
    assert text.startswith("RECP indicators of lao-soft-drink.yaml")
    assert "Specific water consumption" in text
    assert "above the range (worse)" in text
    assert "Benchmark sources" in text and "BIER" in text
    assert "Site totals over the period" in text


def test_indicators_as_dict_writes_unknown_as_null():
    _, _, result = example("vn-silk-dyeing.yaml")
    data = indicators_as_dict(result)
    waste = next(
        item for item in data["products"]["silk-fabric"]["indicators"] if item["key"] == "waste"
    )
    assert (waste["value"], waste["sd"], waste["benchmark"]) == (None, None, None)
    assert any("dyeing-residues" in note for note in data["notes"])


def test_indicators_text_without_benchmarks_or_estimates():
    data = indicators_data(read_document(EXAMPLES / "vn-silk-dyeing.yaml"))
    text = indicators_text(data)
    assert "no benchmark" in text
    assert "not estimated" in text  # the dye residues cannot be estimated
    assert "Benchmark sources" not in text
