"""Options appraised on the balance: savings through prices, waste costs and emission factors."""

from __future__ import annotations

import copy

import pytest

from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.costing import material_flow_costs
from cleanprod.core.emissions import flow_emissions
from cleanprod.core.feasibility import feasibility_as_dict, options_feasibility
from cleanprod.model import Assessment

#: A half-year washing line: 500 m3 of water at 0.5 USD/m3, 20 t of product, 2 t of product
#: lost (worth 1 USD/kg bought), 10000 kWh of electricity at 0.1 USD/kWh and 0.66 kg CO2e/kWh.
LINE = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Line", "country": "VN", "sector": "food", "currency": "USD"},
    "period": {"start": "2025-01-01", "end": "2025-07-02"},
    "finance": {"discount_rate": "10%"},
    "processes": [{"id": "line", "name": "Line"}],
    "flows": [
        {"id": "water", "name": "Water", "to": "line", "layer": "water", "kind": "input",
         "value": "500 m3", "sd": "25 m3", "price": "0.5 USD/m3"},
        {"id": "wastewater", "name": "Wastewater", "from": "line", "layer": "water",
         "kind": "loss"},
        {"id": "raw", "name": "Raw", "to": "line", "kind": "input", "value": "22 t",
         "sd": "0 t", "price": "1 USD/kg"},
        {"id": "product", "name": "Product", "from": "line", "kind": "product",
         "value": "20 t", "sd": "0 t"},
        {"id": "spill", "name": "Spills", "from": "line", "kind": "loss", "value": "2 t",
         "sd": "0 t", "costs": {"waste_management": "100 USD"}},
        {"id": "power", "name": "Power", "to": "line", "layer": "energy", "kind": "input",
         "value": "10000 kWh", "sd": "0 kWh", "price": "0.1 USD/kWh", "fuel": "electricity"},
        {"id": "heat", "name": "Heat", "from": "line", "layer": "energy", "kind": "loss",
         "value": "10000 kWh", "sd": "0 kWh"},
    ],
    "emission_factors": [{"fuel": "electricity", "value": "0.66 kg/kWh", "source": "test"}],
    "options": [
        {"id": "textbook", "title": "Textbook check", "investment": "100 USD",
         "annual_savings": "30 USD", "lifetime": "5 years"},
        {"id": "nozzles", "title": "Spray nozzles", "investment": "50 USD", "lifetime": 4,
         "effects": [{"flow": "water", "change": "-20%"}]},
        {"id": "drip-trays", "title": "Drip trays", "investment": "200 USD", "lifetime": 5,
         "operating_cost_change": "10 USD", "effects": [{"flow": "spill", "change": "-50%"}]},
        {"id": "motors", "title": "Efficient motors", "investment": "1000 USD", "lifetime": 10,
         "effects": [{"flow": "power", "change": "-2000 kWh"}]},
    ],
}  # fmt: skip

YEAR = 365.25 / 183  # the period is 183 days


def appraised(document=LINE):
    assessment = Assessment.model_validate(copy.deepcopy(document))
    balance = balance_assessment(assessment)
    costs = material_flow_costs(assessment, balance)
    rows = options_feasibility(assessment, balance, costs, flow_emissions(assessment, balance))
    return feasibility_as_dict(rows)["options"]


def test_options_feasibility_matches_the_textbook():
    row = appraised()["textbook"]
    assert row["npv"] == pytest.approx(13.72, abs=0.005)
    assert row["irr"] == pytest.approx(0.1524, abs=5e-5)
    assert row["simple_payback_years"] == pytest.approx(3.33, abs=0.005)
    assert row["p_npv_positive"] == 1.0


def test_options_feasibility_saving_of_a_priced_input_is_annualised():
    # 20 % of 500 m3 in half a year = 100 m3, or 199.6 m3 a year, at 0.5 USD/m3; its sd from
    # the meter: 20 % of 25 m3, annualised.
    row = appraised()["nozzles"]
    assert row["resources"]["water"]["change"] == pytest.approx(-100 * YEAR)
    assert row["annual_savings"] == pytest.approx(0.5 * 100 * YEAR)
    assert row["annual_savings_sd"] == pytest.approx(0.5 * 0.2 * 25 * YEAR)
    assert row["levelised_cost"]["water (m3)"] > 0


def test_options_feasibility_saving_of_a_loss_is_its_avoidable_cost():
    # The spills bear, by MFCA, 2/22 of the raw material (2000 USD) and of the power
    # (1000 × 2/22 = 90.9 USD), and all of their waste management (100 USD) in the half year;
    # halving them saves half of that (system costs would stay), less 10 USD a year more to
    # empty the trays.
    row = appraised()["drip-trays"]
    assert row["annual_savings"] == pytest.approx((2000 + 1000 * 2 / 22 + 100) / 2 * YEAR)
    assert row["operating_cost_change"] == 10
    assert row["npv"] > 0


def test_options_feasibility_co2e_of_a_fuel_flow():
    row = appraised()["motors"]
    assert row["co2e_t_per_year"] == pytest.approx(2000 * 0.66 / 1000)
    assert row["annual_savings"] == pytest.approx(200.0)  # an absolute change is a year's


def test_options_feasibility_without_a_discount_rate_says_what_is_missing():
    document = copy.deepcopy(LINE)
    document.pop("finance")
    row = appraised(document)["nozzles"]
    assert row["npv"] is None and row["p_npv_positive"] is None
    assert row["simple_payback_years"] == pytest.approx(50 / (0.5 * 100 * YEAR))
    assert any("discount rate" in note for note in row["notes"])


def test_options_cli_default_and_json(run_cli, write_document_file):
    path = write_document_file(LINE, "line.yaml")
    text = run_cli("options", path)
    assert text.exit_code == 0, text.output
    assert "textbook" in text.stdout and "15.2 %" in text.stdout
    data = run_cli("options", path, "--json")
    import json

    options = json.loads(data.stdout)["options"]
    keys = {"npv", "irr", "simple_payback_years", "discounted_payback_years", "annual_savings",
            "co2e_t_per_year", "p_npv_positive"}  # fmt: skip
    assert all(set(row) >= keys for row in options.values())


def test_options_feasibility_verified_saving_valued_at_the_flow_price():
    document = copy.deepcopy(LINE)
    readings = [(10, 150), (20, 200), (30, 250), (40, 300)]
    document["options"][1]["status"] = "implemented"
    document["options"][1]["monitoring"] = {
        "resource": "water, main meter",
        "flow": "water",
        "baseline": [
            {"period": f"2024-{month:02d}", "production": f"{x} t", "consumption": f"{y} m3"}
            for month, (x, y) in enumerate(readings, start=1)
        ],
        "reporting": [
            {"period": "2025-09", "production": "25 t", "consumption": "205 m3"},
            {"period": "2025-10", "production": "35 t", "consumption": "255 m3"},
        ],
    }
    verified = appraised(document)["nozzles"]["verified"]
    # y = 100 + 5x: predicted 225 and 275, metered 205 and 255: 40 m3 saved, at 0.5 USD/m3.
    assert verified["saving"] == pytest.approx(40.0)
    assert verified["significant"] is True
    assert verified["money"] == pytest.approx(20.0)


def test_options_feasibility_co2e_of_a_fuel_bought_into_a_store():
    # Diesel is bought into a tank and burned from it: the fuel is named on the flow burned,
    # the price on the purchase; cutting the purchase by 10 % saves 10 % of the CO2e too.
    document = copy.deepcopy(LINE)
    document["processes"].append({"id": "tank", "name": "Diesel tank", "stock": True,
                                  "stock_change": "0 kg"})  # fmt: skip
    document["flows"] += [
        {"id": "diesel-bought", "name": "Diesel bought", "to": "tank", "kind": "input",
         "value": "1000 kg", "sd": "0 kg", "price": "1 USD/kg"},
        {"id": "diesel-burned", "name": "Diesel burned", "from": "tank", "to": "line",
         "kind": "internal", "value": "1000 kg", "sd": "0 kg", "fuel": "diesel"},
        {"id": "flue-gas", "name": "Flue gas", "from": "line", "kind": "emission",
         "value": "1000 kg", "sd": "0 kg"},
    ]  # fmt: skip
    document["options"] = [
        {"id": "tuning", "title": "Burner tuning", "investment": "100 USD", "lifetime": 5,
         "effects": [{"flow": "diesel-bought", "change": "-10%"}]}
    ]  # fmt: skip
    row = appraised(document)["tuning"]
    # 100 kg of diesel in half a year: 100 × 43.0e-6 × (74100 + 3 × 28 + 0.6 × 265) kg CO2e.
    per_kg = 43.0e-6 * (74100 + 3 * 28 + 0.6 * 265)
    assert row["co2e_t_per_year"] == pytest.approx(100 * per_kg * YEAR / 1000, rel=1e-6)
    assert row["annual_savings"] == pytest.approx(100 * YEAR)
