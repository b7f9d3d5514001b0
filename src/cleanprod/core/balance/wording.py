"""Numbers and names in the English sentences of the balance's explanations and advice."""

from __future__ import annotations

import math


def lower_first(text: str) -> str:
    """``Rinse water`` → ``rinse water`` inside a sentence; ``EVN bill`` stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def join_words(items: list[str]) -> str:
    """``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def times(ratio: float) -> str:
    """A ratio as in "about 10 times": two significant digits below 10, whole above."""
    return f"{ratio:.2g}" if ratio < 10 else f"{ratio:.0f}"


def percent(fraction: float) -> str:
    """A fraction in per cent: ``0.095`` → ``9.5 %``, ``0.16`` → ``16 %``."""
    value = 100.0 * fraction
    return f"{value:.2g} %" if value < 10 else f"{value:.0f} %"


def chi2_text(value: float) -> str:
    """A χ² value as shown beside its critical value."""
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def quantity(value: float, unit: str, sd: float | None = None, show_sd: bool = True) -> str:
    """A value (± σ) with its unit, rounded to what σ allows (else three significant digits)."""
    if not math.isfinite(value):
        return "unknown"
    if sd is not None and math.isfinite(sd) and sd > 0:
        exponent = math.floor(math.log10(sd))
        leading = int(sd / 10.0**exponent)
        digits = 2 if leading < 3 else 1
        decimals = digits - 1 - exponent
        if value:  # at least two significant digits of the value itself
            decimals = max(decimals, 1 - math.floor(math.log10(abs(value))))
        shown, spread = round(value, decimals), round(sd, decimals)
        text = number(shown, decimals, keep_zeros=True)
        if show_sd:
            text += f" ± {number(spread, decimals, keep_zeros=True)}"
    else:
        if value == 0:
            text = "0"
        else:
            decimals = 2 - math.floor(math.log10(abs(value)))
            text = number(round(value, decimals), decimals)
    if unit and unit not in ("1", "", "dimensionless"):
        return f"{text} {unit}"
    return text


def number(value: float, decimals: int, keep_zeros: bool = False) -> str:
    """A rounded number with thousands separators; trailing zeros dropped unless kept (they
    carry the precision of a value shown with its σ)."""
    text = f"{value:,.{max(decimals, 0)}f}"
    if "." in text and not keep_zeros:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money(amount: float) -> str:
    """Money to three significant digits, with thousands separators."""
    if not amount > 0:
        return "0"
    decimals = 2 - math.floor(math.log10(amount))
    return number(round(amount, decimals), decimals)
