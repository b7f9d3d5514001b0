"""Greenhouse-gas emissions of an assessment: the CO₂e of the electricity and fuels it uses.

A flow whose ``fuel`` is set (docs/format.md, "Fuels and emission factors") is burned or drawn
on site when it enters a process of the system: an input from outside (purchased electricity,
diesel bought for the boiler) or an internal flow (fuel oil from the tank to the furnace). Its
quantity is the balance's reconciled or estimated value, in the canonical unit of its layer
(kg, m³, kWh or the declared unit), and its CO₂e is that quantity times one emission factor:

1. the document's own factor for that fuel (``emission_factors``) when it gives one;
2. for ``electricity``, the grid factor of the enterprise's country for the year of the
   assessment period — the latest year published at or before it, else the earliest one
   published — (scope 2);
3. else the fuel's IPCC 2006 default (scope 1): per TJ of net calorific value, CO₂ (fossil
   fuels only) + CH₄ × GWP(CH₄) + N₂O × GWP(N₂O), converted to the flow's unit — per kWh of an
   energy-layer flow directly, per kg through the NCV, per litre or m³ through the density.

CO₂ from biomass (fuel wood, rice husk, charcoal, biogas) is biogenic: it is reported beside
each flow as a memo item and is not part of the CO₂e; its CH₄ and N₂O are.

Every factor, with its source and year, is in ``cleanprod/data/emission_factors.yaml``.
The standard deviation of a flow's CO₂e comes from the flow's own (the factor is taken as
exact); the total's uses the covariance of the reconciliation where the balance gives it, as
flows reconciled together are correlated (a bill shared by four machines).

References
----------
IPCC (2006), 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2 Energy:
ch. 1 Table 1.2 (net calorific values) and Table 1.4 (CO₂), ch. 2 Table 2.3 (CH₄ and N₂O,
stationary combustion in manufacturing industries and construction).
IPCC (2013), Climate Change 2013: The Physical Science Basis, WG I ch. 8, Table 8.A.1 (GWP100).
MONRE Viet Nam, Department of Climate Change: grid emission factors of Viet Nam, 2018–2023.
IGES (2025), List of Grid Emission Factors, version 11.6 (Lao PDR 2010, Cambodia 2012).
WRI/WBCSD (2004), The Greenhouse Gas Protocol, Corporate Standard: scopes 1 and 2, biogenic CO₂.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from cleanprod.core.balance.assess import AssessmentBalance
from cleanprod.core.balance.network import FLOW
from cleanprod.core.messages import Message, kind_word
from cleanprod.errors import CleanprodError
from cleanprod.model.assessment import Assessment, EmissionFactor, Flow
from cleanprod.units import conversion_factor, dimension_name, dimension_of

#: The fuel id of electricity drawn from the grid.
ELECTRICITY = "electricity"
#: GHG Protocol scopes: fuels burned on site, and purchased electricity.
SCOPE_FUEL = "1"
SCOPE_ELECTRICITY = "2"
#: ``factor_type`` of a factor the document gives itself, and of an IPCC default.
DOCUMENT = "document"
IPCC_DEFAULT = "IPCC 2006 default"
#: Grid factor types, in the order the default choice prefers them within one year.
GRID_TYPES = ("combined margin", "grid average", "operating margin", "build margin")
#: The grid factor types, as a note names them.
GRID_TYPE_WORDS = {
    "combined margin": Message("combined margin"),
    "grid average": Message("grid average"),
    "operating margin": Message("operating margin"),
    "build margin": Message("build margin"),
}
#: The electricity system whose factors are used by default.
NATIONAL_GRID = "national"

#: A reference unit of each dimension a fuel can be counted in.
_BASE_UNITS = {"energy": "kWh", "mass": "kg", "volume": "l", "pieces": "piece"}
_GIGAGRAMS_PER_KG = 1e-6


class EmissionFactorError(CleanprodError):
    """No emission factor fits a flow: unknown country or fuel, or a unit it cannot take."""


# --------------------------------------------------------------------------------------------
# The factors shipped with cleanprod


@dataclass(frozen=True)
class GridFactor:
    """The CO₂ factor of one electricity system for one year.

    ``value`` is in [kg CO₂/kWh]; ``factor_type`` one of :data:`GRID_TYPES`.
    """

    country: str
    year: int
    factor_type: str
    value: float
    grid: str
    source: str


@dataclass(frozen=True)
class FuelFactors:
    """IPCC default factors of one fuel.

    Attributes
    ----------
    fuel : str
        The id a flow's ``fuel`` names (or one of its aliases).
    name, ipcc_fuel : str
        A readable name, and the fuel's name in the IPCC tables.
    ncv : float
        Net calorific value [TJ/Gg].
    co2e_per_tj : float
        Counted CO₂e per TJ of NCV [kg CO₂e/TJ]: fossil CO₂ + CH₄ and N₂O times their GWP.
    biogenic_co2_per_tj : float
        CO₂ of a biomass fuel, a memo item outside the CO₂e [kg/TJ]; 0 for fossil fuels.
    density : float or None
        For flows given as a volume [kg/l]; None when cleanprod has none.
    source, year
        Where the factors come from; ``density_source`` for the density.
    """

    fuel: str
    name: str
    ipcc_fuel: str
    ncv: float
    co2e_per_tj: float
    biogenic_co2_per_tj: float
    density: float | None
    source: str
    year: int
    density_source: str | None = None

    def energy_per_unit(self, unit: str) -> float:
        """Net calorific energy in one ``unit`` of this fuel [TJ].

        Raises
        ------
        EmissionFactorError
            When ``unit`` is a volume and the fuel has no density, or is not an energy, mass or
            volume.
        """
        kind = _dimension_kind(unit)
        if kind == "energy":
            return conversion_factor(unit, "TJ")
        if kind == "mass":
            return conversion_factor(unit, "kg") * _GIGAGRAMS_PER_KG * self.ncv
        if kind == "volume":
            if self.density is None:
                raise EmissionFactorError(
                    f"cleanprod has no density of {self.fuel}, so a flow in {unit} cannot take "
                    f"its IPCC factors; give the flow in kg or as energy, or give a factor per "
                    f"{unit} under emission_factors"
                )
            litres = conversion_factor(unit, "l")
            return litres * self.density * _GIGAGRAMS_PER_KG * self.ncv
        raise EmissionFactorError(
            f"the IPCC factors of {self.fuel} are per energy, mass or volume of fuel, but the "
            f"flow is in {unit} ({dimension_name(unit)}); give a factor per {unit} under "
            f"emission_factors"
        )


@dataclass(frozen=True)
class FactorTables:
    """Everything in ``cleanprod/data/emission_factors.yaml``, read once.

    ``gwp`` maps CO2, CH4 and N2O to their 100-year global warming potential [kg CO₂e/kg];
    ``fuels`` maps every fuel id and alias to its :class:`FuelFactors`.
    """

    gwp: Mapping[str, float]
    gwp_source: str
    grid: tuple[GridFactor, ...]
    fuels: Mapping[str, FuelFactors]


@cache
def factor_tables() -> FactorTables:
    """The factors shipped with cleanprod (``cleanprod/data/emission_factors.yaml``)."""
    text = resources.files("cleanprod.data").joinpath("emission_factors.yaml").read_text("utf-8")
    return _read_tables(yaml.safe_load(text))


def _read_tables(data: Mapping[str, Any]) -> FactorTables:
    gwp_entry = data["gwp"]
    gwp = {gas: float(gwp_entry[gas]) for gas in ("CO2", "CH4", "N2O")}
    grid = tuple(
        GridFactor(
            country=row["country"],
            year=int(row["year"]),
            factor_type=row["type"],
            value=float(row["value"]) * conversion_factor(row["unit"], "kg/kWh"),
            grid=row.get("grid", NATIONAL_GRID),
            source=row["source"],
        )
        for row in data.get("electricity", {}).get("factors", [])
    )
    fuels: dict[str, FuelFactors] = {}
    for fuel, entry in data.get("fuels", {}).items():
        co2 = float(entry["co2_kg_per_tj"])
        non_co2 = (
            float(entry["ch4_kg_per_tj"]) * gwp["CH4"] + float(entry["n2o_kg_per_tj"]) * gwp["N2O"]
        )
        density = entry.get("density")
        factors = FuelFactors(
            fuel=fuel,
            name=entry["name"],
            ipcc_fuel=entry["ipcc_fuel"],
            ncv=float(entry["ncv_tj_per_gg"]),
            co2e_per_tj=non_co2 + (0.0 if entry["biogenic"] else co2 * gwp["CO2"]),
            biogenic_co2_per_tj=co2 if entry["biogenic"] else 0.0,
            density=1000.0 / float(density["litres_per_tonne"]) if density else None,
            source=entry["source"],
            year=int(entry["year"]),
            density_source=density["source"] if density else None,
        )
        for name in (fuel, *entry.get("aliases", [])):
            fuels[name] = factors
    return FactorTables(gwp, gwp_entry["source"], grid, fuels)


# --------------------------------------------------------------------------------------------
# One factor


@dataclass(frozen=True)
class ResolvedFactor:
    """The emission factor of one fuel for flows in one unit, and where it comes from.

    Attributes
    ----------
    fuel : str
        The fuel id.
    value : float
        Counted CO₂e per unit of the flow [kg CO₂e/``unit``].
    unit : str
        The unit of the flow it applies to (``kWh``, ``kg``, ``l``...).
    biogenic_co2 : float
        Biogenic CO₂ per unit, a memo item not in ``value`` [kg/``unit``].
    source : str
        The publication, or the document's source for a factor of its own.
    year : int or None
        The year of the factor (of the grid data; 2006 for the IPCC defaults).
    factor_type : str
        ``document``, ``IPCC 2006 default``, or the grid factor's type (``combined margin``...).
    scope : str
        ``"1"`` for a fuel burned on site, ``"2"`` for purchased electricity.
    notes : tuple of str
        What a reader of the result should know (an older year used, a conversion made).
    """

    fuel: str
    value: float
    unit: str
    biogenic_co2: float
    source: str
    year: int | None
    factor_type: str
    scope: str
    notes: tuple[str, ...] = ()

    @property
    def factor_unit(self) -> str:
        """The unit of ``value``: ``kg/kWh``, ``kg/kg``, ``kg/l``..."""
        return f"kg/{self.unit}"


def emission_factor(
    fuel: str,
    unit: str,
    country: str,
    year: int,
    overrides: Sequence[EmissionFactor] = (),
) -> ResolvedFactor:
    """The CO₂e factor of ``fuel`` for a flow measured in ``unit``.

    Parameters
    ----------
    fuel : str
        The fuel id: ``electricity``, a fuel of cleanprod's factors (``diesel``, ``fuel-wood``)
        or of ``overrides``.
    unit : str
        The unit the flow's quantity is in, e.g. ``kWh``, ``kg``, ``l``.
    country : str
        ISO 3166-1 alpha-2 code of the enterprise (``VN``, ``LA``, ``KH``), for the grid.
    year : int
        The year of the assessment period, for the grid.
    overrides : sequence of EmissionFactor
        The document's own factors (``emission_factors``); one for ``fuel`` wins.

    Returns
    -------
    ResolvedFactor
        ``value`` in [kg CO₂e/``unit``] with its source, year, type and scope.

    Raises
    ------
    EmissionFactorError
        When the country has no grid factor, the fuel is unknown, or the factor cannot be
        expressed per ``unit`` (a fuel without density given in litres, electricity in kg).

    References
    ----------
    IPCC 2006 Guidelines, Vol. 2, ch. 1 Tables 1.2 and 1.4, ch. 2 Table 2.3; IPCC AR5 WG I
    Table 8.A.1 (GWP100); MONRE Viet Nam grid emission factors; IGES List of Grid Emission
    Factors v11.6.
    """
    for override in overrides:
        if override.fuel == fuel:
            return _document_factor(override, unit)
    if fuel == ELECTRICITY:
        return _grid_factor(unit, country, year)
    tables = factor_tables()
    if fuel not in tables.fuels:
        raise EmissionFactorError(
            f"cleanprod has no emission factor for the fuel '{fuel}'; give one under "
            f"emission_factors, like '{{fuel: {fuel}, value: 2.7 kg/l, year: {year}, "
            f"source: supplier data sheet}}'"
        )
    return _ipcc_factor(tables.fuels[fuel], fuel, unit)


def _scope(fuel: str) -> str:
    return SCOPE_ELECTRICITY if fuel == ELECTRICITY else SCOPE_FUEL


def _dimension_kind(unit: str) -> str | None:
    """``energy``, ``mass``, ``volume`` or ``pieces`` for a unit of that dimension, else None."""
    dimension = dimension_of(unit)
    for kind, base in _BASE_UNITS.items():
        if dimension == dimension_of(base):
            return kind
    return None


def _grid_factor(unit: str, country: str, year: int) -> ResolvedFactor:
    rows = [
        row
        for row in factor_tables().grid
        if row.country == country.upper() and row.grid == NATIONAL_GRID
    ]
    if not rows:
        raise EmissionFactorError(
            f"no grid factor for {country}; give one under emission_factors, like "
            f"'{{fuel: electricity, value: 0.5 kg/kWh, year: {year}, source: <publisher, "
            f"title, year>}}'"
        )
    if _dimension_kind(unit) != "energy":
        raise EmissionFactorError(
            f"electricity is counted per unit of energy, but the flow is in {unit} "
            f"({dimension_name(unit)}); put it in the energy layer, or give a factor per {unit} "
            f"under emission_factors"
        )
    earlier = [row.year for row in rows if row.year <= year]
    chosen = max(earlier) if earlier else min(row.year for row in rows)
    row = min(
        (row for row in rows if row.year == chosen),
        key=lambda row: (
            GRID_TYPES.index(row.factor_type) if row.factor_type in GRID_TYPES else len(GRID_TYPES)
        ),
    )
    notes = []
    if chosen < year:
        notes.append(
            Message(
                "grid factor of {chosen} used for {year} (latest published)",
                chosen=chosen,
                year=year,
            )
        )
    elif chosen > year:
        notes.append(
            Message(
                "grid factor of {chosen} used for {year} (earliest published)",
                chosen=chosen,
                year=year,
            )
        )
    if row.factor_type != GRID_TYPES[0]:
        notes.append(
            Message(
                "grid factor for {country} {year}: the {factor_type} (no combined margin is "
                "published for that year)",
                country=row.country,
                year=chosen,
                factor_type=GRID_TYPE_WORDS.get(row.factor_type, row.factor_type),
            )
        )
    return ResolvedFactor(
        fuel=ELECTRICITY,
        value=row.value * conversion_factor(unit, "kWh"),
        unit=unit,
        biogenic_co2=0.0,
        source=row.source,
        year=row.year,
        factor_type=row.factor_type,
        scope=SCOPE_ELECTRICITY,
        notes=tuple(notes),
    )


def _ipcc_factor(factors: FuelFactors, fuel: str, unit: str) -> ResolvedFactor:
    energy = factors.energy_per_unit(unit)
    source = factors.source
    notes: tuple[str, ...] = ()
    if _dimension_kind(unit) == "volume":
        source = f"{source}; density: {factors.density_source}"
        notes = (
            Message(
                "{fuel} in {unit} converted to mass with {density:.4g} kg/l",
                fuel=fuel,
                unit=unit,
                density=factors.density,
            ),
        )
    return ResolvedFactor(
        fuel=fuel,
        value=factors.co2e_per_tj * energy,
        unit=unit,
        biogenic_co2=factors.biogenic_co2_per_tj * energy,
        source=source,
        year=factors.year,
        factor_type=IPCC_DEFAULT,
        scope=_scope(fuel),
        notes=notes,
    )


def _document_factor(override: EmissionFactor, unit: str) -> ResolvedFactor:
    fuel, given = override.fuel, override.value
    base = next(
        (
            base
            for base in _BASE_UNITS.values()
            if dimension_of(given.unit) == dimension_of(f"kg/{base}")
        ),
        None,
    )
    if base is None:
        raise EmissionFactorError(
            f"the document's factor for {fuel} ({given}) is not CO2e mass per unit of fuel; "
            f"write it like '0.66 kg/kWh' or '2.7 kg/l'"
        )
    per_base = given.magnitude * conversion_factor(given.unit, f"kg/{base}")
    notes: tuple[str, ...] = ()
    if _dimension_kind(unit) == _dimension_kind(base):
        value = per_base * conversion_factor(unit, base)
    else:
        factors = factor_tables().fuels.get(fuel)
        try:
            if factors is None:
                raise EmissionFactorError("no calorific value or density")
            value = per_base * factors.energy_per_unit(unit) / factors.energy_per_unit(base)
        except EmissionFactorError:
            raise EmissionFactorError(
                f"the document's factor for {fuel} is per {dimension_name(base)} ({given}), but "
                f"the flow is in {unit} ({dimension_name(unit)}); give the factor per {unit}"
            ) from None
        notes = (
            Message(
                "the document's factor for {fuel} ({factor}) converted to kg/{unit} with "
                "cleanprod's calorific value and density of {ipcc_fuel}",
                fuel=fuel,
                factor=str(given),
                unit=unit,
                ipcc_fuel=factors.ipcc_fuel,
            ),
        )
    return ResolvedFactor(
        fuel=fuel,
        value=value,
        unit=unit,
        biogenic_co2=0.0,
        source=override.source,
        year=override.year,
        factor_type=DOCUMENT,
        scope=_scope(fuel),
        notes=notes,
    )


# --------------------------------------------------------------------------------------------
# The emissions of an assessment


@dataclass(frozen=True)
class FlowEmission:
    """The CO₂e of one flow over the assessment period.

    ``quantity`` is the reconciled (or estimated) quantity in ``unit``, the canonical unit of
    the flow's layer; ``co2e`` and its standard deviation ``sd`` are in [kg CO₂e];
    ``factor`` is in ``factor_unit`` [kg CO₂e per unit]; ``biogenic_co2`` [kg] is a memo item,
    not in ``co2e``.
    """

    flow: str
    fuel: str
    quantity: float
    unit: str
    co2e: float
    sd: float
    factor: float
    factor_unit: str
    source: str
    year: int | None
    factor_type: str
    scope: str
    biogenic_co2: float


@dataclass(frozen=True)
class EmissionsResult:
    """The CO₂e of every flow with a fuel, and their total [kg CO₂e] over the period.

    ``missing`` lists the flows with a fuel whose quantity the balance cannot estimate
    (unobservable); they are not in the total. ``notes`` say which factors were chosen where a
    reader could not guess (an older grid year, a conversion by density).
    """

    flows: tuple[FlowEmission, ...]
    total: float
    total_sd: float
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    by_scope: Mapping[str, float] = field(default_factory=dict)

    @property
    def biogenic_co2(self) -> float:
        """Biogenic CO₂ of all flows, the memo item [kg]."""
        return sum(entry.biogenic_co2 for entry in self.flows)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: totals [kg CO₂e], the flows, what is missing, and the notes."""
        return {
            "total": self.total,
            "total_sd": self.total_sd,
            "by_scope": dict(self.by_scope),
            "biogenic_co2": self.biogenic_co2,
            "flows": [asdict(entry) for entry in self.flows],
            "missing": list(self.missing),
            "notes": list(self.notes),
        }


def fuel_of_store(assessment: Assessment, flow: Flow) -> str | None:
    """The fuel a flow brings to a store (a process with ``stock``: a fuel tank, a woodpile)
    whose outflows in the flow's layer all carry that one fuel; ``None`` otherwise.

    A fuel is named on the flow that is burned; this tells that the purchase feeding its
    store is that fuel too (for the indicators' materials and the options' CO₂e).
    """
    target = flow.to_process
    if target is None:
        return None
    store = next((process for process in assessment.processes if process.id == target), None)
    outflows = [
        other
        for other in assessment.flows
        if other.from_process == target and other.layer == flow.layer
    ]
    fuels = {other.fuel for other in outflows}
    if store is None or not store.stock or len(fuels) != 1 or None in fuels:
        return None
    return fuels.pop()


def assessment_year(assessment: Assessment) -> int:
    """The year of the assessment period: the year of its middle day."""
    start, end = assessment.period.start, assessment.period.end
    return (start + dt.timedelta(days=(end - start).days // 2)).year


def flow_emissions(assessment: Assessment, balance: AssessmentBalance) -> EmissionsResult:
    """The CO₂e of the electricity and fuels of ``assessment`` over its period.

    Parameters
    ----------
    assessment : Assessment
        A validated document; flows with a ``fuel`` that enter a process are counted.
    balance : AssessmentBalance
        Its balance (:func:`cleanprod.core.balance.assess.balance_assessment`), which gives
        each flow's reconciled or estimated quantity [canonical unit of its layer].

    Returns
    -------
    EmissionsResult
        Per flow and in total [kg CO₂e]; the total's standard deviation [kg CO₂e] from the
        covariance of the reconciliation (factors taken as exact).

    Raises
    ------
    EmissionFactorError
        When a flow's fuel has no factor that fits it; the message names the flow.

    References
    ----------
    IPCC 2006 Guidelines, Vol. 2, ch. 1 Tables 1.2 and 1.4, ch. 2 Table 2.3; IPCC AR5 WG I
    Table 8.A.1; MONRE Viet Nam grid emission factors 2018–2023; IGES List of Grid Emission
    Factors v11.6; GHG Protocol Corporate Standard (scopes, biogenic CO₂).
    """
    country = assessment.enterprise.country
    year = assessment_year(assessment)
    overrides = tuple(assessment.emission_factors)
    entries: list[FlowEmission] = []
    missing: list[str] = []
    notes: list[str] = []
    # Per group of layers: the variables counted, their factors and σ, for the total's variance.
    sensitivity: dict[int, list[tuple[int, float, float]]] = {}
    independent = 0.0  # variance of flows the balance does not hold [(kg CO2e)²]
    for flow in assessment.flows:
        if flow.fuel is None:
            continue
        if flow.to_process is None:
            notes.append(
                Message(
                    "{flow}: leaves the system ({kind}), so its {fuel} is not burned here and is "
                    "not counted",
                    flow=flow.id,
                    kind=kind_word(flow.kind),
                    fuel=flow.fuel,
                )
            )
            continue
        unit = assessment.layer_unit(flow.layer)
        try:
            factor = emission_factor(flow.fuel, unit, country, year, overrides)
        except EmissionFactorError as error:
            raise EmissionFactorError(f"flow '{flow.id}': {error}") from None
        value, sd, where = _flow_quantity(balance, flow)
        if not math.isfinite(value):
            missing.append(flow.id)
            continue
        sd = sd if math.isfinite(sd) else 0.0
        notes.extend(factor.notes)
        entries.append(
            FlowEmission(
                flow=flow.id,
                fuel=flow.fuel,
                quantity=value,
                unit=unit,
                co2e=value * factor.value,
                sd=sd * factor.value,
                factor=factor.value,
                factor_unit=factor.factor_unit,
                source=factor.source,
                year=factor.year,
                factor_type=factor.factor_type,
                scope=factor.scope,
                biogenic_co2=value * factor.biogenic_co2,
            )
        )
        if where is None:
            independent += (sd * factor.value) ** 2
        else:
            sensitivity.setdefault(where[0], []).append((where[1], factor.value, sd))
    by_scope: dict[str, float] = {}
    for entry in entries:
        by_scope[entry.scope] = by_scope.get(entry.scope, 0.0) + entry.co2e
    return EmissionsResult(
        flows=tuple(entries),
        total=sum(entry.co2e for entry in entries),
        total_sd=math.sqrt(independent + _total_variance(balance, sensitivity)),
        missing=tuple(missing),
        notes=tuple(dict.fromkeys(notes)),
        by_scope=by_scope,
    )


def _flow_quantity(
    balance: AssessmentBalance, flow: Flow
) -> tuple[float, float, tuple[int, int] | None]:
    """Value and σ of a flow [canonical unit], and (group, variable) where the balance has it."""
    for group, network_balance in enumerate(balance.networks):
        try:
            index = network_balance.network.index(FLOW, flow.id)
        except KeyError:
            continue
        result = network_balance.reconciliation
        return float(result.value[index]), float(result.sd[index]), (group, index)
    given = flow.normalised
    if given.value is None:
        return math.nan, math.nan, None
    return given.value, given.sd or 0.0, None


def _total_variance(
    balance: AssessmentBalance, sensitivity: Mapping[int, Iterable[tuple[int, float, float]]]
) -> float:
    """Σ fᵀ C f over the groups of layers (independent of each other) [(kg CO₂e)²]."""
    variance = 0.0
    for group, terms in sensitivity.items():
        terms = list(terms)
        covariance = balance.networks[group].reconciliation.covariance
        if covariance is None:
            variance += sum((factor * sd) ** 2 for _, factor, sd in terms)
            continue
        indices = np.array([index for index, _, _ in terms])
        factors = np.array([factor for _, factor, _ in terms])
        block = np.nan_to_num(covariance[np.ix_(indices, indices)])
        variance += max(float(factors @ block @ factors), 0.0)
    return variance
