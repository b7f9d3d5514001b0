"""The assessment document, format ``cleanprod/1``: the baseline data of one CPA.

The models check each entry on its own (field rules, one error per field) and then the links
between entries (:func:`cleanprod.model.checks.find_link_problems`): ids, processes named by the
flows, layers and their dimensions, currencies. All problems of a document are reported
together. Once valid, every flow's value and standard deviation are converted to the unit of
its layer — once, at load — and are available as :attr:`Flow.normalised`.

See ``docs/format.md`` for the document as a user writes it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cache
from importlib import resources
from typing import Annotated, Any, NamedTuple

import pycountry
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from cleanprod.model.choices import (
    BUILTIN_LAYERS,
    FORMAT,
    CauseCategory,
    FlowKind,
    Language,
    OptionStatus,
    Practice,
    Quality,
)
from cleanprod.model.quantities import (
    Money,
    Percent,
    Price,
    Quantity,
    check_currency,
    format_number,
)
from cleanprod.units import LAYER_UNITS, UnitError, conversion_factor, parse_unit

_ID_PATTERN = re.compile(r"^\w[\w.\-]*$")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_id(value: str) -> str:
    if not _ID_PATTERN.match(value):
        raise PydanticCustomError(
            "id",
            "'{found}' is not a usable id: an id is a short name of letters, digits, '-', '_' "
            "or '.', without spaces, like 'bottle-washing'",
            {"found": value},
        )
    return value


def _check_text(value: str) -> str:
    if _CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError(
            "text", "the text holds control characters; remove them", {"found": value}
        )
    return value


def _empty_to_none(value: Any) -> Any:
    """An empty cell, an empty string or an empty mapping means 'not given'."""
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, dict) and not value:
        return None
    return value


Id = Annotated[str, Field(min_length=1), AfterValidator(_check_id)]
Text = Annotated[str, Field(min_length=1), AfterValidator(_check_text)]
OptionalId = Annotated[Id | None, BeforeValidator(_empty_to_none)]
OptionalText = Annotated[Text | None, BeforeValidator(_empty_to_none)]
OptionalQuantity = Annotated[Quantity | None, BeforeValidator(_empty_to_none)]
OptionalMoney = Annotated[Money | None, BeforeValidator(_empty_to_none)]
CurrencyCode = Annotated[str, AfterValidator(check_currency)]


class DocumentModel(BaseModel):
    """Base of every part of the document: unknown keys are errors, text is stripped."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        coerce_numbers_to_str=True,
        populate_by_name=True,
        validate_default=False,
    )


@cache
def quality_classes() -> dict[str, dict[str, Any]]:
    """The data-quality classes with their default relative σ [%] and sources.

    Read from ``cleanprod/data/quality_classes.yaml``.
    """
    text = resources.files("cleanprod.data").joinpath("quality_classes.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def known_fuels() -> frozenset[str]:
    """Ids a flow's ``fuel`` may name without a factor of the document's own.

    ``electricity`` and every fuel (and alias) of ``cleanprod/data/emission_factors.yaml``; the
    factors themselves are read by :mod:`cleanprod.core.emissions`.
    """
    text = resources.files("cleanprod.data").joinpath("emission_factors.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    ids = {"electricity"} if "electricity" in data else set()
    for fuel, entry in data.get("fuels", {}).items():
        ids |= {fuel, *entry.get("aliases", [])}
    return frozenset(ids)


# --------------------------------------------------------------------------------------------
# The parts of the document


class Enterprise(DocumentModel):
    """The enterprise assessed."""

    name: Text
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. LA, VN, KH")
    sector: Text = Field(description="A short sector name: beverages, steel, furniture, rattan...")
    isic: str | None = Field(None, description="ISIC Rev. 4 class, e.g. '1104'")
    currency: str = Field(description="ISO 4217 code of the enterprise's accounts")
    location: OptionalText = None
    employees: int | None = Field(None, ge=0)

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        upper = value.upper()
        if len(upper) != 2 or pycountry.countries.get(alpha_2=upper) is None:
            raise PydanticCustomError(
                "country",
                "'{code}' is not an ISO 3166-1 alpha-2 country code (e.g. LA, VN, KH)",
                {"code": value},
            )
        return upper

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("isic", mode="before")
    @classmethod
    def _isic_code(cls, value: Any) -> Any:
        value = _empty_to_none(value)
        if value is None:
            return None
        text = str(value).strip()
        if not re.fullmatch(r"[A-U]|\d{2,4}", text):
            raise PydanticCustomError(
                "isic",
                "'{code}' is not an ISIC Rev. 4 code: a section letter (A–U) or a division, "
                "group or class of 2 to 4 digits, like '1104'",
                {"code": text},
            )
        return text


class Period(DocumentModel):
    """The period the baseline data cover, both days included."""

    start: dt.date
    end: dt.date

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and value < start:
            raise PydanticCustomError(
                "period",
                "the period ends ({end}) before it starts ({start})",
                {"end": value.isoformat(), "start": start.isoformat()},
            )
        return value

    @property
    def days(self) -> int:
        """Length of the period [d], both days included."""
        return (self.end - self.start).days + 1


class Layer(DocumentModel):
    """A balance layer: a substance or a carrier balanced on its own, in one unit."""

    id: Id
    name: OptionalText = None
    unit: str
    carrier: OptionalId = Field(
        None,
        description="The layer whose flows carry this substance (e.g. water for COD), when its "
        "flows give it as a concentration",
    )

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        try:
            parse_unit(value)
        except UnitError as error:
            raise PydanticCustomError("unit", "{detail}", {"detail": str(error)}) from None
        return value


class Product(DocumentModel):
    """A product of the period, the reference of the indicators (per hl, per t, per piece)."""

    id: Id
    name: Text
    quantity: Quantity
    flow: OptionalId = Field(None, description="The flow that carries this product, if any")
    price: Price | None = Field(None, description="Sales price per unit")
    source: OptionalText = None


class Costs(DocumentModel):
    """Costs for the period, by the four MFCA cost types (ISO 14051:2011)."""

    material: OptionalMoney = None
    energy: OptionalMoney = None
    system: OptionalMoney = None
    waste_management: OptionalMoney = None

    @field_validator("material", "energy", "system", "waste_management")
    @classmethod
    def _not_negative(cls, value: Money | None) -> Money | None:
        if value is not None and value.amount < 0:
            raise PydanticCustomError(
                "cost", "a cost cannot be negative, found '{found}'", {"found": str(value)}
            )
        return value

    def items(self) -> list[tuple[str, Money]]:
        """The costs given, as (cost type, money) pairs."""
        return [(name, money) for name, money in self if money is not None]


class Normalised(NamedTuple):
    """A value and its standard deviation in the unit of its layer, or ``None`` when unknown.

    ``basis`` says where the standard deviation comes from: ``"sd"``, ``"uncertainty"``,
    ``"range"``, ``"quality:<class>"``, ``"default:<class>"`` or ``"unknown"``.
    """

    value: float | None
    sd: float | None
    unit: str
    basis: str


class Measured(DocumentModel):
    """A value with at most one statement of its uncertainty.

    The uncertainty is an absolute standard deviation (``sd``), a relative one
    (``uncertainty``), an expert's ``range`` read as a uniform distribution
    (σ = (max − min)/√12), or a data-quality class (``quality``).
    """

    value: OptionalQuantity = None
    sd: OptionalQuantity = None
    uncertainty: Annotated[Percent | None, BeforeValidator(_empty_to_none)] = None
    range: tuple[Quantity, Quantity] | None = None
    quality: Annotated[Quality | None, BeforeValidator(_empty_to_none)] = None
    source: OptionalText = None

    @field_validator("sd", mode="before")
    @classmethod
    def _sd_is_absolute(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().endswith("%"):
            raise PydanticCustomError(
                "sd",
                "'sd' is an absolute standard deviation in the unit of the value; for a "
                "relative one write 'uncertainty: {found}' instead",
                {"found": value.strip()},
            )
        return value

    @field_validator("sd")
    @classmethod
    def _sd_rules(cls, sd: Quantity | None, info: ValidationInfo) -> Quantity | None:
        if sd is None:
            return None
        if sd.magnitude < 0:
            raise PydanticCustomError(
                "sd",
                "a standard deviation cannot be negative, found '{found}'",
                {"found": str(sd)},
            )
        value = info.data.get("value")
        if value is None and "value" in info.data:
            raise PydanticCustomError("sd", "'sd' is given but 'value' is not; give both", {})
        if value is not None:
            _same_dimension(sd, value, "sd", "the value")
        return sd

    @field_validator("uncertainty")
    @classmethod
    def _uncertainty_rules(cls, uncertainty: Percent | None, info: ValidationInfo) -> Any:
        if uncertainty is not None:
            _only_one_uncertainty(info, "uncertainty")
            if info.data.get("value") is None and "value" in info.data:
                raise PydanticCustomError(
                    "uncertainty", "'uncertainty' is given but 'value' is not; give both", {}
                )
        return uncertainty

    @field_validator("range", mode="before")
    @classmethod
    def _range_shape(cls, value: Any) -> Any:
        value = _empty_to_none(value)
        if value is None:
            return None
        if isinstance(value, list | tuple) and len(value) == 2 and "" in value:
            raise PydanticCustomError("range", "a range needs both its minimum and its maximum", {})
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise PydanticCustomError(
                "range",
                "expected a range as two quantities [min, max], like [20 m3, 35 m3]; found {found}",
                {"found": repr(value)},
            )
        return value

    @field_validator("range")
    @classmethod
    def _range_rules(cls, bounds: Any, info: ValidationInfo) -> Any:
        if bounds is None:
            return None
        _only_one_uncertainty(info, "range")
        low, high = bounds
        _same_dimension(high, low, "the range's maximum", "its minimum")
        if high.magnitude * conversion_factor(high.unit, low.unit) < low.magnitude:
            raise PydanticCustomError(
                "range",
                "the range's minimum ({low}) exceeds its maximum ({high})",
                {"low": str(low), "high": str(high)},
            )
        value = info.data.get("value")
        if value is not None:
            _same_dimension(value, low, "the value", "the range")
            inside = value.magnitude * conversion_factor(value.unit, low.unit)
            top = high.magnitude * conversion_factor(high.unit, low.unit)
            if not low.magnitude <= inside <= top:
                raise PydanticCustomError(
                    "range",
                    "the value {value} lies outside its range [{low}, {high}]",
                    {"value": str(value), "low": str(low), "high": str(high)},
                )
        return bounds

    @field_validator("quality")
    @classmethod
    def _quality_rules(cls, quality: str | None, info: ValidationInfo) -> str | None:
        if quality is not None:
            _only_one_uncertainty(info, "quality")
            if info.data.get("value") is None and "value" in info.data:
                raise PydanticCustomError(
                    "quality", "'quality' is given but 'value' is not; give both", {}
                )
        return quality

    @property
    def is_known(self) -> bool:
        """Whether the document gives this value (directly or as a range)."""
        return self.value is not None or self.range is not None

    @property
    def unit(self) -> str | None:
        """The unit the user wrote this value in (of the value, else of the range)."""
        if self.value is not None:
            return self.value.unit
        if self.range is not None:
            return self.range[0].unit
        return None

    def normalise(self, unit: str, default_quality: str) -> Normalised:
        """Value and standard deviation in ``unit`` (see :class:`Normalised`)."""
        if self.range is not None:
            low, high = (
                bound.magnitude * conversion_factor(bound.unit, unit) for bound in self.range
            )
            sd = (high - low) / math.sqrt(12.0)
            if self.value is None:
                return Normalised((low + high) / 2.0, sd, unit, "range")
            return Normalised(_convert(self.value, unit), sd, unit, "range")
        if self.value is None:
            return Normalised(None, None, unit, "unknown")
        value = _convert(self.value, unit)
        if self.sd is not None:
            return Normalised(value, _convert(self.sd, unit), unit, "sd")
        if self.uncertainty is not None:
            return Normalised(
                value, abs(value) * self.uncertainty.value / 100.0, unit, "uncertainty"
            )
        quality, basis = (self.quality, "quality") if self.quality else (default_quality, "default")
        percent = quality_classes()[quality]["relative_sd_percent"]
        return Normalised(value, abs(value) * percent / 100.0, unit, f"{basis}:{quality}")


def _convert(quantity: Quantity, unit: str) -> float:
    return quantity.magnitude * conversion_factor(quantity.unit, unit)


def _same_dimension(quantity: Quantity, reference: Quantity, name: str, other: str) -> None:
    try:
        conversion_factor(quantity.unit, reference.unit)
    except UnitError as error:
        raise PydanticCustomError(
            "dimension",
            "{name} must have the dimension of {other}: {detail}",
            {"name": name, "other": other, "detail": str(error)},
        ) from None


def _only_one_uncertainty(info: ValidationInfo, field: str) -> None:
    given = [name for name in ("sd", "uncertainty", "range") if info.data.get(name) is not None]
    if given:
        raise PydanticCustomError(
            "uncertainty",
            "give only one of sd, uncertainty, range and quality; found {fields} and {field}",
            {"fields": ", ".join(given), "field": field},
        )


class StockChange(Measured):
    """The change of a process's stock over the period, in one layer (increase > 0)."""


class Process(DocumentModel):
    """A process step (a quantity centre in MFCA terms)."""

    id: Id
    name: Text
    description: OptionalText = None
    unit_operation: OptionalText = Field(
        None, description="A generic step name (washing, drying, boiler...) for matching options"
    )
    stock: bool = Field(False, exclude_if=lambda value: value is False)
    stock_change: dict[str, StockChange] = Field(
        default_factory=dict, exclude_if=lambda value: not value
    )
    costs: Annotated[Costs | None, BeforeValidator(_empty_to_none)] = None
    allocation: OptionalText = Field(
        None,
        description="How MFCA splits this step's energy and system costs between product and "
        "loss: a layer whose quantities are the key (default mass), or the product's share "
        "in per cent, e.g. '85%'",
    )
    source: OptionalText = None

    @field_validator("allocation")
    @classmethod
    def _allocation_rule(cls, value: str | None) -> str | None:
        if value is not None and value.endswith("%"):
            share = Percent.parse(value)
            if share.value > 100:
                raise PydanticCustomError(
                    "allocation",
                    "the product's share cannot exceed 100 %, found '{found}'",
                    {"found": value},
                )
            return str(share)
        if value is not None:
            _check_id(value)
        return value

    @property
    def product_share(self) -> float | None:
        """The product's share [0–1] when ``allocation`` gives one, else ``None``."""
        if self.allocation is not None and self.allocation.endswith("%"):
            return Percent.parse(self.allocation).value / 100.0
        return None

    @field_serializer("stock_change", mode="wrap")
    def _short_stock_change(self, value: dict, handler: SerializerFunctionWrapHandler) -> Any:
        """A stock change with only a value is written as that value: ``{mass: 0 kg}``."""
        data = handler(value)
        return {
            layer: entry["value"] if set(entry) == {"value"} else entry
            for layer, entry in data.items()
        }

    @field_validator("stock_change", mode="before")
    @classmethod
    def _stock_change_by_layer(cls, value: Any) -> Any:
        """``stock_change: 0 kg`` is the mass layer; a mapping gives it per layer."""
        value = _empty_to_none(value)
        if value is None:
            return {}
        if isinstance(value, str | int | float):
            return {"mass": {"value": value}}
        if isinstance(value, dict):
            return {
                layer: {"value": entry} if isinstance(entry, str | int | float) else entry
                for layer, entry in value.items()
            }
        return value


class Concentration(Measured):
    """The concentration of a substance layer in a carrier flow, e.g. COD at 500 mg/l of
    wastewater; no value means unknown, to be estimated by the balance.

    Its unit is the substance's unit per the carrier's (``mg/l``, ``g/m3``, ``%`` of a mass);
    at load it is converted to the canonical ``<substance unit>/<carrier unit>`` (``kg/m3``).
    """

    _normalised: Normalised | None = PrivateAttr(None)

    @field_validator("value")
    @classmethod
    def _not_negative(cls, value: Quantity | None) -> Quantity | None:
        if value is not None and value.magnitude < 0:
            raise PydanticCustomError(
                "concentration",
                "a concentration cannot be negative, found '{found}'",
                {"found": str(value)},
            )
        return value

    @property
    def normalised(self) -> Normalised:
        """Value and σ in the canonical unit (substance unit per carrier unit), set at load."""
        return _loaded(self._normalised)


def _loaded(normalised: Normalised | None) -> Normalised:
    if normalised is None:
        raise RuntimeError(
            "this entry is not part of a validated Assessment; validate the document first"
        )
    return normalised


def _identity_first(data: dict[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    """The serialised entry with the keys of ``first`` before the others, as a person reads."""
    return {**{key: data[key] for key in first if key in data}, **data}


def _short_measured(data: dict[str, Any]) -> dict[str, Any]:
    """``{layer: {value: x}}`` written as ``{layer: x}``; an unknown entry as ``null``."""
    return {
        key: (entry.get("value") if set(entry) <= {"value"} else entry)
        if isinstance(entry, dict)
        else entry
        for key, entry in data.items()
    }


def _comma_list(value: Any) -> Any:
    """A list of ids; Excel users write ``washing, filling`` in one cell."""
    value = _empty_to_none(value)
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


IdList = Annotated[list[Id], BeforeValidator(_comma_list)]


class Cause(DocumentModel):
    """Why a waste stream arises, in one of the categories taught in CPA training."""

    category: CauseCategory
    description: Text
    share: Annotated[Percent | None, BeforeValidator(_empty_to_none)] = Field(
        None, description="How much of the stream this cause explains, if known"
    )


class Flow(Measured):
    """A flow of material, water or energy between processes or across the boundary."""

    id: Id
    name: Text
    from_process: OptionalId = Field(None, alias="from")
    to_process: OptionalId = Field(None, alias="to")
    layer: Id = "mass"
    kind: FlowKind
    price: Annotated[Price | None, BeforeValidator(_empty_to_none)] = None
    costs: Annotated[Costs | None, BeforeValidator(_empty_to_none)] = None
    concentrations: dict[Id, Concentration] = Field(
        default_factory=dict,
        exclude_if=lambda value: not value,
        description="Substance layers carried by this flow, as concentrations; null = unknown",
    )
    fuel: OptionalId = Field(
        None,
        description="What the flow burns or draws, for its greenhouse-gas emissions: an id of "
        "cleanprod's emission factors (electricity, diesel, fuel-wood...) or of the document's",
    )
    causes: list[Cause] = Field(default_factory=list, exclude_if=lambda value: not value)

    _normalised: Normalised | None = PrivateAttr(None)

    @field_validator("concentrations", mode="before")
    @classmethod
    def _unknown_concentrations(cls, value: Any) -> Any:
        """``{cod: null}`` is an unknown concentration; ``{cod: 500 mg/l}`` a bare value."""
        value = _empty_to_none(value)
        if value is None:
            return {}
        if isinstance(value, dict):
            return {
                layer: {}
                if entry is None
                else {"value": entry}
                if isinstance(entry, str | int | float)
                else entry
                for layer, entry in value.items()
            }
        return value

    @field_serializer("concentrations", mode="wrap")
    def _short_concentrations(self, value: dict, handler: SerializerFunctionWrapHandler) -> Any:
        return _short_measured(handler(value))

    @field_validator("value")
    @classmethod
    def _value_not_negative(cls, value: Quantity | None) -> Quantity | None:
        if value is not None and value.magnitude < 0:
            raise PydanticCustomError(
                "flow",
                "a flow cannot be negative, found '{found}'; its direction is given by "
                "'from' and 'to' (swap them if it runs the other way)",
                {"found": str(value)},
            )
        return value

    @field_validator("range")
    @classmethod
    def _range_not_negative(cls, bounds: Any) -> Any:
        if bounds is not None and bounds[0].magnitude < 0:
            raise PydanticCustomError(
                "flow",
                "a flow cannot be negative; the range starts at '{found}'",
                {"found": str(bounds[0])},
            )
        return bounds

    @model_serializer(mode="wrap")
    def _identity_first(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Write id, name, from, to, layer and kind before the value, as a person reads."""
        first = ("id", "name", "from", "from_process", "to", "to_process", "layer", "kind")
        return _identity_first(handler(self), first)

    @property
    def normalised(self) -> Normalised:
        """Value and standard deviation in the unit of the flow's layer, set at load."""
        return _loaded(self._normalised)


class _Statement(Measured):
    """A measured statement about several flows: it needs a value (or a range)."""

    id: Id
    name: OptionalText = None
    flows: IdList = Field(min_length=1)

    _normalised: Normalised | None = PrivateAttr(None)
    _layer: str | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _value_given(self) -> Any:
        if not self.is_known:
            raise PydanticCustomError(
                "value",
                "give its value (or a range): a statement without a value says nothing to the "
                "balance",
                {},
            )
        return self

    @property
    def normalised(self) -> Normalised:
        """Value and σ in canonical units (see the subclass), set at load."""
        return _loaded(self._normalised)

    @property
    def layer(self) -> str:
        """The layer of the flows named in ``flows``, set at load."""
        if self._layer is None:
            raise RuntimeError("validate the document first")
        return self._layer


class SumMeasurement(_Statement):
    """One reading that covers several flows of a layer: a monthly bill, a header meter.

    The balance splits it between the flows; each flow may also have its own value.
    Its value and σ are in the unit of the flows' layer after loading.
    """

    @model_serializer(mode="wrap")
    def _identity_first(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _identity_first(handler(self), ("id", "name", "flows"))


class Ratio(_Statement):
    """A fixed ratio between flows: ``Σ flows = value × Σ per`` (a recipe, a transfer
    coefficient, a specific consumption such as 0.35 kWh/kg).

    The value carries its unit: ``2 %``, ``20 kg/t``, ``0.35 kWh/kg``. After loading it is in
    the unit of the ``flows``' layer per the unit of the ``per`` flows' layer (``kg/kg``).
    """

    per: IdList = Field(min_length=1)

    _per_layer: str | None = PrivateAttr(None)

    @field_validator("sd", mode="before")
    @classmethod
    def _sd_is_absolute(cls, value: Any) -> Any:
        """A ratio may be in %, so its sd may be too: ``value: 2 %, sd: 0.1 %``."""
        return value

    @model_serializer(mode="wrap")
    def _identity_first(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _identity_first(handler(self), ("id", "name", "flows", "per"))

    @property
    def per_layer(self) -> str:
        """The layer of the flows named in ``per``, set at load."""
        if self._per_layer is None:
            raise RuntimeError("validate the document first")
        return self._per_layer


class EmissionFactor(DocumentModel):
    """A greenhouse-gas emission factor the document gives itself, overriding cleanprod's.

    ``value`` is CO₂-equivalent mass per unit of the flows of that fuel: ``0.6592 kg/kWh``,
    ``3.19 kg/kg``, ``2.7 kg/l``.
    """

    fuel: Id
    value: Quantity
    source: Text
    year: int | None = Field(None, ge=1900, le=2100)

    @field_validator("value")
    @classmethod
    def _mass_per_unit(cls, value: Quantity) -> Quantity:
        from cleanprod.units import ureg

        unit = parse_unit(value.unit)
        mass = ureg.parse_units("kg").dimensionality
        if value.magnitude < 0:
            raise PydanticCustomError(
                "emission_factor",
                "an emission factor cannot be negative, found '{found}'",
                {"found": str(value)},
            )
        if not any(
            unit.dimensionality == mass / ureg.parse_units(per).dimensionality
            for per in ("kWh", "kg", "m**3", "piece")
        ):
            raise PydanticCustomError(
                "emission_factor",
                "an emission factor is CO2e mass per unit of the fuel, like '0.66 kg/kWh', "
                "'3.19 kg/kg' or '2.7 kg/l'; found '{found}'",
                {"found": str(value)},
            )
        return value


_SIGNED_PERCENT = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$")


class Effect(DocumentModel):
    """What an option does to one flow of the balance: ``change: -20%`` of it, or ``change:
    -300 m3`` a year (in any unit of the flow's layer)."""

    flow: Id
    change: str
    source: OptionalText = None

    @field_validator("change", mode="before")
    @classmethod
    def _change_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise PydanticCustomError(
                "effect",
                "write the change with a % sign or a unit, like '-20%' or '-300 m3'; found the "
                "number {found}",
                {"found": value},
            )
        return value

    @field_validator("change")
    @classmethod
    def _change_rule(cls, value: str) -> str:
        if _SIGNED_PERCENT.match(value):
            if float(_SIGNED_PERCENT.match(value)[1]) < -100:
                raise PydanticCustomError(
                    "effect",
                    "a flow cannot shrink by more than 100 %, found '{found}'",
                    {"found": value},
                )
            return value.replace(" ", "")
        Quantity.parse(value)
        return value

    @property
    def relative(self) -> float | None:
        """The change as a fraction of the flow (``-0.2``), or ``None`` for an absolute one."""
        match = _SIGNED_PERCENT.match(self.change)
        return float(match[1]) / 100.0 if match else None

    @property
    def absolute(self) -> Quantity | None:
        """The change as a quantity a year, or ``None`` for a relative one."""
        return None if self.relative is not None else Quantity.parse(self.change)


class TechnicalNotes(DocumentModel):
    """What a consultant notes on an option's technical feasibility."""

    space: OptionalText = None
    skills: OptionalText = None
    supplier: OptionalText = None
    production: OptionalText = Field(None, description="Effect on production and its capacity")
    quality: OptionalText = Field(None, description="Effect on the product's quality")


class Reading(DocumentModel):
    """One period's production and consumption, from the plant's records."""

    period: Text = Field(description="The period the figures cover, e.g. 2025-03 or week 12")
    production: Quantity
    consumption: Quantity


class Monitoring(DocumentModel):
    """Before-and-after records of one resource, to verify an option's saving.

    The baseline readings (before the option) give consumption as a straight line of
    production; the reporting readings (after) are compared with what that line predicts for
    their production (IPMVP option C, whole facility or sub-meter).
    """

    resource: Text = Field(description="What is metered, e.g. 'water, main meter'")
    flow: OptionalId = Field(None, description="The flow of the balance it is, if any")
    baseline: list[Reading] = Field(min_length=3)
    reporting: list[Reading] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_unit_each(self) -> Any:
        for key in ("production", "consumption"):
            units = [getattr(reading, key).unit for reading in (*self.baseline, *self.reporting)]
            first = units[0]
            for unit in units[1:]:
                try:
                    conversion_factor(unit, first)
                except UnitError:
                    raise PydanticCustomError(
                        "monitoring",
                        "every reading's {key} must have one dimension; found {unit} and {first}",
                        {"key": key, "unit": unit, "first": first},
                    ) from None
        return self


def _years(value: Any) -> Any:
    """``lifetime: 5`` means five years."""
    value = _empty_to_none(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{format_number(float(value))} year"
    return value


class Option(DocumentModel):
    """A Cleaner Production option for this enterprise, with its economics.

    Money is for the option's whole life (``investment``, ``salvage_value``) or a year
    (``operating_cost_change``: more cost > 0, less < 0; ``annual_savings`` when given
    directly rather than through ``effects`` on the balance's flows).
    """

    id: Id
    title: Text
    practice: Practice | None = None
    status: OptionStatus = "identified"
    processes: IdList = Field(default_factory=list, exclude_if=lambda value: not value)
    flows: IdList = Field(default_factory=list, exclude_if=lambda value: not value)
    description: OptionalText = None
    dates: dict[OptionStatus, dt.date] = Field(
        default_factory=dict,
        exclude_if=lambda value: not value,
        description="When the option reached each status, e.g. {implemented: 2025-06-30}",
    )
    technical: Annotated[TechnicalNotes | None, BeforeValidator(_empty_to_none)] = None
    investment: OptionalMoney = None
    investment_uncertainty: Annotated[Percent | None, BeforeValidator(_empty_to_none)] = None
    operating_cost_change: OptionalMoney = None
    annual_savings: OptionalMoney = None
    savings_uncertainty: Annotated[Percent | None, BeforeValidator(_empty_to_none)] = None
    lifetime: Annotated[Quantity | None, BeforeValidator(_years)] = None
    salvage_value: OptionalMoney = None
    effects: list[Effect] = Field(default_factory=list, exclude_if=lambda value: not value)
    depends_on: IdList = Field(default_factory=list, exclude_if=lambda value: not value)
    excludes: IdList = Field(default_factory=list, exclude_if=lambda value: not value)
    actual_investment: OptionalMoney = None
    monitoring: Annotated[Monitoring | None, BeforeValidator(_empty_to_none)] = None
    source: OptionalText = None

    @field_validator("investment", "salvage_value", "actual_investment")
    @classmethod
    def _not_negative(cls, value: Money | None) -> Money | None:
        if value is not None and value.amount < 0:
            raise PydanticCustomError(
                "money", "cannot be negative, found '{found}'", {"found": str(value)}
            )
        return value

    @field_validator("lifetime")
    @classmethod
    def _lifetime_in_years(cls, value: Quantity | None) -> Quantity | None:
        if value is None:
            return None
        try:
            years = value.magnitude * conversion_factor(value.unit, "year")
        except UnitError:
            raise PydanticCustomError(
                "lifetime",
                "a lifetime is a time, like '5 years'; found '{found}'",
                {"found": str(value)},
            ) from None
        if years <= 0 or years > 100:
            raise PydanticCustomError(
                "lifetime",
                "a lifetime lies between 0 and 100 years, found '{found}'",
                {"found": str(value)},
            )
        return value

    @property
    def lifetime_years(self) -> float | None:
        """The lifetime [year]."""
        if self.lifetime is None:
            return None
        return self.lifetime.magnitude * conversion_factor(self.lifetime.unit, "year")


class Finance(DocumentModel):
    """How the options' money is judged: the discount rate and price escalation."""

    discount_rate: Annotated[Percent | None, BeforeValidator(_empty_to_none)] = Field(
        None, description="Real or nominal yearly discount rate, e.g. 10%"
    )
    escalation: Annotated[Percent | None, BeforeValidator(_empty_to_none)] = Field(
        None, description="Yearly rise of the savings' prices (energy, water), e.g. 3%"
    )
    inflation: Annotated[Percent | None, BeforeValidator(_empty_to_none)] = Field(
        None, description="General inflation, for the record of what the rates include"
    )
    currency: CurrencyCode | None = Field(
        None, description="Currency of the results; the enterprise's when not given"
    )
    budget: OptionalMoney = Field(
        None, description="Most the enterprise can invest in the options, for the portfolio"
    )

    @field_validator("budget")
    @classmethod
    def _budget_not_negative(cls, value: Money | None) -> Money | None:
        if value is not None and value.amount < 0:
            raise PydanticCustomError(
                "money", "a budget cannot be negative, found '{found}'", {"found": str(value)}
            )
        return value


class Assessment(DocumentModel):
    """The baseline data of one Cleaner Production Assessment (format ``cleanprod/1``)."""

    format: str = Field(description="Always 'cleanprod/1'")
    title: OptionalText = None
    language: Language | None = None
    notes: OptionalText = None
    default_quality: Quality = "measured"
    enterprise: Enterprise
    period: Period
    exchange_rates: dict[CurrencyCode, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(
        default_factory=dict,
        exclude_if=lambda value: not value,
        description="Enterprise-currency units per one unit of each other currency",
    )
    layers: list[Layer] = Field(default_factory=list, exclude_if=lambda value: not value)
    products: list[Product] = Field(default_factory=list)
    processes: list[Process] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    measurements: list[SumMeasurement] = Field(
        default_factory=list, exclude_if=lambda value: not value
    )
    ratios: list[Ratio] = Field(default_factory=list, exclude_if=lambda value: not value)
    emission_factors: list[EmissionFactor] = Field(
        default_factory=list, exclude_if=lambda value: not value
    )
    finance: Annotated[Finance | None, BeforeValidator(_empty_to_none)] = None
    options: list[Option] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value != FORMAT:
            raise PydanticCustomError(
                "format",
                "this is format '{found}'; cleanprod reads '{expected}'",
                {"found": value, "expected": FORMAT},
            )
        return value

    @model_validator(mode="after")
    def _links_and_units(self) -> Assessment:
        from cleanprod.model.checks import find_link_problems

        problems = find_link_problems(self)
        if problems:
            raise ValidationError.from_exception_data(
                "Assessment",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("link", "{message}", {"message": message}),
                        loc=location,
                        input=None,
                    )
                    for location, message in problems
                ],
            )
        quality = self.default_quality
        layer_of = {flow.id: flow.layer for flow in self.flows}
        for flow in self.flows:
            flow._normalised = flow.normalise(self.layer_unit(flow.layer), quality)
            for substance, concentration in flow.concentrations.items():
                unit = self.concentration_unit(substance, flow.layer)
                concentration._normalised = concentration.normalise(unit, quality)
        for measurement in self.measurements:
            measurement._layer = layer_of[measurement.flows[0]]
            unit = self.layer_unit(measurement._layer)
            measurement._normalised = measurement.normalise(unit, quality)
        for ratio in self.ratios:
            ratio._layer, ratio._per_layer = layer_of[ratio.flows[0]], layer_of[ratio.per[0]]
            unit = self.ratio_unit(ratio._layer, ratio._per_layer)
            ratio._normalised = ratio.normalise(unit, quality)
        return self

    # ---- reading the document ----------------------------------------------------------------

    def layer_unit(self, layer: str) -> str:
        """The unit every value of ``layer`` is expressed in after loading."""
        for declared in self.layers:
            if declared.id == layer:
                return declared.unit
        if layer in LAYER_UNITS:
            return LAYER_UNITS[layer]
        raise KeyError(f"unknown layer {layer!r}")

    def concentration_unit(self, substance: str, carrier: str) -> str:
        """Canonical unit of a concentration of ``substance`` in a flow of layer ``carrier``:
        ``kg/m3`` for a substance in kg carried by water."""
        return f"{self.layer_unit(substance)}/{self.layer_unit(carrier)}"

    def ratio_unit(self, layer: str, per_layer: str) -> str:
        """Canonical unit of a ratio of flows of ``layer`` per flows of ``per_layer``."""
        return f"{self.layer_unit(layer)}/{self.layer_unit(per_layer)}"

    @property
    def layer_ids(self) -> list[str]:
        """Every layer that has flows, built-in layers first, in the order of the document."""
        declared = [layer.id for layer in self.layers]
        ordered = [*(name for name in BUILTIN_LAYERS if name not in declared), *declared]
        used = {flow.layer for flow in self.flows}
        return [layer for layer in ordered if layer in used]

    @property
    def unknown_flows(self) -> list[Flow]:
        """The flows whose value the document does not give, to be estimated by the balance."""
        return [flow for flow in self.flows if flow.normalised.value is None]

    def flow(self, flow_id: str) -> Flow:
        """The flow of that id (``KeyError`` when there is none)."""
        for flow in self.flows:
            if flow.id == flow_id:
                return flow
        raise KeyError(flow_id)

    def to_enterprise_currency(self, money: Money) -> float:
        """Amount of ``money`` in the enterprise currency, using ``exchange_rates``."""
        if money.currency == self.enterprise.currency:
            return money.amount
        return money.amount * self.exchange_rates[money.currency]

    def unknown_stock_layers(self, process: Process) -> list[str]:
        """Layers in which a stock process's stock change is unknown (to be estimated)."""
        if not process.stock:
            return []
        touching = {
            flow.layer for flow in self.flows if process.id in (flow.from_process, flow.to_process)
        }
        return [
            layer
            for layer in self.layer_ids
            if layer in touching
            and (layer not in process.stock_change or not process.stock_change[layer].is_known)
        ]
