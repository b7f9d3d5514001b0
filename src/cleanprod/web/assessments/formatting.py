"""Figures as a person reads them: a few significant digits, the grouping and decimal signs of
the page's language."""

from __future__ import annotations

import math
from typing import Any

from django.utils.formats import number_format

#: Significant digits of a figure: measured data rarely know more.
DIGITS = 3


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def figure(value: Any, digits: int = DIGITS) -> str:
    """``28,420``, ``5.04``, ``0.474``: whole numbers from the thousands up, else ``digits``
    significant digits; a dash for nothing."""
    number = _number(value)
    if number is None:
        return "—"
    if number == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(number)))
    decimals = max(0, min(6, digits - 1 - magnitude))
    return number_format(
        round(number, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


def money(value: Any) -> str:
    """An amount in whole units with grouping (đồng, kip and riel have no smaller coins in
    use; dollars are shown whole as well)."""
    number = _number(value)
    if number is None:
        return "—"
    return number_format(round(number), decimal_pos=0, use_l10n=True, force_grouping=True)


def plus_minus(value: Any, sd: Any) -> str:
    """``28,420 ± 950``; the value alone when there is no standard deviation."""
    if _number(value) is None:
        return "—"
    if _number(sd) is None:
        return figure(value)
    return f"{figure(value)} ± {figure(sd, 2)}"


def percent(fraction: Any, digits: int = 2) -> str:
    """A fraction as per cent: ``0.1336`` → ``13 %``."""
    number = _number(fraction)
    if number is None:
        return "—"
    return f"{figure(number * 100, digits)} %"
