"""The CPA focus: scores worked by hand, weights, causes, the examples."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.costing import material_flow_costs
from cleanprod.core.focus import FocusError, check_weights, cpa_focus, focus_defaults
from cleanprod.io import read_document
from cleanprod.model import Assessment

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))

#: One step, exactly known: 1000 kg of logs at 2 USD/kg and 500 USD of system cost become
#: 750 kg of boards, 200 kg of offcuts and 50 kg of saw dust.
SAWMILL = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Saw", "country": "LA", "sector": "wood", "currency": "USD"},
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "processes": [{"id": "sawing", "name": "Sawing", "costs": {"system": "500 USD"}}],
    "flows": [
        {"id": "logs", "name": "Logs", "to": "sawing", "kind": "input", "value": "1000 kg",
         "sd": "0 kg", "price": "2 USD/kg"},
        {"id": "boards", "name": "Boards", "from": "sawing", "kind": "product",
         "value": "750 kg", "sd": "0 kg"},
        {"id": "offcuts", "name": "Offcuts", "from": "sawing", "kind": "loss",
         "value": "200 kg", "sd": "0 kg",
         "causes": [{"category": "housekeeping and operators", "description": "no cutting plan"}]},
        {"id": "dust", "name": "Saw dust", "from": "sawing", "kind": "loss", "value": "50 kg",
         "sd": "0 kg",
         "causes": [{"category": "technology", "description": "thick blades", "share": "75%"},
                    {"category": "process control", "description": "feed speed", "share": "25%"}]},
    ],
}  # fmt: skip


def focus_of(document, weights=None):
    assessment = Assessment.model_validate(copy.deepcopy(document))
    balance = balance_assessment(assessment)
    return cpa_focus(assessment, balance, material_flow_costs(assessment, balance), weights)


def test_cpa_focus_scores_by_hand():
    result = focus_of(SAWMILL)
    offcuts, dust = result.streams
    # Costs 2500 × 200/1000 = 500 and 2500 × 50/1000 = 125; shares of the 1000 kg: 0.2, 0.05.
    assert offcuts.cost == pytest.approx(500.0) and dust.cost == pytest.approx(125.0)
    assert offcuts.criteria["cost"] == 1.0
    assert dust.criteria["cost"] == pytest.approx(0.25)
    assert dust.criteria["environment"] == pytest.approx(0.25)
    # Exact data: full confidence. Ease: housekeeping 1.0; 0.75 × technology 0.2 + 0.25 ×
    # process control 0.9 = 0.375.
    assert offcuts.criteria["confidence"] == pytest.approx(1.0)
    assert offcuts.criteria["ease"] == pytest.approx(1.0)
    assert dust.criteria["ease"] == pytest.approx(0.75 * 0.2 + 0.25 * 0.9)
    # Score: (0.4 × 0.25 + 0.25 × 0.25 + 0.15 × 1 + 0.2 × 0.375) / 1.
    assert dust.score == pytest.approx(0.4 * 0.25 + 0.25 * 0.25 + 0.15 + 0.2 * 0.375)
    assert offcuts.score == pytest.approx(1.0)
    (sawing,) = result.processes
    assert sawing.cost == pytest.approx(625.0)
    assert sawing.criteria["ease"] == pytest.approx((1.0 + 0.375) / 2)


def test_cpa_focus_weights_change_the_order():
    # With ease alone, the offcuts (housekeeping, 1.0) come before the dust (mostly
    # technology); swap the causes and the dust comes first, though the offcuts still lead
    # with the default weights, where their cost counts most.
    assert [s.flow for s in focus_of(SAWMILL, {"cost": 0, "environment": 0,
                                               "confidence": 0, "ease": 1}).streams] == [
        "offcuts", "dust"]  # fmt: skip
    document = copy.deepcopy(SAWMILL)
    document["flows"][2]["causes"] = [{"category": "technology", "description": "old saw"}]
    document["flows"][3]["causes"] = [{"category": "housekeeping and operators",
                                       "description": "dust not swept"}]  # fmt: skip
    only_ease = focus_of(document, {"cost": 0, "environment": 0, "confidence": 0, "ease": 1})
    assert [stream.flow for stream in only_ease.streams] == ["dust", "offcuts"]
    by_default = focus_of(document)
    assert by_default.streams[0].flow == "offcuts"


def test_check_weights_refuses_what_it_cannot_use():
    assert check_weights({"cost": 1})["ease"] == focus_defaults()["weights"]["ease"]
    with pytest.raises(FocusError, match="unknown criterion price"):
        check_weights({"price": 1})
    with pytest.raises(FocusError, match="0 or more"):
        check_weights({"cost": -1})
    with pytest.raises(FocusError, match="more than 0"):
        check_weights({name: 0 for name in ("cost", "environment", "confidence", "ease")})


def test_focus_defaults_carry_their_source():
    defaults = focus_defaults()
    assert defaults["source"] and defaults["year"]
    assert sum(defaults["weights"].values()) == pytest.approx(1.0)
    from cleanprod.model.choices import CAUSE_CATEGORIES

    assert set(defaults["ease"]) == set(CAUSE_CATEGORIES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_cpa_focus_on_every_example(path):
    assessment = read_document(path)
    balance = balance_assessment(assessment)
    costs = material_flow_costs(assessment, balance)
    result = cpa_focus(assessment, balance, costs)
    scores = [stream.score for stream in result.streams]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= value <= 1 for s in result.streams for value in s.criteria.values())
    # The costliest stream is among the first three to study.
    costliest = max(result.streams, key=lambda stream: stream.cost)
    assert costliest.flow in [stream.flow for stream in result.streams[:3]]
    # Flue gas is not weighed by the mass of its combustion air.
    for stream in result.streams:
        if stream.flow in costs.combustion_products:
            assert stream.criteria["environment"] == 0


def test_focus_cli_with_weights(run_cli, examples_dir):
    result = run_cli("focus", examples_dir / "lao-soft-drink.yaml", "--weights", "cost=1,ease=0")
    assert result.exit_code == 0, result.output
    assert "weights: cost 1, environment 0.25, confidence 0.15, ease 0" in result.stdout
    bad = run_cli("focus", examples_dir / "lao-soft-drink.yaml", "--weights", "costs=1")
    assert bad.exit_code == 2
    assert "unknown criterion costs" in bad.stderr
    data = run_cli("focus", examples_dir / "lao-soft-drink.yaml", "--json")
    import json

    parsed = json.loads(data.stdout)
    assert parsed["streams"][0]["score"] >= parsed["streams"][-1]["score"]
