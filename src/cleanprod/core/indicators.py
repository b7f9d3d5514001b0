"""Enterprise-level RECP indicators: resource productivity and pollution intensity.

Resource Efficient and Cleaner Production (RECP) is followed at the enterprise with two
families of indicators (UNIDO/UNEP 2010, see References): **resource productivity**, product
output per unit of energy, water and materials used, and **pollution intensity**, waste,
wastewater and air emissions (greenhouse gases) per unit of product output. The primer itself
could not be read in a stored copy while this module was written; the definitions follow the
project's domain notes (§1) and the wording of a UNIDO programme page quoted under References:
"RECP implementation can be measured in terms of increases in productive output per unit of
consumption of materials, water, and energy and in terms of the intensity of generation of
waste, wastewater, and air emissions per unit of productive output". Output here is physical
(the product's quantity as the document gives it: t, hl, pieces); value added is not used.

What is counted, over the assessment period, from the reconciled balance
-------------------------------------------------------------------------
- **water use** [m³]: every water-layer ``input`` (from outside the boundary). Water that
  arrives inside a raw material (the moisture of cassava roots) is an input of the water layer
  too and is counted; each water input is also shown on its own when there are several.
- **energy use** [kWh]: every energy-layer ``input``, split into **electricity** (inputs whose
  ``fuel`` is ``electricity``) and **fuel energy** (all the others: fuels fired, as their
  heating value, and heat or steam bought).
- **main materials** [kg, or the unit of a declared layer]: the *purchased* inputs — those with
  a ``price`` — of the mass layer and of declared layers that are not substances carried by
  another layer (returnable bottles in pieces), except fuels. Priced, not "≥ 5 % of the mass
  input": the large unpriced inputs are combustion air and water inside raw materials, which
  are not materials a CP option saves, while small purchased chemicals (caustic soda, dyes)
  are. A mass-layer input is a **fuel**, and is left to the energy indicators, when it has a
  ``fuel``, when it enters a store whose mass-layer outputs all carry a ``fuel`` (a fuel-oil
  tank), or when it enters a process that also receives, from outside, an energy-layer input
  with a fuel other than electricity (its heating value: firewood to a stove).
  ``materials`` is the total of the main materials of the mass layer.
- **waste** [kg]: mass-layer ``loss`` flows where they arise. A loss leaving a process that
  receives nothing but losses in that layer (a scrap yard, a residue store, a wastewater pit)
  is not counted again. Emissions to air (kind ``emission``) are not waste.
- **wastewater** [m³]: water-layer ``loss`` flows, by the same rule (evaporation is an
  ``emission`` and is not counted).
- **CO₂e** [kg]: :func:`cleanprod.core.emissions.flow_emissions` (fuels burned and electricity
  drawn), when that module is installed.

Inputs are what entered the site in the period; a stock change in a store is not subtracted
(the notes say which stores changed).

Per unit of product
-------------------
Each quantity above divided by the product's quantity is the **specific consumption** (or the
**intensity**); its inverse, output per use, is the **resource productivity**. The product's
quantity is the one the document declares (``products[].quantity``); its standard deviation is
the relative standard deviation of the reconciled flow that carries it (``products[].flow``):
the production figure and that flow come from the same records. A product without a flow, or
whose flow the balance cannot estimate, is taken as exact (a note says so).

Several products: the site's figures are per unit of its total output when all products'
quantities share a dimension (all in t, or all in pieces: summed in the first product's unit);
otherwise the site has only totals. Per product, each total is allocated to the products by a
key, the first that applies (after ISO 14044:2006, 4.3.4.2: physical relationships first, then
economic value):

1. ``flows``: the reconciled quantities of the flows carrying the products, when every product
   has one and they are all in one layer (kg of chairs and kg of tables);
2. ``quantity``: the products' quantities, when they share a dimension;
3. ``value``: the products' sales values (quantity × price), when every product has a price.

With none of these, there are no per-product indicators (a note says why). With one product,
product and site figures are the same.

Standard deviations
-------------------
Every indicator is a smooth function ``g(x)`` of the reconciled quantities ``x`` of the flows
it uses (numerator flows, product flows, the allocation key). Its standard deviation is the
first-order (delta-method) ``sqrt(J Σ Jᵀ)``, with ``J`` the derivatives of ``g`` by central
differences and ``Σ`` the covariance of the reconciliation of each group of layers (groups are
independent; a flow outside every group takes its document σ). This carries the correlation
between, say, a water input and the product flow reconciled in the same balance. Emission
factors, prices and the declared product quantities are taken as exact, their uncertainty
being in the flows. Productivity's σ is ``σ / value²``.

Benchmarks
----------
``cleanprod/data/benchmarks.yaml`` holds sector ranges, each with its source and year, matched
by the document's ``enterprise.isic`` or ``enterprise.sector``. An indicator is *below*,
*within* or *above* its range (lower is better for all of them); ``significant`` says whether
that holds beyond 1.96 σ. Without a row, or when the row's unit does not fit the product (a
range per tonne for a product in pieces), the indicator says so.

References
----------
UNIDO and UNEP (2010), Enterprise-level indicators for resource productivity and pollution
intensity (a primer) — not read: no stored copy was found. What was read: GCPC Gujarat, "RECP
Tools & Methodology" (gcpcgujarat.org.in), which describes the joint UNEP & UNIDO guide as "a
core set of enterprise level resource productivity and pollution intensity indicators"; and
GEIPP Ukraine, "Resource efficient and clean production" (geipp-ukraine.org), whose sentence on
how RECP is measured is quoted above.
ISO 14044:2006 Environmental management — Life cycle assessment — Requirements and
guidelines, 4.3.4.2 (allocation procedure).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from cleanprod.core.balance.assess import AssessmentBalance
from cleanprod.core.balance.network import FLOW, STOCK
from cleanprod.core.emissions import fuel_of_store
from cleanprod.core.messages import Message, layer_word
from cleanprod.errors import CleanprodError
from cleanprod.model.assessment import Assessment, Flow, Product
from cleanprod.units import UnitError, conversion_factor, dimension_of

#: Indicator keys of the site totals, in the order they are shown.
WATER, ENERGY, ELECTRICITY, FUEL_ENERGY = "water", "energy", "electricity", "fuel-energy"
MATERIALS, WASTE, WASTEWATER, CO2E = "materials", "waste", "wastewater", "co2e"
#: The fuel id of grid electricity (docs/format.md).
ELECTRICITY_FUEL = "electricity"
#: Allocation keys between several products.
BY_FLOWS, BY_QUANTITY, BY_VALUE = "flows", "quantity", "value"
#: Verdicts of a comparison with a benchmark range.
BELOW, WITHIN, ABOVE = "below", "within", "above"
#: Normal quantile of the two-sided 95 % test behind ``significant``.
Z_95 = 1.96
#: Relative step of the central differences.
_STEP = 1e-6
#: How the note of a document whose CO₂e cannot be computed here begins.
NO_EMISSION_FACTORS = "the CO2e indicator is left out"


class BenchmarkTableError(CleanprodError):
    """The benchmark table is malformed: a row without source or year, or unreadable units."""


# --------------------------------------------------------------------------------------------
# Benchmarks


@dataclass(frozen=True)
class Benchmark:
    """One sector range of ``cleanprod/data/benchmarks.yaml``.

    ``low`` and ``high`` are in ``unit`` per ``per`` (e.g. GJ per t of product), as published;
    ``better`` is ``lower`` for every consumption and intensity.
    """

    id: str
    indicator: str
    sectors: tuple[str, ...]
    isic: tuple[str, ...]
    low: float
    high: float
    unit: str
    per: str
    better: str
    source: str
    year: int
    basis: str = ""
    read_in: str = ""

    def applies_to(self, sector: str, isic: str | None) -> bool:
        """Whether the row is about an enterprise of ``sector`` (or ISIC class ``isic``)."""
        if isic is not None and isic in self.isic:
            return True
        return sector.strip().lower() in self.sectors

    def converted(self, unit: str, per: str) -> tuple[float, float]:
        """``low`` and ``high`` in ``unit`` per ``per``.

        Raises
        ------
        UnitError
            When the units do not share dimensions (a range per t for a product in pieces).
        """
        factor = conversion_factor(self.unit, unit) / conversion_factor(self.per, per)
        return self.low * factor, self.high * factor

    @property
    def published(self) -> str:
        """The range as published, e.g. ``2–2.4 GJ/t``."""
        return f"{self.low:g}–{self.high:g} {self.unit}/{self.per}"


def read_benchmarks(data: Mapping[str, Any]) -> tuple[Benchmark, ...]:
    """The rows of a benchmark table (the parsed YAML of ``benchmarks.yaml``).

    Raises
    ------
    BenchmarkTableError
        When a row lacks a source or a year, has ``low > high``, or units the registry cannot
        read.
    """
    rows = []
    for number, row in enumerate(data.get("benchmarks", []), start=1):
        where = f"benchmarks.yaml, row {number} ({row.get('id', '?')})"
        if not str(row.get("source", "")).strip() or not isinstance(row.get("year"), int):
            raise BenchmarkTableError(f"{where}: every row needs a source and a year")
        low, high = float(row["low"]), float(row["high"])
        if low > high:
            raise BenchmarkTableError(f"{where}: low {low} exceeds high {high}")
        try:
            dimension_of(row["unit"])
            dimension_of(row["per"])
        except UnitError as error:
            raise BenchmarkTableError(f"{where}: {error}") from None
        rows.append(
            Benchmark(
                id=row["id"],
                indicator=row["indicator"],
                sectors=tuple(str(name).strip().lower() for name in row.get("sectors", [])),
                isic=tuple(str(code) for code in row.get("isic", [])),
                low=low,
                high=high,
                unit=row["unit"],
                per=row["per"],
                better=row.get("better", "lower"),
                source=" ".join(str(row["source"]).split()),
                year=row["year"],
                basis=" ".join(str(row.get("basis", "")).split()),
                read_in=" ".join(str(row.get("read_in", "")).split()),
            )
        )
    return tuple(rows)


@cache
def shipped_benchmarks() -> tuple[Benchmark, ...]:
    """The benchmark ranges shipped with cleanprod (``cleanprod/data/benchmarks.yaml``)."""
    text = resources.files("cleanprod.data").joinpath("benchmarks.yaml").read_text("utf-8")
    return read_benchmarks(yaml.safe_load(text))


@dataclass(frozen=True)
class Comparison:
    """An indicator against a benchmark range.

    ``low`` and ``high`` are in the indicator's unit per its ``per``; ``verdict`` is
    ``below``, ``within`` or ``above``; ``significant`` is true when the value lies on that
    side of the bounds by more than 1.96 σ.
    """

    benchmark: Benchmark
    low: float
    high: float
    verdict: str
    significant: bool

    @property
    def better(self) -> bool | None:
        """True when the value is on the good side of the range, False on the bad side,
        None within it."""
        if self.verdict == WITHIN:
            return None
        lower_is_better = self.benchmark.better == "lower"
        return (self.verdict == BELOW) == lower_is_better


def compare(value: float, sd: float, low: float, high: float) -> tuple[str, bool]:
    """Verdict of ``value`` ± ``sd`` against the range [``low``, ``high``].

    Returns ``(verdict, significant)``: ``below``/``within``/``above``, and whether the value
    is that far from the bounds beyond 1.96 ``sd`` (for ``within``: from both bounds).
    """
    margin = Z_95 * (sd if math.isfinite(sd) else 0.0)
    if value < low:
        return BELOW, low - value > margin
    if value > high:
        return ABOVE, value - high > margin
    return WITHIN, value - low > margin and high - value > margin


# --------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``value`` ± ``sd`` [``unit`` per one ``per``].

    ``key`` is the kind (``water``, ``energy``, ``material:<flow>``...); ``flows`` the flows
    summed in the numerator. ``productivity`` is output per use (``value``⁻¹ [``per`` per
    ``unit``]) with its σ, for the resource indicators; None for intensities. ``comparison`` is
    the benchmark verdict, or None with ``benchmark_note`` saying why.
    """

    key: str
    name: str
    value: float
    sd: float
    unit: str
    per: str
    flows: tuple[str, ...]
    productivity: tuple[float, float] | None = None
    comparison: Comparison | None = None
    benchmark_note: str | None = None


@dataclass(frozen=True)
class Total:
    """An amount used or released over the period: ``value`` ± ``sd`` [``unit``]."""

    key: str
    name: str
    value: float
    sd: float
    unit: str
    flows: tuple[str, ...]


@dataclass(frozen=True)
class ProductIndicators:
    """The indicators of one product, per one ``unit`` of it.

    ``quantity`` is the declared quantity [``unit``], ``quantity_sd`` its σ from the carrying
    flow; ``allocation`` the key that split the site's totals (None for a single product) and
    ``share`` this product's part of them (0–1).
    """

    product: str
    name: str
    quantity: float
    quantity_sd: float
    unit: str
    flow: str | None
    allocation: str | None
    share: float | None
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class SiteIndicators:
    """The site: its totals over the period and, when the products share a dimension, its
    indicators per one ``unit`` of total ``output``."""

    output: float | None
    output_sd: float | None
    unit: str | None
    totals: tuple[Total, ...]
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class IndicatorResult:
    """The RECP indicators of one assessment (see the module's description)."""

    sector: str
    isic: str | None
    products: tuple[ProductIndicators, ...]
    site: SiteIndicators
    allocation: str | None
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# What is counted


@dataclass(frozen=True)
class _Resource:
    """A numerator: Σ coefficient × flow [unit], and how its indicator is named."""

    key: str
    total_name: str
    indicator_name: str
    unit: str
    terms: tuple[tuple[str, float], ...]
    productivity: bool

    @property
    def flows(self) -> tuple[str, ...]:
        return tuple(flow for flow, _ in self.terms)


def _enters(flow: Flow) -> bool:
    return flow.kind == "input" and flow.from_process is None and flow.to_process is not None


def _energy_from_outside_with_fuel(assessment: Assessment, process: str) -> bool:
    return any(
        flow.layer == "energy"
        and _enters(flow)
        and flow.to_process == process
        and flow.fuel not in (None, ELECTRICITY_FUEL)
        for flow in assessment.flows
    )


def is_fuel(assessment: Assessment, flow: Flow) -> bool:
    """Whether a mass-layer input is a fuel (see the module's description)."""
    if flow.fuel is not None:
        return True
    if flow.to_process is None:
        return False
    if fuel_of_store(assessment, flow) is not None:
        return True
    return _energy_from_outside_with_fuel(assessment, flow.to_process)


def _material_layers(assessment: Assessment) -> list[str]:
    """The mass layer and the declared layers that are counted, not carried (bottles)."""
    counted = [layer.id for layer in assessment.layers if layer.carrier is None]
    return ["mass", *(layer for layer in counted if layer not in ("mass", "water", "energy"))]


def main_materials(assessment: Assessment) -> list[Flow]:
    """The purchased (priced) material inputs that are not fuels, in document order."""
    layers = _material_layers(assessment)
    return [
        flow
        for flow in assessment.flows
        if flow.layer in layers
        and _enters(flow)
        and flow.price is not None
        and not (flow.layer == "mass" and is_fuel(assessment, flow))
    ]


def _collection_processes(assessment: Assessment, layer: str) -> set[str]:
    """Processes that receive nothing but losses in ``layer`` (a scrap yard, a pit)."""
    received: dict[str, list[Flow]] = {}
    for flow in assessment.flows:
        if flow.layer == layer and flow.to_process is not None:
            received.setdefault(flow.to_process, []).append(flow)
    return {
        process
        for process, flows in received.items()
        if flows and all(flow.kind == "loss" for flow in flows)
    }


def losses_where_they_arise(assessment: Assessment, layer: str) -> list[Flow]:
    """Loss flows of ``layer``, leaving out those of processes that only collect losses."""
    collecting = _collection_processes(assessment, layer)
    return [
        flow
        for flow in assessment.flows
        if flow.layer == layer and flow.kind == "loss" and flow.from_process not in collecting
    ]


def _resources(assessment: Assessment, emissions: Any) -> list[_Resource]:
    """Every numerator the document supports, in the order they are shown."""
    layers = set(assessment.layer_ids)
    unit = assessment.layer_unit
    resources_: list[_Resource] = []

    def add(key, total_name, indicator_name, unit_, flows, productivity=True):
        if flows:
            terms = tuple((flow.id, 1.0) for flow in flows)
            resources_.append(
                _Resource(key, total_name, indicator_name, unit_, terms, productivity)
            )

    if "water" in layers:
        water = [flow for flow in assessment.flows if flow.layer == "water" and _enters(flow)]
        add(
            WATER,
            Message("Water use"),
            Message("Specific water consumption"),
            unit("water"),
            water,
        )
        if len(water) > 1:
            for flow in water:
                add(
                    f"{WATER}:{flow.id}",
                    Message("Water: {flow}", flow=flow.name),
                    Message("Specific water consumption: {flow}", flow=flow.name),
                    unit("water"),
                    [flow],
                )
    if "energy" in layers:
        energy = [flow for flow in assessment.flows if flow.layer == "energy" and _enters(flow)]
        electric = [flow for flow in energy if flow.fuel == ELECTRICITY_FUEL]
        fuels = [flow for flow in energy if flow.fuel != ELECTRICITY_FUEL]
        add(
            ENERGY,
            Message("Energy use"),
            Message("Specific energy consumption"),
            unit("energy"),
            energy,
        )
        add(
            ELECTRICITY,
            Message("Electricity use"),
            Message("Specific electricity consumption"),
            unit("energy"),
            electric,
        )
        add(
            FUEL_ENERGY,
            Message("Fuel energy use"),
            Message("Specific fuel energy consumption"),
            unit("energy"),
            fuels,
        )
    materials = main_materials(assessment)
    in_mass = [flow for flow in materials if flow.layer == "mass"]
    if "mass" in layers:
        add(
            MATERIALS,
            Message("Main materials (mass)"),
            Message("Specific consumption of main materials"),
            unit("mass"),
            in_mass,
        )
    for flow in materials:
        add(
            f"material:{flow.id}",
            flow.name,
            Message("Specific consumption: {flow}", flow=flow.name),
            unit(flow.layer),
            [flow],
        )
    if "mass" in layers:
        add(
            WASTE,
            Message("Waste generated"),
            Message("Waste intensity"),
            unit("mass"),
            losses_where_they_arise(assessment, "mass"),
            productivity=False,
        )
    if "water" in layers:
        add(
            WASTEWATER,
            Message("Wastewater generated"),
            Message("Wastewater intensity"),
            unit("water"),
            losses_where_they_arise(assessment, "water"),
            productivity=False,
        )
    if emissions is not None and emissions.flows:
        terms = tuple((entry.flow, entry.factor) for entry in emissions.flows)
        resources_.append(
            _Resource(
                CO2E,
                Message("Greenhouse-gas emissions (CO2e)"),
                Message("GHG intensity (CO2e)"),
                "kg",
                terms,
                productivity=False,
            )
        )
    return resources_


# --------------------------------------------------------------------------------------------
# Reconciled quantities and the delta method


class _Quantities:
    """The reconciled value of every flow, where the balance has it, and their covariance."""

    def __init__(self, assessment: Assessment, balance: AssessmentBalance):
        self.assessment = assessment
        self.balance = balance
        self.where: dict[str, tuple[int, int] | None] = {}
        for flow in assessment.flows:
            self.where[flow.id] = None
            for group, network_balance in enumerate(balance.networks):
                try:
                    index = network_balance.network.index(FLOW, flow.id)
                except KeyError:
                    continue
                self.where[flow.id] = (group, index)
                break

    def value(self, flow_id: str) -> tuple[float, float]:
        """Value and σ of a flow [canonical unit of its layer]; NaN when unobservable."""
        where = self.where[flow_id]
        if where is None:
            given = self.assessment.flow(flow_id).normalised
            if given.value is None:
                return math.nan, math.nan
            return float(given.value), float(given.sd or 0.0)
        result = self.balance.networks[where[0]].reconciliation
        return float(result.value[where[1]]), float(result.sd[where[1]])

    def vector(self, flow_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Values and covariance matrix of ``flow_ids`` (groups of layers independent)."""
        values = np.array([self.value(flow)[0] for flow in flow_ids])
        covariance = np.zeros((len(flow_ids), len(flow_ids)))
        groups: dict[int, list[tuple[int, int]]] = {}
        for position, flow in enumerate(flow_ids):
            where = self.where[flow]
            if where is None:
                covariance[position, position] = self.value(flow)[1] ** 2
            else:
                groups.setdefault(where[0], []).append((position, where[1]))
        for group, members in groups.items():
            result = self.balance.networks[group].reconciliation
            positions = [position for position, _ in members]
            indices = [index for _, index in members]
            if result.covariance is not None:
                block = result.covariance[np.ix_(indices, indices)]
            else:
                block = np.diag(result.sd[indices] ** 2)
            covariance[np.ix_(positions, positions)] = np.nan_to_num(block)
        return values, covariance


def delta_method(
    function: Callable[[np.ndarray], float], values: np.ndarray, covariance: np.ndarray
) -> tuple[float, float]:
    """Value and first-order standard deviation of ``function(x)`` at ``values``.

    ``sqrt(J Σ Jᵀ)`` with ``J`` by central differences (relative step 1e-6) and ``Σ`` the
    covariance of ``x``. NaN for both when a value is NaN or the function is not finite.
    """
    if not np.all(np.isfinite(values)):
        return math.nan, math.nan
    value = float(function(values))
    if not math.isfinite(value):
        return math.nan, math.nan
    scale = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    gradient = np.zeros(len(values))
    for position in range(len(values)):
        if scale[position] == 0.0:
            continue
        step = _STEP * max(abs(values[position]), scale[position])
        up, down = values.copy(), values.copy()
        up[position] += step
        down[position] -= step
        gradient[position] = (function(up) - function(down)) / (2.0 * step)
    variance = float(gradient @ covariance @ gradient)
    return value, math.sqrt(max(variance, 0.0))


# --------------------------------------------------------------------------------------------
# Products and the allocation between them


@dataclass(frozen=True)
class _ProductModel:
    """How a product's quantity follows the flows: ``quantity × x[flow] / x0[flow]``."""

    product: Product
    unit: str
    quantity: float
    flow: str | None  # the carrying flow, when the balance estimates it
    reference: float  # its reconciled value x0


def _product_models(
    assessment: Assessment, quantities: _Quantities, notes: list[str]
) -> list[_ProductModel]:
    models = []
    for product in assessment.products:
        flow = product.flow
        reference = math.nan
        if flow is not None:
            reference = quantities.value(flow)[0]
            if not math.isfinite(reference) or reference <= 0.0:
                notes.append(
                    Message(
                        "{product}: the balance cannot estimate its flow {flow}; its quantity is "
                        "taken as exact",
                        product=product.id,
                        flow=flow,
                    )
                )
                flow = None
        else:
            notes.append(
                Message(
                    "{product}: no flow carries it; its quantity is taken as exact",
                    product=product.id,
                )
            )
        models.append(
            _ProductModel(
                product,
                product.quantity.unit,
                float(product.quantity.magnitude),
                flow,
                reference,
            )
        )
    return models


def _common_dimension(models: Sequence[_ProductModel]) -> bool:
    return len({dimension_of(model.unit) for model in models}) == 1


def _choose_allocation(
    assessment: Assessment, models: Sequence[_ProductModel], notes: list[str]
) -> str | None:
    """The allocation key between several products (see the module's description)."""
    if len(models) <= 1:
        return None
    layers = {
        assessment.flow(model.product.flow).layer if model.product.flow else None
        for model in models
    }
    if all(model.flow is not None for model in models) and len(layers) == 1:
        return BY_FLOWS
    if _common_dimension(models):
        return BY_QUANTITY
    priced = all(model.product.price is not None for model in models)
    if priced:
        try:
            for model in models:
                conversion_factor(model.unit, model.product.price.unit)
        except UnitError:
            priced = False
    if priced:
        return BY_VALUE
    notes.append(
        Message(
            "the products are in units of different kinds, not all have a flow in one layer, "
            "and not all have a price: the site's totals cannot be shared between them, so "
            "there are no indicators per product (give each product's flow, or a price)"
        )
    )
    return None


class _Denominators:
    """Product quantities, shares and the site's output as functions of the flow vector."""

    def __init__(
        self, assessment: Assessment, models: Sequence[_ProductModel], allocation: str | None
    ):
        self.assessment = assessment
        self.models = list(models)
        self.allocation = allocation
        self.flows = [model.flow for model in self.models if model.flow is not None]
        common = self.models[0].unit if self.models and _common_dimension(self.models) else None
        self.common_unit = common
        self.to_common = (
            [conversion_factor(model.unit, common) for model in self.models] if common else None
        )
        self.unit_price = [
            self._unit_price(model) if allocation == BY_VALUE else math.nan for model in self.models
        ]

    def _unit_price(self, model: _ProductModel) -> float:
        """Sales price per one unit of the product [enterprise currency]."""
        price = model.product.price
        rate = (
            1.0
            if price.currency == self.assessment.enterprise.currency
            else self.assessment.exchange_rates[price.currency]
        )
        return price.amount * conversion_factor(model.unit, price.unit) * rate

    def quantity(self, position: int, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        model = self.models[position]
        if model.flow is None:
            return model.quantity
        return model.quantity * x[model.flow] / x0[model.flow]

    def share(self, position: int, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        if self.allocation is None:
            return 1.0
        if self.allocation == BY_FLOWS:
            weights = [x[model.flow] for model in self.models]
        elif self.allocation == BY_QUANTITY:
            weights = [
                self.quantity(index, x, x0) * self.to_common[index]
                for index in range(len(self.models))
            ]
        else:
            weights = [
                self.quantity(index, x, x0) * self.unit_price[index]
                for index in range(len(self.models))
            ]
        return weights[position] / sum(weights)

    def output(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        """Total output in the common unit."""
        return sum(
            self.quantity(index, x, x0) * self.to_common[index] for index in range(len(self.models))
        )


# --------------------------------------------------------------------------------------------
# The indicators


def _emissions(assessment: Assessment, balance: AssessmentBalance, notes: list[str]) -> Any:
    """The emissions of the assessment, or None when a fuel has no factor that fits it."""
    from cleanprod.core.emissions import EmissionFactorError, flow_emissions

    try:
        result = flow_emissions(assessment, balance)
    except EmissionFactorError as error:
        notes.append(Message("the CO2e indicator is left out: {reason}", reason=str(error)))
        return None
    for flow in result.missing:
        notes.append(
            Message("CO2e: {flow} cannot be estimated by the balance and is not counted", flow=flow)
        )
    notes.extend(Message("CO2e: {note}", note=note) for note in result.notes)
    return result


def _stock_notes(
    assessment: Assessment, balance: AssessmentBalance, counted: Sequence[_Resource]
) -> list[str]:
    """Stores fed by a counted input whose stock changed over the period."""
    entering = {
        assessment.flow(flow_id).to_process
        for resource in counted
        if resource.productivity
        for flow_id in resource.flows
    }
    notes = []
    for process in assessment.processes:
        if not process.stock or process.id not in entering:
            continue
        for network_balance in balance.networks:
            network = network_balance.network
            for layer in network.layers:
                try:
                    index = network.index(STOCK, process.id, layer)
                except KeyError:
                    continue
                change = float(network_balance.reconciliation.value[index])
                if math.isfinite(change) and change != 0.0:
                    unit = network.reporting_units[layer]
                    factor = network.layer_factor(layer)
                    notes.append(
                        Message(
                            "{step}: its {layer} stock changed by {change:+,.4g} {unit}; the "
                            "indicators count what entered the site, not what was used",
                            step=process.id,
                            layer=layer_word(layer),
                            change=change * factor,
                            unit=unit,
                        )
                    )
    return notes


def _benchmark(
    key: str,
    value: float,
    sd: float,
    unit: str,
    per: str,
    rows: Sequence[Benchmark],
) -> tuple[Comparison | None, str | None]:
    """The comparison of an indicator with the first row for it that fits its units."""
    if not math.isfinite(value):
        return None, Message("not estimated")
    candidates = [row for row in rows if row.indicator == key]
    if not candidates:
        return None, Message("no benchmark")
    reasons = []
    for row in candidates:
        try:
            low, high = row.converted(unit, per)
        except UnitError:
            reasons.append(
                Message(
                    "{benchmark} is per {per}, the product is counted in {unit}",
                    benchmark=row.id,
                    per=row.per,
                    unit=per,
                )
            )
            continue
        verdict, significant = compare(value, sd, low, high)
        return Comparison(row, low, high, verdict, significant), None
    return None, Message("no benchmark fits: {reasons}", reasons=_semicolons(reasons))


def _semicolons(items: Sequence[str]) -> str:
    """``a; b; c``, each translated on its own."""
    if len(items) == 1:
        return items[0]
    return Message.wordless("{first}; {rest}", first=items[0], rest=_semicolons(items[1:]))


def _indicator(
    resource: _Resource,
    value: float,
    sd: float,
    per: str,
    rows: Sequence[Benchmark],
) -> Indicator:
    productivity = None
    if resource.productivity and math.isfinite(value) and value > 0.0:
        productivity = (1.0 / value, sd / value**2)
    comparison, note = _benchmark(resource.key, value, sd, resource.unit, per, rows)
    return Indicator(
        key=resource.key,
        name=resource.indicator_name,
        value=value,
        sd=sd,
        unit=resource.unit,
        per=per,
        flows=resource.flows,
        productivity=productivity,
        comparison=comparison,
        benchmark_note=note,
    )


def enterprise_indicators(
    assessment: Assessment,
    balance: AssessmentBalance,
    benchmarks: Sequence[Benchmark] | None = None,
) -> IndicatorResult:
    """The RECP indicators of ``assessment``, per product and for the site.

    Parameters
    ----------
    assessment : Assessment
        A validated document.
    balance : AssessmentBalance
        Its balance (:func:`cleanprod.core.balance.assess.balance_assessment`): every flow's
        reconciled or estimated value and the covariance of each group of layers.
    benchmarks : sequence of Benchmark, optional
        The sector ranges to compare with; cleanprod's (``benchmarks.yaml``) by default.

    Returns
    -------
    IndicatorResult
        Per product: specific consumption of water [m³], energy, electricity and fuel energy
        [kWh] and each main material [kg or its layer's unit], waste [kg], wastewater [m³] and
        CO₂e [kg] per one unit of the product, with σ, productivity and benchmark verdict; for
        the site, the totals over the period and, when the products share a dimension, the
        same indicators per unit of total output.

    References
    ----------
    UNIDO and UNEP (2010), Enterprise-Level Indicators for Resource Productivity and Pollution
    Intensity (not read; see the module's description). ISO 14044:2006, 4.3.4.2.
    """
    notes: list[str] = []
    rows = shipped_benchmarks() if benchmarks is None else tuple(benchmarks)
    sector, isic = assessment.enterprise.sector, assessment.enterprise.isic
    rows = [row for row in rows if row.applies_to(sector, isic)]
    if not rows:
        if isic:
            notes.append(
                Message(
                    "no benchmark for the sector '{sector}' (ISIC {isic}) in cleanprod's table",
                    sector=sector,
                    isic=isic,
                )
            )
        else:
            notes.append(
                Message(
                    "no benchmark for the sector '{sector}' in cleanprod's table", sector=sector
                )
            )
    quantities = _Quantities(assessment, balance)
    emissions = _emissions(assessment, balance, notes)
    counted = _resources(assessment, emissions)
    notes.extend(_stock_notes(assessment, balance, counted))
    for resource in counted:
        unknown = [flow for flow in resource.flows if not math.isfinite(quantities.value(flow)[0])]
        if unknown:
            notes.append(
                Message(
                    "{indicator}: the balance cannot estimate {flows}, so it is not computed "
                    "(measure one of them)",
                    indicator=resource.key,
                    flows=", ".join(unknown),
                )
            )

    totals = []
    for resource in counted:
        ids = list(resource.flows)
        values, covariance = quantities.vector(ids)
        coefficients = np.array([coefficient for _, coefficient in resource.terms])
        total, total_sd = delta_method(lambda x, c=coefficients: float(c @ x), values, covariance)
        totals.append(
            Total(resource.key, resource.total_name, total, total_sd, resource.unit, resource.flows)
        )

    models = _product_models(assessment, quantities, notes) if assessment.products else []
    if not models:
        notes.append(
            Message(
                "the document lists no product: indicators per unit of product need one under "
                "'products' (its quantity and the flow that carries it)"
            )
        )
    allocation = _choose_allocation(assessment, models, notes)
    denominators = _Denominators(assessment, models, allocation) if models else None

    def per_unit(resource: _Resource, scope: int | None) -> tuple[float, float]:
        """Indicator of ``resource`` per unit of product ``scope`` (None: of the output)."""
        ids = list(dict.fromkeys([*resource.flows, *denominators.flows]))
        values, covariance = quantities.vector(ids)
        reference = dict(zip(ids, values, strict=True))
        coefficients = dict(resource.terms)

        def function(x: np.ndarray) -> float:
            current = dict(zip(ids, x, strict=True))
            total = sum(coefficients[flow] * current[flow] for flow in resource.flows)
            if scope is None:
                return total / denominators.output(current, reference)
            share = denominators.share(scope, current, reference)
            return total * share / denominators.quantity(scope, current, reference)

        return delta_method(function, values, covariance)

    products = []
    if models and (len(models) == 1 or allocation is not None):
        for position, model in enumerate(models):
            if model.quantity <= 0.0:
                notes.append(
                    Message(
                        "{product}: its quantity is zero; no indicators", product=model.product.id
                    )
                )
                continue
            quantity_sd = 0.0
            if model.flow is not None:
                flow_sd = quantities.value(model.flow)[1]
                quantity_sd = model.quantity * flow_sd / model.reference
            share = None
            if allocation is not None:
                ids = denominators.flows
                values, _ = quantities.vector(ids)
                reference = dict(zip(ids, values, strict=True))
                share = denominators.share(position, reference, reference)
            indicators = tuple(
                _indicator(resource, *per_unit(resource, position), model.unit, rows)
                for resource in counted
            )
            products.append(
                ProductIndicators(
                    product=model.product.id,
                    name=model.product.name,
                    quantity=model.quantity,
                    quantity_sd=quantity_sd,
                    unit=model.unit,
                    flow=model.product.flow,
                    allocation=allocation,
                    share=share,
                    indicators=indicators,
                )
            )

    output = output_sd = site_unit = None
    site_indicators: tuple[Indicator, ...] = ()
    if denominators is not None and denominators.common_unit is not None:
        site_unit = denominators.common_unit
        ids = denominators.flows
        values, covariance = quantities.vector(ids)
        reference = dict(zip(ids, values, strict=True))

        def total_output(x: np.ndarray) -> float:
            return denominators.output(dict(zip(ids, x, strict=True)), reference)

        output, output_sd = delta_method(total_output, values, covariance)
        if output > 0.0:
            site_indicators = tuple(
                _indicator(resource, *per_unit(resource, None), site_unit, rows)
                for resource in counted
            )
    elif len(models) > 1:
        notes.append(
            Message(
                "the products are counted in units of different kinds, so the site has no "
                "figure per unit of total output; see the figures per product"
            )
        )
    site = SiteIndicators(output, output_sd, site_unit, tuple(totals), site_indicators)
    return IndicatorResult(
        sector=sector,
        isic=isic,
        products=tuple(products),
        site=site,
        allocation=allocation,
        notes=tuple(dict.fromkeys(notes)),
    )


# --------------------------------------------------------------------------------------------
# The JSON form


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _comparison_dict(comparison: Comparison | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    row = comparison.benchmark
    return {
        "low": comparison.low,
        "high": comparison.high,
        "verdict": comparison.verdict,
        "better": row.better,
        "significant": comparison.significant,
        "published": row.published,
        "source": row.source,
        "year": row.year,
        "id": row.id,
        "basis": row.basis,
    }


def _indicator_dict(indicator: Indicator) -> dict[str, Any]:
    productivity = None
    if indicator.productivity is not None:
        productivity = {
            "value": _number(indicator.productivity[0]),
            "sd": _number(indicator.productivity[1]),
            "unit": indicator.per,
            "per": indicator.unit,
        }
    benchmark = _comparison_dict(indicator.comparison)
    if benchmark is not None:
        benchmark["unit"] = indicator.unit
        benchmark["per"] = indicator.per
    return {
        "key": indicator.key,
        "name": indicator.name,
        "value": _number(indicator.value),
        "sd": _number(indicator.sd),
        "unit": indicator.unit,
        "per": indicator.per,
        "flows": list(indicator.flows),
        "productivity": productivity,
        "benchmark": benchmark,
        "benchmark_note": indicator.benchmark_note,
    }


def indicators_as_dict(result: IndicatorResult) -> dict[str, Any]:
    """The indicators as plain data, the shape of ``cleanprod indicators --json``.

    ``{"sector", "isic", "allocation", "products": {<id>: {"name", "quantity",
    "quantity_sd", "unit", "flow", "share", "indicators": [...]}}, "site": {"output",
    "output_sd", "unit", "totals": [...], "indicators": [...]}, "notes": [...]}``. Each
    indicator is ``{"key", "name", "value", "sd", "unit", "per", "flows", "productivity",
    "benchmark", "benchmark_note"}``: ``value`` ``unit`` per one ``per``; ``benchmark`` null
    (with ``benchmark_note`` saying why) or ``{"low", "high", "unit", "per", "verdict",
    "better", "significant", "published", "source", "year", "id", "basis"}`` with ``low`` and
    ``high`` converted to the indicator's unit. NaN is written as null.
    """
    return {
        "sector": result.sector,
        "isic": result.isic,
        "allocation": result.allocation,
        "products": {
            product.product: {
                "name": product.name,
                "quantity": product.quantity,
                "quantity_sd": _number(product.quantity_sd),
                "unit": product.unit,
                "flow": product.flow,
                "share": _number(product.share),
                "indicators": [_indicator_dict(indicator) for indicator in product.indicators],
            }
            for product in result.products
        },
        "site": {
            "output": _number(result.site.output),
            "output_sd": _number(result.site.output_sd),
            "unit": result.site.unit,
            "totals": [
                {
                    "key": total.key,
                    "name": total.name,
                    "value": _number(total.value),
                    "sd": _number(total.sd),
                    "unit": total.unit,
                    "flows": list(total.flows),
                }
                for total in result.site.totals
            ],
            "indicators": [_indicator_dict(indicator) for indicator in result.site.indicators],
        },
        "notes": list(result.notes),
    }
