"""The CPA focus: which waste streams and process steps to study first.

Step 1 of a Cleaner Production Assessment chooses its focus: the streams and steps ranked by
cost, environmental weight and chance of improvement (UNEP/UNIDO DESIRE method; domain-notes
§1). cleanprod scores each waste stream on four criteria, each from 0 to 1:

- **cost**: its full cost (material flow cost accounting, :mod:`cleanprod.core.costing`)
  divided by that of the costliest stream;
- **environment**: the share of its layer's input it carries away (a tonne of offcuts out of
  100 t of timber weighs more than 1 t of ash out of 10 000 t of steel), divided by the
  largest share; a stream that carries a substance layer (COD in wastewater) counts that
  layer's share too; the flue gas of a step that burns fuel is not weighed by its mass (mostly
  combustion air): its weight is its CO₂e, in the indicators;
- **confidence**: ``1 / (1 + sd / quantity)`` of the stream's reconciled quantity — a stream
  the balance pins down scores near 1, one it can barely estimate near 0, one it cannot
  estimate 0;
- **ease**: how easy its causes are to act on, from the categories of the causes recorded on
  the flow (weighted by their ``share`` when given): housekeeping 1, process control 0.9, ...
  technology 0.2 (``cleanprod/data/focus.yaml``); a stream without recorded causes scores 0.5.

The score is the weighted mean ``Σ wᵢ sᵢ / Σ wᵢ`` with the weights of ``focus.yaml`` (cost 0.4,
environment 0.25, confidence 0.15, ease 0.2) unless the caller gives others. A process step
scores as the sum of its streams' cost and environment scores (capped at 1), their
cost-weighted confidence, and their mean ease.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from cleanprod.core.balance.assess import AssessmentBalance
from cleanprod.core.costing import MfcaResult
from cleanprod.core.messages import Message
from cleanprod.errors import CleanprodError
from cleanprod.model.assessment import Assessment

CRITERIA = ("cost", "environment", "confidence", "ease")


class FocusError(CleanprodError):
    """Weights the focus cannot use (unknown criterion, negative, all zero)."""


@cache
def focus_defaults() -> dict[str, Any]:
    """The default weights and ease table, with their source (``data/focus.yaml``)."""
    text = resources.files("cleanprod.data").joinpath("focus.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def check_weights(weights: dict[str, float]) -> dict[str, float]:
    """The default weights updated with ``weights``; refused when unusable."""
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        raise FocusError(
            f"unknown criterion {', '.join(unknown)}; the criteria are {', '.join(CRITERIA)}"
        )
    merged = {**focus_defaults()["weights"], **weights}
    if any(not math.isfinite(value) or value < 0 for value in merged.values()):
        raise FocusError("a weight must be a number of 0 or more")
    if sum(merged.values()) <= 0:
        raise FocusError("at least one weight must be more than 0")
    return {criterion: float(merged[criterion]) for criterion in CRITERIA}


@dataclass(frozen=True)
class StreamFocus:
    """One waste stream's criteria (0–1), score, and what they came from."""

    flow: str
    name: str
    process: str
    score: float
    criteria: dict[str, float]
    cost: float
    cost_sd: float
    layer_share: float
    causes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ProcessFocus:
    """One process step's criteria (0–1) and score, from its streams."""

    process: str
    name: str
    score: float
    criteria: dict[str, float]
    cost: float
    streams: tuple[str, ...] = ()


@dataclass(frozen=True)
class FocusResult:
    """Streams and steps ranked for the CPA focus, with the weights used."""

    weights: dict[str, float]
    streams: tuple[StreamFocus, ...]
    processes: tuple[ProcessFocus, ...]
    currency: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def _score(criteria: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights[name] * criteria[name] for name in CRITERIA) / sum(weights.values())


def _layer_inputs(assessment: Assessment, balance: AssessmentBalance) -> dict[str, float]:
    """What enters each layer from outside the system [canonical unit]."""
    totals: dict[str, float] = {}
    for flow in assessment.flows:
        if flow.kind == "input":
            value = balance.flow_value(flow.id)[0]
            if math.isfinite(value):
                totals[flow.layer] = totals.get(flow.layer, 0.0) + value
    return totals


def cpa_focus(
    assessment: Assessment,
    balance: AssessmentBalance,
    costs: MfcaResult,
    weights: dict[str, float] | None = None,
) -> FocusResult:
    """Rank the waste streams and process steps of ``assessment`` for the CPA focus.

    Parameters
    ----------
    assessment : Assessment
        The document, with the causes recorded on its waste streams.
    balance : AssessmentBalance
        Its reconciled balance (quantities of the streams and of the layers' inputs).
    costs : MfcaResult
        Its material flow cost accounting (full cost of every stream) [enterprise currency].
    weights : dict, optional
        Weights of ``cost``, ``environment``, ``confidence``, ``ease``; missing ones take the
        defaults of ``data/focus.yaml``.
    """
    defaults = focus_defaults()
    weights = check_weights(weights or {})
    layer_input = _layer_inputs(assessment, balance)
    flows = {flow.id: flow for flow in assessment.flows}
    notes = []

    raw = []
    for loss in costs.losses:
        flow = flows[loss.flow]
        value, value_sd = balance.flow_value(flow.id)
        shares = []
        combustion = flow.id in costs.combustion_products
        if math.isfinite(value) and layer_input.get(flow.layer) and not combustion:
            shares.append(value / layer_input[flow.layer])
        for substance, concentration in flow.concentrations.items():
            carried = concentration.normalised.value
            if carried is not None and math.isfinite(value) and layer_input.get(substance):
                shares.append(carried * value / layer_input[substance])
        layer_share = max(shares, default=0.0)
        if flow.causes:
            weights_of_causes = [
                cause.share.value / 100.0 if cause.share is not None else 1.0
                for cause in flow.causes
            ]
            total = sum(weights_of_causes) or 1.0
            ease = (
                sum(
                    weight * defaults["ease"][cause.category]
                    for weight, cause in zip(weights_of_causes, flow.causes, strict=True)
                )
                / total
            )
        else:
            ease = defaults["ease_unknown"]
        if math.isfinite(value) and math.isfinite(value_sd) and value > 0:
            confidence = 1.0 / (1.0 + value_sd / value)
        else:
            confidence = 0.0  # the balance cannot estimate it
        raw.append((loss, flow, layer_share, ease, confidence))

    top_cost = max((loss.total for loss, *_ in raw), default=0.0)
    top_share = max((share for _, _, share, _, _ in raw), default=0.0)
    streams = []
    for loss, flow, layer_share, ease, confidence in raw:
        criteria = {
            "cost": loss.total / top_cost if top_cost > 0 else 0.0,
            "environment": layer_share / top_share if top_share > 0 else 0.0,
            "confidence": confidence,
            "ease": ease,
        }
        streams.append(
            StreamFocus(
                flow=flow.id,
                name=flow.name,
                process=loss.process,
                score=_score(criteria, weights),
                criteria=criteria,
                cost=loss.total,
                cost_sd=loss.sd,
                layer_share=layer_share,
                causes=tuple((cause.category, cause.description) for cause in flow.causes),
            )
        )
    streams.sort(key=lambda item: (-item.score, -item.cost, item.flow))
    if not any(flow.causes for flow in assessment.flows):
        notes.append(
            Message(
                "no causes are recorded on the waste streams: every stream takes the middle "
                "ease ({ease}); record them under each flow's 'causes'",
                ease=defaults["ease_unknown"],
            )
        )

    processes = []
    for entry in assessment.processes:
        own = [stream for stream in streams if stream.process == entry.id]
        if not own:
            continue
        cost = sum(stream.cost for stream in own)
        criteria = {
            "cost": min(1.0, sum(stream.criteria["cost"] for stream in own)),
            "environment": min(1.0, sum(stream.criteria["environment"] for stream in own)),
            "confidence": (
                sum(stream.criteria["confidence"] * stream.cost for stream in own) / cost
                if cost > 0
                else 0.0
            ),
            "ease": sum(stream.criteria["ease"] for stream in own) / len(own),
        }
        processes.append(
            ProcessFocus(
                process=entry.id,
                name=entry.name,
                score=_score(criteria, weights),
                criteria=criteria,
                cost=cost,
                streams=tuple(stream.flow for stream in own),
            )
        )
    processes.sort(key=lambda item: (-item.score, -item.cost, item.process))
    return FocusResult(
        weights=weights,
        streams=tuple(streams),
        processes=tuple(processes),
        currency=costs.currency,
        notes=tuple(notes),
    )


def focus_as_dict(result: FocusResult) -> dict[str, Any]:
    """The focus as plain data (``cleanprod focus --json``)."""

    def number(value: float) -> float | None:
        return float(value) if math.isfinite(value) else None

    return {
        "currency": result.currency,
        "weights": result.weights,
        "streams": [
            {
                "flow": stream.flow,
                "name": stream.name,
                "process": stream.process,
                "score": stream.score,
                "criteria": stream.criteria,
                "cost": stream.cost,
                "cost_sd": number(stream.cost_sd),
                "layer_share": stream.layer_share,
                "causes": [
                    {"category": category, "description": description}
                    for category, description in stream.causes
                ],
            }
            for stream in result.streams
        ],
        "processes": [
            {
                "process": process.process,
                "name": process.name,
                "score": process.score,
                "criteria": process.criteria,
                "cost": process.cost,
                "streams": list(process.streams),
            }
            for process in result.processes
        ],
        "notes": list(result.notes),
        "source": focus_defaults()["source"],
    }
