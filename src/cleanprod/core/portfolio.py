"""The best portfolio of CP options under a budget: an exact mixed-integer programme.

Choose options to maximise the total NPV (or the CO₂e or water saved a year) with their
investment within a budget, never two options that exclude each other, and an option only
with those it depends on. Options that act on the same flow do not add up: each takes its
share of what the flow has left after the options before it (in the order of the document),
so two options each cutting the water by 20 % save 36 %, not 40 %.

Such interactions make the value of a set of options more than the sum of its parts, so the
options that share a flow form a *group*, and every subset of a group is one binary variable
with its exact value; one subset is chosen per group. Options sharing nothing are groups of
one. The programme is solved exactly by HiGHS (``scipy.optimize.milp``).

References
----------
Huangfu, Q., Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
Mathematical Programming Computation 10, 119–142 (HiGHS).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from cleanprod.core import finance
from cleanprod.core.feasibility import OptionFeasibility, finance_settings
from cleanprod.errors import CleanprodError
from cleanprod.model.assessment import Assessment

OBJECTIVES = ("npv", "co2e", "water")
#: Most options in one group of options sharing flows (2^n subsets are enumerated).
MAX_GROUP = 12


class PortfolioError(CleanprodError):
    """The portfolio cannot be chosen (an unknown objective, a group too large, no rate)."""


@dataclass(frozen=True)
class PortfolioResult:
    """The chosen options and what they give together."""

    objective: str
    budget: float | None
    chosen: tuple[str, ...]
    investment: float
    npv: float
    co2e_t_per_year: float
    water_m3_per_year: float
    value: float
    currency: str
    status: str


def _remaining_effects(assessment: Assessment, subset: tuple[str, ...]) -> dict[str, float]:
    """For each option of ``subset``, the factor on its relative effects (by flow) after
    the options before it in the document; returned as {(option, flow): factor}."""
    order = [option.id for option in assessment.options if option.id in subset]
    remaining: dict[str, float] = {}
    factors = {}
    options = {option.id: option for option in assessment.options}
    for option_id in order:
        for effect in options[option_id].effects:
            left = remaining.get(effect.flow, 1.0)
            factors[(option_id, effect.flow)] = left
            if effect.relative is not None:
                remaining[effect.flow] = left * (1.0 + effect.relative)
    return factors


def _subset_figures(
    assessment: Assessment,
    rows: dict[str, OptionFeasibility],
    subset: tuple[str, ...],
    rate: float,
    escalation: float,
) -> tuple[float, float, float, float]:
    """Investment, NPV, CO₂e [t/a] and water [m3/a] of a set of options applied together."""
    options = {option.id: option for option in assessment.options}
    factors = _remaining_effects(assessment, subset)
    investment = npv = co2e = water = 0.0
    for option_id in subset:
        row, option = rows[option_id], options[option_id]
        savings = row.annual_savings
        option_co2e = row.co2e_t_per_year
        for resource in row.resources:
            factor = factors.get((option_id, resource.flow), 1.0)
            savings -= resource.money * (1.0 - factor)
            option_co2e -= resource.co2e / 1000.0 * (1.0 - factor)
            if resource.layer == "water" and resource.unit and resource.change < 0:
                water -= resource.change * factor
        years = option.lifetime_years or 1.0
        investment += row.investment
        npv += float(
            finance.net_present_value(
                row.investment, savings - row.extra_cost, years, rate, escalation
            )
        )
        co2e += option_co2e
    return investment, npv, co2e, water


def choose_portfolio(
    assessment: Assessment,
    rows: list[OptionFeasibility],
    budget: float | None = None,
    objective: str = "npv",
    candidates: tuple[str, ...] | None = None,
) -> PortfolioResult:
    """The best set of options of ``assessment`` (see the module's description).

    Parameters
    ----------
    rows
        Their feasibility (:func:`cleanprod.core.feasibility.options_feasibility`).
    budget
        Most total investment [the rows' currency]; no limit when ``None``.
    objective
        ``npv`` (total NPV), ``co2e`` (t CO₂e saved a year) or ``water`` (m3 saved a year).
    candidates
        Options that may be chosen; by default every option not rejected or implemented.
    """
    if objective not in OBJECTIVES:
        raise PortfolioError(f"unknown objective '{objective}'; choose {', '.join(OBJECTIVES)}")
    if budget is not None and not budget >= 0:
        raise PortfolioError(f"a budget is 0 or more, found {budget:g}")
    rate, escalation, _, _ = finance_settings(assessment)
    if rate is None:
        raise PortfolioError("the portfolio needs 'finance: {discount_rate: ...}' in the document")
    by_id = {row.option: row for row in rows}
    options = {option.id: option for option in assessment.options}
    if candidates is None:
        candidates = tuple(
            option.id
            for option in assessment.options
            if option.status not in ("rejected", "implemented") and option.id in by_id
        )
    groups = _groups(assessment, candidates)

    columns: list[tuple[int, tuple[str, ...], tuple[float, float, float, float]]] = []
    for number, group in enumerate(groups):
        if len(group) > MAX_GROUP:
            raise PortfolioError(
                f"{len(group)} options act on the same flows ({', '.join(group)}); at most "
                f"{MAX_GROUP} can be weighed together"
            )
        for size in range(len(group) + 1):
            for subset in itertools.combinations(group, size):
                figures = _subset_figures(assessment, by_id, subset, rate, escalation)
                columns.append((number, subset, figures))

    count = len(columns)
    pick = {"npv": 1, "co2e": 2, "water": 3}[objective]
    cost = -np.array([figures[pick] for _, _, figures in columns])
    constraints = []
    one_per_group = np.zeros((len(groups), count))
    for column, (number, _, _) in enumerate(columns):
        one_per_group[number, column] = 1.0
    constraints.append(LinearConstraint(one_per_group, 1.0, 1.0))
    if budget is not None:
        spend = np.array([[figures[0] for _, _, figures in columns]])
        constraints.append(LinearConstraint(spend, -np.inf, budget))

    def chosen_row(option_id: str) -> np.ndarray:
        return np.array([1.0 if option_id in subset else 0.0 for _, subset, _ in columns])

    for option_id in candidates:
        for other in options[option_id].excludes:
            if other in candidates:
                constraints.append(
                    LinearConstraint([chosen_row(option_id) + chosen_row(other)], -np.inf, 1.0)
                )
        for needed in options[option_id].depends_on:
            row = chosen_row(option_id)
            if needed in candidates:
                row = row - chosen_row(needed)
            constraints.append(LinearConstraint([row], -np.inf, 0.0))
    result = milp(
        cost,
        constraints=constraints,
        integrality=np.ones(count),
        bounds=Bounds(0, 1),
    )
    if not result.success:
        raise PortfolioError(
            "no set of options meets the budget and the options' dependencies; check "
            f"'depends_on' for options that need one that is rejected ({result.message})"
        )
    picked = [columns[column] for column in np.flatnonzero(result.x > 0.5)]
    chosen = tuple(
        option.id for option in assessment.options if any(option.id in s for _, s, _ in picked)
    )
    total = np.sum([figures for _, _, figures in picked], axis=0)
    currency = rows[0].currency if rows else assessment.enterprise.currency
    return PortfolioResult(
        objective=objective,
        budget=budget,
        chosen=chosen,
        investment=float(total[0]),
        npv=float(total[1]),
        co2e_t_per_year=float(total[2]),
        water_m3_per_year=float(total[3]),
        value=float(total[pick]),
        currency=currency,
        status="optimal" if math.isfinite(result.fun) else str(result.message),
    )


def document_budget(assessment: Assessment) -> float | None:
    """``finance.budget`` in the options' results currency (``finance.currency``, else the
    enterprise's); ``None`` when the document sets no budget."""
    settings = assessment.finance
    if settings is None or settings.budget is None:
        return None
    amount = assessment.to_enterprise_currency(settings.budget)
    results = settings.currency or assessment.enterprise.currency
    if results != assessment.enterprise.currency:
        amount /= assessment.exchange_rates[results]
    return amount


def _groups(assessment: Assessment, candidates: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Candidates joined when they act on a common flow, in the order of the document."""
    parent = {option_id: option_id for option_id in candidates}

    def root(option_id: str) -> str:
        while parent[option_id] != option_id:
            option_id = parent[option_id]
        return option_id

    by_flow: dict[str, str] = {}
    for option in assessment.options:
        if option.id not in parent:
            continue
        for effect in option.effects:
            if effect.flow in by_flow:
                parent[root(option.id)] = root(by_flow[effect.flow])
            else:
                by_flow[effect.flow] = option.id
    groups: dict[str, list[str]] = {}
    for option in assessment.options:
        if option.id in parent:
            groups.setdefault(root(option.id), []).append(option.id)
    return [tuple(group) for group in groups.values()]
