"""The best portfolio: a knapsack worked by hand, exclusions, dependencies, shared flows."""

from __future__ import annotations

import copy

import pytest

from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.costing import material_flow_costs
from cleanprod.core.emissions import flow_emissions
from cleanprod.core.feasibility import options_feasibility
from cleanprod.core.finance import net_present_value
from cleanprod.core.portfolio import PortfolioError, choose_portfolio
from cleanprod.model import Assessment

PLANT = {
    "format": "cleanprod/1",
    "enterprise": {"name": "Plant", "country": "VN", "sector": "food", "currency": "USD"},
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "finance": {"discount_rate": "10%"},
    "processes": [{"id": "line", "name": "Line"}],
    "flows": [
        {"id": "water", "name": "Water", "to": "line", "layer": "water", "kind": "input",
         "value": "1000 m3", "sd": "0 m3", "price": "1 USD/m3"},
        {"id": "wastewater", "name": "Wastewater", "from": "line", "layer": "water",
         "kind": "loss"},
    ],
    # Five-year options saving a fixed amount: NPV = 3.7908 × savings − investment.
    "options": [
        {"id": "a", "title": "A", "investment": "100 USD", "annual_savings": "40 USD",
         "lifetime": 5},
        {"id": "b", "title": "B", "investment": "150 USD", "annual_savings": "60 USD",
         "lifetime": 5},
        {"id": "c", "title": "C", "investment": "60 USD", "annual_savings": "25 USD",
         "lifetime": 5},
    ],
}  # fmt: skip

FACTOR = 3.790787  # five years at 10 %
YEAR = 365.25 / 365  # savings from the balance are scaled from the 365-day period to a year


def portfolio(document, **keywords):
    assessment = Assessment.model_validate(copy.deepcopy(document))
    balance = balance_assessment(assessment)
    rows = options_feasibility(
        assessment,
        balance,
        material_flow_costs(assessment, balance),
        flow_emissions(assessment, balance),
        draws=200,
    )
    return choose_portfolio(assessment, rows, **keywords)


def test_choose_portfolio_knapsack_by_hand():
    # NPVs: A 51.63, B 77.45, C 34.77. Budget 200: A+C (160) gives 86.40, B alone 77.45,
    # A+B costs 250: A and C are best.
    result = portfolio(PLANT, budget=200)
    assert result.chosen == ("a", "c")
    assert result.npv == pytest.approx((40 + 25) * FACTOR - 160, abs=1e-3)
    assert result.investment == pytest.approx(160)
    # No budget: all three.
    assert portfolio(PLANT).chosen == ("a", "b", "c")


def test_choose_portfolio_exclusions_and_dependencies():
    document = copy.deepcopy(PLANT)
    document["options"][0]["excludes"] = ["c"]  # A and C cannot go together
    assert portfolio(document, budget=200).chosen == ("b",)
    document = copy.deepcopy(PLANT)
    document["options"][2]["depends_on"] = ["b"]  # C only with B
    # Budget 250: A+B (250) 129.08 beats B+C (210) 112.22.
    assert portfolio(document, budget=250).chosen == ("a", "b")
    assert portfolio(document, budget=210).chosen == ("b", "c")


def test_choose_portfolio_options_on_one_flow_do_not_double_count():
    # Two options each cut the 1000 m3 of water by 20 %: alone each saves 200 USD a year,
    # together 200 + 160 = 360, not 400.
    document = copy.deepcopy(PLANT)
    document["options"] = [
        {"id": "nozzles", "title": "Nozzles", "investment": "300 USD", "lifetime": 5,
         "effects": [{"flow": "water", "change": "-20%"}]},
        {"id": "reuse", "title": "Reuse", "investment": "700 USD", "lifetime": 5,
         "effects": [{"flow": "water", "change": "-20%"}]},
    ]  # fmt: skip
    both = portfolio(document)
    expected = float(
        net_present_value(300, 200 * YEAR, 5, 0.1) + net_present_value(700, 160 * YEAR, 5, 0.1)
    )
    # Reuse alone: 200 × 3.79 − 700 = 58.2 > 0, but after the nozzles only 160 × 3.79 − 700
    # = −93.5: the best portfolio is the nozzles alone.
    assert both.chosen == ("nozzles",)
    assert both.npv == pytest.approx(float(net_present_value(300, 200 * YEAR, 5, 0.1)))
    assert expected < both.npv
    water = portfolio(document, objective="water")
    assert water.chosen == ("nozzles", "reuse")
    assert water.water_m3_per_year == pytest.approx(360.0 * YEAR)


def test_choose_portfolio_refuses_what_it_cannot_do():
    document = copy.deepcopy(PLANT)
    document.pop("finance")
    with pytest.raises(PortfolioError, match="discount_rate"):
        portfolio(document)
    with pytest.raises(PortfolioError, match="unknown objective"):
        portfolio(PLANT, objective="profit")
    with pytest.raises(PortfolioError, match="a budget is 0 or more"):
        portfolio(PLANT, budget=-5)


def test_options_portfolio_cli(run_cli, write_document_file):
    path = write_document_file(PLANT, "plant.yaml")
    result = run_cli("options", "portfolio", path, "--budget", "200", "--json")
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert data["chosen"] == ["a", "c"] and data["status"] == "optimal"
    text = run_cli("options", "portfolio", path, "--budget", "200")
    assert "chosen: a, c" in text.stdout


def test_choose_portfolio_takes_the_documents_budget(run_cli, write_document_file):
    # finance.budget of 200 USD: the same choice as --budget 200.
    document = copy.deepcopy(PLANT)
    document["finance"]["budget"] = "200 USD"
    path = write_document_file(document, "plant.yaml")
    result = run_cli("options", "portfolio", path, "--json")
    import json

    assert json.loads(result.stdout)["chosen"] == ["a", "c"]
