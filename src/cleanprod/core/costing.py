"""Material flow cost accounting (MFCA): the true cost of every waste stream.

Each process step is a *quantity centre* (ISO 14051:2011, 3.x). Its costs are of four types —
material, energy, system (labour, depreciation, overheads) and waste management — and are
split between the centre's outputs, the *products* (flows to the next step, products,
by-products, stock increase) and the *losses* (kind ``loss`` or ``emission``):

- **material** cost goes with the material: the cost of the priced inputs of a layer and the
  cost carried in by the flows of that layer are split over the centre's outputs *in that
  layer* by their reconciled quantities (the mass layer by mass, water by volume);
- **energy** and **system** costs are split by the share of each output in the *key layer*:
  mass unless the process sets ``allocation`` to another layer, or the product's share
  directly (``85%``); a step that makes nothing in mass takes the energy layer if it passes
  energy on (a boiler's steam, a switchboard), else the first layer it makes something in
  (water, then the declared layers: a bottle washer's bottles);
- **waste-management** cost goes entirely to the losses, by their quantity in the key layer;
- a product of one centre carries its cost, type by type, into the centre it enters.

Priced input flows are material cost of the step they enter; energy-layer ones, and fuels
(a flow with a ``fuel`` other than electricity: bought to be burned), energy cost. A step
that delivers heat or power to other steps and emits to air in the mass layer burns fuel (a
boiler, a furnace, a stove): its emissions, the combustion products, take none of the material
that passes through it;
a price on a loss or an emission is a disposal charge, waste-management cost of that flow;
a process's ``costs`` are its own, a flow's ``costs`` belong to that flow (an input's to the
step it enters). Recycle loops are solved exactly, as one sparse linear system.

Costs are conserved: the cost of everything that leaves the system (products and losses),
of the stock added, and of what cannot be split (a centre whose output the balance cannot
estimate) add up to every input cost. :func:`material_flow_costs` checks this in every run.

The full cost of a loss (what a CP consultant calls its true cost) is its cost where it
arises: the purchase value of the material lost, the energy and system cost it absorbed on
its way, and its waste-management cost. A loss collected in a step that receives nothing but
losses (a wastewater pit, a residue store) also bears that step's cost, shared by quantity;
that step's own outputs are then not listed again.

Standard deviations follow from the balance: the costs are a smooth function of the
reconciled quantities, so their covariance is ``J Σ Jᵀ`` with ``J`` the derivatives of the
costs (central differences) and ``Σ`` the covariance of the reconciliation of each group of
layers (the groups are independent). Prices are taken as exact.

References
----------
ISO 14051:2011 Environmental management — Material flow cost accounting — General framework.
ISO 14053:2021 Material flow cost accounting — Guidance for phased implementation in
organizations (SMEs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

from cleanprod.core.balance.assess import AssessmentBalance
from cleanprod.core.balance.network import FLOW, STOCK
from cleanprod.core.messages import Message, layer_word
from cleanprod.errors import CleanprodError
from cleanprod.model.assessment import Assessment, Flow
from cleanprod.model.choices import BUILTIN_LAYERS, COST_TYPES
from cleanprod.units import conversion_factor

MATERIAL, ENERGY, SYSTEM, WASTE = COST_TYPES
#: Kinds of flow on the loss side of a quantity centre.
LOSS_KINDS = ("loss", "emission")
#: Relative tolerance of the cost-conservation check.
CONSERVATION_TOLERANCE = 1e-8


class CostingError(CleanprodError):
    """The costs cannot be computed from this document (a closed loop with no way out)."""


@dataclass(frozen=True)
class CostSplit:
    """Amounts of the four MFCA cost types [enterprise currency]."""

    material: float = 0.0
    energy: float = 0.0
    system: float = 0.0
    waste_management: float = 0.0

    @property
    def total(self) -> float:
        return self.material + self.energy + self.system + self.waste_management

    @classmethod
    def of(cls, values: np.ndarray) -> CostSplit:
        return cls(*(float(value) for value in values))

    def as_dict(self) -> dict[str, float]:
        return {
            MATERIAL: self.material,
            ENERGY: self.energy,
            SYSTEM: self.system,
            WASTE: self.waste_management,
            "total": self.total,
        }


@dataclass(frozen=True)
class CentreCosts:
    """One quantity centre: its inputs, and what went to products, losses, stock, and what
    could not be split."""

    process: str
    name: str
    inputs: CostSplit
    product: CostSplit
    loss: CostSplit
    stock: CostSplit
    unallocated: CostSplit
    key: str


@dataclass(frozen=True)
class LossCost:
    """The full cost of one waste stream where it arises [enterprise currency].

    ``quantity`` is in ``unit`` (the reporting unit of its layer); ``sd`` is the standard
    deviation of ``total``; ``share`` its part of all listed loss costs (0–1).
    """

    flow: str
    name: str
    process: str
    layer: str
    quantity: float
    quantity_sd: float
    unit: str
    cost: CostSplit
    sd: float
    share: float
    treated_in: str | None = None
    reused_in: str | None = None

    @property
    def total(self) -> float:
        return self.cost.total


@dataclass(frozen=True)
class MfcaResult:
    """Material flow cost accounting of one assessment (see the module's description)."""

    currency: str
    centres: tuple[CentreCosts, ...]
    losses: tuple[LossCost, ...]
    inputs: CostSplit
    product: CostSplit
    loss: CostSplit
    stock: CostSplit
    unallocated: CostSplit
    flow_costs: dict[str, CostSplit]
    notes: tuple[str, ...] = ()
    revenue: float = 0.0
    combustion_products: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# The cost model: quantities in, costs out


@dataclass
class _Model:
    """The parts of the costing that do not depend on the quantities."""

    assessment: Assessment
    flows: list[Flow]
    index: dict[str, int]
    processes: list[str]
    direct: np.ndarray  # (n_flows, 4) costs that belong to a flow itself
    centre_direct: dict[str, np.ndarray]  # process -> (4,) costs pooled in the centre
    notes: list[str] = field(default_factory=list)


def unit_cost(assessment: Assessment, flow: Flow) -> float:
    """Money per canonical unit of the flow's layer [enterprise currency / unit]."""
    price = flow.price
    canonical = assessment.layer_unit(flow.layer)
    per_unit = price.amount * conversion_factor(canonical, price.unit)
    rate = 1.0 if price.currency == assessment.enterprise.currency else None
    if rate is None:
        rate = assessment.exchange_rates[price.currency]
    return per_unit * rate


def _model(assessment: Assessment) -> _Model:
    flows = list(assessment.flows)
    index = {flow.id: position for position, flow in enumerate(flows)}
    processes = [process.id for process in assessment.processes]
    direct = np.zeros((len(flows), 4))
    centre_direct = {process: np.zeros(4) for process in processes}
    for process in assessment.processes:
        for cost_type, money in process.costs.items() if process.costs else []:
            centre_direct[process.id][COST_TYPES.index(cost_type)] += (
                assessment.to_enterprise_currency(money)
            )
    for position, flow in enumerate(flows):
        for cost_type, money in flow.costs.items() if flow.costs else []:
            amount = assessment.to_enterprise_currency(money)
            if flow.kind == "input":
                centre_direct[flow.to_process][COST_TYPES.index(cost_type)] += amount
            else:
                direct[position, COST_TYPES.index(cost_type)] += amount
    return _Model(assessment, flows, index, processes, direct, centre_direct)


def _layer_order(assessment: Assessment) -> list[str]:
    declared = [layer.id for layer in assessment.layers]
    return [*BUILTIN_LAYERS, *declared]


@dataclass(frozen=True)
class _Costs:
    """Costs of one evaluation: per flow and type, per stock increase, per centre."""

    flow: np.ndarray  # (n_flows, 4)
    stock: dict[tuple[str, str], np.ndarray]  # (process, layer) -> (4,)
    unallocated: dict[str, np.ndarray]  # process -> (4,)
    inputs: dict[str, np.ndarray]  # process -> (4,) costs that enter the system there
    keys: dict[str, str]  # process -> the key of its energy and system costs, in words
    combustion: tuple[str, ...] = ()  # emissions of the steps that burn fuel


@dataclass
class _Pool:
    """Costs of one type gathered in a centre, and the outputs they are split over.

    ``split`` is ``[(row, weight)]`` with weights adding up to 1; empty or ``None`` when the
    pool cannot be split (no output to take it, or an output the balance cannot estimate).
    ``sources`` are the ``(row, cost type)`` of the costs carried in by the flows entering.
    """

    cost_type: int
    split: list[tuple[int, float]] | None
    amount: float
    sources: list[tuple[int, int]]


@dataclass(frozen=True)
class _Output:
    row: int
    layer: str
    amount: float
    is_loss: bool


def _split(outputs: list[_Output], layer: str | None, loss_only: bool = False):
    """Weights of the outputs of ``layer`` (any layer when None) by their quantity; ``[]``
    when there is none, ``None`` when one of them is unknown."""
    chosen = [
        output
        for output in outputs
        if (layer is None or output.layer == layer) and (output.is_loss or not loss_only)
    ]
    if any(not math.isfinite(output.amount) for output in chosen):
        return None
    total = sum(output.amount for output in chosen)
    if not chosen or total <= 0:
        return []
    return [(output.row, output.amount / total) for output in chosen]


def _share_split(outputs: list[_Output], share: float, layer: str):
    """Weights that give the product side ``share`` and the losses the rest, each side split
    by quantity in ``layer``."""
    products = _split([output for output in outputs if not output.is_loss], layer)
    losses = _split([output for output in outputs if output.is_loss], layer)
    if products is None or losses is None:
        return None
    if not products:
        share = 0.0
    if not losses:
        share = 1.0
    return [(row, share * weight) for row, weight in products] + [
        (row, (1.0 - share) * weight) for row, weight in losses
    ]


def _evaluate(model: _Model, quantity: np.ndarray, stock: dict[tuple[str, str], float]) -> _Costs:
    """Costs of every flow for the given quantities [canonical units]; NaN = unknown."""
    assessment = model.assessment
    flows = model.flows
    n = len(flows)
    order = _layer_order(assessment)
    # Rows of the linear system: the flows, then each stock increase; four cost types each.
    stock_keys = [key for key, value in stock.items() if value > 0]
    stock_row = {key: n + position for position, key in enumerate(stock_keys)}
    size = n + len(stock_keys)
    constant = np.zeros((size, 4))
    constant[:n] = model.direct
    inputs = {process: model.centre_direct[process].copy() for process in model.processes}
    priced: dict[str, dict[str, float]] = {process: {} for process in model.processes}
    outputs: dict[str, list[_Output]] = {process: [] for process in model.processes}
    incoming: dict[str, list[int]] = {process: [] for process in model.processes}
    for position, flow in enumerate(flows):
        amount = quantity[position]
        if flow.kind == "input" and flow.price is not None and math.isfinite(amount):
            cost = amount * unit_cost(assessment, flow)
            if flow.layer == "energy" or (flow.fuel is not None and flow.fuel != "electricity"):
                inputs[flow.to_process][1] += cost  # bought to be burned: energy cost
            else:
                inputs[flow.to_process][0] += cost
                layers = priced[flow.to_process]
                layers[flow.layer] = layers.get(flow.layer, 0.0) + cost
        if flow.kind in LOSS_KINDS and flow.price is not None and math.isfinite(amount):
            constant[position, 3] += amount * unit_cost(assessment, flow)
        if flow.from_process is not None:
            is_loss = flow.kind in LOSS_KINDS
            outputs[flow.from_process].append(_Output(position, flow.layer, amount, is_loss))
        if flow.to_process is not None and flow.kind != "input":
            incoming[flow.to_process].append(position)
    for (process, layer), row in stock_row.items():
        outputs[process].append(_Output(row, layer, stock[(process, layer)], False))

    rows: list[int] = []
    columns: list[int] = []
    entries: list[float] = []
    unallocated = {process: np.zeros(4) for process in model.processes}
    unallocated_sources: dict[str, list[tuple[int, int]]] = {}
    keys: dict[str, str] = {}
    combustion: list[str] = []
    for entry in assessment.processes:
        process = entry.id
        centre_outputs = outputs[process]
        present = [layer for layer in order if any(out.layer == layer for out in centre_outputs)]
        producing = [
            layer
            for layer in order
            if any(out.layer == layer and not out.is_loss for out in centre_outputs)
        ]
        # A step that delivers heat or power to others and emits to air in the mass layer
        # burns fuel (a boiler, a furnace, a stove): its emissions are combustion products and
        # take none of the costs that pass through it; what it buys in the mass layer is
        # its fuel: energy cost.
        burns = "energy" in producing and any(
            out.layer == "mass" and out.row < n and flows[out.row].kind == "emission"
            for out in centre_outputs
        )
        material_outputs = [
            out
            for out in centre_outputs
            if not (
                burns and out.layer == "mass" and out.row < n and flows[out.row].kind == "emission"
            )
        ]
        if burns:
            combustion += [
                flows[out.row].id
                for out in centre_outputs
                if out.layer == "mass" and out.row < n and flows[out.row].kind == "emission"
            ]
        if burns and priced[process].get("mass"):
            fuel_cost = priced[process].pop("mass")
            inputs[process][0] -= fuel_cost
            inputs[process][1] += fuel_cost
        if entry.allocation is not None and entry.product_share is None:
            key = entry.allocation
            if key not in present and present:
                model.notes.append(
                    Message(
                        "{step}: no output in the {layer} layer; its energy and system costs are "
                        "split by {key}",
                        step=process,
                        layer=layer_word(key),
                        key=layer_word(present[0]),
                    )
                )
                key = present[0]
        else:
            # Mass, unless the step makes nothing in mass: then energy if it passes energy on
            # (a boiler), else the first layer it makes something in (a washer's bottles).
            preference = [
                "mass",
                "energy",
                *(layer for layer in order if layer not in ("mass", "energy")),
            ]
            made = [layer for layer in preference if layer in producing]
            key = (made or present or ["mass"])[0]
        share = entry.product_share
        keys[process] = (
            Message("{share:.0%} to the product", share=share) if share is not None else key
        )
        key_split = (
            _split(material_outputs, key)
            if share is None
            else _share_split(material_outputs, share, key)
        )
        pools = []
        material_layers = {flows[row].layer for row in incoming[process]} | set(priced[process])
        direct_material = model.centre_direct[process][0]
        home = "mass" if any(out.layer == "mass" for out in centre_outputs) else key
        if direct_material:
            material_layers.add(home)
        for layer in [layer for layer in order if layer in material_layers]:
            # Material follows its own layer; energy is used up, so the cost it carries follows
            # the key — unless the step passes energy on (a boiler's steam, a switchboard).
            if (layer == "energy" and "energy" not in producing) or (burns and layer == "mass"):
                split = key_split  # energy used up, or fuel burned: it follows the key
            else:
                split = _split(material_outputs, layer)
            if split == []:
                split = key_split  # no output of its own layer: the material follows the key
            amount = priced[process].get(layer, 0.0) + (direct_material if layer == home else 0)
            sources = [(row, 0) for row in incoming[process] if flows[row].layer == layer]
            pools.append(_Pool(0, split, amount, sources))
        for cost_type in (1, 2):
            sources = [(row, cost_type) for row in incoming[process]]
            pools.append(_Pool(cost_type, key_split, inputs[process][cost_type], sources))
        waste_split = _split(material_outputs, key, loss_only=True)
        if waste_split == []:
            waste_split = _split(centre_outputs, None, loss_only=True)
        sources = [(row, 3) for row in incoming[process]]
        pools.append(_Pool(3, waste_split, inputs[process][3], sources))

        for pool in pools:
            if pool.split:
                for row, weight in pool.split:
                    constant[row, pool.cost_type] += weight * pool.amount
                    for source, source_type in pool.sources:
                        rows.append(row * 4 + pool.cost_type)
                        columns.append(source * 4 + source_type)
                        entries.append(weight)
            else:
                unallocated[process][pool.cost_type] += pool.amount
                unallocated_sources.setdefault(process, []).extend(pool.sources)

    matrix = sparse.csc_array(
        (np.array(entries), (np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64))),
        shape=(size * 4, size * 4),
    )
    system = sparse.identity(size * 4, format="csc") - matrix
    solution = np.asarray(spsolve(system, constant.reshape(-1))).reshape(size, 4)
    if not np.all(np.isfinite(solution)):
        raise CostingError(
            "the costs cannot be carried through the process steps: some flows go round in a "
            "loop that nothing leaves; give the loop a product or a loss"
        )
    for process, sources in unallocated_sources.items():
        for source, source_type in sources:
            unallocated[process][source_type] += solution[source, source_type]
    return _Costs(
        flow=solution[:n],
        stock={key: solution[stock_row[key]] for key in stock_keys},
        unallocated=unallocated,
        inputs=inputs,
        keys=keys,
        combustion=tuple(combustion),
    )


# --------------------------------------------------------------------------------------------
# From the balance to the result


def _quantities(
    assessment: Assessment, balance: AssessmentBalance
) -> tuple[np.ndarray, dict[tuple[str, str], float]]:
    """Reconciled quantity of every flow [canonical units], and every stock change."""
    quantity = np.array([balance.flow_value(flow.id)[0] for flow in assessment.flows])
    stock = {}
    for network_balance in balance.networks:
        network = network_balance.network
        for position, variable in enumerate(network.variables):
            if variable.kind == STOCK:
                stock[(variable.id, variable.layer)] = float(
                    network_balance.reconciliation.value[position]
                )
    for process in assessment.processes:
        for layer, change in process.stock_change.items():
            if (process.id, layer) not in stock and change.is_known:
                stock[(process.id, layer)] = change.normalise(
                    assessment.layer_unit(layer), assessment.default_quality
                ).value
    return quantity, stock


def _treatment_centres(assessment: Assessment) -> set[str]:
    """Steps that receive nothing but losses (besides energy): a pit, a residue store."""
    entering: dict[str, list[Flow]] = {}
    for flow in assessment.flows:
        if flow.to_process is not None and flow.layer != "energy":
            entering.setdefault(flow.to_process, []).append(flow)
    return {
        process
        for process, flows in entering.items()
        if flows and all(flow.kind in LOSS_KINDS for flow in flows)
    }


@dataclass(frozen=True)
class _Figures:
    """What one evaluation gives, before standard deviations."""

    costs: _Costs
    losses: dict[str, np.ndarray]  # listed loss -> (4,) full cost
    treated_in: dict[str, str]
    reused_in: dict[str, str]

    def vector(self, model: _Model) -> np.ndarray:
        """The figures whose standard deviations are reported, in a fixed order."""
        parts = [np.array([cost.sum() for cost in self.losses.values()])]
        for process in model.processes:
            product, loss = _centre_sides(model, self.costs, process)
            parts.append(np.array([product.sum(), loss.sum()]))
        return np.concatenate(parts)


def _centre_sides(model: _Model, costs: _Costs, process: str) -> tuple[np.ndarray, np.ndarray]:
    """Costs of a centre's product side (stock included) and loss side, by type."""
    product = np.zeros(4)
    loss = np.zeros(4)
    for position, flow in enumerate(model.flows):
        if flow.from_process == process:
            if flow.kind in LOSS_KINDS:
                loss += costs.flow[position]
            else:
                product += costs.flow[position]
    for (owner, _), amounts in costs.stock.items():
        if owner == process:
            product += amounts
    return product, loss


def _figures(model: _Model, quantity: np.ndarray, stock: dict) -> _Figures:
    costs = _evaluate(model, quantity, stock)
    flows = model.flows
    treatment = _treatment_centres(model.assessment)
    losses: dict[str, np.ndarray] = {}
    treated_in: dict[str, str] = {}
    reused_in: dict[str, str] = {}
    for centre in treatment:
        entering = [position for position, flow in enumerate(flows) if flow.to_process == centre]
        leaving = [position for position, flow in enumerate(flows) if flow.from_process == centre]
        added = costs.flow[leaving].sum(axis=0) - costs.flow[entering].sum(axis=0)
        added = added + sum(
            (amounts for (owner, _), amounts in costs.stock.items() if owner == centre),
            np.zeros(4),
        )
        key = costs.keys[centre]
        weighted = [
            position
            for position in entering
            if flows[position].kind in LOSS_KINDS and flows[position].layer == key
        ] or [position for position in entering if flows[position].kind in LOSS_KINDS]
        amounts = np.array([quantity[position] for position in weighted])
        total = amounts.sum()
        for position, amount in zip(weighted, amounts, strict=True):
            weight = amount / total if total > 0 else 1.0 / len(weighted)
            cost = costs.flow[position].copy()
            cost[3] += weight * added.sum()
            losses[flows[position].id] = cost
            treated_in[flows[position].id] = centre
    for position, flow in enumerate(flows):
        if flow.kind not in LOSS_KINDS or flow.id in losses or flow.from_process in treatment:
            continue
        losses[flow.id] = costs.flow[position].copy()
        if flow.to_process is not None:
            reused_in[flow.id] = flow.to_process
    return _Figures(costs, losses, treated_in, reused_in)


def material_flow_costs(
    assessment: Assessment, balance: AssessmentBalance, standard_deviations: bool = True
) -> MfcaResult:
    """Material flow cost accounting of ``assessment`` on its reconciled ``balance``.

    Parameters
    ----------
    assessment : Assessment
        The document: prices, process and flow costs, allocation keys.
    balance : AssessmentBalance
        Its reconciled balance (:func:`cleanprod.core.balance.assess.balance_assessment`);
        its estimates fill the flows the document leaves unknown.
    standard_deviations : bool
        Propagate the balance's covariance to the costs (``LossCost.sd``).

    Returns
    -------
    MfcaResult
        Costs per centre and of every loss [enterprise currency], ranked by total.

    Raises
    ------
    CostingError
        When costs cannot be carried (a loop nothing leaves).

    References
    ----------
    ISO 14051:2011, clauses 5–6 (quantity centres, cost types, allocation).
    """
    model = _model(assessment)
    quantity, stock = _quantities(assessment, balance)
    figures = _figures(model, quantity, stock)
    costs = figures.costs
    flows = model.flows
    _check_conservation(model, costs, quantity)

    unobservable = [
        flow.id for position, flow in enumerate(flows) if not math.isfinite(quantity[position])
    ]
    notes = list(dict.fromkeys(model.notes))
    for process, amounts in costs.unallocated.items():
        if amounts.sum() > 0:
            unknown = [
                flow.id
                for flow in flows
                if flow.from_process == process and flow.id in unobservable
            ]
            why = (
                Message("the balance cannot estimate {flows}", flows=", ".join(unknown))
                if unknown
                else Message("it has no output to carry them")
            )
            notes.append(
                Message(
                    "{step}: {amount:,.0f} of costs cannot be split: {reason}",
                    step=process,
                    amount=amounts.sum(),
                    reason=why,
                )
            )
    sds = (
        _standard_deviations(model, balance, quantity, stock, figures)
        if standard_deviations
        else None
    )

    centres = []
    for entry in assessment.processes:
        product, loss = _centre_sides(model, costs, entry.id)
        stock_cost = sum(
            (amounts for (owner, _), amounts in costs.stock.items() if owner == entry.id),
            np.zeros(4),
        )
        centres.append(
            CentreCosts(
                process=entry.id,
                name=entry.name,
                inputs=CostSplit.of(costs.inputs[entry.id]),
                product=CostSplit.of(product),
                loss=CostSplit.of(loss),
                stock=CostSplit.of(stock_cost),
                unallocated=CostSplit.of(costs.unallocated[entry.id]),
                key=costs.keys[entry.id],
            )
        )

    listed_total = sum(cost.sum() for cost in figures.losses.values())
    loss_sd = (
        dict(zip(figures.losses, sds[: len(figures.losses)], strict=True))
        if sds is not None
        else {}
    )
    losses = []
    for flow_id, cost in figures.losses.items():
        flow = flows[model.index[flow_id]]
        network = balance.network_of(flow.layer).network
        factor = network.layer_factor(flow.layer)
        value, sd = balance.flow_value(flow_id)
        losses.append(
            LossCost(
                flow=flow_id,
                name=flow.name,
                process=flow.from_process,
                layer=flow.layer,
                quantity=value * factor,
                quantity_sd=sd * factor,
                unit=network.reporting_units[flow.layer],
                cost=CostSplit.of(cost),
                sd=float(loss_sd.get(flow_id, math.nan)),
                share=float(cost.sum() / listed_total) if listed_total > 0 else 0.0,
                treated_in=figures.treated_in.get(flow_id),
                reused_in=figures.reused_in.get(flow_id),
            )
        )
        if flow_id in figures.reused_in:
            notes.append(
                Message(
                    "{flow} is used again in {step}: its cost is also part of that step's costs",
                    flow=flow_id,
                    step=figures.reused_in[flow_id],
                )
            )
    losses.sort(key=lambda item: (-item.total, item.flow))

    final = [
        position
        for position, flow in enumerate(flows)
        if flow.to_process is None and flow.kind != "input"
    ]
    product_total = sum(
        (costs.flow[position] for position in final if flows[position].kind not in LOSS_KINDS),
        np.zeros(4),
    )
    loss_total = sum(
        (costs.flow[position] for position in final if flows[position].kind in LOSS_KINDS),
        np.zeros(4),
    )
    revenue = sum(
        quantity[position] * unit_cost(assessment, flows[position])
        for position in final
        if flows[position].kind not in LOSS_KINDS
        and flows[position].price is not None
        and math.isfinite(quantity[position])
    )
    return MfcaResult(
        currency=assessment.enterprise.currency,
        centres=tuple(centres),
        losses=tuple(losses),
        inputs=CostSplit.of(_input_total(model, costs, quantity)),
        product=CostSplit.of(product_total),
        loss=CostSplit.of(loss_total),
        stock=CostSplit.of(sum(costs.stock.values(), np.zeros(4))),
        unallocated=CostSplit.of(sum(costs.unallocated.values(), np.zeros(4))),
        flow_costs={
            flow.id: CostSplit.of(costs.flow[position]) for position, flow in enumerate(flows)
        },
        notes=tuple(
            notes
            + [
                Message("{flow}: unknown to the balance", flow=flow)
                for flow in unobservable
                if flows[model.index[flow]].price is not None
            ]
        ),
        revenue=float(revenue),
        combustion_products=costs.combustion,
    )


def _input_total(model: _Model, costs: _Costs, quantity: np.ndarray) -> np.ndarray:
    """Every cost that enters the system, by type: priced inputs, process costs, flow costs,
    disposal charges."""
    total = sum(costs.inputs.values(), np.zeros(4)) + model.direct.sum(axis=0)
    for position, flow in enumerate(model.flows):
        if flow.kind in LOSS_KINDS and flow.price is not None and math.isfinite(quantity[position]):
            total[3] += quantity[position] * unit_cost(model.assessment, flow)
    return total


def _check_conservation(model: _Model, costs: _Costs, quantity: np.ndarray) -> None:
    """Inputs = what leaves + stock + what cannot be split, type by type (ISO 14051's
    balance of costs); a failure is a bug in cleanprod, not in the document."""
    final = [
        position
        for position, flow in enumerate(model.flows)
        if flow.to_process is None and flow.kind != "input"
    ]
    out = (
        costs.flow[final].sum(axis=0)
        + sum(costs.stock.values(), np.zeros(4))
        + sum(costs.unallocated.values(), np.zeros(4))
    )
    into = _input_total(model, costs, quantity)
    scale = max(np.abs(into).sum(), 1.0)
    if np.abs(out - into).max() > CONSERVATION_TOLERANCE * scale:
        raise AssertionError(
            f"MFCA costs are not conserved: inputs {into.tolist()} but outputs {out.tolist()}"
        )


def _standard_deviations(
    model: _Model,
    balance: AssessmentBalance,
    quantity: np.ndarray,
    stock: dict,
    figures: _Figures,
) -> np.ndarray:
    """Standard deviations of :meth:`_Figures.vector` from the balance's covariance."""
    base = figures.vector(model)
    variance = np.zeros_like(base)
    for network_balance in balance.networks:
        covariance = network_balance.reconciliation.covariance
        network = network_balance.network
        if covariance is None:
            return np.full_like(base, np.nan)
        columns = []
        for position, variable in enumerate(network.variables):
            if variable.kind not in (FLOW, STOCK) or covariance[position, position] <= 0:
                continue
            value = network_balance.reconciliation.value[position]
            if not math.isfinite(value):
                continue
            step = 1e-6 * max(abs(value), math.sqrt(covariance[position, position]))
            derivative = []
            for sign in (1.0, -1.0):
                moved_quantity = quantity.copy()
                moved_stock = dict(stock)
                if variable.kind == FLOW:
                    moved_quantity[model.index[variable.id]] += sign * step
                else:
                    moved_stock[(variable.id, variable.layer)] += sign * step
                derivative.append(_figures(model, moved_quantity, moved_stock).vector(model))
            columns.append((position, (derivative[0] - derivative[1]) / (2 * step)))
        if not columns:
            continue
        indices = [position for position, _ in columns]
        jacobian = np.column_stack([column for _, column in columns])
        block = covariance[np.ix_(indices, indices)]
        variance += np.einsum("ij,jk,ik->i", jacobian, block, jacobian)
    return np.sqrt(np.clip(variance, 0.0, None))


# --------------------------------------------------------------------------------------------
# The JSON form


def costs_as_dict(result: MfcaResult) -> dict[str, Any]:
    """The result as plain data, the shape of ``cleanprod costs --json``."""

    def number(value: float) -> float | None:
        return None if not math.isfinite(value) else float(value)

    return {
        "currency": result.currency,
        "processes": {
            centre.process: {
                "product": centre.product.as_dict(),
                "loss": centre.loss.as_dict(),
                "stock": centre.stock.as_dict(),
                "unallocated": centre.unallocated.as_dict(),
                "inputs": centre.inputs.as_dict(),
                "key": centre.key,
            }
            for centre in result.centres
        },
        "losses": {
            loss.flow: {
                "quantity": number(loss.quantity),
                "quantity_sd": number(loss.quantity_sd),
                "unit": loss.unit,
                "cost": loss.total,
                "sd": number(loss.sd),
                "share": loss.share,
                "process": loss.process,
                "name": loss.name,
                **loss.cost.as_dict(),
                "treated_in": loss.treated_in,
                "reused_in": loss.reused_in,
            }
            for loss in result.losses
        },
        "totals": {
            "inputs": result.inputs.total,
            "product": result.product.total,
            "loss": result.loss.total,
            "stock": result.stock.total,
            "unallocated": result.unallocated.total,
            "revenue": result.revenue,
            "by_type": {
                "inputs": result.inputs.as_dict(),
                "product": result.product.as_dict(),
                "loss": result.loss.as_dict(),
            },
        },
        "notes": list(result.notes),
    }
