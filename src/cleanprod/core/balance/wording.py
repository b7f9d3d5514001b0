"""Numbers and names in the sentences of the balance's explanations and advice.

The figures are :meth:`~cleanprod.core.messages.Message.wordless` messages: the English text
as before, and in a translated report the same digits with the locale's signs.
"""

from __future__ import annotations

import math

from cleanprod.core.messages import Message, join_words

__all__ = ["chi2_text", "join_words", "lower_first", "money", "percent", "quantity", "times"]

#: A rounded figure: its value to ``decimals`` decimals, with thousands separators.
_FIGURE = "{value:,.{decimals}f}"


def lower_first(text: str) -> str:
    """``Rinse water`` → ``rinse water`` inside a sentence; ``EVN bill`` stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    """A name at the start of a sentence: ``rinse water`` → ``Rinse water``."""
    if isinstance(text, Message):  # the sentence's own words begin with a capital
        return text
    return text[:1].upper() + text[1:]


def times(ratio: float) -> str:
    """A ratio as in "about 10 times": two significant digits below 10, whole above."""
    pattern = "{value:.2g}" if ratio < 10 else "{value:.0f}"
    return Message.wordless(pattern, value=ratio)


def percent(fraction: float) -> str:
    """A fraction in per cent: ``0.095`` → ``9.5 %``, ``0.16`` → ``16 %``."""
    value = 100.0 * fraction
    pattern = "{value:.2g} %" if value < 10 else "{value:.0f} %"
    return Message.wordless(pattern, value=value)


def chi2_text(value: float) -> str:
    """A χ² value as shown beside its critical value."""
    pattern = "{value:.2f}" if value < 100 else "{value:.0f}"
    return Message.wordless(pattern, value=value)


def quantity(value: float, unit: str, sd: float | None = None, show_sd: bool = True) -> str:
    """A value (± σ) with its unit, rounded to what σ allows (else three significant digits)."""
    if not math.isfinite(value):
        return Message("unknown")
    with_unit = bool(unit) and unit not in ("1", "", "dimensionless")
    if sd is not None and math.isfinite(sd) and sd > 0:
        exponent = math.floor(math.log10(sd))
        leading = int(sd / 10.0**exponent)
        digits = 2 if leading < 3 else 1
        decimals = digits - 1 - exponent
        if value:  # at least two significant digits of the value itself
            decimals = max(decimals, 1 - math.floor(math.log10(abs(value))))
        shown, shown_decimals = _figure(round(value, decimals), decimals, keep_zeros=True)
        if show_sd:
            spread, _ = _figure(round(sd, decimals), decimals, keep_zeros=True)
            pattern = _FIGURE + " ± {sd:,.{decimals}f}"
            return Message.wordless(
                pattern + (" {unit}" if with_unit else ""),
                value=shown,
                sd=spread,
                decimals=shown_decimals,
                unit=unit,
            )
    elif value == 0:
        shown, shown_decimals = 0.0, 0
    else:
        decimals = 2 - math.floor(math.log10(abs(value)))
        shown, shown_decimals = _figure(round(value, decimals), decimals)
    return Message.wordless(
        _FIGURE + (" {unit}" if with_unit else ""),
        value=shown,
        decimals=shown_decimals,
        unit=unit,
    )


def number(value: float, decimals: int, keep_zeros: bool = False) -> str:
    """A rounded number with thousands separators; trailing zeros dropped unless kept (they
    carry the precision of a value shown with its σ)."""
    shown, shown_decimals = _figure(value, decimals, keep_zeros)
    return Message.wordless(_FIGURE, value=shown, decimals=shown_decimals)


def _figure(value: float, decimals: int, keep_zeros: bool = False) -> tuple[float, int]:
    """The value and decimals that :data:`_FIGURE` writes as ``number`` always wrote it: to
    ``decimals`` decimals (none when negative), trailing zeros dropped unless kept, and
    ``-0`` as ``0``."""
    decimals = max(decimals, 0)
    text = f"{value:,.{decimals}f}"
    if "." in text and not keep_zeros:
        decimals = len(text.rstrip("0").rstrip(".").partition(".")[2])
        text = f"{value:,.{decimals}f}"
    return (0.0 if text in ("-0", "") else value), decimals


def money(amount: float) -> str:
    """Money to three significant digits, with thousands separators."""
    if not amount > 0:
        return Message.wordless(_FIGURE, value=0.0, decimals=0)
    decimals = 2 - math.floor(math.log10(amount))
    return number(round(amount, decimals), decimals)
