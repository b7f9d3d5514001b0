"""Gross-error diagnosis: which figures make a balance fail, and what probably went wrong.

When the global test of a reconciliation fails, the suspect measurements are localised by
**serial elimination** (Narasimhan & Jordache 2000, §8.2): the measurement whose removal —
making its variable an unknown — lowers χ² the most is set aside, and the step is repeated until
the remaining data are consistent or nothing redundant is left. In a linear problem the drop
of χ² on removing measurement ``i`` is the square of its measurement test, so the first figure
set aside is the one with the largest test.

Each suspect is then compared with what the rest of the balance says it should be — its
estimate with the measurement removed (and without its lower bound, so that a flow the balance
wants to run backwards shows a negative estimate) — and the usual slips of a plant survey are
tried in turn:

- a **unit slip**: a decimal place (×10, ×100, ×1000 and their inverses) or a unit mix-up of
  the unit the figure was written in (kWh and MJ or MWh and GJ, ×3.6; t and kg, m3 and l,
  ×1000; m3 and hl, ×10);
- a **reversed flow**: the balance wants it to run the other way (estimate ≈ −measured);
- a **wrong period**: a bill or reading that covers one month, a quarter, a week or a day
  instead of the assessment period (or a whole year instead of a shorter period).

A cause is accepted when its corrected value lies within about two standard deviations of the
estimate (counting the σ of the estimate and of the corrected measurement) and within 20 % of
the factor (so "about 10 times" means between 8 and 12 times); when several are accepted the
simplest wins (a decimal place or a reversed flow before a unit mix-up or a monthly bill,
before two or three decimal places or a week or a day). Otherwise the explanation just says
what the balance suggests instead.

For each suspect the balance is solved again with the figure corrected — its cause's factor
applied, or the balance's estimate taken when no cause fits — keeping its relative σ, together
with the corrections of the suspects set aside before it; the χ² of that balance says whether
the correction is enough.

When one redundancy equation holds several measurements and nothing else checks them (one
degree of freedom), they all have the same test and the same drop of χ²: statistics cannot
pick one. They are listed together, those a concrete slip explains first, then by the change
each would need relative to its own σ (the smallest first: a rough estimate is more likely to
be wrong by a given amount than a careful weighing), and each explanation says so plainly.

References
----------
Narasimhan, S., Jordache, C. (2000). *Data Reconciliation and Gross Error Detection*. Gulf
Publishing, Houston. Chapter 7 (global, measurement and nodal tests) and chapter 8 (multiple
gross errors; serial elimination).

Ripps, D. L. (1965). Adjustment of experimental data. Chemical Engineering Progress Symposium
Series 61 (55), 8–13 (the serial elimination of measurements).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.stats

from cleanprod.core.balance.check import BalanceCheck, check_balances
from cleanprod.core.balance.network import (
    CONCENTRATION,
    FLOW,
    RATIO,
    STOCK,
    SUM,
    BalanceNetwork,
    Equation,
    Variable,
)
from cleanprod.core.balance.problem import REDUNDANT, BalanceProblem, Reconciliation
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.core.balance.solver import solve_problem as reconcile
from cleanprod.core.balance.wording import (
    chi2_text,
    join_words,
    lower_first,
    percent,
    quantity,
    times,
    upper_first,
)
from cleanprod.core.messages import Message, layer_word, sentences
from cleanprod.model.assessment import Assessment
from cleanprod.units import UnitError, conversion_factor

#: Causes a suspect can be given.
UNIT_SLIP = "unit-slip"
REVERSED = "reversed"
PERIOD = "period"
NO_CAUSE = "none"
CAUSES = (UNIT_SLIP, REVERSED, PERIOD, NO_CAUSE)

#: A cause is accepted when its corrected value is within this many σ of the estimate ...
CAUSE_SIGMAS = 2.0
#: ... and the ratio estimate / measured within this fraction of the cause's factor.
FACTOR_TOLERANCE = 0.2
#: A factor is only tried when the σ of the difference is at most this fraction of the
#: estimate: with a wider spread "about 10 times" cannot be told from "about 12 times". Where
#: the nearest other factor tried (or no correction at all) is further away, the fraction
#: grows with that distance: ``|ln(nearest / factor)| / (2 · CAUSE_SIGMAS)``, so that
#: "10 times too much" is recognised from an estimate of ±20 % when the alternatives are 1
#: and 100 times.
SHARPNESS = FACTOR_TOLERANCE / CAUSE_SIGMAS
#: Weight of a cause's simplicity rank against its misfit [σ] when several fit.
SIMPLICITY_WEIGHT = 0.5

#: Days of an average month, quarter and year (the Gregorian year of 365.25 days).
_YEAR_DAYS = 365.25
_COVER_PERIODS = (
    (Message("one month"), _YEAR_DAYS / 12.0),
    (Message("one quarter"), _YEAR_DAYS / 4.0),
    (Message("one week"), 7.0),
    (Message("one day"), 1.0),
)

#: Units a figure may have been written in by mistake, per dimension.
_SIBLING_UNITS = (
    ("g", "kg", "t"),
    ("ml", "l", "hl", "m3"),
    ("Wh", "kWh", "MWh", "GWh", "kJ", "MJ", "GJ", "TJ"),
)

#: Candidates removed per step are the tied best ones plus at most this many others by test.
_CANDIDATES_PER_STEP = 12
#: Most measurements tied on the largest test that are each tried (a large network with one
#: redundancy equation can tie hundreds).
_MAX_TIED = 40
#: Most elimination steps by default: beyond a few dozen gross errors, the data need a visit,
#: not a diagnosis.
MAX_STEPS = 30


@dataclass(frozen=True)
class Suspect:
    """A measurement that probably holds a gross error, with what probably went wrong.

    Values are in the unit the variable is reported in (``unit``: the layer's reporting unit
    for a flow, a stock change or a sum; the canonical unit for a ratio or a concentration).

    Attributes
    ----------
    variable : int
        Position of the variable in the network (``network.variables[variable]``).
    key, kind, id, layer : str
        What the variable is: ``key`` like ``flow:rinse-water``; ``kind`` ``flow``, ``stock``,
        ``sum``, ``ratio`` or ``concentration``.
    test : float
        Its measurement test in the reconciliation of the elimination step that found it.
    step : int
        The elimination step (1 for the first figure set aside); suspects of one step that the
        data cannot tell apart share it.
    cause : str
        ``unit-slip``, ``reversed``, ``period`` or ``none``.
    factor : float or None
        The corrected value is ``factor × measured`` (−1 for a reversed flow); ``None`` when no
        cause fits and the balance's estimate is taken instead.
    measured, measured_sd : float
        The figure as given and its σ.
    expected, expected_sd : float
        What the rest of the balance says it should be (estimate with this measurement removed,
        and those of earlier steps) and the estimate's σ.
    corrected : float
        The value suggested: ``factor × measured``, or ``expected`` when no cause fits.
    corrected_chi2, corrected_dof, corrected_critical : float, int, float
        Global test of the balance with this figure corrected (and those of earlier steps).
    corrected_consistent : bool
        Whether that balance passes the global test.
    indistinguishable : tuple of int
        The other variables of the same step with the same test: the data cannot tell them
        apart from this one.
    alternatives : tuple of str
        Other causes that would fit too, in words.
    explanation : str
        One or more sentences for a plant manager: English text that a report translates
        (:class:`~cleanprod.core.messages.Message`).
    """

    variable: int
    key: str
    kind: str
    id: str
    layer: str
    unit: str
    test: float
    step: int
    cause: str
    factor: float | None
    measured: float
    measured_sd: float
    expected: float
    expected_sd: float
    corrected: float
    corrected_chi2: float
    corrected_dof: int
    corrected_critical: float
    corrected_consistent: bool
    indistinguishable: tuple[int, ...]
    alternatives: tuple[str, ...]
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data (NaN as ``None``) for JSON."""
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
class NodalFailure:
    """An equation whose measured terms do not add up (the nodal test, before adjustment).

    ``imbalance`` and ``sd`` are in the layer's reporting unit: for a process balance,
    inputs − outputs − stock change; for a sum measurement, the figure read minus the sum of
    its flows; for a ratio, the flows minus ratio × the flows it is taken per.
    """

    equation: int
    key: str
    kind: str
    id: str
    layer: str
    unit: str
    imbalance: float
    sd: float
    test: float
    explanation: str


@dataclass(frozen=True)
class _Cause:
    """One way of correcting a measured value: ``corrected = factor × measured``."""

    cause: str
    factor: float
    rank: int
    phrase: str
    misfit: float  # |corrected − expected| / σ of the difference

    @property
    def score(self) -> float:
        return self.misfit + SIMPLICITY_WEIGHT * self.rank


@dataclass(frozen=True)
class _Candidate:
    """A measurement removed at one elimination step, with what the balance says instead."""

    index: int
    test: float
    drop: float
    expected: float  # canonical unit
    expected_sd: float
    cause: _Cause | None
    alternatives: tuple[_Cause, ...]

    def correction(self, problem: BalanceProblem) -> tuple[float, float, bool]:
        """Corrected value, its σ and whether the variable's bound is lifted (reversal)."""
        measured = problem.measured_value[self.index]
        sd = problem.measured_sd[self.index]
        if self.cause is not None:
            return self.cause.factor * measured, abs(self.cause.factor) * sd, self.cause.factor < 0
        scale = abs(self.expected / measured) if measured else 1.0
        return self.expected, sd * scale, self.expected < problem.lower[self.index]


# --------------------------------------------------------------------------------------------
# The diagnosis


def diagnose(
    assessment: Assessment,
    network: BalanceNetwork,
    reconciliation: Reconciliation | None = None,
    confidence: float = 0.95,
    max_steps: int | None = None,
) -> tuple[Suspect, ...]:
    """The suspect measurements of a network whose balance fails the global test.

    Parameters
    ----------
    assessment : Assessment
        The document the network was built from (for names, units and the period).
    network : BalanceNetwork
        One group of coupled layers (:func:`cleanprod.core.balance.network.build_networks`).
    reconciliation : Reconciliation, optional
        Its reconciliation; computed when not given.
    confidence : float
        Level of the global test (0.95).
    max_steps : int, optional
        Most elimination steps; by default as many as there are measurements.

    Returns
    -------
    tuple of Suspect
        Most suspect first: by elimination step, and within a step those a concrete slip
        explains first. Empty when the balance is consistent.

    References
    ----------
    Narasimhan & Jordache (2000), ch. 7–8; Ripps (1965).
    """
    problem = network.problem
    result = reconciliation if reconciliation is not None else reconcile(problem, confidence)
    if result.consistent:
        return ()
    days = float(assessment.period.days)
    steps = max_steps if max_steps is not None else min(int(problem.is_measured.sum()), MAX_STEPS)
    current, current_result = problem, result
    corrections: dict[int, tuple[float, float, bool]] = {}
    suspects: list[Suspect] = []
    for step in range(1, steps + 1):
        group = _best_removals(assessment, network, current, current_result, confidence, days)
        if not group:
            break
        for candidate in group:
            value, sd, unbounded = candidate.correction(problem)
            corrected = _corrected(
                problem, {**corrections, candidate.index: (value, sd, unbounded)}
            )
            try:
                check = reconcile(corrected, confidence)
                chi2, dof, critical = check.chi2, check.dof, check.critical
                consistent = check.consistent
            except (ReconciliationError, np.linalg.LinAlgError):
                chi2, dof, critical, consistent = math.nan, 0, math.nan, False
            others = tuple(other.index for other in group if other.index != candidate.index)
            suspects.append(
                _suspect(
                    assessment,
                    network,
                    candidate,
                    value,
                    step,
                    (chi2, dof, critical, consistent),
                    others,
                    prior=bool(corrections),
                )
            )
        chosen = group[0]
        corrections[chosen.index] = chosen.correction(problem)
        current = _removed(current, [chosen.index])
        try:
            current_result = reconcile(current, confidence)
        except (ReconciliationError, np.linalg.LinAlgError):
            break
        if current_result.consistent:
            break
    return tuple(suspects)


def _best_removals(
    assessment: Assessment,
    network: BalanceNetwork,
    problem: BalanceProblem,
    result: Reconciliation,
    confidence: float,
    days: float,
) -> list[_Candidate]:
    """The measurements whose removal lowers χ² the most (all of them when tied), ranked."""
    redundant = np.array([status == REDUNDANT for status in result.status])
    test = np.where(np.isfinite(result.test), result.test, -1.0)
    eligible = np.flatnonzero(
        redundant & problem.is_measured & (problem.measured_sd > 0) & (test > 0)
    )
    if eligible.size == 0 or result.dof == 0:
        return []
    order = eligible[np.argsort(-test[eligible], kind="stable")]
    best_test = test[order[0]]
    tied = order[test[order] >= best_test * (1.0 - 1e-6)][:_MAX_TIED]
    chosen = list(dict.fromkeys([*tied, *order[:_CANDIDATES_PER_STEP]]))

    candidates = []
    for index in chosen:
        try:
            removed = reconcile(_removed(problem, [index]), confidence)
        except (ReconciliationError, np.linalg.LinAlgError):
            continue
        expected, expected_sd = float(removed.value[index]), float(removed.sd[index])
        if not math.isfinite(expected):
            continue
        cause, alternatives = _causes(
            assessment, network, problem, index, expected, expected_sd, days
        )
        candidates.append(
            _Candidate(
                index=int(index),
                test=float(result.test[index]),
                drop=result.chi2 - removed.chi2,
                expected=expected,
                expected_sd=expected_sd,
                cause=cause,
                alternatives=alternatives,
            )
        )
    if not candidates:
        return []
    best = max(candidate.drop for candidate in candidates)
    if best <= 1e-9 * max(result.chi2, 1.0):
        return []
    tolerance = 1e-6 * max(best, 1.0)
    group = [candidate for candidate in candidates if candidate.drop >= best - tolerance]

    def rank(candidate: _Candidate) -> tuple[int, float, float]:
        measured = problem.measured_value[candidate.index]
        needed = abs(candidate.expected - measured) / problem.measured_sd[candidate.index]
        if candidate.cause is not None:
            return (0, candidate.cause.score, needed)
        return (1, 0.0, needed)

    return sorted(group, key=rank)


def _removed(problem: BalanceProblem, indices: list[int]) -> BalanceProblem:
    """``problem`` with the measurements at ``indices`` made unknown and their bounds lifted."""
    value, sd, lower = (
        problem.measured_value.copy(),
        problem.measured_sd.copy(),
        problem.lower.copy(),
    )
    value[indices], sd[indices], lower[indices] = np.nan, np.nan, -np.inf
    return replace(problem, measured_value=value, measured_sd=sd, lower=lower)


def _corrected(
    problem: BalanceProblem, corrections: dict[int, tuple[float, float, bool]]
) -> BalanceProblem:
    """``problem`` with some measurements replaced by corrected values and σ."""
    value, sd, lower = (
        problem.measured_value.copy(),
        problem.measured_sd.copy(),
        problem.lower.copy(),
    )
    for index, (corrected, corrected_sd, unbounded) in corrections.items():
        value[index], sd[index] = corrected, corrected_sd
        if unbounded:
            lower[index] = -np.inf
    return replace(problem, measured_value=value, measured_sd=sd, lower=lower)


# --------------------------------------------------------------------------------------------
# Causes


def _causes(
    assessment: Assessment,
    network: BalanceNetwork,
    problem: BalanceProblem,
    index: int,
    expected: float,
    expected_sd: float,
    days: float,
) -> tuple[_Cause | None, tuple[_Cause, ...]]:
    """The best cause that explains ``measured`` against ``expected``, and the others that fit."""
    variable = network.variables[index]
    measured = float(problem.measured_value[index])
    sd = float(problem.measured_sd[index])
    if measured == 0.0:
        return None, ()
    accepted = []
    trials = _trials(assessment, network, variable, days)
    factors = [1.0, *(factor for _, factor, _, _ in trials if factor > 0)]
    for cause, factor, rank, phrase in trials:
        corrected = factor * measured
        spread = math.hypot(expected_sd, abs(factor) * sd)
        misfit = abs(corrected - expected) / spread if spread > 0 else math.inf
        if misfit > CAUSE_SIGMAS:
            continue
        if cause != REVERSED and spread > _sharpness(factor, factors) * abs(expected):
            continue  # too uncertain to tell one factor from its neighbours
        if cause == REVERSED:
            if not expected < -CAUSE_SIGMAS * expected_sd:
                continue
        elif abs(expected / corrected - 1.0) > FACTOR_TOLERANCE:
            continue
        accepted.append(_Cause(cause, factor, rank, phrase, misfit))
    if not accepted:
        return None, ()
    accepted.sort(key=lambda item: (item.score, item.rank))
    return accepted[0], tuple(accepted[1:])


def _sharpness(factor: float, factors: list[float]) -> float:
    """Largest σ of a correction, as a fraction of the estimate, that still tells ``factor``
    from the nearest other factor in ``factors`` (see :data:`SHARPNESS`)."""
    distances = [
        abs(math.log(other / factor))
        for other in factors
        if not math.isclose(other, factor, rel_tol=1e-9)
    ]
    nearest = min(distances, default=math.inf)
    return max(SHARPNESS, nearest / (2.0 * CAUSE_SIGMAS))


def _trials(
    assessment: Assessment, network: BalanceNetwork, variable: Variable, days: float
) -> list[tuple[str, float, int, str]]:
    """``(cause, factor, simplicity rank, phrase)`` of every correction worth trying."""
    trials: list[tuple[str, float, int, str]] = []
    written = _entered_unit(assessment, network, variable)
    places = {
        1: Message("a slip of one decimal place"),
        2: Message("a slip of two decimal places"),
        3: Message("a slip of three decimal places"),
    }
    seen: set[float] = set()
    for unit, factor in _sibling_factors(written):
        # A figure in `unit` written as `written`: the true value is factor × the figure.
        rank = 0 if round(abs(math.log10(factor)), 9) == 1 else 1
        phrase = Message("a figure in {unit} entered as {written}", unit=unit, written=written)
        trials.append((UNIT_SLIP, factor, rank, phrase))
        seen.add(round(factor, 9))
    for power in (1, 2, 3):
        for factor in (10.0**power, 10.0**-power):
            phrase = places[power]
            if round(factor, 9) in seen:
                # Already tried as a unit mix-up: say both in one phrase.
                position = next(
                    number
                    for number, trial in enumerate(trials)
                    if math.isclose(trial[1], factor, rel_tol=1e-9)
                )
                _, _, rank, unit_phrase = trials[position]
                rank = min(rank, 0 if power == 1 else 1 if power == 3 else 2)
                combined = (
                    Message("{slip} (or {mix_up})", slip=phrase, mix_up=unit_phrase)
                    if power == 1
                    else Message("{mix_up} ({slip})", mix_up=unit_phrase, slip=phrase)
                )
                trials[position] = (UNIT_SLIP, factor, rank, combined)
                continue
            trials.append((UNIT_SLIP, factor, 0 if power == 1 else 2, phrase))
    if variable.kind == FLOW:
        trials.append((REVERSED, -1.0, 0, Message("'from' and 'to' are swapped")))
    if variable.kind in (FLOW, SUM):
        for name, length in _COVER_PERIODS:
            if days / length >= 1.5:
                rank = (0 if variable.kind == SUM else 1) if name == "one month" else 2
                phrase = Message("it covers {period}, not the whole period", period=name)
                trials.append((PERIOD, days / length, rank, phrase))
        if days < 0.8 * _YEAR_DAYS:
            phrase = Message("it covers a whole year, not the period")
            trials.append((PERIOD, days / _YEAR_DAYS, 1, phrase))
    return trials


def _written_unit(network: BalanceNetwork, variable: Variable) -> str:
    """The unit a figure is reported in (the layer's, or the variable's own)."""
    if variable.kind in (FLOW, STOCK, SUM):
        return network.reporting_units.get(variable.layer, variable.unit)
    return variable.unit


def _entered_unit(assessment: Assessment, network: BalanceNetwork, variable: Variable) -> str:
    """The unit the figure was written in in the document, else the one it is reported in."""
    source: Any = None
    if variable.kind == FLOW:
        source = _find(assessment.flows, variable.id)
    elif variable.kind == SUM:
        source = _find(getattr(assessment, "measurements", []), variable.id)
    elif variable.kind == STOCK:
        process = _find(assessment.processes, variable.id)
        if process is not None:
            source = process.stock_change.get(variable.layer)
    unit = getattr(source, "unit", None)
    return unit if isinstance(unit, str) and unit else _written_unit(network, variable)


def _find(items: Any, id: str) -> Any:
    for item in items:
        if getattr(item, "id", None) == id:
            return item
    return None


def _sibling_factors(unit: str) -> list[tuple[str, float]]:
    """Units a figure in ``unit`` may really have been in, with ``factor`` such that the true
    value in ``unit`` is ``factor ×`` the figure: ``("kg", 0.001)`` for ``t``."""
    found = []
    for family in _SIBLING_UNITS:
        for other in family:
            if other == unit:
                continue
            try:
                factor = conversion_factor(other, unit)
            except (UnitError, KeyError, ValueError):
                break
            if not math.isclose(factor, 1.0) and 1e-3 <= factor <= 1e3:
                found.append((other, factor))
    return found


# --------------------------------------------------------------------------------------------
# Words


def _suspect(
    assessment: Assessment,
    network: BalanceNetwork,
    candidate: _Candidate,
    corrected_canonical: float,
    step: int,
    check: tuple[float, int, float, bool],
    others: tuple[int, ...],
    prior: bool,
) -> Suspect:
    problem = network.problem
    index = candidate.index
    variable = network.variables[index]
    factor = network.reporting_factor(variable)
    unit = _written_unit(network, variable)
    measured = float(problem.measured_value[index]) * factor
    expected = candidate.expected * factor
    expected_sd = candidate.expected_sd * factor
    corrected = corrected_canonical * factor
    chi2, dof, critical, consistent = check
    cause = candidate.cause

    given = quantity(measured, unit)
    says = quantity(expected, unit, expected_sd)
    if cause is not None and cause.cause == REVERSED:
        start, end = _ends(assessment, variable)
        finding = Message(
            "{subject} is given as {given} from {start} to {end}, but the balance says it runs "
            "the other way ({estimate} from {end} to {start}): probably {cause}",
            subject=_subject(assessment, network, variable),
            given=given,
            start=start,
            end=end,
            estimate=quantity(-expected, unit, expected_sd),
            cause=cause.phrase,
        )
        correction = (
            Message("with the direction reversed and the corrections above")
            if prior
            else Message("with the direction reversed")
        )
    else:
        if cause is not None:
            ratio = expected / measured
            phrase = cause.phrase
            if cause.cause == PERIOD:
                phrase = Message("{cause} ({days} days)", cause=phrase, days=assessment.period.days)
            facts = {
                "subject": _subject(assessment, network, variable),
                "given": given,
                "says": says,
                "cause": phrase,
            }
            if ratio >= 1.0:
                finding = Message(
                    "{subject} ({given}) is about {times} times lower than the balance says "
                    "({says}): probably {cause}",
                    times=times(ratio),
                    **facts,
                )
            else:
                finding = Message(
                    "{subject} ({given}) is about {times} times higher than the balance says "
                    "({says}): probably {cause}",
                    times=times(1.0 / ratio),
                    **facts,
                )
            value = quantity(corrected, unit)
        else:
            finding = _no_cause(
                says,
                _subject(assessment, network, variable, start=False),
                quantity(measured, unit, float(problem.measured_sd[index]) * factor),
                (measured - expected) / expected if expected else math.inf,
            )
            value = quantity(corrected, unit, expected_sd, show_sd=False)
        correction = (
            Message("with {value} and the corrections above", value=value)
            if prior
            else Message("with {value}", value=value)
        )
    verdict = _verdict(network, correction, chi2, dof, critical, consistent)
    first = Message("{finding}; {verdict}.", finding=finding, verdict=verdict)
    alternatives = tuple(_alternative(item) for item in candidate.alternatives)
    also = ""
    if alternatives:
        also = Message("It could also be {causes}.", causes=_either(alternatives))
    apart = ""
    if others:
        names = [
            _subject(assessment, network, network.variables[other], start=False) for other in others
        ]
        shown = (
            names
            if len(names) <= 4
            else [*names[:3], Message("{count} other figures", count=len(names) - 3)]
        )
        apart = Message(
            "The data cannot tell this figure apart from {figures}: any one of them could be "
            "wrong by this amount, so check them all.",
            figures=join_words(shown),
        )
    return Suspect(
        variable=index,
        key=variable.key,
        kind=variable.kind,
        id=variable.id,
        layer=variable.layer,
        unit=unit,
        test=candidate.test,
        step=step,
        cause=cause.cause if cause is not None else NO_CAUSE,
        factor=cause.factor if cause is not None else None,
        measured=measured,
        measured_sd=float(problem.measured_sd[index]) * factor,
        expected=expected,
        expected_sd=expected_sd,
        corrected=corrected,
        corrected_chi2=float(chi2),
        corrected_dof=int(dof),
        corrected_critical=float(critical),
        corrected_consistent=bool(consistent),
        indistinguishable=others,
        alternatives=alternatives,
        explanation=sentences(first, also, apart),
    )


def _no_cause(says: str, subject: str, given: str, change: float) -> Message:
    """What the balance suggests for a figure no simple slip explains."""
    if not math.isfinite(change):
        return Message(
            "The balance suggests {says} for {subject} instead of the {given} given; no simple "
            "slip (a decimal place, a unit, the direction, the period) explains it",
            says=says,
            subject=subject,
            given=given,
        )
    if change > 0:
        return Message(
            "The balance suggests {says} for {subject} instead of the {given} given ({gap} more "
            "than the balance says); no simple slip (a decimal place, a unit, the direction, "
            "the period) explains it",
            says=says,
            subject=subject,
            given=given,
            gap=percent(abs(change)),
        )
    return Message(
        "The balance suggests {says} for {subject} instead of the {given} given ({gap} less than "
        "the balance says); no simple slip (a decimal place, a unit, the direction, the "
        "period) explains it",
        says=says,
        subject=subject,
        given=given,
        gap=percent(abs(change)),
    )


def _verdict(
    network: BalanceNetwork,
    correction: Message,
    chi2: float,
    dof: int,
    critical: float,
    consistent: bool,
) -> Message:
    """What the balance does with the figure corrected: closes, or still does not."""
    layers = [layer_word(layer) for layer in network.layers]
    several = len(layers) > 1
    balance = (
        Message("the {layers} balances", layers=join_words(layers))
        if several
        else Message("the {layer} balance", layer=layers[0])
    )
    facts = {"correction": correction, "balance": balance}
    if not math.isfinite(chi2):
        return Message("{correction} {balance} cannot be solved again", **facts)
    test = {"chi2": chi2_text(chi2), "critical": chi2_text(critical)}
    if dof == 0:
        if several:
            return Message("{correction} {balance} close", **facts)
        return Message("{correction} {balance} closes", **facts)
    if consistent:
        if several:
            return Message("{correction} {balance} close (χ² {chi2} < {critical})", **facts, **test)
        return Message("{correction} {balance} closes (χ² {chi2} < {critical})", **facts, **test)
    if several:
        return Message(
            "{correction} {balance} still do not close (χ² {chi2} > {critical})", **facts, **test
        )
    return Message(
        "{correction} {balance} still does not close (χ² {chi2} > {critical})", **facts, **test
    )


def _either(items: tuple[str, ...]) -> str:
    """``a or b or c``."""
    if len(items) == 1:
        return items[0]
    return Message("{first} or {rest}", first=items[0], rest=_either(items[1:]))


def _alternative(cause: _Cause) -> str:
    if cause.cause == REVERSED:
        return Message("a flow running the other way")
    return cause.phrase


def _subject(
    assessment: Assessment, network: BalanceNetwork, variable: Variable, start: bool = True
) -> str:
    """What a variable is, in words: a flow's name, "the stock change of ...", ...; with a
    capital at the ``start`` of a sentence, else as inside one."""
    if variable.kind == FLOW:
        return _named(_name_of(assessment.flows, variable.id), start)
    if variable.kind == STOCK:
        process = lower_first(_name_of(assessment.processes, variable.id))
        if len(network.layers) > 1:
            layer = layer_word(variable.layer)
            if start:
                return Message("The {layer} stock change of {step}", layer=layer, step=process)
            return Message("the {layer} stock change of {step}", layer=layer, step=process)
        if start:
            return Message("The stock change of {step}", step=process)
        return Message("the stock change of {step}", step=process)
    if variable.kind == SUM:
        measurement = _find(getattr(assessment, "measurements", []), variable.id)
        name = getattr(measurement, "name", None)
        if name:
            return _named(name, start)
        if start:
            return Message("The sum measurement {id}", id=variable.id)
        return Message("the sum measurement {id}", id=variable.id)
    if variable.kind == RATIO:
        ratio = _name_of(getattr(assessment, "ratios", []), variable.id)
        if start:
            return Message("The ratio {ratio}", ratio=ratio)
        return Message("the ratio {ratio}", ratio=ratio)
    if variable.kind == CONCENTRATION:
        flow = lower_first(_name_of(assessment.flows, variable.id))
        layer = layer_word(variable.layer)
        if start:
            return Message("The {layer} concentration in {flow}", layer=layer, flow=flow)
        return Message("the {layer} concentration in {flow}", layer=layer, flow=flow)
    return _named(variable.key, start)


def _named(name: str, start: bool) -> str:
    """A name from the document at the start of a sentence or inside one."""
    return upper_first(name) if start else lower_first(name)


def _name_of(items: Any, id: str) -> str:
    item = _find(items, id)
    return (getattr(item, "name", None) or id) if item is not None else id


def _ends(assessment: Assessment, variable: Variable) -> tuple[str, str]:
    """Where a flow comes from and goes to, in words."""
    flow = next(item for item in assessment.flows if item.id == variable.id)

    def place(process: str | None) -> str:
        if process is None:
            return Message("outside")
        return lower_first(_name_of(assessment.processes, process))

    return place(flow.from_process), place(flow.to_process)


# --------------------------------------------------------------------------------------------
# The nodal view


def failing_balances(
    assessment: Assessment,
    network: BalanceNetwork,
    check: BalanceCheck | None = None,
    confidence: float = 0.95,
) -> tuple[NodalFailure, ...]:
    """The equations whose measured terms do not add up, worst first (the nodal test).

    Only equations whose every term is measured can be tested on their own (see
    :func:`cleanprod.core.balance.check.check_balances`); an equation fails when
    ``|imbalance| / σ`` exceeds the two-sided normal quantile at ``confidence`` (1.96 at 95 %).

    References
    ----------
    Narasimhan & Jordache (2000), §7.3 (the nodal test).
    """
    check = check if check is not None else check_balances(network.problem)
    critical = float(scipy.stats.norm.ppf(0.5 + confidence / 2.0))
    failures = []
    for row in np.flatnonzero(np.isfinite(check.test) & (check.test > critical)):
        equation = network.equations[row]
        factor = network.layer_factor(equation.layer) if equation.kind != "ratio" else 1.0
        unit = network.reporting_units[equation.layer] if equation.kind != "ratio" else ""
        imbalance = float(check.imbalance[row]) * factor
        sd = float(check.sd[row]) * factor
        test = float(check.test[row])
        failures.append(
            NodalFailure(
                equation=int(row),
                key=equation.key,
                kind=equation.kind,
                id=equation.id,
                layer=equation.layer,
                unit=unit,
                imbalance=imbalance,
                sd=sd,
                test=test,
                explanation=_nodal_text(assessment, equation, imbalance, sd, unit, test, critical),
            )
        )
    return tuple(sorted(failures, key=lambda failure: -failure.test))


def _nodal_text(
    assessment: Assessment,
    equation: Equation,
    imbalance: float,
    sd: float,
    unit: str,
    test: float,
    critical: float,
) -> str:
    facts = {"amount": quantity(abs(imbalance), unit, sd), "test": test, "critical": critical}
    if equation.kind == "balance":
        facts["layer"] = layer_word(equation.layer)
        facts["step"] = lower_first(_name_of(assessment.processes, equation.id))
        if imbalance > 0:
            return Message(
                "The {layer} balance of {step} does not close: {amount} more comes in than goes "
                "out (test {test:.2f} > {critical:.2f}).",
                **facts,
            )
        return Message(
            "The {layer} balance of {step} does not close: {amount} more goes out than comes in "
            "(test {test:.2f} > {critical:.2f}).",
            **facts,
        )
    if equation.kind == SUM:
        facts["name"] = _name_of(getattr(assessment, "measurements", []), equation.id)
        if imbalance > 0:
            return Message(
                "{name} reads {amount} more than the flows it covers add up to (test {test:.2f} > "
                "{critical:.2f}).",
                **facts,
            )
        return Message(
            "{name} reads {amount} less than the flows it covers add up to (test {test:.2f} > "
            "{critical:.2f}).",
            **facts,
        )
    return Message(
        "The ratio {ratio} is not met by the measured flows: off by {amount} (test {test:.2f} > "
        "{critical:.2f}).",
        ratio=_name_of(getattr(assessment, "ratios", []), equation.id),
        **facts,
    )
