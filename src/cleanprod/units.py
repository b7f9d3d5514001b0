"""The one unit registry of cleanprod.

Every quantity in the program is read here, so that a flow in ``t`` and one in ``kg`` balance
correctly. Money is deliberately *not* a unit: an amount keeps its ISO 4217 code beside it (see
:mod:`cleanprod.model.quantities`).

Besides pint's defaults, the registry understands what consultants write on a plant visit:
``m3`` and ``m2`` (cubic and square metres without an exponent sign), ``Nm3`` (normal cubic
metre of gas, a volume), and pieces (``piece``, ``pcs``) as a countable dimension of their own,
so that 350 chairs are never added to 350 kg.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pint

ureg = pint.UnitRegistry(
    preprocessors=[
        # "Nm3" is one unit (normal cubic metre), not a newton-metre cubed.
        lambda text: re.sub(r"\bNm3\b", "normal_cubic_meter", text),
        # "m3" -> "m**3", "cm2" -> "cm**2": an ASCII exponent glued to a unit name.
        lambda text: re.sub(r"(?<=[A-Za-zµ])([23])\b", r"**\1", text),
    ],
    autoconvert_offset_to_baseunit=True,
)
ureg.define("piece = [item] = pc = pcs")
ureg.define("dozen_pieces = 12 piece")
ureg.define("normal_cubic_meter = meter ** 3")

Q_ = ureg.Quantity

#: Unit of each built-in layer; a declared layer names its own (docs/format.md).
LAYER_UNITS: dict[str, str] = {"mass": "kg", "water": "m3", "energy": "kWh"}
_DIMENSION_NAMES: dict[str, str] = {
    str(ureg.parse_units(unit).dimensionality): name
    for unit, name in (
        ("kg", "mass"),
        ("m**3", "volume"),
        ("kWh", "energy"),
        ("piece", "pieces"),
        ("m", "length"),
        ("m**2", "area"),
        ("h", "time"),
        ("kg/m**3", "mass per volume"),
        ("kW", "power"),
        ("m**3/h", "volume per time"),
        ("kg/h", "mass per time"),
    )
}


class UnitError(ValueError):
    """A unit text the registry cannot read."""


@lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Unit:
    """Read a unit text such as ``"m3"``, ``"t"`` or ``"kWh"``.

    Raises
    ------
    UnitError
        When the text is not a unit of the registry; the message says what was found.
    """
    cleaned = text.strip()
    if not cleaned:
        raise UnitError("a unit is missing")
    try:
        unit = ureg.parse_units(cleaned)
    except (
        pint.UndefinedUnitError,
        pint.DefinitionSyntaxError,
        AttributeError,
        TypeError,
        ValueError,
        AssertionError,
    ) as error:
        raise UnitError(f"'{cleaned}' is not a unit cleanprod knows") from error
    return unit


def dimension_of(unit_text: str) -> str:
    """Dimensionality of a unit as text, e.g. ``"[mass]"`` for ``"t"``."""
    dimensionality = parse_unit(unit_text).dimensionality
    return str(dimensionality) if dimensionality else "dimensionless"


def dimension_name(unit_text: str) -> str:
    """A readable name of a unit's dimension, for messages: ``mass``, ``volume``, ``energy``."""
    dimension = dimension_of(unit_text)
    return _DIMENSION_NAMES.get(dimension, dimension)


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor that turns a magnitude in ``from_unit`` into one in ``to_unit``.

    Raises
    ------
    UnitError
        When the two units do not share a dimension.
    """
    try:
        return float(Q_(1.0, parse_unit(from_unit)).to(parse_unit(to_unit)).magnitude)
    except pint.DimensionalityError as error:
        raise UnitError(
            f"{from_unit} ({dimension_name(from_unit)}) cannot be converted to "
            f"{to_unit} ({dimension_name(to_unit)})"
        ) from error
