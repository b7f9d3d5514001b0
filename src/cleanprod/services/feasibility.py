"""``cleanprod options``: the feasibility of the options of a document.

Reads the document, balances it, costs its losses (MFCA) and its emissions, and appraises
every option with :func:`cleanprod.core.feasibility.options_feasibility`; this module reads
the file and writes the readable table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleanprod.core.balance.assess import AssessmentBalance, balance_assessment
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.core.costing import material_flow_costs
from cleanprod.core.emissions import flow_emissions
from cleanprod.core.feasibility import feasibility_as_dict, options_feasibility
from cleanprod.io import read_document
from cleanprod.model import Assessment
from cleanprod.services.balance import text_table


def options_file(path: str | Path, draws: int = 10_000) -> dict[str, Any]:
    """The feasibility of the options of the document at ``path`` as plain data."""
    assessment = read_document(path)
    try:
        return options_data(assessment, draws)
    except ReconciliationError as error:
        raise ReconciliationError(f"{path}: {error}") from None


def options_data(
    assessment: Assessment, draws: int = 10_000, balance: AssessmentBalance | None = None
) -> dict[str, Any]:
    """The feasibility of the options of a read document as plain data."""
    balance = balance or balance_assessment(assessment)
    costs = material_flow_costs(assessment, balance, standard_deviations=False)
    emissions = flow_emissions(assessment, balance)
    return feasibility_as_dict(options_feasibility(assessment, balance, costs, emissions, draws))


def _amount(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _years(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def options_text(data: dict[str, Any], source: str | Path | None = None) -> str:
    """The options as an SME owner reads them: what each costs, saves and risks."""
    options = data["options"]
    lines = [f"Options of {source}" if source else "Options"]
    if not options:
        return "\n".join([*lines, "  no option in the document yet"]) + "\n"
    currency = next(iter(options.values()))["currency"]
    lines += [
        f"  money in {currency}; savings a year; P(NPV>0) from a Monte Carlo of the savings' and"
        " the investment's uncertainty",
        "",
    ]
    rows = [("option", "status", "investment", "savings/yr ± sd", "NPV", "IRR", "payback",
             "disc. payback", "CO2e t/yr", "P(NPV>0)")]  # fmt: skip
    for option_id, row in options.items():
        irr = "—" if row["irr"] is None else f"{100 * row['irr']:.1f} %"
        chance = "—" if row["p_npv_positive"] is None else f"{100 * row['p_npv_positive']:.0f} %"
        rows.append(
            (
                option_id,
                row["status"],
                _amount(row["investment"]),
                f"{_amount(row['annual_savings'])} ± {_amount(row['annual_savings_sd'])}",
                _amount(row["npv"]),
                irr,
                _years(row["simple_payback_years"]),
                _years(row["discounted_payback_years"]),
                f"{row['co2e_t_per_year']:.1f}",
                chance,
            )
        )
    lines += text_table(rows)
    for option_id, row in options.items():
        details = []
        for flow, saving in row["resources"].items():
            details.append(
                f"{flow} {saving['change']:+,.4g} {saving['unit']}/yr "
                f"({_amount(saving['money'])} {currency})"
            )
        if row["tornado"]:
            widest = row["tornado"][0]
            details.append(
                f"NPV most sensitive to {widest['input'].replace('_', ' ')} (±20 %: "
                f"{_amount(widest['npv_low'])} to {_amount(widest['npv_high'])})"
            )
        verified = row.get("verified")
        if verified:
            verdict = "significant" if verified["significant"] else "not significant"
            money = (
                ""
                if verified["money"] is None
                else f", worth {_amount(verified['money'])} {currency}"
            )
            details.append(
                f"verified saving of {verified['resource']}: {verified['saving']:,.4g} "
                f"{verified['unit']} over {verified['reporting_periods']} periods, 95 % interval "
                f"{verified['low']:,.4g} to {verified['high']:,.4g} ({verdict}{money}; baseline "
                f"R² {verified['r_squared']:.2f}, CV(RMSE) {100 * verified['cv_rmse']:.0f} %)"
            )
        details += row["notes"]
        if details:
            lines += ["", f"  {option_id}: {row['title']}"] + [f"    - {item}" for item in details]
    return "\n".join(lines) + "\n"


def portfolio_file(
    path: str | Path, budget: float | None = None, objective: str = "npv"
) -> dict[str, Any]:
    """The best portfolio of the options of the document at ``path`` as plain data."""
    from cleanprod.core.portfolio import choose_portfolio, document_budget

    assessment = read_document(path)
    try:
        balance = balance_assessment(assessment)
    except ReconciliationError as error:
        raise ReconciliationError(f"{path}: {error}") from None
    costs = material_flow_costs(assessment, balance, standard_deviations=False)
    emissions = flow_emissions(assessment, balance)
    rows = options_feasibility(assessment, balance, costs, emissions, draws=1000)
    if budget is None:
        budget = document_budget(assessment)  # the document's own, if it sets one
    result = choose_portfolio(assessment, rows, budget=budget, objective=objective)
    return {
        "objective": result.objective,
        "budget": result.budget,
        "currency": result.currency,
        "chosen": list(result.chosen),
        "investment": result.investment,
        "npv": result.npv,
        "co2e_t_per_year": result.co2e_t_per_year,
        "water_m3_per_year": result.water_m3_per_year,
        "status": result.status,
    }


def portfolio_text(data: dict[str, Any], source: str | Path | None = None) -> str:
    """The chosen portfolio in a few lines."""
    budget = "no budget limit" if data["budget"] is None else f"budget {_amount(data['budget'])}"
    lines = [
        f"Best portfolio of {source}" if source else "Best portfolio",
        f"  maximising {data['objective']}, {budget} {data['currency']}",
        f"  chosen: {', '.join(data['chosen']) or 'none'}",
        f"  investment {_amount(data['investment'])} {data['currency']}, NPV "
        f"{_amount(data['npv'])} {data['currency']}, {data['co2e_t_per_year']:.1f} t CO2e and "
        f"{data['water_m3_per_year']:,.0f} m3 of water saved a year",
        "  options on one flow are counted in sequence, never twice",
    ]
    return "\n".join(lines) + "\n"
