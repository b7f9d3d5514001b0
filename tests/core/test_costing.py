"""Material flow cost accounting: cases worked on paper, conservation, the examples.

The hand-checked plant cuts wood and assembles chairs. Every figure is exact (sd 0) unless a
test says otherwise, so the balance adjusts nothing and each cost can be followed on paper:

- cutting: 1000 kg of wood at 2 USD/kg in; 800 kg of parts out to assembly, 200 kg of
  offcuts lost; energy 100, system 500 and waste management 50 USD;
- assembly: the parts and 20 kg of glue at 10 USD/kg in; 780 kg of chairs out, 40 kg of
  rejects lost; system 1000 USD.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.costing import _figures, _model, _quantities, material_flow_costs
from cleanprod.io import read_document
from cleanprod.model import Assessment

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))

CHAIRS = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Chairs", "country": "VN", "sector": "furniture", "currency": "USD"},
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "processes": [
        {"id": "cutting", "name": "Cutting",
         "costs": {"energy": "100 USD", "system": "500 USD", "waste_management": "50 USD"}},
        {"id": "assembly", "name": "Assembly", "costs": {"system": "1000 USD"}},
    ],
    "flows": [
        {"id": "wood", "name": "Wood", "to": "cutting", "kind": "input", "value": "1000 kg",
         "sd": "0 kg", "price": "2 USD/kg"},
        {"id": "parts", "name": "Parts", "from": "cutting", "to": "assembly",
         "kind": "internal", "value": "800 kg", "sd": "0 kg"},
        {"id": "offcuts", "name": "Offcuts", "from": "cutting", "kind": "loss",
         "value": "200 kg", "sd": "0 kg"},
        {"id": "glue", "name": "Glue", "to": "assembly", "kind": "input", "value": "20 kg",
         "sd": "0 kg", "price": "10 USD/kg"},
        {"id": "chairs", "name": "Chairs", "from": "assembly", "kind": "product",
         "value": "780 kg", "sd": "0 kg"},
        {"id": "rejects", "name": "Rejects", "from": "assembly", "kind": "loss",
         "value": "40 kg", "sd": "0 kg"},
    ],
}  # fmt: skip


def costs_of(document: dict):
    assessment = Assessment.model_validate(document)
    return material_flow_costs(assessment, balance_assessment(assessment))


def chairs(**changes) -> dict:
    document = copy.deepcopy(CHAIRS)
    for process, allocation in changes.items():
        next(p for p in document["processes"] if p["id"] == process)["allocation"] = allocation
    return document


def test_material_flow_costs_two_centres_by_hand():
    result = costs_of(chairs())
    cutting, assembly = result.centres
    # Cutting: material 2000 by mass 800/200; energy 100 and system 500 by the same key;
    # waste management 50 to the offcuts alone.
    assert cutting.product.as_dict() == pytest.approx(
        {"material": 1600, "energy": 80, "system": 400, "waste_management": 0, "total": 2080}
    )
    assert cutting.loss.as_dict() == pytest.approx(
        {"material": 400, "energy": 20, "system": 100, "waste_management": 50, "total": 570}
    )
    # Assembly: 1600 carried + 200 glue = 1800 of material, 80 of energy, 400 + 1000 of system,
    # all split 780/40 by mass: the rejects bear 3280 × 40/820 = 160.
    assert assembly.loss.material == pytest.approx(1800 * 40 / 820)
    assert assembly.loss.energy == pytest.approx(80 * 40 / 820)
    assert assembly.loss.system == pytest.approx(1400 * 40 / 820)
    assert assembly.loss.total == pytest.approx(160.0)
    assert assembly.product.total == pytest.approx(3120.0)
    # The losses, ranked: offcuts 570 (of 730), rejects 160.
    assert [loss.flow for loss in result.losses] == ["offcuts", "rejects"]
    offcuts, rejects = result.losses
    assert offcuts.total == pytest.approx(570.0)
    assert offcuts.share == pytest.approx(570 / 730)
    assert (offcuts.quantity, offcuts.unit) == (pytest.approx(200.0), "kg")
    assert rejects.cost.waste_management == 0
    # Inputs 2000 + 200 + 100 + 500 + 50 + 1000 = 3850 = chairs 3120 + losses 730.
    assert result.inputs.total == pytest.approx(3850.0)
    assert result.product.total == pytest.approx(3120.0)
    assert result.loss.total == pytest.approx(730.0)
    # Exact data: no uncertainty to carry.
    assert offcuts.sd == pytest.approx(0.0, abs=1e-6)


def test_material_flow_costs_product_share_as_the_key():
    # Assembly splits its energy and system costs 90 % to the chairs: the rejects bear
    # 10 % of 80 and of 1400, and their material by mass, 1800 × 40/820.
    result = costs_of(chairs(assembly="90%"))
    rejects = next(loss for loss in result.losses if loss.flow == "rejects")
    assert rejects.cost.energy == pytest.approx(8.0)
    assert rejects.cost.system == pytest.approx(140.0)
    assert rejects.cost.material == pytest.approx(1800 * 40 / 820)
    assert result.centres[1].key == "90% to the product"
    assert result.inputs.total == pytest.approx(3850.0)


def test_material_flow_costs_a_layer_as_the_key():
    # Assembly's energy and system costs follow its electricity: 30 kWh recovered as heat,
    # 10 kWh lost with the rejects' rework, a quarter.
    document = chairs(assembly="energy")
    document["flows"] += [
        {"id": "power", "name": "Power", "to": "assembly", "layer": "energy", "kind": "input",
         "value": "40 kWh", "sd": "0 kWh", "price": "0.1 USD/kWh"},
        {"id": "line-heat", "name": "Heat recovered for the drying room", "from": "assembly",
         "layer": "energy", "kind": "by-product", "value": "30 kWh", "sd": "0 kWh"},
        {"id": "rework-heat", "name": "Rework", "from": "assembly", "layer": "energy",
         "kind": "loss", "value": "10 kWh", "sd": "0 kWh"},
    ]  # fmt: skip
    result = costs_of(document)
    assembly = result.centres[1]
    assert assembly.key == "energy"
    # System 1400 (carried 400 + own 1000) splits 3/4 : 1/4 over the energy outputs.
    assert assembly.loss.system == pytest.approx(1400 / 4)
    conserved = result.product.total + result.loss.total + result.unallocated.total
    assert conserved == pytest.approx(result.inputs.total)


def test_material_flow_costs_loss_collected_in_a_residue_store_bears_its_cost():
    # The offcuts go to a residue store that costs 100 USD a year to run and sells nothing:
    # their full cost is 570 + 100; the store's own output is not listed again.
    document = chairs()
    document["processes"].append(
        {"id": "residue-store", "name": "Residue store", "costs": {"system": "100 USD"}}
    )
    offcuts = next(flow for flow in document["flows"] if flow["id"] == "offcuts")
    offcuts["to"] = "residue-store"
    document["flows"].append(
        {"id": "residues-dumped", "name": "Dumped", "from": "residue-store", "kind": "loss",
         "value": "200 kg", "sd": "0 kg", "costs": {"waste_management": "30 USD"}}
    )  # fmt: skip
    result = costs_of(document)
    listed = {loss.flow: loss for loss in result.losses}
    assert set(listed) == {"offcuts", "rejects"}
    assert listed["offcuts"].total == pytest.approx(570 + 100 + 30)
    assert listed["offcuts"].treated_in == "residue-store"
    assert result.inputs.total == pytest.approx(3850 + 100 + 30)


def test_material_flow_costs_priced_water_and_energy_count_as_material_and_energy():
    document = chairs()
    document["flows"] += [
        {"id": "water", "name": "Water", "to": "cutting", "layer": "water", "kind": "input",
         "value": "10 m3", "sd": "0 m3", "price": "0.5 USD/m3"},
        {"id": "wastewater", "name": "Wastewater", "from": "cutting", "layer": "water",
         "kind": "loss", "value": "10 m3", "sd": "0 m3", "price": "0.3 USD/m3"},
        {"id": "power", "name": "Power", "to": "cutting", "layer": "energy", "kind": "input",
         "value": "100 kWh", "sd": "0 kWh", "price": "0.2 USD/kWh"},
        {"id": "heat", "name": "Heat", "from": "cutting", "layer": "energy", "kind": "loss",
         "value": "100 kWh", "sd": "0 kWh"},
    ]  # fmt: skip
    result = costs_of(document)
    listed = {loss.flow: loss for loss in result.losses}
    # The water bought (5 USD) is lost as wastewater, with its discharge charge (3 USD).
    assert listed["wastewater"].cost.material == pytest.approx(5.0)
    assert listed["wastewater"].cost.waste_management == pytest.approx(3.0)
    # The 20 USD of electricity is energy cost of cutting, split by mass: 4 to the offcuts.
    assert listed["offcuts"].cost.energy == pytest.approx((100 + 20) * 0.2)
    assert result.inputs.energy == pytest.approx(120.0)


def test_material_flow_costs_recycled_rejects_loop():
    # The rejects go back to cutting: the loop is solved exactly and the costs still add up.
    document = chairs()
    rejects = next(flow for flow in document["flows"] if flow["id"] == "rejects")
    rejects["to"] = "cutting"
    rejects["kind"] = "internal"
    offcuts = next(flow for flow in document["flows"] if flow["id"] == "offcuts")
    offcuts["value"] = "240 kg"
    result = costs_of(document)
    assert [loss.flow for loss in result.losses] == ["offcuts"]
    assert result.product.total + result.loss.total == pytest.approx(3850.0)
    # Cutting now splits (2000 + carried rejects) over 800 + 240 kg: the offcuts bear 240/1040
    # of everything that passes it, the chairs 780/820 of assembly's.
    assert result.loss.total == pytest.approx(result.losses[0].total)


def test_material_flow_costs_unknown_output_is_not_split():
    # The balance cannot tell parts from offcuts when neither is measured and nothing
    # downstream says: cutting's costs are reported as not split.
    document = chairs()
    for flow in document["flows"]:
        if flow["id"] in ("parts", "offcuts", "chairs", "rejects"):
            flow.pop("value")
            flow.pop("sd")
    result = costs_of(document)
    assert result.unallocated.total > 0
    assert any("cannot be split" in note for note in result.notes)
    total = result.product.total + result.loss.total + result.stock.total + result.unallocated.total
    assert total == pytest.approx(result.inputs.total)


def test_material_flow_costs_standard_deviation_matches_sampling():
    # Wood 1000 ± 20 kg, parts 800 ± 16, offcuts unmeasured: the offcuts' cost depends on the
    # reconciled quantities; sampling the reconciliation's covariance gives the same sd.
    document = chairs()
    for flow in document["flows"]:
        if flow["id"] == "wood":
            flow["sd"] = "20 kg"
        if flow["id"] == "parts":
            flow["sd"] = "16 kg"
        if flow["id"] == "offcuts":
            flow.pop("value")
            flow.pop("sd")
    assessment = Assessment.model_validate(document)
    balance = balance_assessment(assessment)
    result = material_flow_costs(assessment, balance)
    offcuts = next(loss for loss in result.losses if loss.flow == "offcuts")
    assert offcuts.sd > 0

    model = _model(assessment)
    quantity, stock = _quantities(assessment, balance)
    network = balance.network_of("mass")
    reconciliation = network.reconciliation
    rng = np.random.default_rng(7)
    draws = rng.multivariate_normal(reconciliation.value, reconciliation.covariance, size=800)
    totals = []
    for draw in draws:
        moved = quantity.copy()
        for position, variable in enumerate(network.network.variables):
            moved[model.index[variable.id]] = draw[position]
        totals.append(_figures(model, moved, stock).losses["offcuts"].sum())
    assert np.std(totals) == pytest.approx(offcuts.sd, rel=0.1)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_material_flow_costs_of_every_example_add_up(path):
    assessment = read_document(path)
    result = material_flow_costs(assessment, balance_assessment(assessment))
    total = result.product.total + result.loss.total + result.stock.total + result.unallocated.total
    assert total == pytest.approx(result.inputs.total, rel=1e-9)
    assert result.losses, "an assessment without a costed loss"
    totals = [loss.total for loss in result.losses]
    assert totals == sorted(totals, reverse=True)
    assert sum(loss.share for loss in result.losses) == pytest.approx(1.0)
    assert all(math.isfinite(loss.total) and loss.total >= -1e-6 for loss in result.losses)
    # The most costly loss costs more than its waste-management charge alone.
    first = result.losses[0]
    assert first.total > first.cost.waste_management


# --- Conservation over generated documents ------------------------------------------------------


@st.composite
def plants(draw) -> dict:
    """A chain of 2–5 steps, each with a priced input, an optional recycle, a loss, costs."""
    count = draw(st.integers(2, 5))
    processes = []
    flows = []
    throughput = 1000.0
    for number in range(count):
        process = f"p{number}"
        costs = {
            cost_type: f"{draw(st.integers(0, 1000))} USD"
            for cost_type in draw(
                st.lists(
                    st.sampled_from(["material", "energy", "system", "waste_management"]),
                    unique=True,
                )
            )
        }
        entry = {"id": process, "name": process, **({"costs": costs} if costs else {})}
        if draw(st.booleans()):
            entry["allocation"] = draw(st.sampled_from(["mass", "energy", "50%", "100%", "0%"]))
        processes.append(entry)
        bought = draw(st.integers(1, 500))
        flows.append(
            {"id": f"buy{number}", "name": "in", "to": process, "kind": "input",
             "value": f"{bought} kg", "sd": "0 kg", "price": f"{draw(st.integers(0, 9))} USD/kg"}
        )  # fmt: skip
        throughput += bought
        lost = draw(st.integers(0, int(throughput) // 2))
        throughput -= lost
        flows.append(
            {"id": f"loss{number}", "name": "loss", "from": process, "kind": "loss",
             "value": f"{lost} kg", "sd": "0 kg"}
        )  # fmt: skip
        target = f"p{number + 1}" if number + 1 < count else None
        flows.append(
            {"id": f"out{number}", "name": "out", "from": process,
             "kind": "internal" if target else "product", **({"to": target} if target else {}),
             "value": f"{throughput} kg", "sd": "0 kg"}
        )  # fmt: skip
        flows.append(
            {"id": f"power{number}", "name": "power", "to": process, "layer": "energy",
             "kind": "input", "value": "10 kWh", "sd": "0 kWh", "price": "0.1 USD/kWh"}
        )  # fmt: skip
        flows.append(
            {"id": f"heat{number}", "name": "heat", "from": process, "layer": "energy",
             "kind": "loss", "value": "10 kWh", "sd": "0 kWh"}
        )  # fmt: skip
    flows[0]["value"] = f"{1000 + int(flows[0]['value'].split()[0])} kg"
    if count > 2 and draw(st.booleans()):
        # A recycle from the last step back to the first.
        flows.append(
            {"id": "recycle", "name": "recycle", "from": f"p{count - 1}", "to": "p0",
             "kind": "internal", "value": "0 kg", "sd": "0 kg"}
        )  # fmt: skip
    return {
        "format": "cleanprod/1",
        "enterprise": {"name": "P", "country": "KH", "sector": "x", "currency": "USD"},
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "processes": processes,
        "flows": flows,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants())
def test_material_flow_costs_property_costs_are_conserved(document):
    result = costs_of(document)
    for cost_type in ("material", "energy", "system", "waste_management"):
        out = sum(
            getattr(part, cost_type)
            for part in (result.product, result.loss, result.stock, result.unallocated)
        )
        assert out == pytest.approx(getattr(result.inputs, cost_type), rel=1e-9, abs=1e-6)
    for centre in result.centres:
        assert centre.product.total >= -1e-6 and centre.loss.total >= -1e-6
