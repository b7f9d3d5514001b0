"""Feasibility of the CP options of an assessment: savings from the balance, money, risk.

An option saves money, resources and CO₂e in one of two ways, or both:

- through its **effects** on the flows of the balance (``reduces flow X by 20 %``, or by a
  quantity a year). A change of a priced input saves its price; a change of a loss saves what
  the loss costs that does not stay when the loss is gone — the purchase value of the material
  lost, the energy it absorbed and its waste management (material flow cost accounting,
  :mod:`cleanprod.core.costing`), not the system cost (labour and depreciation stay); a change
  of a flow with a ``fuel`` saves its CO₂e (:mod:`cleanprod.core.emissions`). A change of an
  internal flow saves nothing by itself: the effect belongs on the input or loss it changes.
  The balance's standard deviation of the flow carries over to the saving;
- through ``annual_savings`` given directly.

Savings are for a year: those worked out from the balance are scaled from the assessment's
period to 365.25 days. Less any extra operating cost, they are the net yearly saving that
:mod:`cleanprod.core.finance` turns into NPV, IRR, paybacks, a benefit–cost ratio, a
levelised cost of the water or energy saved, a ±20 % sensitivity table and a Monte Carlo
risk analysis (the saving's and the investment's uncertainties).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cleanprod.core import finance
from cleanprod.core.balance.assess import AssessmentBalance
from cleanprod.core.costing import LOSS_KINDS, MfcaResult, unit_cost
from cleanprod.core.emissions import EmissionsResult, fuel_of_store
from cleanprod.core.messages import Message, join_words, kind_word, layer_word
from cleanprod.core.verification import verified_saving
from cleanprod.model.assessment import Assessment, Option
from cleanprod.units import conversion_factor

#: Days of the mean Gregorian year.
YEAR_DAYS = 365.25
#: Horizon of the payback probability [a].
PAYBACK_HORIZON = 3.0


@dataclass(frozen=True)
class ResourceSaving:
    """What an option saves of one flow a year, in the flow's reporting unit (< 0: less)."""

    flow: str
    layer: str
    change: float
    change_sd: float
    unit: str
    money: float
    co2e: float


@dataclass(frozen=True)
class OptionFeasibility:
    """The feasibility of one option (money in ``currency``, a year unless said)."""

    option: str
    title: str
    status: str
    practice: str | None
    currency: str
    investment: float
    extra_cost: float
    annual_savings: float
    annual_savings_sd: float
    co2e_t_per_year: float
    resources: tuple[ResourceSaving, ...]
    appraisal: finance.Appraisal | None
    levelised_cost: dict[str, float] = field(default_factory=dict)
    tornado: tuple[tuple[str, float, float], ...] = ()
    risk: dict[str, float] = field(default_factory=dict)
    verified: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _money(assessment: Assessment, money: Any) -> float:
    return 0.0 if money is None else assessment.to_enterprise_currency(money)


def option_savings(
    assessment: Assessment,
    option: Option,
    balance: AssessmentBalance,
    costs: MfcaResult,
    emissions: EmissionsResult,
) -> tuple[list[ResourceSaving], float, float, float, list[str]]:
    """Resources, money [enterprise currency/a] ± sd and CO₂e [kg/a] an option saves through
    its effects on the balance, and notes on what could not be valued."""
    year = YEAR_DAYS / assessment.period.days
    flows = {flow.id: flow for flow in assessment.flows}
    co2e_per_unit = _co2e_per_unit(assessment, emissions)
    savings: list[ResourceSaving] = []
    notes: list[str] = []
    money_total, variance, co2e_total = 0.0, 0.0, 0.0
    for effect in option.effects:
        flow = flows[effect.flow]
        value, sd = balance.flow_value(flow.id)
        canonical = assessment.layer_unit(flow.layer)
        if effect.relative is not None:
            if not math.isfinite(value):
                notes.append(
                    Message(
                        "{flow}: the balance cannot estimate it, so {change} of it cannot be "
                        "valued; give the change as a quantity",
                        flow=flow.id,
                        change=effect.change,
                    )
                )
                continue
            change = effect.relative * value * year
            change_sd = abs(effect.relative) * sd * year
        else:
            quantity = effect.absolute
            change = quantity.magnitude * conversion_factor(quantity.unit, canonical)
            change_sd = 0.0
        if flow.kind == "input" and flow.price is not None:
            per_unit = unit_cost(assessment, flow)
        elif flow.kind in LOSS_KINDS and math.isfinite(value) and value > 0:
            split = costs.flow_costs[flow.id]
            per_unit = (split.material + split.energy + split.waste_management) / value
        else:
            per_unit = 0.0
            if flow.kind == "input":
                notes.append(
                    Message(
                        "{flow}: it has no price, so saving it saves no money here; give the "
                        "flow a price (pumping, treatment) to value it",
                        flow=flow.id,
                    )
                )
            elif flow.kind not in LOSS_KINDS:
                notes.append(
                    Message(
                        "{flow}: a change of a {kind} flow saves no money by itself; put the "
                        "effect on the input or the loss it changes",
                        flow=flow.id,
                        kind=kind_word(flow.kind),
                    )
                )
        money = -change * per_unit
        co2e = -change * co2e_per_unit.get(flow.id, 0.0)
        money_total += money
        variance += (change_sd * per_unit) ** 2
        co2e_total += co2e
        network = balance.network_of(flow.layer).network
        factor = network.layer_factor(flow.layer)
        savings.append(
            ResourceSaving(
                flow=flow.id,
                layer=flow.layer,
                change=change * factor,
                change_sd=change_sd * factor,
                unit=network.reporting_units[flow.layer],
                money=money,
                co2e=co2e,
            )
        )
    return savings, money_total, math.sqrt(variance), co2e_total, notes


def _co2e_per_unit(assessment: Assessment, emissions: EmissionsResult) -> dict[str, float]:
    """CO₂e [kg] per canonical unit of each flow with a fuel — and of a purchase that feeds a
    store of one fuel (:func:`cleanprod.core.emissions.fuel_of_store`), so that saving the
    fuel bought saves its emissions too."""
    per_unit = {
        entry.flow: entry.co2e / entry.quantity for entry in emissions.flows if entry.quantity > 0
    }
    for flow in assessment.flows:
        if flow.id in per_unit or fuel_of_store(assessment, flow) is None:
            continue
        factors = {
            per_unit.get(other.id)
            for other in assessment.flows
            if other.from_process == flow.to_process and other.layer == flow.layer
        }
        if len(factors) == 1 and None not in factors:
            per_unit[flow.id] = factors.pop()
    return per_unit


def finance_settings(assessment: Assessment) -> tuple[float | None, float, str, float]:
    """The document's discount rate [fraction/a] (``None`` when not given), escalation
    [fraction/a], the results' currency, and the factor from the enterprise currency to it."""
    settings = assessment.finance
    rate = settings.discount_rate.value / 100.0 if settings and settings.discount_rate else None
    escalation = settings.escalation.value / 100.0 if settings and settings.escalation else 0.0
    currency = (settings.currency if settings and settings.currency else None) or (
        assessment.enterprise.currency
    )
    to_currency = (
        1.0
        if currency == assessment.enterprise.currency
        else 1.0 / assessment.exchange_rates[currency]
    )
    return rate, escalation, currency, to_currency


def risk_inputs(
    assessment: Assessment, rows: list[OptionFeasibility]
) -> tuple[list[OptionFeasibility], dict[str, Any]]:
    """The options a Monte Carlo can weigh (those with a lifetime, when the document has a
    discount rate) and the arguments of :func:`cleanprod.core.finance.monte_carlo` for them,
    money in the rows' currency; no options when there is no rate."""
    rate, escalation, _, to_currency = finance_settings(assessment)
    options = {option.id: option for option in assessment.options}
    chosen = [row for row in rows if options[row.option].lifetime_years is not None]
    if rate is None or not chosen:
        return [], {}
    investment = np.array([row.investment for row in chosen])
    relative = np.array(
        [
            options[row.option].investment_uncertainty.value / 100.0
            if options[row.option].investment_uncertainty
            else 0.0
            for row in chosen
        ]
    )
    arguments = {
        "investment": investment,
        "investment_sd": relative * investment,
        "savings": np.array([row.annual_savings for row in chosen]),
        "savings_sd": np.array([row.annual_savings_sd for row in chosen]),
        "extra_cost": np.array([row.extra_cost for row in chosen]),
        "years": np.array([options[row.option].lifetime_years for row in chosen]),
        "rate": rate,
        "escalation": escalation,
        "salvage": np.array(
            [_money(assessment, options[row.option].salvage_value) * to_currency for row in chosen]
        ),
    }
    return chosen, arguments


def options_feasibility(
    assessment: Assessment,
    balance: AssessmentBalance,
    costs: MfcaResult,
    emissions: EmissionsResult,
    draws: int = 10_000,
    payback_horizon: float = PAYBACK_HORIZON,
) -> list[OptionFeasibility]:
    """The feasibility of every option of ``assessment``, in the order of the document.

    Money is in ``finance.currency`` when the document sets one, else in the enterprise
    currency. NPV, IRR, discounted payback, the sensitivity table and the risk analysis need
    a lifetime and ``finance.discount_rate``; without them they are left out with a note.
    """
    rate, escalation, currency, to_currency = finance_settings(assessment)
    rows = []
    for option in assessment.options:
        resources, from_balance, balance_sd, co2e, notes = option_savings(
            assessment, option, balance, costs, emissions
        )
        given = _money(assessment, option.annual_savings)
        savings = from_balance + given
        relative = option.savings_uncertainty.value / 100.0 if option.savings_uncertainty else 0.0
        savings_sd = math.hypot(balance_sd, relative * savings)
        investment = _money(assessment, option.investment)
        extra_cost = _money(assessment, option.operating_cost_change)
        salvage = _money(assessment, option.salvage_value)
        years = option.lifetime_years
        appraisal = None
        tornado: tuple = ()
        levelised: dict[str, float] = {}
        if years is not None and rate is not None:
            appraisal = finance.appraise(
                investment, savings, extra_cost, years, rate, escalation, salvage
            )
            tornado = tuple(
                finance.tornado(investment, savings, extra_cost, years, rate, escalation, salvage)
            )
            for resource in resources:
                if resource.layer in ("water", "energy") and resource.change < 0:
                    cost = finance.levelised_cost(
                        investment, extra_cost, years, rate, -resource.change
                    )
                    if cost is not None:
                        what = Message.wordless(
                            "{layer} ({unit})", layer=layer_word(resource.layer), unit=resource.unit
                        )
                        levelised[what] = cost * to_currency
        else:
            missing = [
                what
                for what, absent in (
                    (Message("a lifetime"), years is None),
                    (Message("a discount rate"), rate is None),
                )
                if absent
            ]
            payback = float(finance.simple_payback(investment, savings - extra_cost))
            notes.append(
                Message(
                    "no NPV, IRR or risk analysis without {missing} (give the option's "
                    "'lifetime' and '{setting}')",
                    missing=join_words(missing),
                    setting="finance: {discount_rate: ...}",
                )
            )
            appraisal = finance.Appraisal(
                npv=math.nan,
                irr=None,
                simple_payback_years=payback if math.isfinite(payback) else None,
                discounted_payback_years=None,
                benefit_cost_ratio=None,
            )
        if savings == 0 and not option.effects and option.annual_savings is None:
            notes.append(
                Message("no savings given: add its effects on the flows or 'annual_savings'")
            )
        verified = _verified(assessment, option, to_currency) if option.monitoring else {}
        rows.append(
            OptionFeasibility(
                option=option.id,
                title=option.title,
                status=option.status,
                practice=option.practice,
                currency=currency,
                investment=investment * to_currency,
                extra_cost=extra_cost * to_currency,
                annual_savings=savings * to_currency,
                annual_savings_sd=savings_sd * to_currency,
                co2e_t_per_year=co2e / 1000.0,
                resources=tuple(resources),
                appraisal=_converted(appraisal, to_currency),
                levelised_cost=levelised,
                tornado=tuple(
                    (name, low * to_currency, high * to_currency) for name, low, high in tornado
                ),
                verified=verified,
                notes=tuple(notes),
            )
        )
    _risk(assessment, rows, draws, payback_horizon)
    return rows


def _verified(assessment: Assessment, option: Option, to_currency: float) -> dict[str, Any]:
    """The verified saving of an option's monitoring, valued at its flow's price if any."""
    result = verified_saving(option.monitoring)
    data: dict[str, Any] = {
        "resource": result.resource,
        "saving": result.saving,
        "sd": result.sd,
        "low": result.low,
        "high": result.high,
        "unit": result.unit,
        "significant": result.significant,
        "fraction": result.fraction,
        "r_squared": result.r_squared,
        "cv_rmse": result.cv_rmse,
        "model_acceptable": result.model_acceptable,
        "baseline_periods": result.baseline_periods,
        "reporting_periods": result.reporting_periods,
        "money": None,
    }
    flow_id = option.monitoring.flow
    if flow_id is not None:
        flow = assessment.flow(flow_id)
        if flow.price is not None:
            canonical = assessment.layer_unit(flow.layer)
            amount = result.saving * conversion_factor(result.unit, canonical)
            data["money"] = amount * unit_cost(assessment, flow) * to_currency
    return data


def _converted(appraisal: finance.Appraisal, factor: float) -> finance.Appraisal:
    return finance.Appraisal(
        npv=appraisal.npv * factor,
        irr=appraisal.irr,
        simple_payback_years=appraisal.simple_payback_years,
        discounted_payback_years=appraisal.discounted_payback_years,
        benefit_cost_ratio=appraisal.benefit_cost_ratio,
    )


def _risk(
    assessment: Assessment, rows: list[OptionFeasibility], draws: int, horizon: float
) -> None:
    """Monte Carlo of every option with a lifetime, in one vectorised run."""
    chosen, arguments = risk_inputs(assessment, rows)
    if not chosen:
        return
    result = finance.monte_carlo(**arguments, payback_years=horizon, draws=draws)
    for position, row in enumerate(chosen):
        row.risk.update(
            {
                "p_npv_positive": float(result.p_npv_positive[position]),
                "p_payback_within": float(result.p_payback_within[position]),
                "payback_horizon_years": horizon,
                "npv_p10": float(result.npv_p10[position]),
                "npv_p50": float(result.npv_p50[position]),
                "npv_p90": float(result.npv_p90[position]),
                "draws": result.draws,
            }
        )


def feasibility_as_dict(rows: list[OptionFeasibility]) -> dict[str, Any]:
    """The shape of ``cleanprod options --json``."""

    def number(value: float | None) -> float | None:
        return None if value is None or not math.isfinite(value) else float(value)

    options = {}
    for row in rows:
        appraisal = row.appraisal
        options[row.option] = {
            "title": row.title,
            "status": row.status,
            "practice": row.practice,
            "currency": row.currency,
            "npv": number(appraisal.npv),
            "irr": number(appraisal.irr),
            "simple_payback_years": number(appraisal.simple_payback_years),
            "discounted_payback_years": number(appraisal.discounted_payback_years),
            "benefit_cost_ratio": number(appraisal.benefit_cost_ratio),
            "annual_savings": row.annual_savings,
            "annual_savings_sd": row.annual_savings_sd,
            "investment": row.investment,
            "operating_cost_change": row.extra_cost,
            "co2e_t_per_year": row.co2e_t_per_year,
            "p_npv_positive": number(row.risk.get("p_npv_positive")),
            "p_payback_within": number(row.risk.get("p_payback_within")),
            "risk": row.risk,
            "levelised_cost": row.levelised_cost,
            "resources": {
                saving.flow: {
                    "change": saving.change,
                    "change_sd": saving.change_sd,
                    "unit": saving.unit,
                    "money": saving.money,
                    "co2e_kg": saving.co2e,
                }
                for saving in row.resources
            },
            "tornado": [
                {"input": name, "npv_low": low, "npv_high": high} for name, low, high in row.tornado
            ],
            "verified": row.verified or None,
            "notes": list(row.notes),
        }
    return {"options": options}
