"""What the report gathers: Sankey diagrams drawn from the reconciled balance (every step's
flows balance, each flow's category from its status), the NPV draws that ``cleanprod
options`` summarises, and the parts that cannot be computed said rather than failing."""

from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from report_helpers import MULTILINGUAL

from cleanprod.core import finance
from cleanprod.io import read_document
from cleanprod.model import Assessment
from cleanprod.report.data import link_category, report_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def silk():
    return report_data(read_document(EXAMPLES / "vn-silk-dyeing.yaml"))


@pytest.fixture(scope="module")
def multilingual():
    return report_data(Assessment.model_validate(copy.deepcopy(MULTILINGUAL)))


def _throughput(sankey):
    """Per process node: what flows in and what flows out."""
    flows = defaultdict(lambda: [0.0, 0.0])
    for link in sankey["links"]:
        flows[link["target"]][0] += link["value"]
        flows[link["source"]][1] += link["value"]
    return flows


@pytest.mark.parametrize("layer", ["water", "energy", "cod"])
def test_sankey_steps_balance_in_the_reconciled_flows(silk, layer):
    sankey = silk["layers"][layer]["sankey"]
    assert sankey["links"] and not sankey["omitted"]
    checked = 0
    for number, (inflow, outflow) in _throughput(sankey).items():
        node = sankey["nodes"][number]
        if node["kind"] == "process":
            assert inflow == pytest.approx(outflow, rel=1e-6), node["label"]
            checked += 1
    assert checked >= 2


def test_sankey_leaves_out_what_the_balance_cannot_estimate(silk):
    assert "Dyed yarn" in silk["layers"]["mass"]["sankey"]["omitted"]


def test_sankey_of_a_carried_substance_follows_its_carrier(silk):
    # COD is carried by water: the effluents appear in the COD diagram as concentration ×
    # water flow, in kg, between the same steps.
    cod = silk["layers"]["cod"]["sankey"]
    water_names = {link["name"] for link in silk["layers"]["water"]["sankey"]["links"]}
    carried = [link for link in cod["links"] if link["name"] in water_names]
    assert carried
    assert all(link["value"] > 0 and link["sd"] > 0 for link in carried)
    assert cod["unit"] == "kg"


def test_link_category_from_the_status_and_the_test():
    assert link_category({"status": "redundant", "value": 1.0, "test": 2.5}) == "suspect"
    assert link_category({"status": "redundant", "value": 1.0, "test": 0.3}) == "reconciled"
    assert link_category({"status": "non-redundant", "value": 1.0, "test": None}) == "measured"
    assert link_category({"status": "observable", "value": 1.0, "test": None}) == "estimated"
    assert link_category({"status": "unobservable", "value": None, "test": None}) is None


def test_sankey_labels_each_boundary_flow_with_its_uncertainty(multilingual):
    nodes = multilingual["layers"]["mass"]["sankey"]["nodes"]
    outside = [node for node in nodes if node["kind"] in ("source", "sink")]
    assert {node["label"] for node in outside} >= {"Nguyên liệu thô", "Sản phẩm khô"}
    assert all(node["sd"] > 0 for node in outside)
    steps = [node for node in nodes if node["kind"] == "process"]
    assert [node["number"] for node in steps] == [1, 2]


def test_npv_distribution_matches_the_options_risk(multilingual):
    for option_id, risk in multilingual["risk"].items():
        option = multilingual["options"][option_id]
        assert sum(risk["counts"]) == risk["draws"] == 10_000
        assert risk["p_npv_positive"] == pytest.approx(option["p_npv_positive"], abs=1e-12)
        assert risk["p50"] == pytest.approx(option["risk"]["npv_p50"])


def test_monte_carlo_npv_draws_are_those_of_monte_carlo():
    inputs = {
        "investment": np.array([100.0, 5000.0]),
        "investment_sd": np.array([10.0, 0.0]),
        "savings": np.array([30.0, 900.0]),
        "savings_sd": np.array([5.0, 400.0]),
        "extra_cost": np.array([0.0, 50.0]),
        "years": np.array([5.0, 10.0]),
        "rate": 0.1,
        "draws": 2000,
    }
    draws = finance.monte_carlo_npv(**inputs)
    summary = finance.monte_carlo(**inputs)
    assert draws.shape == (2000, 2)
    np.testing.assert_allclose((draws > 0).mean(axis=0), summary.p_npv_positive)
    np.testing.assert_allclose(np.percentile(draws, 50, axis=0), summary.npv_p50)


def test_portfolio_implementation_and_key_figures(multilingual):
    portfolio = multilingual["portfolio"]
    assert portfolio["budget"] is None  # the document sets none: no limit
    assert [option["id"] for option in portfolio["chosen"]] == ["trays"]  # nozzles is done
    implemented = [row for row in multilingual["implementation"] if row["verified"]]
    assert [row["id"] for row in implemented] == ["nozzles"]
    assert implemented[0]["monitoring"]["slope"] > 0
    key = multilingual["key"]
    assert key["costliest"]["flow"] == "spill"
    assert key["options"] == 2 and key["verified"]


def test_parts_that_cannot_be_computed_are_said(multilingual):
    document = copy.deepcopy(MULTILINGUAL)
    del document["finance"]
    data = report_data(Assessment.model_validate(document))
    assert "discount_rate" in data["problems"]["portfolio"]
    assert data["portfolio"] is None and data["risk"] == {}
    assert data["costs"] is not None
