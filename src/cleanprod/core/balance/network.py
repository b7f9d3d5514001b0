"""From the assessment document to balance problems: one per group of coupled layers.

Every process has one balance equation per layer it touches:
``Σ inputs − Σ outputs − stock change = 0``. A flow is a variable of its layer; so is an
unknown or given stock change. Three kinds of statement add variables and equations:

- a **sum measurement** (a bill, a header meter) is a measured variable ``s`` with the
  equation ``s − Σ flows = 0``;
- a **ratio** (a recipe, a transfer coefficient) is a measured variable ``r`` with the
  bilinear equation ``Σ flows − r · Σ per = 0``;
- a **concentration** ``c`` of a substance in a carrier flow ``w`` puts the bilinear term
  ``± c · w`` into the substance balance of the processes the carrier flow joins.

Layers joined by a ratio or a concentration are reconciled together; the others alone.
All values are in the canonical unit of their layer (see ``Assessment.layer_unit``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from cleanprod.core.balance.problem import BalanceProblem, BilinearTerms
from cleanprod.model.assessment import Assessment, Normalised
from cleanprod.units import conversion_factor

FLOW = "flow"
STOCK = "stock"
SUM = "sum"
RATIO = "ratio"
CONCENTRATION = "concentration"


@dataclass(frozen=True)
class Variable:
    """What one variable of a :class:`BalanceProblem` stands for.

    ``kind`` is ``flow``, ``stock`` (the stock change of process ``id``), ``sum`` (sum
    measurement ``id``), ``ratio`` (ratio ``id``) or ``concentration`` (of substance ``layer``
    in carrier flow ``id``). ``unit`` is its canonical unit; ``basis`` says where its standard
    deviation comes from (see :class:`cleanprod.model.assessment.Normalised`).
    """

    kind: str
    id: str
    layer: str
    unit: str
    basis: str

    @property
    def key(self) -> str:
        """A label unique within a problem, e.g. ``flow:fresh-water``."""
        if self.kind in (STOCK, CONCENTRATION):
            return f"{self.kind}:{self.id}:{self.layer}"
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Equation:
    """What one equation stands for: the balance of ``process`` in ``layer``, or the
    definition of sum measurement or ratio ``id`` (``kind`` ``balance``, ``sum``, ``ratio``)."""

    kind: str
    id: str
    layer: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}:{self.layer}"


@dataclass(frozen=True)
class BalanceNetwork:
    """The balance problem of one group of coupled layers, with what its rows and columns mean.

    ``reporting_units[layer]`` is the unit results are shown in: the unit declared under
    ``layers:``, else the unit of the layer's first flow that has a value.
    """

    layers: tuple[str, ...]
    problem: BalanceProblem
    variables: tuple[Variable, ...]
    equations: tuple[Equation, ...]
    reporting_units: dict[str, str]
    canonical_units: dict[str, str]

    def index(self, kind: str, id: str, layer: str | None = None) -> int:
        """Position of a variable, e.g. ``index("flow", "fresh-water")``."""
        for position, variable in enumerate(self.variables):
            if (
                variable.kind == kind
                and variable.id == id
                and (layer is None or variable.layer == layer)
            ):
                return position
        raise KeyError(f"{kind}:{id}")

    def layer_factor(self, layer: str) -> float:
        """Factor from a layer's canonical unit to its reporting unit."""
        return conversion_factor(self.canonical_units[layer], self.reporting_units[layer])

    def reporting_factor(self, variable: Variable) -> float:
        """Factor from a variable's canonical unit to the unit it is reported in (1 for a
        ratio or a concentration, reported in canonical units)."""
        if variable.kind in (FLOW, STOCK, SUM):
            return self.layer_factor(variable.layer)
        return 1.0


class _Builder:
    """Collects variables, linear entries and bilinear terms of one group of layers."""

    def __init__(self) -> None:
        self.variables: list[Variable] = []
        self.values: list[float] = []
        self.sds: list[float] = []
        self.lower: list[float] = []
        self.equations: list[Equation] = []
        self.equation_rows: dict[tuple[str, str, str], int] = {}
        self.entries: list[tuple[int, int, float]] = []
        self.products: list[tuple[int, int, int, float]] = []

    def variable(self, variable: Variable, normalised: Normalised, lower: float) -> int:
        self.variables.append(variable)
        known = normalised.value is not None
        self.values.append(normalised.value if known else np.nan)
        self.sds.append(normalised.sd if known else np.nan)
        self.lower.append(lower)
        return len(self.variables) - 1

    def equation(self, kind: str, id: str, layer: str) -> int:
        key = (kind, id, layer)
        if key not in self.equation_rows:
            self.equation_rows[key] = len(self.equations)
            self.equations.append(Equation(kind, id, layer))
        return self.equation_rows[key]

    def problem(self) -> BalanceProblem:
        n, m = len(self.variables), len(self.equations)
        rows, columns, entries = (np.array(part) for part in zip(*self.entries, strict=True))
        matrix = sparse.csr_array(
            (entries.astype(float), (rows.astype(np.int64), columns.astype(np.int64))),
            shape=(m, n),
        )
        if self.products:
            row, first, second, coefficient = (
                np.array(part) for part in zip(*self.products, strict=True)
            )
            bilinear = BilinearTerms(
                row.astype(np.int64),
                first.astype(np.int64),
                second.astype(np.int64),
                coefficient.astype(float),
            )
        else:
            bilinear = BilinearTerms()
        return BalanceProblem(
            names=tuple(variable.key for variable in self.variables),
            measured_value=np.array(self.values, dtype=float),
            measured_sd=np.array(self.sds, dtype=float),
            lower=np.array(self.lower, dtype=float),
            matrix=matrix,
            constant=np.zeros(m),
            equations=tuple(equation.key for equation in self.equations),
            bilinear=bilinear,
        )


def layer_groups(assessment: Assessment) -> list[tuple[str, ...]]:
    """The layers that have flows, grouped where a ratio or a concentration joins them."""
    layers = assessment.layer_ids
    parent = {layer: layer for layer in layers}

    def root(layer: str) -> str:
        while parent[layer] != layer:
            parent[layer] = parent[parent[layer]]
            layer = parent[layer]
        return layer

    def join(first: str, second: str) -> None:
        parent.setdefault(first, first)
        parent.setdefault(second, second)
        parent[root(first)] = root(second)

    for ratio in assessment.ratios:
        join(ratio.layer, ratio.per_layer)
    for flow in assessment.flows:
        for substance in flow.concentrations:
            join(substance, flow.layer)
    ordered = [*layers, *(layer for layer in parent if layer not in layers)]
    groups: dict[str, list[str]] = defaultdict(list)
    for layer in ordered:
        groups[root(layer)].append(layer)
    return [tuple(group) for group in groups.values()]


def reporting_unit(assessment: Assessment, layer: str) -> str:
    """The unit a layer is reported in: declared under ``layers:``, else that of its first
    flow with a value, else its canonical unit."""
    for declared in assessment.layers:
        if declared.id == layer:
            return declared.unit
    for flow in assessment.flows:
        if flow.layer == layer and flow.unit is not None:
            return flow.unit
    return assessment.layer_unit(layer)


def build_networks(assessment: Assessment) -> list[BalanceNetwork]:
    """One :class:`BalanceNetwork` per group of coupled layers, in the order of the layers."""
    return [_build(assessment, group) for group in layer_groups(assessment)]


def _build(assessment: Assessment, layers: tuple[str, ...]) -> BalanceNetwork:
    builder = _Builder()
    in_group = set(layers)
    quality = assessment.default_quality
    flow_index: dict[str, int] = {}

    def balance_terms(flow, layer: str, column: int, through: int | None) -> None:
        """Add ``± v[column]`` (or ``± v[column]·v[through]``) to the balances of the flow's
        two ends in ``layer``."""
        for process, sign in ((flow.to_process, 1.0), (flow.from_process, -1.0)):
            if process is None:
                continue
            row = builder.equation("balance", process, layer)
            if through is None:
                builder.entries.append((row, column, sign))
            else:
                builder.products.append((row, column, through, sign))

    for flow in assessment.flows:
        if flow.layer not in in_group:
            continue
        normalised = flow.normalised
        column = builder.variable(
            Variable(FLOW, flow.id, flow.layer, normalised.unit, normalised.basis), normalised, 0.0
        )
        flow_index[flow.id] = column
        balance_terms(flow, flow.layer, column, None)

    for flow in assessment.flows:
        for substance, concentration in flow.concentrations.items():
            if substance not in in_group:
                continue
            normalised = concentration.normalised
            column = builder.variable(
                Variable(CONCENTRATION, flow.id, substance, normalised.unit, normalised.basis),
                normalised,
                0.0,
            )
            balance_terms(flow, substance, column, flow_index[flow.id])

    for process in assessment.processes:
        unknown = set(assessment.unknown_stock_layers(process))
        for layer in layers:
            given = process.stock_change.get(layer)
            if layer not in unknown and (given is None or not given.is_known):
                continue
            unit = assessment.layer_unit(layer)
            if given is not None and given.is_known:
                normalised = given.normalise(unit, quality)
            else:
                normalised = Normalised(None, None, unit, "unknown")
            column = builder.variable(
                Variable(STOCK, process.id, layer, unit, normalised.basis), normalised, -np.inf
            )
            builder.entries.append((builder.equation("balance", process.id, layer), column, -1.0))

    for measurement in assessment.measurements:
        if measurement.layer not in in_group:
            continue
        normalised = measurement.normalised
        column = builder.variable(
            Variable(SUM, measurement.id, measurement.layer, normalised.unit, normalised.basis),
            normalised,
            0.0,
        )
        row = builder.equation(SUM, measurement.id, measurement.layer)
        builder.entries.append((row, column, 1.0))
        for flow_id in measurement.flows:
            builder.entries.append((row, flow_index[flow_id], -1.0))

    for ratio in assessment.ratios:
        if ratio.layer not in in_group:
            continue
        normalised = ratio.normalised
        column = builder.variable(
            Variable(RATIO, ratio.id, ratio.layer, normalised.unit, normalised.basis),
            normalised,
            0.0,
        )
        row = builder.equation(RATIO, ratio.id, ratio.layer)
        for flow_id in ratio.flows:
            builder.entries.append((row, flow_index[flow_id], 1.0))
        for flow_id in ratio.per:
            builder.products.append((row, column, flow_index[flow_id], -1.0))

    return BalanceNetwork(
        layers=layers,
        problem=builder.problem(),
        variables=tuple(builder.variables),
        equations=tuple(builder.equations),
        reporting_units={layer: reporting_unit(assessment, layer) for layer in layers},
        canonical_units={layer: assessment.layer_unit(layer) for layer in layers},
    )
