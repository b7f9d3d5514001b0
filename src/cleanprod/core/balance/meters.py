"""Meter advice: where one new measurement would teach the most about losses and costs.

The covariance of a linear(ised) reconciliation depends only on the structure of the balance
and the standard deviations of the measurements, not on the measured values (Narasimhan &
Jordache 2000, §3.3). So the effect of a meter can be known before it is installed: turn an
unknown flow into a measured one (or tighten a measured one) with the meter's σ and compute
the covariance again. Bilinear balances (concentrations, uncertain ratios) are linearised at the
reconciled values; bounds are left out, so every candidate is compared on the same footing.

**The objective.** Candidates — every flow of every network of the assessment — are ranked

1. by how many flows the balance cannot estimate now (unobservable) a meter makes observable,
   the metered flow itself included; then
2. by the **score**: the share of the uncertainty of the losses and costs it removes. Two
   sums of squared standard deviations measure that uncertainty, over the flows the balance
   determines now:

   - in money, every flow with a price (``Flow.price``, converted with
     ``Assessment.to_enterprise_currency``): ``Σ (price × σ)²`` — what is paid for, and any
     loss that has a price of its own;
   - relative to the layer, every loss (kind ``loss``, ``emission`` or ``by-product``) without
     a price: ``Σ (σ / T)²``, with ``T`` the throughput of its layer (the sum of the flows
     entering the system in that layer), so that losses in tonnes, m3 and kWh compare.

   Each sum, taken over the whole assessment, is scaled to 1 before any meter; the score is
   how much of the two a meter removes (so at most 2).

A loss is not valued at the price of the inputs it came from: a mass-average value would give
the flue gas of a furnace (mostly free combustion air) the price of the steel, and rank a meter
on it first. Valuing losses properly is the work of the material flow cost accounting.

The ``reduction`` reported is the fall, in per cent, of the root of that scaled sum over the
flows of the meter's own network. A flow that becomes observable adds no term (its uncertainty
before is undefined); it counts in the first criterion.

A meter of relative accuracy ``a`` (2 % by default) has ``σ = a × scale``: the scale is the
measured value of a measured flow, the estimate of an observable unknown, and — for a flow the
balance cannot estimate — the mean flow of its layer (the advice says so). A measured flow
whose σ is already at most the meter's is not a candidate.

References
----------
Narasimhan, S., Jordache, C. (2000). *Data Reconciliation and Gross Error Detection*. Gulf
Publishing, Houston. Chapter 3 (observability and redundancy) and chapter 10 (design of
sensor networks: placing measurements for observability and precision).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.linalg

from cleanprod.core.balance.network import FLOW, BalanceNetwork, build_networks
from cleanprod.core.balance.problem import (
    NON_REDUNDANT,
    OBSERVABLE,
    REDUNDANT,
    UNOBSERVABLE,
    BalanceProblem,
    Reconciliation,
)
from cleanprod.core.balance.reconcile import reconcile
from cleanprod.core.balance.wording import join_words, lower_first, money, quantity
from cleanprod.core.messages import Message, layer_word, sentences
from cleanprod.errors import CleanprodError
from cleanprod.model.assessment import Assessment
from cleanprod.model.quantities import Money
from cleanprod.units import UnitError, conversion_factor

if TYPE_CHECKING:
    from cleanprod.core.balance.assess import AssessmentBalance

#: Kinds of flow whose uncertainty the advice tries to reduce.
LOSS_KINDS = ("loss", "emission", "by-product")

#: Default relative standard deviation of a new meter.
DEFAULT_ACCURACY = 0.02


@dataclass(frozen=True)
class MeterAdvice:
    """One place for a new meter, and what it would bring.

    Values are in the layer's reporting unit ``unit``.

    Attributes
    ----------
    flow, name, layer, unit : str
        The flow to meter.
    status : str
        Its status now: ``redundant``, ``non-redundant``, ``observable`` or ``unobservable``.
    value, sd : float or None
        Its value now (measured, reconciled or estimated) and σ; ``None`` when unobservable.
    meter_sd : float
        The σ of the meter suggested.
    scale_from : str
        What the meter's relative accuracy was applied to: ``value`` (the measured value),
        ``estimate`` (the balance's estimate) or ``layer mean`` (the mean flow of its layer,
        for a flow the balance cannot estimate).
    scale : float
        That value.
    newly_observable : tuple of str
        Ids of the flows the balance cannot estimate now and could with this meter.
    reduction : float
        Fall of the uncertainty of the losses and costs of the meter's network [%].
    score : float
        Share of the uncertainty of the losses and costs removed (see the module's docstring).
    money : float or None
        Fall of the money part of that uncertainty, in the enterprise currency (the root of
        ``Σ (price × σ)²`` over the priced flows of the network); ``None`` when it has none.
    currency : str
        The enterprise currency.
    reason : str
        A sentence saying why: English text that a report translates
        (:class:`~cleanprod.core.messages.Message`).
    """

    flow: str
    name: str
    layer: str
    unit: str
    status: str
    value: float | None
    sd: float | None
    meter_sd: float
    scale_from: str
    scale: float
    newly_observable: tuple[str, ...]
    reduction: float
    score: float
    money: float | None
    currency: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        data: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            elif isinstance(value, tuple):
                value = list(value)
            data[name] = value
        return data


@dataclass(frozen=True)
class Uncertainty:
    """σ and status of every variable of a linear(ised) balance, without the values.

    ``sd`` is NaN for an unobservable variable [canonical units]; ``status`` one of
    ``redundant``, ``non-redundant``, ``observable``, ``unobservable`` per variable.
    """

    sd: np.ndarray
    status: tuple[str, ...]


@dataclass(frozen=True)
class MeterEffect:
    """σ and status of every variable of a network before and after one more measurement."""

    before: Uncertainty
    after: Uncertainty


def uncertainty(jacobian: np.ndarray, measured_sd: np.ndarray) -> Uncertainty:
    """σ and status of every variable of the linear balance ``jacobian @ v = const``.

    Parameters
    ----------
    jacobian : ndarray, shape (m, n)
        The equations (linearised at a point for a bilinear balance).
    measured_sd : ndarray, shape (n,)
        σ of each measurement [canonical units]; NaN for an unknown, 0 for an exact value.

    Notes
    -----
    The same algebra as :func:`cleanprod.core.balance.reconcile.reconcile` — projection onto
    the left null space of the unknowns' columns (Crowe et al. 1983), ``Q̂ = Q − Q Bᵀ (B Q
    Bᵀ)⁻¹ B Q`` for the measurements, ``ŷ = −J_y⁺ J_x x̂`` for the unknowns — with the null
    space of ``J_y`` taken from the full SVD, so that an unknown of a balance with more
    unknowns than equations is classified correctly.
    """
    m, n = jacobian.shape
    measured = np.isfinite(measured_sd)
    free = np.flatnonzero(measured & (measured_sd > 0))
    unknown = np.flatnonzero(~measured)
    tolerance = 1e-9

    if unknown.size:
        left, singular, right = scipy.linalg.svd(jacobian[:, unknown], full_matrices=True)
        rank = int(np.sum(singular > tolerance * max(singular[0] if singular.size else 0, 1)))
        projection = left[:, rank:].T
        null = right[rank:].T
        pseudo_inverse = (right[:rank].T / singular[:rank]) @ left[:, :rank].T
    else:
        projection = np.eye(m)
        null = np.zeros((0, 0))
        pseudo_inverse = np.zeros((0, m))
    projected = projection @ jacobian
    scale = max(np.abs(projected).max(initial=0.0), 1.0)
    redundant = np.abs(projected).max(axis=0, initial=0.0) > tolerance * scale

    variance = measured_sd[free] ** 2
    rows = projected[:, free]
    if rows.size:
        _, singular, right = scipy.linalg.svd(rows, full_matrices=False)
        rank = int(np.sum(singular > tolerance * max(singular[0] if singular.size else 0, 1)))
        rows = singular[:rank, None] * right[:rank]
    covariance = np.diag(variance)
    if rows.shape[0]:
        weighted = rows * variance  # B Q
        gain = np.linalg.solve(weighted @ rows.T, weighted).T  # Q Bᵀ (B Q Bᵀ)⁻¹
        covariance = covariance - gain @ weighted

    sd = np.full(n, np.nan)
    sd[measured] = 0.0
    sd[free] = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    observable = np.zeros(n, dtype=bool)
    if unknown.size:
        weight = np.abs(null).max(axis=1, initial=0.0) if null.size else np.zeros(unknown.size)
        observable[unknown] = weight <= 1e-7
        sensitivity = -pseudo_inverse @ jacobian[:, free]
        spread = np.einsum("ij,jk,ik->i", sensitivity, covariance, sensitivity)
        seen = unknown[observable[unknown]]
        sd[seen] = np.sqrt(np.clip(spread[observable[unknown]], 0.0, None))
    status = np.where(
        measured,
        np.where(redundant, REDUNDANT, NON_REDUNDANT),
        np.where(observable, OBSERVABLE, UNOBSERVABLE),
    )
    return Uncertainty(sd, tuple(str(item) for item in status))


def meter_effect(
    network: BalanceNetwork, reconciliation: Reconciliation, variable: int, sd: float
) -> MeterEffect:
    """σ of every variable of ``network`` now and with a meter of σ ``sd`` [canonical unit]
    on variable ``variable``, linearised at the reconciled values."""
    problem = network.problem
    jacobian = problem.jacobian(_fill(problem, reconciliation.value)).toarray()
    return MeterEffect(
        uncertainty(jacobian, problem.measured_sd),
        uncertainty(jacobian, _with_meter(problem.measured_sd, variable, sd)),
    )


def _with_meter(measured_sd: np.ndarray, variable: int, sd: float) -> np.ndarray:
    """The measurements' σ with one more meter (or a better one) on ``variable``."""
    spread = measured_sd.copy()
    spread[variable] = sd if not np.isfinite(spread[variable]) else min(spread[variable], sd)
    return spread


def _fill(problem: BalanceProblem, point: np.ndarray) -> np.ndarray:
    """``point`` with NaN replaced by the measured value, else 1 (a bilinear term must not be
    linearised at zero)."""
    point = np.asarray(point, dtype=float)
    filled = np.where(np.isfinite(point), point, problem.measured_value)
    return np.where(np.isfinite(filled), filled, 1.0)


# --------------------------------------------------------------------------------------------
# The advice


@dataclass(frozen=True)
class _Losses:
    """The losses of one network: variable indices, weights and whether each is in money."""

    index: np.ndarray
    weight: np.ndarray
    priced: np.ndarray

    def spread(self, sd: np.ndarray) -> tuple[float, float]:
        """``(Σ (price σ)², Σ (σ/T)²)`` over the priced and the other losses (an unobservable
        σ counts as 0)."""
        terms = (self.weight * np.nan_to_num(sd[self.index])) ** 2
        return float(terms[self.priced].sum()), float(terms[~self.priced].sum())


#: Most variables of a balance whose meters are weighed (the covariance is dense).
MAX_VARIABLES = 2000


class MeterAdviceError(CleanprodError):
    """Meter advice cannot be given for this balance (it is too large)."""


def suggest_meters(
    assessment: Assessment,
    balance: AssessmentBalance | None = None,
    count: int | None = None,
    relative_accuracy: float = DEFAULT_ACCURACY,
) -> tuple[MeterAdvice, ...]:
    """The flows where one new meter would most reduce the uncertainty of losses and costs.

    Parameters
    ----------
    assessment : Assessment
        A validated document.
    balance : AssessmentBalance, optional
        Its balance (:func:`cleanprod.core.balance.assess.balance_assessment`); the networks
        are built and reconciled when not given.
    count : int, optional
        How many to return; all that would make a difference when ``None``.
    relative_accuracy : float
        Relative standard deviation of the meter [-], 0.02 for ±2 %.

    Returns
    -------
    tuple of MeterAdvice
        Most useful first (see the module's docstring for the objective). Meters that would
        change nothing are left out.
    """
    if not relative_accuracy > 0:
        raise ValueError(f"relative_accuracy must be positive, got {relative_accuracy}")
    for network in (item.network for item in balance.networks) if balance else ():
        if network.problem.n_variables > MAX_VARIABLES:
            raise MeterAdviceError(
                f"meter advice weighs every flow against every other, which a balance of "
                f"{network.problem.n_variables} variables ({', '.join(network.layers)}) is too "
                f"large for (at most {MAX_VARIABLES}); ask for it on a part of the plant"
            )
    if balance is not None:
        pairs = [(item.network, item.reconciliation) for item in balance.networks]
    else:
        pairs = [(network, reconcile(network.problem)) for network in build_networks(assessment)]

    prepared = []
    money_pool, share_pool = 0.0, 0.0
    for network, result in pairs:
        problem = network.problem
        base = problem.jacobian(_fill(problem, result.value)).toarray()
        before = uncertainty(base, problem.measured_sd)
        losses = _losses(assessment, network, result, before)
        money, share = losses.spread(before.sd)
        money_pool, share_pool = money_pool + money, share_pool + share
        prepared.append((network, result, base, before, losses))

    advice = []
    for network, result, base, before, losses in prepared:
        context = _Context(network, result, base, before, losses, money_pool, share_pool)
        for index, variable in enumerate(network.variables):
            if variable.kind == FLOW:
                item = _advise(assessment, context, index, relative_accuracy)
                if item is not None:
                    advice.append(item)
    advice.sort(key=lambda item: (-len(item.newly_observable), -item.score, item.flow))
    return tuple(advice if count is None else advice[:count])


@dataclass(frozen=True)
class _Context:
    """One network with what the advice needs of it."""

    network: BalanceNetwork
    result: Reconciliation
    base: np.ndarray  # the Jacobian at the reconciled values
    before: Uncertainty
    losses: _Losses
    money_pool: float
    share_pool: float

    def scaled(self, sd: np.ndarray) -> tuple[float, float]:
        """The network's losses as a share of each pool, and their money spread."""
        money, share = self.losses.spread(sd)
        total = 0.0
        if self.money_pool > 0:
            total += money / self.money_pool
        if self.share_pool > 0:
            total += share / self.share_pool
        return total, money


def _losses(
    assessment: Assessment,
    network: BalanceNetwork,
    result: Reconciliation,
    before: Uncertainty,
) -> _Losses:
    value = _fill(network.problem, result.value)
    index, weight, priced = [], [], []
    for layer in network.layers:
        flows = [
            (position, assessment.flow(variable.id))
            for position, variable in enumerate(network.variables)
            if variable.kind == FLOW and variable.layer == layer
        ]
        throughput = _throughput(value, flows)
        for position, flow in flows:
            if not np.isfinite(before.sd[position]):
                continue
            price = _unit_price(assessment, flow, network.canonical_units[layer])
            if flow.kind not in LOSS_KINDS and price is None:
                continue
            if price is not None:
                index.append(position)
                weight.append(price)
                priced.append(True)
            elif throughput > 0:
                index.append(position)
                weight.append(1.0 / throughput)
                priced.append(False)
    return _Losses(
        np.array(index, dtype=np.int64), np.array(weight, dtype=float), np.array(priced, bool)
    )


def _unit_price(assessment: Assessment, flow: Any, canonical: str) -> float | None:
    """A flow's price in the enterprise currency per canonical unit of its layer."""
    price = flow.price
    if price is None:
        return None
    try:
        amount = assessment.to_enterprise_currency(Money(price.amount, price.currency))
        return amount / conversion_factor(price.unit, canonical)
    except (UnitError, KeyError):
        return None


def _throughput(value: np.ndarray, flows: list[tuple[int, Any]]) -> float:
    """What flows through a layer: the sum of the flows entering the system, else of those
    leaving it."""
    inputs = sum(abs(value[index]) for index, flow in flows if flow.from_process is None)
    if inputs > 0:
        return float(inputs)
    return float(sum(abs(value[index]) for index, flow in flows if flow.to_process is None))


def _advise(
    assessment: Assessment, context: _Context, index: int, accuracy: float
) -> MeterAdvice | None:
    network, result, before = context.network, context.result, context.before
    problem = network.problem
    variable = network.variables[index]
    status = before.status[index]
    measured = bool(problem.is_measured[index])
    if measured:
        scale, scale_from = abs(problem.measured_value[index]), "value"
    elif status == OBSERVABLE and np.isfinite(result.value[index]):
        scale, scale_from = abs(result.value[index]), "estimate"
    else:
        scale, scale_from = 0.0, "layer mean"
    if not scale > 0:
        scale, scale_from = _layer_mean(context, variable.layer), "layer mean"
    meter_sd = accuracy * scale
    if not meter_sd > 0:
        return None
    if measured and not meter_sd < problem.measured_sd[index]:
        return None  # already as good as the meter

    after = uncertainty(context.base, _with_meter(problem.measured_sd, index, meter_sd))
    newly = tuple(
        network.variables[other].id
        for other, (old, new) in enumerate(zip(before.status, after.status, strict=True))
        if network.variables[other].kind == FLOW and old == UNOBSERVABLE and new != UNOBSERVABLE
    )
    was, money_was = context.scaled(before.sd)
    now, money_now = context.scaled(after.sd)
    score = was - now
    if not newly and score <= 1e-9:
        return None
    reduction = 100.0 * (1.0 - math.sqrt(max(now, 0.0) / was)) if was > 0 else 0.0
    money = math.sqrt(money_was) - math.sqrt(money_now) if money_was > 0 else None

    factor = network.reporting_factor(variable)
    determined = status != UNOBSERVABLE
    advice = MeterAdvice(
        flow=variable.id,
        name=assessment.flow(variable.id).name,
        layer=variable.layer,
        unit=network.reporting_units[variable.layer],
        status=status,
        value=float(result.value[index]) * factor if determined else None,
        sd=float(result.sd[index]) * factor if determined else None,
        meter_sd=meter_sd * factor,
        scale_from=scale_from,
        scale=scale * factor,
        newly_observable=newly,
        reduction=reduction,
        score=score,
        money=money,
        currency=assessment.enterprise.currency,
        reason="",
    )
    given = (
        (float(problem.measured_value[index]) * factor, float(problem.measured_sd[index]) * factor)
        if measured
        else None
    )
    money_before = math.sqrt(money_was) if money_was > 0 else None
    return replace(
        advice, reason=_reason(assessment, network, advice, accuracy, given, money_before)
    )


def _layer_mean(context: _Context, layer: str) -> float:
    """Mean of the flows of a layer the balance determines [canonical unit]."""
    values = [
        abs(context.result.value[index])
        for index, variable in enumerate(context.network.variables)
        if variable.kind == FLOW
        and variable.layer == layer
        and np.isfinite(context.before.sd[index])
        and np.isfinite(context.result.value[index])
    ]
    values = [value for value in values if value > 0]
    return float(np.mean(values)) if values else 0.0


# --------------------------------------------------------------------------------------------
# Words


def _reason(
    assessment: Assessment,
    network: BalanceNetwork,
    advice: MeterAdvice,
    accuracy: float,
    given: tuple[float, float] | None,
    money_before: float | None,
) -> str:
    """One sentence: the meter, the flow's state now, and what the meter would bring."""
    unit = advice.unit
    relative = Message.wordless("±{accuracy:.3g} %", accuracy=100.0 * accuracy)
    if advice.status == UNOBSERVABLE:
        now = Message("unknown now, and the balance cannot estimate it")
        basis = Message(
            "{accuracy} of the mean {layer} flow, {scale}, as there is no estimate",
            accuracy=relative,
            layer=layer_word(advice.layer),
            scale=quantity(advice.scale, unit),
        )
    elif given is None:
        now = Message(
            "estimated by the balance at {value}", value=quantity(advice.value, unit, advice.sd)
        )
        basis = Message("{accuracy} of that estimate", accuracy=relative)
        if advice.scale_from == "layer mean":
            basis = Message(
                "{accuracy} of the mean {layer} flow, as the estimate is zero",
                accuracy=relative,
                layer=layer_word(advice.layer),
            )
    else:
        value = quantity(given[0], unit, given[1])
        if advice.status == REDUNDANT:
            now = Message("now {value}, checked by the balance", value=value)
        else:
            now = Message("now {value}, not checked", value=value)
        basis = relative
    name = lower_first(advice.name)
    if given is None:
        subject = Message("A meter on {flow}", flow=name)
    else:
        subject = Message("Measuring {flow}", flow=name)
    layers = join_words([layer_word(layer) for layer in network.layers])
    if money_before:
        what = Message("{layers} losses and costs", layers=layers)
    else:
        what = Message("{layers} losses", layers=layers)
    effects = []
    others = [flow for flow in advice.newly_observable if flow != advice.flow]
    if advice.flow in advice.newly_observable:
        if others:
            effects.append(Message("make it and {flows} known", flows=_names(assessment, others)))
        else:
            effects.append(Message("make it known"))
    elif others:
        effects.append(Message("make {flows} known", flows=_names(assessment, others)))
    if advice.reduction >= 0.5:
        if advice.money and money_before and advice.money >= 0.005 * money_before:
            effects.append(
                Message(
                    "cut the uncertainty of the {what} by {reduction:.0f} % (in money: from "
                    "±{before} to ±{after} {currency})",
                    what=what,
                    reduction=advice.reduction,
                    before=money(money_before),
                    after=money(money_before - advice.money),
                    currency=advice.currency,
                )
            )
        else:
            effects.append(
                Message(
                    "cut the uncertainty of the {what} by {reduction:.0f} %",
                    what=what,
                    reduction=advice.reduction,
                )
            )
    elif advice.score > 1e-6:
        effects.append(Message("narrow the uncertainty of the {what} a little", what=what))
    sentence = Message(
        "{subject} ({now}) to ±{accuracy} ({basis}) would {effects}.",
        subject=subject,
        now=now,
        accuracy=quantity(advice.meter_sd, unit),
        basis=basis,
        effects=join_words(effects),
    )
    if assessment.flow(advice.flow).kind == "emission":
        return sentences(
            sentence,
            Message("An emission is measured by a survey (a stack or vent test), not a meter."),
        )
    return sentence


def _names(assessment: Assessment, ids: list[str]) -> str:
    names = [lower_first(assessment.flow(flow).name) for flow in ids]
    if len(names) > 4:
        names = [*names[:3], Message("{count} other flows", count=len(names) - 3)]
    return join_words(names)
