"""Numbers, money, percentages and dates as a reader of each report language writes them.

Every figure of the report passes through one :class:`Formatter`, bound to the report's
locale (``en``, ``vi``, ``lo``, ``km``): Babel's CLDR data give the decimal and grouping
signs, the currency patterns and symbols, and the long date. Figures with a standard
deviation show two significant digits of σ and the value to the same decimals
(``28,420 ± 950``); money is shown to the currency's decimals, none for the đồng, the kip and
the riel (VND, LAK, KHR), which are counted in whole units.

References
----------
Unicode CLDR, number and currency patterns (UTS #35, part 3), through Babel.
JCGM 100:2008 (GUM), 7.2.6: the uncertainty given to at most two significant digits.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

#: Currencies counted in whole units in the report (no decimals), whatever CLDR says.
WHOLE_CURRENCIES = frozenset({"VND", "LAK", "KHR"})
#: What the report prints for a figure that is not known.
MISSING = "—"

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_LETTER_THEN_DIGIT = re.compile(r"(?<=[^\W\d_])(?=[\d\-−])")
_DIGIT_THEN_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])")


class Formatter:
    """The figures of one report language.

    Parameters
    ----------
    language
        A report language: ``en``, ``vi``, ``lo`` or ``km``.
    """

    def __init__(self, language: str):
        self.language = language
        self.locale = Locale.parse(language)

    @property
    def separators(self) -> str:
        """The decimal and grouping signs, as plotly's ``separators`` takes them: ``.,``."""
        return get_decimal_symbol(self.locale) + get_group_symbol(self.locale)

    # ---- numbers -----------------------------------------------------------------------

    def fixed(self, value: float | None, decimals: int = 0) -> str:
        """``value`` with ``decimals`` decimals and the locale's grouping."""
        if value is None or not math.isfinite(value):
            return MISSING
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        rounded = round(value, decimals)
        return format_decimal(rounded + 0.0, format=pattern, locale=self.locale)

    def number(self, value: float | None, digits: int = 3) -> str:
        """``value`` to ``digits`` significant digits (all of its integer digits kept)."""
        if value is None or not math.isfinite(value):
            return MISSING
        if value == 0:
            return self.fixed(0.0)
        return self.fixed(value, _decimals_for(abs(value), digits))

    def pm(self, value: float | None, sd: float | None, unit: str = "") -> str:
        """``value ± sd unit``, both to the decimals that show two significant digits of σ."""
        if value is None or not math.isfinite(value):
            return MISSING
        suffix = f"\u00a0{unit}" if unit else ""
        if sd is None or not math.isfinite(sd) or sd <= 0:
            return self.number(value, 4) + suffix
        decimals = _decimals_for(sd, 2)
        return f"{self.fixed(value, decimals)} ± {self.fixed(sd, decimals)}{suffix}"

    def p_value(self, p: float | None) -> str:
        """A p-value to two significant digits: ``0.025``, and below 0.001 as a power of ten,
        ``1.8 × 10⁻¹⁵``."""
        if p is None or not math.isfinite(p):
            return MISSING
        if 0 < p < 0.001:
            exponent = math.floor(math.log10(p))
            mantissa = p / 10**exponent
            if round(mantissa, 1) >= 10:
                mantissa, exponent = mantissa / 10, exponent + 1
            return f"{self.fixed(mantissa, 1)} × 10{str(exponent).translate(_SUPERSCRIPTS)}"
        return self.number(p, 2)

    def signed(self, value: float | None, sd: float | None = None) -> str:
        """An adjustment with its sign: ``+312`` or ``−2,780``."""
        if value is None or not math.isfinite(value):
            return MISSING
        decimals = _decimals_for(sd, 2) if sd else _decimals_for(abs(value) or 1.0, 3)
        text = self.fixed(abs(value), decimals)
        if round(value, decimals) == 0:
            return text
        return ("+" if value > 0 else "−") + text

    def percent(self, fraction: float | None, decimals: int = 0) -> str:
        """A fraction as a percentage in the locale's pattern: ``13 %``, ``13%``."""
        if fraction is None or not math.isfinite(fraction):
            return MISSING
        pattern = copy.copy(self.locale.percent_formats[None])
        pattern.frac_prec = (decimals, decimals)
        return pattern.apply(fraction, self.locale)

    # ---- money -------------------------------------------------------------------------

    def currency_digits(self, currency: str) -> int:
        """Decimals of an amount of ``currency``: none for VND, LAK and KHR."""
        return 0 if currency in WHOLE_CURRENCIES else get_currency_precision(currency)

    def amount(self, value: float | None, currency: str) -> str:
        """An amount without its currency (for a table whose heading names it)."""
        return self.fixed(value, self.currency_digits(currency))

    def money(self, value: float | None, currency: str) -> str:
        """An amount with its currency, in the locale's pattern: ``LAK 1,322,580,435``,
        ``1.322.580.435 LAK``, ``₫1,234,568``."""
        if value is None or not math.isfinite(value):
            return MISSING
        digits = self.currency_digits(currency)
        pattern = copy.copy(self.locale.currency_formats["standard"])
        pattern.frac_prec = (digits, digits)
        text = pattern.apply(
            round(value, digits) + 0.0, self.locale, currency=currency, currency_digits=False
        )
        # CLDR's currency spacing: a symbol made of letters (LAK, US$) keeps a space from
        # the digits, which Babel does not insert.
        text = _LETTER_THEN_DIGIT.sub("\u00a0", text)
        return _DIGIT_THEN_LETTER.sub("\u00a0", text)

    def unit_price(self, amount: float, currency: str, unit: str) -> str:
        """A price per unit: ``LAK 2,600/m3``, ``$11.00/kg``, ``₫0.45/kWh`` — with the
        decimals a small price needs."""
        digits = max(self.currency_digits(currency), min(4, _decimals_for(amount, 3)))
        pattern = copy.copy(self.locale.currency_formats["standard"])
        pattern.frac_prec = (self.currency_digits(currency), digits)
        text = pattern.apply(amount, self.locale, currency=currency, currency_digits=False)
        text = _DIGIT_THEN_LETTER.sub("\u00a0", _LETTER_THEN_DIGIT.sub("\u00a0", text))
        return f"{text}/{unit}"

    def currency_symbol(self, currency: str) -> str:
        """The locale's symbol of ``currency``: ``₫``, ``₭``, ``LAK``."""
        return get_currency_symbol(currency, locale=self.locale)

    # ---- dates and names ---------------------------------------------------------------

    def date(self, value: dt.date | str | None) -> str:
        """A date in the locale's long form: ``1 January 2007``, ``ngày 1 tháng 1 năm 2007``."""
        if value is None:
            return MISSING
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return format_date(value, format="long", locale=self.locale)

    def country(self, code: str) -> str:
        """The name of a country (ISO 3166-1 alpha-2) in the report language."""
        return self.locale.territories.get(code.upper(), code)


def _decimals_for(reference: float | None, digits: int) -> int:
    """Decimals that show ``digits`` significant digits of ``reference`` (0 to 6)."""
    if not reference or not math.isfinite(reference):
        return 0
    return max(0, min(6, digits - 1 - math.floor(math.log10(abs(reference)))))
