"""Everything the report shows, gathered from the services into one plain structure.

:func:`report_data` reads nothing and writes nothing: from a read document it takes the
results every command gives — the summary, the balance with its suspects and meters
(:mod:`cleanprod.services.balance`), the true cost of the waste streams
(:mod:`cleanprod.services.costs`), the indicators, the CPA focus, the options' feasibility —
and adds what only the report needs: the flows of each Sankey diagram with how each is known,
the process flow diagram, the Monte Carlo distribution of each option's NPV, the portfolio,
the implementation status, and the data-quality annex. The result is plain data (dicts,
lists, numbers, text, dates) in the codes of the results; the words are the template's.

A part that cannot be computed (a fuel without an emission factor, options without a discount
rate for the portfolio) is said in ``problems`` and the report goes on; a document whose
balance cannot be reconciled has no report.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from cleanprod import __version__
from cleanprod.core import finance
from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.costing import material_flow_costs
from cleanprod.core.emissions import flow_emissions
from cleanprod.core.feasibility import feasibility_as_dict, options_feasibility, risk_inputs
from cleanprod.core.summary import summarise
from cleanprod.errors import CleanprodError
from cleanprod.model import Assessment
from cleanprod.services.balance import SUSPECT_TEST, balance_data
from cleanprod.services.costs import costs_data
from cleanprod.services.focus import focus_data
from cleanprod.services.indicators import indicators_data
from cleanprod.units import conversion_factor

#: Meters the annex suggests, as ``cleanprod assess`` does.
METERS = 3
#: Monte Carlo draws of the options' risk, as ``cleanprod options`` draws.
DRAWS = 10_000
#: Bars of each option's NPV distribution.
HISTOGRAM_BINS = 40
#: Waste streams and steps the focus tables show.
FOCUS_TOP = 10
#: Id of the node of a Sankey diagram that stands for the outside of the system.
OUTSIDE = "outside"


def report_data(
    assessment: Assessment,
    source: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Every result of ``assessment`` the report shows, as plain data.

    Parameters
    ----------
    assessment
        A read document.
    source
        The file it was read from, named in the report.
    today
        The date of the report; today when ``None``.

    Raises
    ------
    ReconciliationError
        When the balance cannot be reconciled: without it there is no report.
    """
    problems: dict[str, str] = {}
    balance = balance_assessment(assessment)  # once: every result below reads it
    balance_result = balance_data(assessment, meters=METERS, balance=balance)
    summary = summarise(assessment)
    costs = _attempt(problems, "costs", costs_data, assessment, balance)
    indicators = _attempt(problems, "indicators", indicators_data, assessment, balance)
    focus = _attempt(problems, "focus", focus_data, assessment, None, balance)
    emissions = _attempt(
        problems, "emissions", lambda: flow_emissions(assessment, balance).as_dict()
    )
    rows = _attempt(problems, "options", _feasibility_rows, assessment, balance)
    options = feasibility_as_dict(rows) if rows is not None else None
    flows_by_id = {flow.id: flow for flow in assessment.flows}
    layers = {
        layer: _layer(assessment, layer, figures, balance_result["layers"])
        for layer, figures in balance_result["layers"].items()
    }
    data: dict[str, Any] = {
        "cleanprod": __version__,
        "source": source,
        "date": today or dt.date.today(),
        "title": assessment.title,
        "notes": assessment.notes,
        "enterprise": _enterprise(assessment),
        "period": {
            "start": assessment.period.start,
            "end": assessment.period.end,
            "days": assessment.period.days,
        },
        "currency": assessment.enterprise.currency,
        "products": [
            {
                "id": product.id,
                "name": product.name,
                "quantity": product.quantity.magnitude,
                "unit": product.quantity.unit,
                "source": product.source,
            }
            for product in assessment.products
        ],
        "processes": _processes(assessment),
        "process_names": {process.id: process.name for process in assessment.processes},
        "flow_names": {flow.id: flow.name for flow in assessment.flows},
        "layer_names": {layer.id: layer.name for layer in assessment.layers if layer.name},
        "purchases": _purchases(assessment, summary),
        "unpriced_inputs": [
            flows_by_id[flow_id].name if flow_id in flows_by_id else flow_id
            for flow_id in summary["money"]["purchases"]["known_inputs_without_price"]
        ],
        "summary": summary,
        "layers": layers,
        "flow_diagram": _flow_diagram(assessment),
        "meters": balance_result.get("meters", []),
        "costs": costs,
        "costliest_losses": _costliest(costs),
        "indicators": indicators,
        "emissions": emissions,
        "focus": _focus(focus),
        "options": options["options"] if options else {},
        "risk": _risk_distributions(assessment, rows) if rows else {},
        "portfolio": _attempt(problems, "portfolio", _portfolio, assessment, rows)
        if rows
        else None,
        "implementation": _implementation(assessment, options),
        "quality": _quality(assessment, summary, layers),
        "problems": problems,
    }
    data["key"] = _key_figures(data)
    return data


def _attempt(problems: dict[str, str], part: str, function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)``, or ``None`` with the reason kept in ``problems[part]``."""
    try:
        return function(*args)
    except CleanprodError as error:
        problems.setdefault(part, str(error))
        return None


# --------------------------------------------------------------------------------------------
# The enterprise and its baseline


def _enterprise(assessment: Assessment) -> dict[str, Any]:
    enterprise = assessment.enterprise
    return {
        "name": enterprise.name,
        "country": enterprise.country,
        "sector": enterprise.sector,
        "isic": enterprise.isic,
        "currency": enterprise.currency,
        "location": enterprise.location,
        "employees": enterprise.employees,
    }


def step_numbers(assessment: Assessment) -> dict[str, int]:
    """The number of each process step (its place in the document), by which the diagrams
    and the table of steps refer to it."""
    return {process.id: number for number, process in enumerate(assessment.processes, 1)}


def _processes(assessment: Assessment) -> list[dict[str, Any]]:
    """Each step with what enters it from outside and what leaves it, by name."""
    rows = []
    numbers = step_numbers(assessment)
    for process in assessment.processes:
        inputs = [
            flow.name
            for flow in assessment.flows
            if flow.to_process == process.id and flow.from_process is None
        ]
        outputs = [
            flow.name
            for flow in assessment.flows
            if flow.from_process == process.id and flow.to_process is None
        ]
        rows.append(
            {
                "id": process.id,
                "number": numbers[process.id],
                "name": process.name,
                "description": process.description,
                "unit_operation": process.unit_operation,
                "inputs": inputs,
                "outputs": outputs,
            }
        )
    return rows


def _purchases(assessment: Assessment, summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The purchased inputs of the summary, with their names and prices as numbers."""
    flows = {flow.id: flow for flow in assessment.flows}
    rows = []
    for purchase in summary["money"]["purchases"]["by_flow"]:
        flow = flows.get(purchase["flow"])
        price = flow.price if flow is not None else None
        rows.append(
            {
                "name": flow.name if flow is not None else purchase["flow"],
                "quantity": purchase["quantity"],
                "unit": purchase["unit"],
                "price": None
                if price is None
                else {"amount": price.amount, "currency": price.currency, "unit": price.unit},
                "amount": purchase["amount"],
            }
        )
    return rows


def _flow_diagram(assessment: Assessment) -> dict[str, Any]:
    """The process steps and what joins them, for the process flow diagram.

    ``edges`` join two steps (the layers of the flows between them); ``inputs`` and
    ``outputs`` give, per step, the layers it takes from or gives to the outside.
    """
    layer_names = {layer.id: layer.name for layer in assessment.layers}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    inputs: dict[str, set[str]] = {}
    outputs: dict[str, set[str]] = {}
    for flow in assessment.flows:
        start, end = flow.from_process, flow.to_process
        if start and end:
            edge = edges.setdefault(
                (start, end), {"from": start, "to": end, "layers": [], "flows": []}
            )
            if flow.layer not in edge["layers"]:
                edge["layers"].append(flow.layer)
            edge["flows"].append(flow.name)
        elif end:
            inputs.setdefault(end, set()).add(flow.layer)
        elif start:
            outputs.setdefault(start, set()).add(flow.layer)
    return {
        "processes": [
            {
                "id": process.id,
                "number": number,
                "name": process.name,
                "inputs": sorted(inputs.get(process.id, ())),
                "outputs": sorted(outputs.get(process.id, ())),
            }
            for number, process in enumerate(assessment.processes, 1)
        ],
        "edges": list(edges.values()),
        "layer_names": layer_names,
    }


# --------------------------------------------------------------------------------------------
# The balance of each layer and its Sankey diagram


def link_category(entry: dict[str, Any]) -> str | None:
    """How a flow of the balance is known: ``measured`` (not checked), ``reconciled``,
    ``suspect`` (reconciled, failing its measurement test), ``estimated``; ``None`` when the
    balance cannot estimate it."""
    status = entry["status"]
    if status == "unobservable" or entry.get("value") is None:
        return None
    if status == "observable":
        return "estimated"
    if status == "redundant":
        test = entry.get("test")
        return "suspect" if test is not None and test > SUSPECT_TEST else "reconciled"
    return "measured"


def _layer(
    assessment: Assessment,
    layer: str,
    figures: dict[str, Any],
    all_layers: dict[str, Any],
) -> dict[str, Any]:
    """The balance of one layer with the names of its flows and steps, and its Sankey."""
    flows = {flow.id: flow for flow in assessment.flows}
    processes = {process.id: process.name for process in assessment.processes}
    declared = {item.id: item for item in assessment.layers}
    rows = []
    for flow_id, entry in figures["flows"].items():
        flow = flows.get(flow_id)
        rows.append(
            {
                "id": flow_id,
                "name": flow.name if flow else flow_id,
                "kind": flow.kind if flow else None,
                "from": processes.get(flow.from_process) if flow and flow.from_process else None,
                "to": processes.get(flow.to_process) if flow and flow.to_process else None,
                "category": link_category(entry),
                **entry,
            }
        )
    statements = {
        item.id: item.name or item.id for item in (*assessment.measurements, *assessment.ratios)
    }
    for key in ("stock_changes", "measurements", "ratios", "concentrations"):
        for name, entry in figures.get(key, {}).items():
            label = statements.get(name, name)
            if key == "stock_changes":
                label = processes.get(name, name)
            elif key == "concentrations" and name in flows:
                label = flows[name].name
            rows.append(
                {
                    "id": name,
                    "name": label,
                    "kind": key,
                    "from": None,
                    "to": None,
                    "category": link_category(entry),
                    **entry,
                }
            )
    names = {row["id"]: row["name"] for row in rows}
    suspects = [
        {**suspect, "name": names.get(suspect["flow"], suspect["flow"])}
        for suspect in figures["suspects"]
    ]
    process_rows = [
        {"id": process_id, "name": processes.get(process_id, process_id), **entry}
        for process_id, entry in figures["processes"].items()
    ]
    layer_model = declared.get(layer)
    return {
        "id": layer,
        "name": layer_model.name if layer_model else None,
        "unit": figures["unit"],
        "chi2": figures["chi2"],
        "dof": figures["dof"],
        "critical": figures["critical"],
        "p_value": figures["p_value"],
        "consistent": figures["consistent"],
        "bounded": figures.get("bounded", False),
        "reconciled_with": figures.get("reconciled_with", []),
        "flows": rows,
        "processes": process_rows,
        "suspects": suspects,
        "sankey": _sankey(assessment, layer, figures, all_layers),
    }


def _sankey(
    assessment: Assessment,
    layer: str,
    figures: dict[str, Any],
    all_layers: dict[str, Any],
) -> dict[str, Any]:
    """Nodes and links of the Sankey diagram of one layer, from the reconciled flows.

    The nodes are the process steps the layer passes through, one node outside the system
    for each flow that enters or leaves it (so that each is labelled with its value ± sd),
    and a stock for a step whose stock changes. Each link carries its value, standard
    deviation and category (:func:`link_category`). A substance carried by another layer
    (COD in water) flows with its carrier: concentration × carrier flow, with the two
    relative uncertainties combined. Flows the balance cannot estimate are listed in
    ``omitted``.
    """
    flows = {flow.id: flow for flow in assessment.flows}
    process_names = {process.id: process.name for process in assessment.processes}
    numbers = step_numbers(assessment)
    nodes: list[dict[str, Any]] = []
    index: dict[str, int] = {}

    def node(key: str, label: str, kind: str, **extra: Any) -> int:
        if key not in index:
            index[key] = len(nodes)
            nodes.append({"id": key, "label": label, "kind": kind, **extra})
        return index[key]

    links: list[dict[str, Any]] = []
    omitted: list[str] = []

    def add(flow_id: str, name: str, start: str | None, end: str | None, entry: dict) -> None:
        category = link_category(entry)
        value = entry.get("value")
        if category is None or value is None:
            omitted.append(name)
            return
        if value <= 0:
            return
        sd = entry.get("sd") or 0.0
        if start is None:
            source = node(f"{OUTSIDE}:{flow_id}", name, "source", value=value, sd=sd)
        else:
            source = node(
                start, process_names.get(start, start), "process", number=numbers.get(start)
            )
        if end is None:
            target = node(f"{OUTSIDE}:{flow_id}", name, "sink", value=value, sd=sd)
        else:
            target = node(end, process_names.get(end, end), "process", number=numbers.get(end))
        links.append(
            {
                "flow": flow_id,
                "name": name,
                "source": source,
                "target": target,
                "value": value,
                "sd": sd,
                "measured": entry.get("measured"),
                "measured_sd": entry.get("measured_sd"),
                "category": category,
                "test": entry.get("test"),
            }
        )

    # Steps first, in the order of the document, so that the diagram reads as the process.
    touching = [
        process.id
        for process in assessment.processes
        if any(
            process.id in (flow.from_process, flow.to_process)
            for flow in assessment.flows
            if flow.layer == layer or (layer in flow.concentrations)
        )
    ]
    for process_id in touching:
        node(process_id, process_names[process_id], "process", number=numbers[process_id])
    for flow_id, entry in figures["flows"].items():
        flow = flows.get(flow_id)
        if flow is None:
            continue
        add(flow_id, flow.name, flow.from_process, flow.to_process, entry)
    carrier_of = {item.id: item.carrier for item in assessment.layers}
    carrier = carrier_of.get(layer)
    concentrations = figures.get("concentrations", {})
    if carrier and carrier in all_layers:
        carrier_flows = all_layers[carrier]["flows"]
        carrier_unit = all_layers[carrier]["unit"]
        for flow_id, concentration in concentrations.items():
            carried = carrier_flows.get(flow_id)
            flow = flows.get(flow_id)
            if carried is None or flow is None:
                continue
            entry = _carried(concentration, carried, carrier_unit, figures["unit"])
            add(flow_id, flow.name, flow.from_process, flow.to_process, entry)
    for process_id, entry in figures.get("stock_changes", {}).items():
        value = entry.get("value")
        if value is None or link_category(entry) is None:
            omitted.append(process_names.get(process_id, process_id))
            continue
        stock = {**entry, "value": abs(value)}
        name = process_names.get(process_id, process_id)
        key = f"stock:{process_id}"
        if value > 0:
            add(key, name, process_id, None, stock)
        elif value < 0:
            add(key, name, None, process_id, stock)
        if key in index or f"{OUTSIDE}:{key}" in index:
            nodes[index[f"{OUTSIDE}:{key}"]]["kind"] = "stock"
    # Steps the layer only names through a flow it cannot estimate stay out of the diagram.
    used = {link["source"] for link in links} | {link["target"] for link in links}
    keep = [number for number in range(len(nodes)) if number in used]
    renumber = {old: new for new, old in enumerate(keep)}
    for link in links:
        link["source"], link["target"] = renumber[link["source"]], renumber[link["target"]]
    return {
        "unit": figures["unit"],
        "nodes": [nodes[number] for number in keep],
        "links": links,
        "omitted": omitted,
    }


def _carried(
    concentration: dict[str, Any], carried: dict[str, Any], carrier_unit: str, unit: str
) -> dict[str, Any]:
    """A substance carried by a flow: concentration × flow, in the substance's unit."""
    c, q = concentration.get("value"), carried.get("value")
    if c is None or q is None:
        return {"value": None, "status": "unobservable"}
    factor = conversion_factor(f"({concentration['unit']})*({carrier_unit})", unit)
    c_sd, q_sd = concentration.get("sd") or 0.0, carried.get("sd") or 0.0
    value = c * q * factor
    sd = math.hypot(c_sd * q, q_sd * c) * factor
    statuses = {concentration["status"], carried["status"]}
    status = (
        "observable"
        if "observable" in statuses
        else "redundant"
        if "redundant" in statuses
        else "non-redundant"
    )
    test = concentration.get("test")
    return {"value": value, "sd": sd, "status": status, "test": test, "measured": None}


# --------------------------------------------------------------------------------------------
# Costs, focus


def _costliest(costs: dict[str, Any] | None, count: int = 12) -> list[dict[str, Any]]:
    """The losses that cost something, most costly first (for the MFCA chart)."""
    if not costs:
        return []
    losses = [{"flow": flow, **loss} for flow, loss in costs["losses"].items()]
    losses = [loss for loss in losses if loss["cost"] and loss["cost"] > 0]
    losses.sort(key=lambda loss: -loss["cost"])
    return losses[:count]


def _focus(focus: dict[str, Any] | None) -> dict[str, Any] | None:
    if focus is None:
        return None
    return {
        **focus,
        "streams": focus["streams"][:FOCUS_TOP],
        "processes": focus["processes"][:FOCUS_TOP],
    }


# --------------------------------------------------------------------------------------------
# Options: risk distributions, portfolio, implementation


def _feasibility_rows(assessment: Assessment, balance: Any) -> list[Any]:
    """The feasibility rows of the core (for the portfolio and the risk draws)."""
    costs = material_flow_costs(assessment, balance, standard_deviations=False)
    emissions = flow_emissions(assessment, balance)
    return options_feasibility(assessment, balance, costs, emissions, draws=DRAWS)


def _risk_distributions(assessment: Assessment, rows: list[Any]) -> dict[str, Any]:
    """For each option with a lifetime, the histogram of its NPV over the Monte Carlo
    draws of :func:`cleanprod.core.finance.monte_carlo` (the same draws, so the same
    P(NPV > 0) as ``cleanprod options``)."""
    chosen, arguments = risk_inputs(assessment, rows)
    if not chosen:
        return {}
    draws = finance.monte_carlo_npv(**arguments, draws=DRAWS)
    distributions = {}
    for column, row in enumerate(chosen):
        npv = draws[:, column]
        if np.ptp(npv) > 0:
            counts, edges = np.histogram(npv, bins=HISTOGRAM_BINS)
        else:
            counts, edges = np.array([len(npv)]), np.array([npv[0] - 0.5, npv[0] + 0.5])
        low, middle, high = np.percentile(npv, [10, 50, 90])
        distributions[row.option] = {
            "edges": edges.tolist(),
            "counts": counts.tolist(),
            "draws": DRAWS,
            "p_npv_positive": float((npv > 0).mean()),
            "p10": float(low),
            "p50": float(middle),
            "p90": float(high),
            "currency": row.currency,
        }
    return distributions


def document_budget(assessment: Assessment) -> float | None:
    """The budget for the options the document sets (``finance.budget``), in the options'
    results currency; ``None`` when it sets none (the portfolio then has no limit)."""
    from cleanprod.core.portfolio import document_budget as budget_of

    return budget_of(assessment)


def _portfolio(assessment: Assessment, rows: list[Any]) -> dict[str, Any] | None:
    """The best set of options (by total NPV) under the document's budget, if any."""
    from cleanprod.core.portfolio import choose_portfolio

    if not rows:
        return None
    result = choose_portfolio(assessment, rows, budget=document_budget(assessment))
    titles = {row.option: row.title for row in rows}
    return {
        "objective": result.objective,
        "budget": result.budget,
        "currency": result.currency,
        "chosen": [{"id": option, "title": titles.get(option, option)} for option in result.chosen],
        "investment": result.investment,
        "npv": result.npv,
        "co2e_t_per_year": result.co2e_t_per_year,
        "water_m3_per_year": result.water_m3_per_year,
        "status": result.status,
    }


def _implementation(assessment: Assessment, options: dict[str, Any] | None) -> list[dict]:
    """Each option's status with its dates, actual investment and verified saving."""
    appraised = options["options"] if options else {}
    rows = []
    for option in assessment.options:
        row = appraised.get(option.id, {})
        rows.append(
            {
                "id": option.id,
                "title": option.title,
                "status": option.status,
                "practice": option.practice,
                "dates": dict(sorted(option.dates.items(), key=lambda item: item[1])),
                "investment": row.get("investment"),
                "actual_investment": assessment.to_enterprise_currency(option.actual_investment)
                if option.actual_investment is not None
                else None,
                "annual_savings": row.get("annual_savings"),
                "currency": row.get("currency", assessment.enterprise.currency),
                "verified": row.get("verified"),
                "monitoring": _monitoring(option.monitoring),
            }
        )
    return rows


def _monitoring(monitoring: Any) -> dict[str, Any] | None:
    """The before-and-after readings of an option's monitoring, for its chart."""
    if monitoring is None:
        return None
    production_unit = monitoring.baseline[0].production.unit
    consumption_unit = monitoring.baseline[0].consumption.unit

    def points(readings: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "period": reading.period,
                "production": reading.production.magnitude
                * conversion_factor(reading.production.unit, production_unit),
                "consumption": reading.consumption.magnitude
                * conversion_factor(reading.consumption.unit, consumption_unit),
            }
            for reading in readings
        ]

    baseline = points(monitoring.baseline)
    x = np.array([point["production"] for point in baseline])
    y = np.array([point["consumption"] for point in baseline])
    slope, intercept = np.polyfit(x, y, 1) if np.ptp(x) > 0 else (0.0, float(y.mean()))
    return {
        "resource": monitoring.resource,
        "production_unit": production_unit,
        "consumption_unit": consumption_unit,
        "baseline": baseline,
        "reporting": points(monitoring.reporting),
        "intercept": float(intercept),
        "slope": float(slope),
    }


# --------------------------------------------------------------------------------------------
# Data quality and key figures


def _quality(
    assessment: Assessment, summary: dict[str, Any], layers: dict[str, Any]
) -> dict[str, Any]:
    """How well each layer is known: its flows by status, how their uncertainty was given,
    and the flows no balance can estimate."""
    rows = []
    for layer, figures in layers.items():
        counts = {"redundant": 0, "non-redundant": 0, "observable": 0, "unobservable": 0}
        for flow in figures["flows"]:
            if flow["kind"] in ("measurements", "ratios", "concentrations", "stock_changes"):
                continue
            counts[flow["status"]] = counts.get(flow["status"], 0) + 1
        basis = summary["layers"].get(layer, {}).get("uncertainty_basis", {})
        rows.append(
            {
                "layer": layer,
                "name": figures["name"],
                "unit": figures["unit"],
                "flows": sum(counts.values()),
                "status": counts,
                "basis": basis,
                "unobservable": [
                    flow["name"] for flow in figures["flows"] if flow["status"] == "unobservable"
                ],
            }
        )
    return {"layers": rows}


def _key_figures(data: dict[str, Any]) -> dict[str, Any]:
    """The few figures of the summary page."""
    costs = data["costs"]
    key: dict[str, Any] = {"currency": costs["currency"] if costs else data["currency"]}
    if costs:
        totals = costs["totals"]
        key["inputs"] = totals["inputs"]
        key["losses"] = totals["loss"]
        key["loss_share"] = totals["loss"] / totals["inputs"] if totals["inputs"] else None
        costliest = data["costliest_losses"]
        key["costliest"] = costliest[0] if costliest else None
    key["suspects"] = sum(len(layer["suspects"]) for layer in data["layers"].values())
    emissions = data["emissions"]
    if emissions:
        key["co2e_t"] = emissions["total"] / 1000.0
        key["co2e_t_sd"] = emissions["total_sd"] / 1000.0
    focus = data["focus"]
    if focus and focus["streams"]:
        key["first_stream"] = focus["streams"][0]
    if focus and focus["processes"]:
        key["first_step"] = focus["processes"][0]
    options = data["options"]
    key["options"] = len(options)
    key["options_positive"] = sum(
        1 for row in options.values() if row["npv"] is not None and row["npv"] > 0
    )
    key["portfolio"] = data["portfolio"]
    key["verified"] = [row for row in data["implementation"] if row["verified"]]
    key["implemented"] = [row for row in data["implementation"] if row["status"] == "implemented"]
    return key
