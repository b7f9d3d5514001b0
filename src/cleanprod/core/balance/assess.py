"""The balance of one assessment: check, reconcile and diagnose every group of layers.

:func:`balance_assessment` is the one entry point the CLI, the reports and the costing use;
:func:`balance_as_dict` gives its JSON form (the shape of ``cleanprod balance --json``), with
every value in the layer's reporting unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cleanprod.core.balance.check import BalanceCheck, check_balances
from cleanprod.core.balance.network import (
    CONCENTRATION,
    FLOW,
    RATIO,
    STOCK,
    SUM,
    BalanceNetwork,
    build_networks,
)
from cleanprod.core.balance.problem import Reconciliation
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.core.balance.solver import solve_problem
from cleanprod.core.balance.wording import join_words
from cleanprod.model.assessment import Assessment


@dataclass(frozen=True)
class NetworkBalance:
    """One group of coupled layers: its network, the check before adjustment, the
    reconciliation and the suspects of gross errors (most suspect first)."""

    network: BalanceNetwork
    check: BalanceCheck
    reconciliation: Reconciliation
    suspects: tuple[Any, ...] = ()


@dataclass(frozen=True)
class AssessmentBalance:
    """The balance of a whole assessment, one :class:`NetworkBalance` per group of layers."""

    assessment: Assessment
    networks: tuple[NetworkBalance, ...]
    confidence: float

    def network_of(self, layer: str) -> NetworkBalance:
        """The group that balances ``layer``."""
        for balance in self.networks:
            if layer in balance.network.layers:
                return balance
        raise KeyError(f"no flows in layer {layer!r}")

    def flow_value(self, flow_id: str) -> tuple[float, float]:
        """Reconciled or estimated value and σ of a flow [canonical unit of its layer];
        NaN for an unobservable flow."""
        for balance in self.networks:
            try:
                index = balance.network.index(FLOW, flow_id)
            except KeyError:
                continue
            result = balance.reconciliation
            return float(result.value[index]), float(result.sd[index])
        raise KeyError(flow_id)


def solve(network: BalanceNetwork, confidence: float = 0.95) -> Reconciliation:
    """Reconcile one network: the sparse solver for a large plain flow network, else the
    dense general one (:func:`cleanprod.core.balance.solver.solve_problem`)."""
    return solve_problem(network.problem, confidence)


def balance_assessment(assessment: Assessment, confidence: float = 0.95) -> AssessmentBalance:
    """Check, reconcile and diagnose every layer of ``assessment``.

    Parameters
    ----------
    assessment : Assessment
        A validated document.
    confidence : float
        Level of the global, measurement and nodal tests (0.95).
    """
    from cleanprod.core.balance.diagnose import diagnose

    balances = []
    for network in build_networks(assessment):
        try:
            result = solve(network, confidence)
        except ReconciliationError as error:
            layers = join_words(list(network.layers))
            raise ReconciliationError(f"the {layers} balance: {error}") from None
        suspects = tuple(diagnose(assessment, network, result, confidence=confidence))
        balances.append(NetworkBalance(network, check_balances(network.problem), result, suspects))
    return AssessmentBalance(assessment, tuple(balances), confidence)


# --------------------------------------------------------------------------------------------
# The JSON form


def _number(value: float) -> float | None:
    """A JSON number, or ``None`` for NaN (unknown, unobservable or not defined)."""
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def balance_as_dict(balance: AssessmentBalance, layer: str | None = None) -> dict[str, Any]:
    """The balance as plain data, the shape of ``cleanprod balance --json``.

    ``{"layers": {<layer>: {"unit", "chi2", "dof", "critical", "p_value", "consistent",
    "flows": {...}, "processes": {...}, "suspects": [...], ...}}}`` — values in the layer's
    reporting unit; ``measured`` null for an unknown, ``value`` null for an unobservable one.
    """
    layers: dict[str, Any] = {}
    for network_balance in balance.networks:
        network = network_balance.network
        for layer_id in network.layers:
            if layer is None or layer_id == layer:
                layers[layer_id] = _layer_dict(network_balance, layer_id)
    return {"confidence": balance.confidence, "layers": layers}


def _layer_dict(balance: NetworkBalance, layer: str) -> dict[str, Any]:
    network, result, check = balance.network, balance.reconciliation, balance.check
    problem = result.problem
    unit = network.reporting_units[layer]

    def entry(index: int) -> dict[str, Any]:
        variable = network.variables[index]
        factor = network.reporting_factor(variable)
        return {
            "measured": _number(problem.measured_value[index] * factor),
            "measured_sd": _number(problem.measured_sd[index] * factor),
            "value": _number(result.value[index] * factor),
            "sd": _number(result.sd[index] * factor),
            "status": result.status[index],
            "test": _number(result.test[index]),
            "adjustment": _number(result.adjustment[index] * factor),
            "at_bound": index in result.at_bound,
            "uncertainty_from": variable.basis,
        }

    groups: dict[str, dict[str, Any]] = {FLOW: {}, STOCK: {}, SUM: {}, RATIO: {}}
    concentrations: dict[str, Any] = {}
    for index, variable in enumerate(network.variables):
        if variable.layer != layer:
            continue
        if variable.kind == CONCENTRATION:
            concentrations[variable.id] = {**entry(index), "unit": variable.unit}
        elif variable.kind == RATIO:
            groups[RATIO][variable.id] = {**entry(index), "unit": variable.unit}
        else:
            groups[variable.kind][variable.id] = entry(index)

    processes = {}
    for row, equation in enumerate(network.equations):
        if equation.kind == "balance" and equation.layer == layer:
            factor = network.layer_factor(layer)
            processes[equation.id] = {
                "imbalance": _number(check.imbalance[row] * factor),
                "imbalance_sd": _number(check.sd[row] * factor),
                "test": _number(check.test[row]),
                "closes": None if math.isnan(check.test[row]) else bool(check.test[row] <= 1.96),
            }

    suspects = []
    for suspect in balance.suspects:
        variable = network.variables[suspect.variable]
        if variable.layer == layer:
            suspects.append(
                {
                    "flow": variable.id,
                    "kind": variable.kind,
                    "test": _number(suspect.test),
                    "cause": suspect.cause,
                    "explanation": suspect.explanation,
                    "unit": suspect.unit,
                    "factor": None if suspect.factor is None else _number(suspect.factor),
                    "measured": _number(suspect.measured),
                    "measured_sd": _number(suspect.measured_sd),
                    "expected": _number(suspect.expected),
                    "expected_sd": _number(suspect.expected_sd),
                    "corrected": _number(suspect.corrected),
                    "corrected_chi2": _number(suspect.corrected_chi2),
                    "corrected_critical": _number(suspect.corrected_critical),
                    "corrected_consistent": bool(suspect.corrected_consistent),
                }
            )

    layer_data: dict[str, Any] = {
        "unit": unit,
        "chi2": float(result.chi2),
        "dof": int(result.dof),
        "critical": float(result.critical),
        "p_value": float(result.p_value),
        "consistent": bool(result.consistent),
        "flows": groups[FLOW],
        "processes": processes,
        "suspects": suspects,
        "stock_changes": groups[STOCK],
        "measurements": groups[SUM],
        "ratios": groups[RATIO],
        "concentrations": concentrations,
        "bounded": result.bounded,
        "reconciled_with": [other for other in network.layers if other != layer],
    }
    return layer_data
