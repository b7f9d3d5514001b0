"""`summarise`: every figure checked against a small galvanising plant worked out by hand.

The plant (a made-up hot-dip galvaniser in Viet Nam, one quarter of 2024) pickles steel coil in
acid, then galvanises it in zinc. It has the four layers (mass, water, energy and a declared zinc
layer), every way of giving uncertainty, unknown flows, a loss into a treatment process inside
the system, prices in a second currency and in other units than the layer's, and two stock
processes. The expected figures are in the comments of each test.
"""

from __future__ import annotations

import json

import pytest

from cleanprod.core.summary import RAW_GAP_NOTE, summarise
from cleanprod.model import Assessment

PLANT = {
    "format": "cleanprod/1",
    "enterprise": {
        "name": "Song Hong Galvanising",
        "country": "VN",
        "sector": "steel",
        "currency": "VND",
    },
    "period": {"start": "2024-01-01", "end": "2024-03-31"},
    "exchange_rates": {"USD": 25000},
    "layers": [{"id": "zinc", "name": "Zinc (Zn)", "unit": "kg"}],
    "products": [
        {
            "id": "coil",
            "name": "Galvanised coil",
            "quantity": "2.4 t",
            "flow": "galvanised-coil",
        }
    ],
    "processes": [
        {
            "id": "pickling",
            "name": "Acid pickling",
            "costs": {"material": "1000000 VND", "energy": "200 USD"},
        },
        {
            "id": "galvanising",
            "name": "Zinc bath",
            "stock": True,
            "stock_change": {"mass": "0 kg"},
            "costs": {"system": "3000000 VND", "energy": "2000000 VND"},
        },
        {"id": "acid-tank", "name": "Acid storage tank", "stock": True},
        {"id": "acid-treatment", "name": "Spent acid neutralisation"},
    ],
    "flows": [
        # mass
        {
            "id": "steel-coil",
            "name": "Black steel coil",
            "to": "pickling",
            "kind": "input",
            "value": "2.5 t",
            "sd": "0.1 t",
            "price": "600 USD/t",
        },
        {
            "id": "acid",
            "name": "Hydrochloric acid",
            "to": "acid-tank",
            "kind": "input",
            "value": "400 kg",
            "quality": "estimated",
            "price": "5000 VND/kg",
        },
        {
            "id": "acid-feed",
            "name": "Acid to the pickling bath",
            "from": "acid-tank",
            "to": "pickling",
            "kind": "internal",
        },
        {
            "id": "pickled-coil",
            "name": "Pickled coil",
            "from": "pickling",
            "to": "galvanising",
            "kind": "internal",
            "value": "2450 kg",
        },
        {
            "id": "galvanised-coil",
            "name": "Galvanised coil",
            "from": "galvanising",
            "kind": "product",
            "value": "2.4 t",
            "range": ["2.3 t", "2.5 t"],
        },
        {
            "id": "spent-acid",
            "name": "Spent acid to neutralisation",
            "from": "pickling",
            "to": "acid-treatment",
            "kind": "loss",
            "value": "380 kg",
            "sd": "20 kg",
            "costs": {"waste_management": "1500000 VND"},
        },
        {
            "id": "treated-sludge",
            "name": "Neutralised sludge to landfill",
            "from": "acid-treatment",
            "kind": "loss",
            "value": "60 kg",
            "costs": {"waste_management": "20 USD"},
        },
        {
            "id": "flux",
            "name": "Zinc ammonium chloride flux",
            "to": "galvanising",
            "kind": "input",
            "price": "1 USD/kg",
        },
        {
            "id": "scale",
            "name": "Mill scale sold",
            "from": "pickling",
            "kind": "by-product",
            "value": "30 kg",
            "uncertainty": "20%",
        },
        # water
        {
            "id": "water",
            "name": "Process water",
            "to": "pickling",
            "layer": "water",
            "kind": "input",
            "value": "120000 l",
            "uncertainty": "10%",
            "price": "8 VND/l",
        },
        {
            "id": "rinse-water",
            "name": "Rinse water to the river",
            "from": "pickling",
            "layer": "water",
            "kind": "emission",
            "value": "110 m3",
            "quality": "measured",
        },
        {
            "id": "evaporation",
            "name": "Evaporation from the baths",
            "from": "pickling",
            "layer": "water",
            "kind": "loss",
        },
        # energy
        {
            "id": "electricity",
            "name": "Electricity of the zinc bath",
            "to": "galvanising",
            "layer": "energy",
            "kind": "input",
            "value": "3 MWh",
        },
        # zinc
        {
            "id": "zinc",
            "name": "Zinc ingots",
            "to": "galvanising",
            "layer": "zinc",
            "kind": "input",
            "value": "50000 g",
            "price": "3 USD/kg",
        },
        {
            "id": "zinc-in-product",
            "name": "Zinc coating",
            "from": "galvanising",
            "layer": "zinc",
            "kind": "product",
            "value": "45 kg",
            "range": ["40 kg", "50 kg"],
        },
        {
            "id": "zinc-ash",
            "name": "Zinc ash sold to a recycler",
            "from": "galvanising",
            "layer": "zinc",
            "kind": "by-product",
            "value": "4 kg",
            "sd": "0.5 kg",
        },
    ],
    "options": [
        {
            "id": "acid-recovery",
            "title": "Recover acid from the spent pickling bath",
            "practice": "on-site recovery and reuse",
            "processes": ["pickling"],
        }
    ],
}


@pytest.fixture(scope="module")
def summary() -> dict:
    return summarise(Assessment.model_validate(PLANT))


def test_summarise_enterprise_period_and_counts(summary):
    assert summary["enterprise"] == {
        "name": "Song Hong Galvanising",
        "country": "VN",
        "sector": "steel",
        "currency": "VND",
    }
    # 2024 is a leap year: 31 + 29 + 31 days, both ends included.
    assert summary["period"] == {"start": "2024-01-01", "end": "2024-03-31", "days": 91}
    assert summary["counts"] == {"products": 1, "processes": 4, "flows": 16, "options": 1}


def test_summarise_layers_in_order_with_their_units(summary):
    # Built-in layers first (mass, water, energy), then the declared ones.
    assert list(summary["layers"]) == ["mass", "water", "energy", "zinc"]
    units = {layer: figures["unit"] for layer, figures in summary["layers"].items()}
    assert units == {"mass": "kg", "water": "m3", "energy": "kWh", "zinc": "kg"}


def test_summarise_mass_layer(summary):
    mass = summary["layers"]["mass"]
    assert mass["flows"] == 9
    assert mass["unknown_flows"] == 2
    assert mass["unknown_flow_ids"] == ["acid-feed", "flux"]
    # Inputs: steel coil 2.5 t = 2500 kg, acid 400 kg; flux is unknown.
    assert mass["known_inputs"] == pytest.approx(2900.0)
    # Leaving the boundary: coil 2.4 t, mill scale 30 kg, sludge 60 kg. The spent acid goes to
    # the treatment process inside the system and is not an output.
    assert mass["known_outputs"] == pytest.approx(
        {"product": 2400.0, "by-product": 30.0, "loss": 60.0, "emission": 0.0, "total": 2490.0}
    )
    assert mass["known_losses_to_treatment"] == pytest.approx(380.0)
    assert mass["raw_gap"] == pytest.approx(2900.0 - 2490.0)
    assert mass["raw_gap_note"] == RAW_GAP_NOTE


def test_summarise_water_layer_converts_to_cubic_metres(summary):
    water = summary["layers"]["water"]
    # 120000 l is 120 m3; the rinse water leaves as an emission; evaporation is unknown.
    assert water["flows"] == 3
    assert water["unknown_flow_ids"] == ["evaporation"]
    assert water["known_inputs"] == pytest.approx(120.0)
    assert water["known_outputs"]["emission"] == pytest.approx(110.0)
    assert water["known_outputs"]["loss"] == 0.0
    assert water["raw_gap"] == pytest.approx(10.0)


def test_summarise_energy_and_declared_layers(summary):
    energy = summary["layers"]["energy"]
    zinc = summary["layers"]["zinc"]
    # 3 MWh = 3000 kWh, nothing leaves: the whole input is the raw gap.
    assert energy["known_inputs"] == pytest.approx(3000.0)
    assert energy["known_outputs"]["total"] == 0.0
    assert energy["raw_gap"] == pytest.approx(3000.0)
    # Zinc: 50000 g = 50 kg in; 45 kg in the product and 4 kg of ash out.
    assert zinc["known_inputs"] == pytest.approx(50.0)
    assert zinc["known_outputs"]["product"] == pytest.approx(45.0)
    assert zinc["known_outputs"]["by-product"] == pytest.approx(4.0)
    assert zinc["raw_gap"] == pytest.approx(1.0)
    assert zinc["unknown_flows"] == 0


def test_summarise_counts_how_uncertainty_was_given(summary):
    bases = {layer: figures["uncertainty_basis"] for layer, figures in summary["layers"].items()}
    # Mass: sd (coil, spent acid), uncertainty (scale), range (product), quality (acid),
    # the default class for the two values with none (pickled coil, sludge), two unknowns.
    assert bases["mass"] == {
        "sd": 2,
        "uncertainty": 1,
        "range": 1,
        "quality:estimated": 1,
        "default:measured": 2,
        "unknown": 2,
    }
    assert list(bases["mass"]) == [
        "sd",
        "uncertainty",
        "range",
        "quality:estimated",
        "default:measured",
        "unknown",
    ]
    assert bases["water"] == {"uncertainty": 1, "quality:measured": 1, "unknown": 1}
    assert bases["energy"] == {"default:measured": 1}
    assert bases["zinc"] == {"sd": 1, "range": 1, "default:measured": 1}


def test_summarise_purchases_in_enterprise_currency(summary):
    purchases = summary["money"]["purchases"]
    assert summary["money"]["currency"] == "VND"
    # Coil: 2.5 t × 600 USD/t = 1500 USD × 25000 = 37 500 000 VND (the kg value converted to t).
    # Acid: 400 kg × 5000 VND/kg = 2 000 000 VND.
    # Water: 120 m3 = 120000 l × 8 VND/l = 960 000 VND (the m3 value converted to l).
    # Zinc: 50 kg × 3 USD/kg = 150 USD × 25000 = 3 750 000 VND.
    amounts = {purchase["flow"]: purchase["amount"] for purchase in purchases["by_flow"]}
    assert amounts == pytest.approx(
        {"steel-coil": 37_500_000, "acid": 2_000_000, "water": 960_000, "zinc": 3_750_000}
    )
    assert list(amounts) == ["steel-coil", "acid", "water", "zinc"]
    assert purchases["total"] == pytest.approx(44_210_000)
    coil = purchases["by_flow"][0]
    assert coil["quantity"] == pytest.approx(2.5)
    assert coil["unit"] == "t"
    assert coil["price"] == "600 USD/t"
    assert purchases["by_flow"][2]["quantity"] == pytest.approx(120_000)
    assert purchases["priced_inputs_of_unknown_value"] == ["flux"]
    assert purchases["known_inputs_without_price"] == ["electricity"]


def test_summarise_process_costs_by_type(summary):
    process_costs = summary["money"]["process_costs"]
    # Energy: 200 USD × 25000 = 5 000 000 VND (pickling) + 2 000 000 VND (galvanising).
    assert process_costs["by_type"] == pytest.approx(
        {
            "material": 1_000_000,
            "energy": 7_000_000,
            "system": 3_000_000,
            "waste_management": 0,
        }
    )
    assert process_costs["total"] == pytest.approx(11_000_000)
    assert process_costs["by_process"]["pickling"] == pytest.approx(
        {"material": 1_000_000, "energy": 5_000_000}
    )
    assert set(process_costs["by_process"]) == {"pickling", "galvanising"}


def test_summarise_flow_waste_management_costs(summary):
    flow_costs = summary["money"]["flow_costs"]
    # Spent acid 1 500 000 VND + sludge 20 USD × 25000 = 500 000 VND.
    assert flow_costs["by_type"]["waste_management"] == pytest.approx(2_000_000)
    assert flow_costs["total"] == pytest.approx(2_000_000)
    assert list(flow_costs["by_flow"]) == ["spent-acid", "treated-sludge"]
    assert flow_costs["by_flow"]["spent-acid"] == pytest.approx({"waste_management": 1_500_000})
    assert flow_costs["by_flow"]["treated-sludge"] == pytest.approx({"waste_management": 500_000})


def test_summarise_unknown_stock_changes(summary):
    # The acid tank gives no stock change (mass unknown); the zinc bath gives it for mass only,
    # so its energy and zinc stock changes are unknown.
    assert summary["unknown_stock_changes"] == [
        {"process": "galvanising", "name": "Zinc bath", "layers": ["energy", "zinc"]},
        {"process": "acid-tank", "name": "Acid storage tank", "layers": ["mass"]},
    ]


def test_summarise_is_json_serialisable(summary):
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary


def test_summarise_document_without_flows():
    document = {key: value for key, value in PLANT.items() if key not in ("flows", "products")}
    document["options"] = []

    summary = summarise(Assessment.model_validate(document))

    assert summary["counts"] == {"products": 0, "processes": 4, "flows": 0, "options": 0}
    assert summary["layers"] == {}
    assert summary["money"]["purchases"]["total"] == 0.0
    assert summary["money"]["purchases"]["by_flow"] == []
    assert summary["money"]["process_costs"]["total"] == pytest.approx(11_000_000)
    assert summary["money"]["flow_costs"]["total"] == 0.0
    assert summary["unknown_stock_changes"] == []
