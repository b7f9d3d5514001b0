"""Quantities, money and prices as they are written in an assessment document.

A quantity is a number with a unit, ``"28.06 m3"``; its unit is read by the one registry of
:mod:`cleanprod.units`. Money is an amount with an ISO 4217 currency code, ``"12000000 LAK"``,
and never a pint unit (pint's guidance on currencies; STYLE.md habit 3). A price is money per
unit of a quantity, ``"5000 LAK/m3"``.

Each type keeps what the user wrote (the number and the unit text) so that a document converted
from YAML to Excel and back is the same document; conversions happen where values are used.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pycountry
from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from cleanprod.units import UnitError, parse_unit

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_QUANTITY_TEXT = re.compile(rf"^\s*(?P<number>{_NUMBER})\s*(?P<unit>.*?)\s*$")
_MONEY_TEXT = re.compile(rf"^\s*(?P<number>{_NUMBER})\s+(?P<currency>[A-Za-z]{{3}})\s*$")
_PRICE_TEXT = re.compile(
    rf"^\s*(?P<number>{_NUMBER})\s+(?P<currency>[A-Za-z]{{3}})\s*/\s*(?P<unit>.+?)\s*$"
)
_PERCENT_TEXT = re.compile(rf"^\s*(?P<number>{_NUMBER})\s*%\s*$")
_THOUSANDS = re.compile(r"^\s*[+-]?\d{1,3}(?:[,.' ]\d{3})+(?:[.,]\d+)?(?:\s|$)")


def format_number(number: float) -> str:
    """Shortest text that reads back as exactly ``number``: ``52000``, ``28.06``, ``1e-05``."""
    if number == 0:
        return "0"
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _error(kind: str, message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, context)


_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d+,\d+(?!\d)")


def _separator_hint(text: str) -> str:
    if _DECIMAL_COMMA.match(text) and not re.match(r"^\s*[+-]?\d{1,3},\d{3}(?!\d)", text):
        return ". Write the decimal separator as a point, not a comma: 28.06, not 28,06"
    if _THOUSANDS.match(text):
        return (
            ". Write numbers without thousands separators and with a decimal point, "
            "e.g. 12000000 or 1500.5"
        )
    return ""


def _read_number(text: str, kind: str, example: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _error(kind, "expected a finite number, like {example}", example=example)
    return number


def _not_text(value: Any, kind: str, example: str) -> PydanticCustomError:
    if isinstance(value, bool):
        found = "yes/no"
    elif isinstance(value, int | float):
        found = f"the number {format_number(float(value))} without a unit"
        if kind.startswith("money") or kind.startswith("price"):
            found = f"the number {format_number(float(value))} without a currency"
    else:
        found = type(value).__name__
    return _error(
        kind, "expected text like '{example}', found {found}", example=example, found=found
    )


def check_currency(code: str) -> str:
    """Return the ISO 4217 code in capitals, or raise a pydantic error naming the bad code."""
    upper = code.upper()
    if pycountry.currencies.get(alpha_3=upper) is None:
        raise _error(
            "currency",
            "'{code}' is not an ISO 4217 currency code (e.g. LAK, VND, KHR, USD, EUR)",
            code=code,
        )
    return upper


def _check_unit(unit: str, kind: str, example: str) -> str:
    if not unit:
        raise _error(
            kind,
            "the unit is missing: write it after the number, like '{example}'",
            example=example,
        )
    try:
        parse_unit(unit)
    except UnitError as error:
        raise _error(kind, "{detail}", detail=str(error)) from None
    return unit


class _TextType:
    """Shared pydantic plumbing: validate from text (or an instance), serialise to text.

    Subclasses define ``parse(value)``, which reads the text or raises a pydantic error.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler):
        def validate(value: Any) -> Any:
            if isinstance(value, cls):
                return value
            return cls.parse(value)  # type: ignore[attr-defined]

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(),
        )


@dataclass(frozen=True)
class Quantity(_TextType):
    """A number with a unit, as the user wrote it: ``Quantity(28.06, "m3")``."""

    magnitude: float
    unit: str

    @classmethod
    def parse(cls, value: Any) -> Quantity:
        example = "28.06 m3"
        if not isinstance(value, str):
            raise _not_text(value, "quantity_type", example)
        match = _QUANTITY_TEXT.match(value)
        if match is None:
            raise _error(
                "quantity",
                "expected a number and a unit, like '{example}', found '{found}'{hint}",
                example=example,
                found=value,
                hint=_separator_hint(value),
            )
        unit = match["unit"]
        if (_THOUSANDS.match(value) or _DECIMAL_COMMA.match(value)) and not _unit_reads(unit):
            raise _error(
                "quantity",
                "'{found}' is not a number and a unit{hint}",
                found=value,
                hint=_separator_hint(value),
            )
        magnitude = _read_number(match["number"], "quantity", example)
        return cls(magnitude, _check_unit(unit, "quantity", f"{match['number']} kg"))

    def __str__(self) -> str:
        return f"{format_number(self.magnitude)} {self.unit}"


def _unit_reads(unit: str) -> bool:
    try:
        parse_unit(unit)
    except UnitError:
        return False
    return True


@dataclass(frozen=True)
class Money(_TextType):
    """An amount of money with its ISO 4217 currency: ``Money(12000000, "LAK")``."""

    amount: float
    currency: str

    @classmethod
    def parse(cls, value: Any) -> Money:
        example = "12000000 LAK"
        if not isinstance(value, str):
            raise _not_text(value, "money_type", example)
        match = _MONEY_TEXT.match(value)
        if match is None:
            raise _error(
                "money",
                "expected an amount and an ISO 4217 currency code, like '{example}', "
                "found '{found}'{hint}",
                example=example,
                found=value,
                hint=_separator_hint(value),
            )
        amount = _read_number(match["number"], "money", example)
        return cls(amount, check_currency(match["currency"]))

    def __str__(self) -> str:
        return f"{format_number(self.amount)} {self.currency}"


@dataclass(frozen=True)
class Price(_TextType):
    """Money per unit of a quantity: ``Price(5000, "LAK", "m3")``."""

    amount: float
    currency: str
    unit: str

    @classmethod
    def parse(cls, value: Any) -> Price:
        example = "5000 LAK/m3"
        if not isinstance(value, str):
            raise _not_text(value, "price_type", example)
        match = _PRICE_TEXT.match(value)
        if match is None:
            raise _error(
                "price",
                "expected an amount, a currency and a unit, like '{example}', "
                "found '{found}'{hint}",
                example=example,
                found=value,
                hint=_separator_hint(value),
            )
        amount = _read_number(match["number"], "price", example)
        if amount < 0:
            raise _error("price", "a price cannot be negative, found '{found}'", found=value)
        currency = check_currency(match["currency"])
        return cls(amount, currency, _check_unit(match["unit"], "price", example))

    def __str__(self) -> str:
        return f"{format_number(self.amount)} {self.currency}/{self.unit}"


@dataclass(frozen=True)
class Percent(_TextType):
    """A relative value in per cent, written with its sign: ``"5%"`` is ``Percent(5.0)``."""

    value: float

    @classmethod
    def parse(cls, value: Any) -> Percent:
        example = "5%"
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise _error(
                "percent",
                "write a relative uncertainty with a % sign, like '{example}'; "
                "found the number {found}",
                example=example,
                found=format_number(float(value)),
            )
        if not isinstance(value, str):
            raise _not_text(value, "percent_type", example)
        match = _PERCENT_TEXT.match(value)
        if match is None:
            raise _error(
                "percent",
                "expected a percentage like '{example}', found '{found}'",
                example=example,
                found=value,
            )
        number = _read_number(match["number"], "percent", example)
        if number < 0:
            raise _error(
                "percent", "a relative uncertainty cannot be negative, found '{found}'", found=value
            )
        return cls(number)

    def __str__(self) -> str:
        return f"{format_number(self.value)}%"
