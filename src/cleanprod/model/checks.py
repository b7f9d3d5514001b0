"""The links between the entries of an assessment document.

Each entry is checked on its own by its pydantic model; this module checks what only the whole
document can tell: unique ids, processes named by flows, layers and their dimensions, kinds of
flow against the system boundary, and currencies with an exchange rate.

:func:`find_link_problems` returns every problem at once, each as (key path, message). It works
on a complete :class:`~cleanprod.model.assessment.Assessment` and also on one assembled from the
entries that passed their own checks, so that a document's problems are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from cleanprod.model.choices import BUILTIN_LAYERS, LEAVING_KINDS
from cleanprod.model.quantities import Money, Price, Quantity
from cleanprod.units import (
    LAYER_UNITS,
    dimension_name,
    dimension_of,
)

if TYPE_CHECKING:
    from cleanprod.model.assessment import Assessment, Costs

Location = tuple[str | int, ...]
LinkProblem = tuple[Location, str]


def find_link_problems(
    assessment: Assessment, ignore_ids: Iterable[str] = frozenset()
) -> list[LinkProblem]:
    """Every problem in the links between the entries of ``assessment``.

    Parameters
    ----------
    assessment
        The document; its lists may hold only the entries that passed their own checks.
    ignore_ids
        Ids of entries that failed their own checks: a reference to one of them is not reported
        as unknown (the entry itself already was).
    """
    ignored = set(ignore_ids)
    problems: list[LinkProblem] = []
    problems += _duplicate_ids(assessment)
    problems += _flow_links(assessment, ignored)
    problems += _layer_units(assessment, ignored)
    problems += _money(assessment)
    problems += _product_and_option_links(assessment, ignored)
    problems += _statement_links(assessment, ignored)
    problems += _concentration_links(assessment, ignored)
    problems += _fuel_links(assessment, ignored)
    return problems


def _duplicate_ids(assessment: Assessment) -> Iterator[LinkProblem]:
    for section in (
        "layers",
        "products",
        "processes",
        "flows",
        "measurements",
        "ratios",
        "options",
    ):
        first_index: dict[str, int] = {}
        for index, entry in enumerate(getattr(assessment, section) or []):
            if getattr(entry, "id", None) is None:
                continue
            if entry.id in first_index:
                yield (
                    (section, index, "id"),
                    f"duplicate id '{entry.id}': {section}[{first_index[entry.id]}] already "
                    "has it; ids must be unique",
                )
            else:
                first_index[entry.id] = index


def _flow_links(assessment: Assessment, ignored: set[str]) -> Iterator[LinkProblem]:
    process_ids = _ids(assessment.processes)
    known = sorted(process_ids)
    for index, flow in enumerate(assessment.flows or []):
        for key, process_id in (("from", flow.from_process), ("to", flow.to_process)):
            if process_id is not None and process_id not in process_ids | ignored:
                yield (("flows", index, key), _unknown("process", process_id, known))
        yield from _boundary_rule(index, flow)


def _boundary_rule(index: int, flow: Any) -> Iterator[LinkProblem]:
    source, target, kind = flow.from_process, flow.to_process, getattr(flow, "kind", None)
    where: Location = ("flows", index, "kind")
    if source is None and target is None:
        yield (("flows", index), "the flow has neither 'from' nor 'to': name at least one process")
    elif source is not None and source == target:
        yield (("flows", index, "to"), f"the flow goes from '{source}' back to itself")
    elif kind is None:
        return
    elif kind == "input" and (source is not None or target is None):
        yield (
            where,
            "an input comes from outside the boundary: leave 'from' empty and name "
            "the process it enters in 'to' (or choose another kind)",
        )
    elif kind == "internal" and (source is None or target is None):
        yield (
            where,
            "an internal flow goes from a process to a process: give both 'from' "
            "and 'to' (or choose input, product, loss...)",
        )
    elif kind in LEAVING_KINDS and (source is None or target is not None):
        yield (
            where,
            f"a {kind} leaves a process for outside the boundary: name the process in "
            "'from' and leave 'to' empty (use kind internal between processes)",
        )
    elif kind == "loss" and source is None:
        yield (where, "a loss leaves a process: name it in 'from'")


def _layer_units(assessment: Assessment, ignored: set[str]) -> Iterator[LinkProblem]:
    declared = {
        layer.id: layer.unit
        for layer in assessment.layers or []
        if getattr(layer, "id", None) and getattr(layer, "unit", None)
    }
    ignored |= {
        layer.id
        for layer in assessment.layers or []
        if getattr(layer, "id", None) and not getattr(layer, "unit", None)
    }
    layer_units = {**LAYER_UNITS, **declared}
    known_layers = sorted(set(BUILTIN_LAYERS) | set(declared))
    for index, flow in enumerate(assessment.flows or []):
        if flow.layer not in layer_units:
            if flow.layer not in ignored:
                yield (
                    ("flows", index, "layer"),
                    _unknown("layer", flow.layer, known_layers)
                    + "; declare it under 'layers' with its unit",
                )
            continue
        unit = layer_units[flow.layer]
        for key, quantity in _quantities_of(flow):
            problem = _dimension_problem(quantity, unit, flow.layer, f"{flow.id}'s {key}")
            if problem:
                yield (("flows", index, key), problem)
        if flow.price is not None:
            problem = _price_problem(flow.price, unit, flow.layer)
            if problem:
                yield (("flows", index, "price"), problem)
    for index, process in enumerate(assessment.processes or []):
        for layer, change in process.stock_change.items():
            where: Location = ("processes", index, "stock_change", layer)
            if layer not in layer_units:
                if layer not in ignored:
                    yield (where, _unknown("layer", layer, known_layers))
                continue
            for key, quantity in _quantities_of(change):
                problem = _dimension_problem(
                    quantity, layer_units[layer], layer, f"the stock change's {key}"
                )
                if problem:
                    yield ((*where, key), problem)


def _quantities_of(measured: Any) -> Iterator[tuple[str, Quantity]]:
    if measured.value is not None:
        yield "value", measured.value
    elif measured.range is not None:
        yield "range", measured.range[0]


def _dimension_problem(quantity: Quantity, unit: str, layer: str, what: str) -> str | None:
    if _dimension(quantity.unit) == _dimension(unit):
        return None
    return (
        f"the {layer} layer is in {unit} ({dimension_name(unit)}), but {what} is "
        f"{quantity} ({dimension_name(quantity.unit)}); give it in a unit of "
        f"{dimension_name(unit)}, or declare the layer under 'layers' with another unit"
    )


def _price_problem(price: Price, unit: str, layer: str) -> str | None:
    if _dimension(price.unit) == _dimension(unit):
        return None
    return (
        f"the price is per {price.unit} ({dimension_name(price.unit)}), but the flow's "
        f"{layer} layer is in {unit} ({dimension_name(unit)}); give the price per a unit of "
        f"{dimension_name(unit)}"
    )


def _dimension(unit: str) -> str:
    """Dimension of a unit that passed its entry's own checks (so it reads)."""
    return dimension_of(unit)


def _money(assessment: Assessment) -> Iterator[LinkProblem]:
    enterprise = assessment.enterprise
    if enterprise is None:
        return
    currency = enterprise.currency
    rates = assessment.exchange_rates or {}

    def check(location: Location, money: Money | Price | None) -> Iterator[LinkProblem]:
        if money is not None and money.currency != currency and money.currency not in rates:
            yield (
                location,
                f"the amount is in {money.currency} but the enterprise's currency is "
                f"{currency}; add the rate under exchange_rates, like "
                f"'exchange_rates: {{{money.currency}: <{currency} per {money.currency}>}}'",
            )

    def check_costs(location: Location, costs: Costs | None) -> Iterator[LinkProblem]:
        for cost_type, money in costs.items() if costs is not None else []:
            yield from check((*location, "costs", cost_type), money)

    for index, process in enumerate(assessment.processes or []):
        yield from check_costs(("processes", index), process.costs)
    for index, flow in enumerate(assessment.flows or []):
        yield from check(("flows", index, "price"), flow.price)
        yield from check_costs(("flows", index), flow.costs)
    for index, product in enumerate(assessment.products or []):
        yield from check(("products", index, "price"), product.price)
    for index, option in enumerate(assessment.options or []):
        for key in (
            "investment",
            "operating_cost_change",
            "annual_savings",
            "salvage_value",
            "actual_investment",
        ):
            yield from check(("options", index, key), getattr(option, key, None))
    finance = getattr(assessment, "finance", None)
    yield from check(("finance", "budget"), getattr(finance, "budget", None))
    results = getattr(finance, "currency", None)
    if results is not None and results != currency and results not in rates:
        yield (
            ("finance", "currency"),
            f"results in {results} need its rate: add 'exchange_rates: {{{results}: <{currency} "
            f"per {results}>}}'",
        )


def _product_and_option_links(assessment: Assessment, ignored: set[str]) -> Iterator[LinkProblem]:
    flow_ids = _ids(assessment.flows)
    process_ids = _ids(assessment.processes)
    for index, product in enumerate(assessment.products or []):
        if product.flow is not None and product.flow not in flow_ids | ignored:
            yield (("products", index, "flow"), _unknown("flow", product.flow, sorted(flow_ids)))
    option_ids = _ids(assessment.options)
    flows = {flow.id: flow for flow in assessment.flows or [] if getattr(flow, "id", None)}
    units = _declared_units(assessment)
    for index, option in enumerate(assessment.options or []):
        for key in ("depends_on", "excludes"):
            for position, other in enumerate(getattr(option, key, None) or []):
                if other == option.id:
                    yield ((("options", index, key, position)), "an option cannot name itself")
                elif other not in option_ids | ignored:
                    yield (
                        ("options", index, key, position),
                        _unknown("option", other, sorted(option_ids)),
                    )
        metered = getattr(getattr(option, "monitoring", None), "flow", None)
        if metered is not None and metered not in flows and metered not in ignored:
            yield (
                ("options", index, "monitoring", "flow"),
                _unknown("flow", metered, sorted(flows)),
            )
        for position, effect in enumerate(getattr(option, "effects", None) or []):
            where: Location = ("options", index, "effects", position)
            flow = flows.get(effect.flow)
            if flow is None:
                if effect.flow not in ignored:
                    yield ((*where, "flow"), _unknown("flow", effect.flow, sorted(flows)))
                continue
            change = effect.absolute
            if change is not None and flow.layer in units:
                problem = _dimension_problem(
                    change, units[flow.layer], flow.layer, f"the change of {flow.id}"
                )
                if problem:
                    yield ((*where, "change"), problem)
    for index, option in enumerate(assessment.options or []):
        for position, process_id in enumerate(option.processes):
            if process_id not in process_ids | ignored:
                yield (
                    ("options", index, "processes", position),
                    _unknown("process", process_id, sorted(process_ids)),
                )
        for position, flow_id in enumerate(option.flows):
            if flow_id not in flow_ids | ignored:
                yield (
                    ("options", index, "flows", position),
                    _unknown("flow", flow_id, sorted(flow_ids)),
                )


def _declared_units(assessment: Assessment) -> dict[str, str]:
    """Unit of every layer that has one: built-in and declared."""
    return {
        **LAYER_UNITS,
        **{
            layer.id: layer.unit
            for layer in assessment.layers or []
            if getattr(layer, "id", None) and getattr(layer, "unit", None)
        },
    }


def _statement_links(assessment: Assessment, ignored: set[str]) -> Iterator[LinkProblem]:
    """Sum measurements and ratios: their flows exist and share a layer; their values have
    the dimension of that layer (a ratio: of its layer per the ``per`` layer)."""
    flows = {flow.id: flow for flow in assessment.flows or [] if getattr(flow, "id", None)}
    units = _declared_units(assessment)

    def shared_layer(where: Location, flow_ids: list[str], problems: list) -> str | None:
        """The one layer of ``flow_ids`` (None when it cannot be told); problems appended."""
        layers: dict[str, str] = {}
        for position, flow_id in enumerate(flow_ids):
            if flow_id in flows:
                layers.setdefault(flows[flow_id].layer, flow_id)
            elif flow_id not in ignored:
                problems.append(((*where, position), _unknown("flow", flow_id, sorted(flows))))
        if len(layers) > 1:
            shown = ", ".join(f"'{flow}' is {layer}" for layer, flow in layers.items())
            problems.append((where, f"the flows named here must be of one layer; {shown}"))
            return None
        layer = next(iter(layers), None)
        return layer if layer in units else None

    for index, measurement in enumerate(getattr(assessment, "measurements", None) or []):
        problems: list[LinkProblem] = []
        layer = shared_layer(("measurements", index, "flows"), measurement.flows, problems)
        yield from problems
        if layer is None or problems:
            continue
        for key, quantity in _quantities_of(measurement):
            problem = _dimension_problem(quantity, units[layer], layer, f"the measurement's {key}")
            if problem:
                yield (("measurements", index, key), problem)
    for index, ratio in enumerate(getattr(assessment, "ratios", None) or []):
        problems = []
        layer = shared_layer(("ratios", index, "flows"), ratio.flows, problems)
        per_layer = shared_layer(("ratios", index, "per"), ratio.per, problems)
        yield from problems
        if layer is None or per_layer is None or problems:
            continue
        unit = f"{units[layer]}/{units[per_layer]}"
        for key, quantity in _quantities_of(ratio):
            if _dimension(quantity.unit) != _dimension(unit):
                yield (
                    ("ratios", index, key),
                    f"the ratio is {layer} ({units[layer]}) per {per_layer} ({units[per_layer]}), "
                    f"so its value needs a unit of {_per(units[layer], units[per_layer])} like "
                    f"'{_ratio_example(units[layer], units[per_layer])}'; found '{quantity}'",
                )


def _per(unit: str, per_unit: str) -> str:
    """``energy per mass`` for kWh and kg."""
    return f"{dimension_name(unit)} per {dimension_name(per_unit)}"


def _ratio_example(unit: str, per_unit: str) -> str:
    if _dimension(unit) == _dimension(per_unit):
        return "2 %"
    return f"0.5 {unit}/{per_unit}"


def _concentration_links(assessment: Assessment, ignored: set[str]) -> Iterator[LinkProblem]:
    """A concentration names a declared substance layer, not the flow's own; its carrier (if
    the layer names one) is the flow's layer; its unit is the substance's per the carrier's."""
    declared = {layer.id: layer for layer in assessment.layers or [] if getattr(layer, "id", None)}
    units = _declared_units(assessment)
    for index, flow in enumerate(assessment.flows or []):
        for substance, concentration in (getattr(flow, "concentrations", None) or {}).items():
            where: Location = ("flows", index, "concentrations", substance)
            if substance not in declared:
                if substance not in ignored:
                    yield (
                        where,
                        _unknown("layer", substance, sorted(declared))
                        + "; a concentration is of a substance declared under 'layers' "
                        "(e.g. {id: cod, unit: kg, carrier: water})",
                    )
                continue
            if substance == flow.layer:
                yield (
                    where,
                    f"the flow is itself of the {substance} layer; it has no concentration of it",
                )
                continue
            carrier = getattr(declared[substance], "carrier", None)
            if carrier is not None and carrier != flow.layer:
                yield (
                    where,
                    f"the layer '{substance}' is carried by {carrier}, but this flow is of the "
                    f"{flow.layer} layer",
                )
                continue
            if substance not in units or flow.layer not in units:
                continue
            unit = f"{units[substance]}/{units[flow.layer]}"
            for key, quantity in _quantities_of(concentration):
                if _dimension(quantity.unit) != _dimension(unit):
                    yield (
                        (*where, key),
                        f"a concentration of {substance} ({units[substance]}) in {flow.layer} "
                        f"({units[flow.layer]}) needs a unit of "
                        f"{_per(units[substance], units[flow.layer])} like "
                        f"'{units[substance]}/{units[flow.layer]}' or 'mg/l'; found '{quantity}'",
                    )
    for index, process in enumerate(assessment.processes or []):
        key = getattr(process, "allocation", None)
        if key is not None and not key.endswith("%") and key not in set(units) | ignored:
            yield (
                ("processes", index, "allocation"),
                _unknown("layer", key, sorted(units))
                + "; the allocation is a layer (its quantities are the key) or the product's "
                "share, like '85%'",
            )
    seen: dict[str, int] = {}
    for index, factor in enumerate(getattr(assessment, "emission_factors", None) or []):
        fuel = getattr(factor, "fuel", None)
        if fuel in seen:
            yield (
                ("emission_factors", index, "fuel"),
                f"the fuel '{fuel}' has a factor already (emission_factors[{seen[fuel]}])",
            )
        elif fuel is not None:
            seen[fuel] = index
    for index, layer in enumerate(assessment.layers or []):
        carrier = getattr(layer, "carrier", None)
        if carrier is not None and carrier not in units and carrier not in ignored:
            yield (("layers", index, "carrier"), _unknown("layer", carrier, sorted(units)))
        elif carrier is not None and carrier == layer.id:
            yield (("layers", index, "carrier"), "a layer cannot carry itself")


def _fuel_links(assessment: Assessment, ignored: set[str]) -> Iterator[LinkProblem]:
    """A flow's fuel is one cleanprod has factors for, or one of the document's own factors."""
    from difflib import get_close_matches

    from cleanprod.model.assessment import known_fuels

    own = {
        factor.fuel
        for factor in getattr(assessment, "emission_factors", None) or []
        if getattr(factor, "fuel", None)
    }
    known = sorted(known_fuels() | own)
    for index, flow in enumerate(assessment.flows or []):
        fuel = getattr(flow, "fuel", None)
        if fuel is None or fuel in known or fuel in ignored:
            continue
        # "coal" means one of the coals, not "charcoal": whole words of an id come first.
        kinds = [name for name in known if fuel in name.split("-")]
        close = get_close_matches(fuel, known, n=1)
        if len(kinds) > 1:
            message = f"no fuel has the id '{fuel}' — did you mean one of {', '.join(kinds)}?"
        elif kinds or close:
            message = f"no fuel has the id '{fuel}' — did you mean '{(kinds or close)[0]}'?"
        else:
            listed = ", ".join(known)
            message = f"no fuel has the id '{fuel}'; the fuels with a factor are: {listed}."
        yield (
            ("flows", index, "fuel"),
            f"{message} For another fuel, give its factor under emission_factors, like "
            f"'{{fuel: {fuel}, value: 2.7 kg/l, year: 2024, source: supplier data sheet}}'",
        )


def _ids(entries: list | None) -> set[str]:
    """Ids of the entries; a stand-in whose id failed its own check has none."""
    return {entry.id for entry in entries or [] if getattr(entry, "id", None) is not None}


def _unknown(what: str, name: str, known: list[str]) -> str:
    from difflib import get_close_matches

    message = f"no {what} has the id '{name}'"
    close = get_close_matches(name, known, n=1)
    if close:
        return f"{message} — did you mean '{close[0]}'?"
    if known and len(known) <= 12:
        plural = f"{what}es" if what.endswith("s") else f"{what}s"
        return f"{message}; the {plural} are: {', '.join(known)}"
    return message
