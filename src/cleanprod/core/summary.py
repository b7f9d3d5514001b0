"""A first look at an assessment: what it holds, per layer and in money, before any balance.

:func:`summarise` turns a validated :class:`~cleanprod.model.Assessment` into plain data (text,
numbers, lists and mappings, ready for JSON) that a consultant reads to check the baseline was
entered as intended: the flows of each layer, which are still unknown, how their uncertainty
was given, the inputs against the outputs, and the money the document states.

The gap it reports per layer is *raw*: known inputs minus known outputs, with unknown flows and
stock changes left out. The balance (reconciliation) is computed elsewhere.
"""

from __future__ import annotations

from typing import Any

from cleanprod.model import Assessment, Costs, Flow, Money
from cleanprod.model.choices import COST_TYPES, QUALITIES
from cleanprod.units import conversion_factor

#: Kinds of flow that can leave the system boundary, in the order they are reported.
OUTPUT_KINDS: tuple[str, ...] = ("product", "by-product", "loss", "emission")

#: How the uncertainty of a flow can be given (:attr:`cleanprod.model.Normalised.basis`),
#: in the order they are reported.
UNCERTAINTY_BASES: tuple[str, ...] = (
    "sd",
    "uncertainty",
    "range",
    *(f"quality:{quality}" for quality in QUALITIES),
    *(f"default:{quality}" for quality in QUALITIES),
    "unknown",
)

RAW_GAP_NOTE = (
    "raw gap = known inputs - known outputs leaving the boundary; it ignores unknown flows "
    "and stock changes and is not a balance"
)


def summarise(assessment: Assessment) -> dict[str, Any]:
    """Summarise one assessment: enterprise, period, counts, layers, money and stocks.

    Parameters
    ----------
    assessment
        A validated assessment; each flow's value is read from :attr:`Flow.normalised`, already
        in the unit of its layer.

    Returns
    -------
    dict
        JSON-serialisable data with the keys

        ``enterprise``
            ``name``, ``country`` (ISO 3166-1 alpha-2), ``sector``, ``currency`` (ISO 4217).
        ``period``
            ``start`` and ``end`` (ISO 8601 dates) and ``days`` [d], both days included.
        ``counts``
            Number of ``products``, ``processes``, ``flows`` and ``options``.
        ``layers``
            One entry per layer that has flows (see :func:`summarise_layer`), keyed by layer id.
        ``money``
            Purchases, process costs and flow costs in the enterprise currency
            (see :func:`summarise_money`).
        ``unknown_stock_changes``
            The stock processes whose stock change is unknown: ``process``, ``name`` and the
            ``layers`` concerned.
    """
    enterprise = assessment.enterprise
    period = assessment.period
    return {
        "enterprise": {
            "name": enterprise.name,
            "country": enterprise.country,
            "sector": enterprise.sector,
            "currency": enterprise.currency,
        },
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "days": period.days,
        },
        "counts": {
            "products": len(assessment.products),
            "processes": len(assessment.processes),
            "flows": len(assessment.flows),
            "options": len(assessment.options),
        },
        "layers": {layer: summarise_layer(assessment, layer) for layer in assessment.layer_ids},
        "money": summarise_money(assessment),
        "unknown_stock_changes": [
            {
                "process": process.id,
                "name": process.name,
                "layers": assessment.unknown_stock_layers(process),
            }
            for process in assessment.processes
            if assessment.unknown_stock_layers(process)
        ],
    }


def summarise_layer(assessment: Assessment, layer: str) -> dict[str, Any]:
    """Flows, unknowns, known inputs and outputs, and uncertainty bases of one layer.

    Parameters
    ----------
    assessment
        A validated assessment.
    layer
        The id of a layer that has flows (``mass``, ``water``, ``energy`` or a declared one).

    Returns
    -------
    dict
        ``unit``
            The layer's unit; every figure below is in it (``kg``, ``m3``, ``kWh``...).
        ``flows``, ``unknown_flows``
            Number of flows of the layer, and of those whose value is unknown.
        ``unknown_flow_ids``
            The ids of the unknown flows, in the order of the document.
        ``known_inputs``
            Sum of the known values of the flows of kind ``input`` [layer unit].
        ``known_outputs``
            Sum of the known values of the flows that leave the boundary (``to`` empty), by
            kind (``product``, ``by-product``, ``loss``, ``emission``) and in ``total``
            [layer unit].
        ``known_losses_to_treatment``
            Sum of the known losses that go to a treatment process inside the system
            [layer unit]; they do not leave the boundary and are not in ``known_outputs``.
        ``raw_gap``
            ``known_inputs - known_outputs["total"]`` [layer unit]. It ignores unknown flows
            and stock changes (see ``raw_gap_note``): it is not a balance.
        ``uncertainty_basis``
            Number of flows by how their uncertainty was given: ``sd``, ``uncertainty``,
            ``range``, ``quality:<class>``, ``default:<class>`` or ``unknown``; only bases that
            occur are listed.
    """
    flows = [flow for flow in assessment.flows if flow.layer == layer]
    unknown_ids = [flow.id for flow in assessment.unknown_flows if flow.layer == layer]
    known_inputs = sum(
        (
            flow.normalised.value
            for flow in flows
            if flow.kind == "input" and flow.normalised.value is not None
        ),
        0.0,
    )
    known_outputs = {kind: 0.0 for kind in OUTPUT_KINDS}
    losses_to_treatment = 0.0
    for flow in flows:
        if flow.normalised.value is None or flow.kind not in OUTPUT_KINDS:
            continue
        if flow.to_process is None:
            known_outputs[flow.kind] += flow.normalised.value
        else:
            losses_to_treatment += flow.normalised.value
    total_outputs = sum(known_outputs.values())
    return {
        "unit": assessment.layer_unit(layer),
        "flows": len(flows),
        "unknown_flows": len(unknown_ids),
        "unknown_flow_ids": unknown_ids,
        "known_inputs": known_inputs,
        "known_outputs": {**known_outputs, "total": total_outputs},
        "known_losses_to_treatment": losses_to_treatment,
        "raw_gap": known_inputs - total_outputs,
        "raw_gap_note": RAW_GAP_NOTE,
        "uncertainty_basis": _count_bases(flows),
    }


def summarise_money(assessment: Assessment) -> dict[str, Any]:
    """Purchases of inputs, process costs and flow costs of the period, in one currency.

    Every amount is in the enterprise currency, other currencies converted with the document's
    ``exchange_rates``.

    Parameters
    ----------
    assessment
        A validated assessment.

    Returns
    -------
    dict
        ``currency``
            The enterprise currency (ISO 4217) of every amount below.
        ``purchases``
            The purchase value of the known inputs with a price: ``by_flow`` lists for each
            the ``flow``, the ``quantity`` in the ``unit`` of its price, the ``price`` as
            written and the ``amount`` = quantity × price [currency]; ``total`` [currency];
            ``priced_inputs_of_unknown_value`` and ``known_inputs_without_price`` list the ids
            left out.
        ``process_costs``, ``flow_costs``
            The costs the document gives for the period, by the four cost types of MFCA
            (``material``, ``energy``, ``system``, ``waste_management``): ``by_type`` and
            ``total`` [currency], and per process (``by_process``) or flow (``by_flow``).

    References
    ----------
    ISO 14051:2011, *Environmental management — Material flow cost accounting — General
    framework*, for the four cost types.
    """
    by_flow = []
    priced_unknown = []
    unpriced_known = []
    for flow in assessment.flows:
        if flow.kind != "input":
            continue
        if flow.price is None:
            if flow.normalised.value is not None:
                unpriced_known.append(flow.id)
            continue
        if flow.normalised.value is None:
            priced_unknown.append(flow.id)
            continue
        by_flow.append(_purchase(assessment, flow))
    process_costs = {
        process.id: _costs_in_currency(assessment, process.costs)
        for process in assessment.processes
        if process.costs is not None and process.costs.items()
    }
    flow_costs = {
        flow.id: _costs_in_currency(assessment, flow.costs)
        for flow in assessment.flows
        if flow.costs is not None and flow.costs.items()
    }
    return {
        "currency": assessment.enterprise.currency,
        "purchases": {
            "total": sum((purchase["amount"] for purchase in by_flow), 0.0),
            "by_flow": by_flow,
            "priced_inputs_of_unknown_value": priced_unknown,
            "known_inputs_without_price": unpriced_known,
        },
        "process_costs": {**_totals_by_type(process_costs), "by_process": process_costs},
        "flow_costs": {**_totals_by_type(flow_costs), "by_flow": flow_costs},
    }


def _purchase(assessment: Assessment, flow: Flow) -> dict[str, Any]:
    """Purchase value of one known input with a price, in the enterprise currency."""
    price = flow.price
    quantity = flow.normalised.value * conversion_factor(flow.normalised.unit, price.unit)
    amount = assessment.to_enterprise_currency(Money(quantity * price.amount, price.currency))
    return {
        "flow": flow.id,
        "quantity": quantity,
        "unit": price.unit,
        "price": str(price),
        "amount": amount,
    }


def _costs_in_currency(assessment: Assessment, costs: Costs) -> dict[str, float]:
    """The costs given, by cost type, in the enterprise currency."""
    return {
        cost_type: assessment.to_enterprise_currency(money) for cost_type, money in costs.items()
    }


def _totals_by_type(costs_by_entry: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Sum per cost type (every type listed, zero when none is given) and the grand total."""
    by_type = {cost_type: 0.0 for cost_type in COST_TYPES}
    for costs in costs_by_entry.values():
        for cost_type, amount in costs.items():
            by_type[cost_type] += amount
    return {"by_type": by_type, "total": sum(by_type.values())}


def _count_bases(flows: list[Flow]) -> dict[str, int]:
    """Number of flows per uncertainty basis, in the order of :data:`UNCERTAINTY_BASES`."""
    counts: dict[str, int] = {}
    for flow in flows:
        counts[flow.normalised.basis] = counts.get(flow.normalised.basis, 0) + 1
    order = {basis: position for position, basis in enumerate(UNCERTAINTY_BASES)}
    return dict(sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
