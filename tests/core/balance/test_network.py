"""From the document to balance problems: variables, equations, coupled layers, units.

The plant is a made-up small textile dye house: fresh water is pumped to washing and dyeing,
the wastewater of both goes to a drain; one electricity bill covers the pump and the dye
machines; a recipe ties the dye to the fabric; the wastewater's COD is given as concentrations.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from numpy.testing import assert_allclose

from cleanprod.core.balance.assess import balance_as_dict, balance_assessment
from cleanprod.core.balance.check import check_balances
from cleanprod.core.balance.network import build_networks, layer_groups, reporting_unit
from cleanprod.core.balance.reconcile import reconcile
from cleanprod.model import Assessment

DYE_HOUSE = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Dye house", "country": "VN", "sector": "textile", "currency": "VND"},
    "period": {"start": "2025-01-01", "end": "2025-01-31"},
    "layers": [{"id": "cod", "name": "COD", "unit": "kg", "carrier": "water"}],
    "processes": [
        {"id": "washing", "name": "Washing"},
        {"id": "dyeing", "name": "Dyeing"},
        {"id": "chemicals-store", "name": "Chemicals store", "stock": True},
    ],
    "flows": [
        # water [m3], reported in litres because the first valued flow is in l
        {"id": "wash-water", "name": "Water to washing", "to": "washing", "layer": "water",
         "kind": "input", "value": "20000 l", "sd": "1000 l"},
        {"id": "dye-water", "name": "Water to dyeing", "to": "dyeing", "layer": "water",
         "kind": "input", "value": "30 m3", "sd": "1.5 m3"},
        {"id": "wash-effluent", "name": "Washing effluent", "from": "washing", "layer": "water",
         "kind": "loss", "concentrations": {"cod": {"value": "500 mg/l", "sd": "50 mg/l"}}},
        {"id": "dye-effluent", "name": "Dyeing effluent", "from": "dyeing", "layer": "water",
         "kind": "loss", "value": "28 m3", "sd": "1.4 m3",
         "concentrations": {"cod": None}},
        {"id": "steam-loss", "name": "Evaporation", "from": "dyeing", "layer": "water",
         "kind": "emission", "value": "2 m3", "uncertainty": "30%"},
        # COD released from the fabric into the baths [kg]
        {"id": "cod-washing", "name": "COD from washing", "to": "washing", "layer": "cod",
         "kind": "input"},
        {"id": "cod-dyeing", "name": "COD from dyeing", "to": "dyeing", "layer": "cod",
         "kind": "input"},
        # mass [kg]
        {"id": "fabric-in", "name": "Grey fabric", "to": "washing", "kind": "input",
         "value": "1000 kg", "uncertainty": "2%"},
        {"id": "fabric-washed", "name": "Washed fabric", "from": "washing", "to": "dyeing",
         "kind": "internal"},
        {"id": "dye-purchased", "name": "Dye bought", "to": "chemicals-store", "kind": "input",
         "value": "25 kg", "uncertainty": "2%"},
        {"id": "dye", "name": "Dye used", "from": "chemicals-store", "to": "dyeing",
         "kind": "internal"},
        {"id": "fabric-dyed", "name": "Dyed fabric", "from": "dyeing", "kind": "product",
         "value": "1010 kg", "uncertainty": "2%"},
        # energy [kWh]
        {"id": "pump-power", "name": "Pump", "to": "washing", "layer": "energy",
         "kind": "input"},
        {"id": "dyeing-power", "name": "Dye machines", "to": "dyeing", "layer": "energy",
         "kind": "input"},
        {"id": "washing-heat", "name": "Washing losses", "from": "washing", "layer": "energy",
         "kind": "loss"},
        {"id": "dyeing-heat", "name": "Dyeing losses", "from": "dyeing", "layer": "energy",
         "kind": "loss", "value": "4000 kWh", "quality": "estimated"},
    ],
    "measurements": [
        {"id": "electricity-bill", "flows": ["pump-power", "dyeing-power"],
         "value": "5000 kWh", "sd": "50 kWh"},
    ],
    "ratios": [
        {"id": "dye-recipe", "flows": ["dye"], "per": ["fabric-washed"], "value": "2 %",
         "uncertainty": "5%"},
    ],
}  # fmt: skip


@pytest.fixture
def dye_house() -> Assessment:
    return Assessment.model_validate(copy.deepcopy(DYE_HOUSE))


def test_layer_groups_join_a_substance_to_its_carrier(dye_house):
    # The COD layer is carried by water; mass and energy stay on their own.
    assert layer_groups(dye_house) == [("mass",), ("water", "cod"), ("energy",)]


def test_reporting_unit_is_that_of_the_first_valued_flow_unless_declared(dye_house):
    assert reporting_unit(dye_house, "water") == "l"
    assert reporting_unit(dye_house, "mass") == "kg"
    assert reporting_unit(dye_house, "cod") == "kg"  # declared


def test_network_variables_and_equations(dye_house):
    mass, water, energy = build_networks(dye_house)
    assert [variable.key for variable in mass.variables] == [
        "flow:fabric-in",
        "flow:fabric-washed",
        "flow:dye-purchased",
        "flow:dye",
        "flow:fabric-dyed",
        "stock:chemicals-store:mass",
        "ratio:dye-recipe",
    ]
    assert [equation.key for equation in mass.equations] == [
        "balance:washing:mass",
        "balance:dyeing:mass",
        "balance:chemicals-store:mass",
        "ratio:dye-recipe:mass",
    ]
    # Water in canonical m3: 20000 l → 20 m3; the concentration 500 mg/l → 0.5 kg/m3.
    index = water.index("flow", "wash-water")
    assert water.problem.measured_value[index] == pytest.approx(20.0)
    concentration = water.index("concentration", "wash-effluent", "cod")
    assert water.problem.measured_value[concentration] == pytest.approx(0.5)
    unknown = water.index("concentration", "dye-effluent", "cod")
    assert np.isnan(water.problem.measured_value[unknown])
    assert not water.problem.is_linear
    bill = energy.index("sum", "electricity-bill")
    assert energy.problem.measured_value[bill] == pytest.approx(5000.0)


def test_balance_check_only_for_fully_measured_processes(dye_house):
    _, water, _ = build_networks(dye_house)
    check = check_balances(water.problem)
    rows = {equation.key: row for row, equation in enumerate(water.equations)}
    # washing has an unknown effluent: it cannot be checked on its own.
    assert np.isnan(check.imbalance[rows["balance:washing:water"]])
    # dyeing: 30 − 28 − 2 = 0 m3, σ = √(1.5² + 1.4² + 0.6²) = 2.138 m3.
    row = rows["balance:dyeing:water"]
    assert check.imbalance[row] == pytest.approx(0.0, abs=1e-12)
    assert check.sd[row] == pytest.approx(np.sqrt(1.5**2 + 1.4**2 + 0.6**2))


def test_sum_measurement_is_split_by_the_balance(dye_house):
    # The bill (5000 ± 50 kWh) covers both machines; the dye machines' losses (4000 ± 1200)
    # fix the dye machines' power; the pump gets the rest, all of it lost at washing.
    *_, energy = build_networks(dye_house)
    result = reconcile(energy.problem)
    pump = energy.index("flow", "pump-power")
    dyeing = energy.index("flow", "dyeing-power")
    assert result.status[pump] == "observable"
    assert result.value[pump] + result.value[dyeing] == pytest.approx(5000.0)
    assert result.value[dyeing] == pytest.approx(4000.0)
    assert result.sd[pump] == pytest.approx(np.hypot(50.0, 1200.0))


def test_ratio_and_stock_change_close_the_mass_balance(dye_house):
    mass, *_ = build_networks(dye_house)
    result = reconcile(mass.problem)
    assert_allclose(mass.problem.residual(result.value), 0.0, atol=1e-9)
    dye = mass.index("flow", "dye")
    washed = mass.index("flow", "fabric-washed")
    ratio = mass.index("ratio", "dye-recipe")
    assert result.value[dye] == pytest.approx(result.value[ratio] * result.value[washed])
    # Nothing measured around washing but its input: washed fabric = fabric in (1000 kg); the
    # dyed fabric then checks the recipe: 1000 + 0.02·1000 = 1020 against 1010 ± 20.2.
    assert result.status[mass.index("flow", "fabric-dyed")] == "redundant"
    stock = mass.index("stock", "chemicals-store", "mass")
    assert result.status[stock] == "observable"


def test_concentration_is_reconciled_with_its_carrier(dye_house):
    _, water, _ = build_networks(dye_house)
    result = reconcile(water.problem)
    residual = water.problem.residual(result.value)
    # Every balance closes but dyeing's COD balance, whose terms are unobservable (NaN).
    rows = {equation.key: row for row, equation in enumerate(water.equations)}
    open_row = rows["balance:dyeing:cod"]
    assert np.isnan(residual[open_row])
    assert_allclose(np.delete(residual, open_row), 0.0, atol=1e-9)
    # Washing effluent = washing water (20 m3); the COD it carries, 0.5 kg/m3 × 20 m3 = 10 kg,
    # is what washing releases. Dyeing releases an unknown COD in an effluent of unknown
    # concentration: both are unobservable.
    effluent = water.index("flow", "wash-effluent")
    assert result.value[effluent] == pytest.approx(20.0)
    released = water.index("flow", "cod-washing")
    assert result.value[released] == pytest.approx(10.0)
    assert result.sd[released] == pytest.approx(np.hypot(0.05 * 20.0, 0.5 * 1.0))
    assert result.status[water.index("flow", "cod-dyeing")] == "unobservable"
    unknown = water.index("concentration", "dye-effluent", "cod")
    assert result.status[unknown] == "unobservable"


def test_balance_as_dict_has_the_promised_shape(dye_house):
    data = balance_as_dict(balance_assessment(dye_house))
    water = data["layers"]["water"]
    for key in ("unit", "chi2", "dof", "critical", "p_value", "consistent", "flows"):
        assert key in water
    assert water["unit"] == "l"
    flow = water["flows"]["wash-water"]
    assert flow["measured"] == pytest.approx(20000.0)
    assert flow["measured_sd"] == pytest.approx(1000.0)
    assert set(flow) >= {"measured", "measured_sd", "value", "sd", "status", "test"}
    assert water["flows"]["wash-effluent"]["measured"] is None
    assert set(water["processes"]["dyeing"]) >= {"imbalance", "imbalance_sd", "test"}
    assert data["layers"]["cod"]["reconciled_with"] == ["water"]
    assert isinstance(water["suspects"], list)
