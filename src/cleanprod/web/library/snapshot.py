"""The figures of a case study, taken from the results of its assessment.

Everything here is pure: the results of a document (as
:func:`cleanprod.services.documents.results_of` gives them, or as the platform keeps them)
in, plain values out. The figures are the option's appraisal (investment, annual savings,
simple payback), its actual investment and year of implementation, its verified saving with
its 95 % interval (IPMVP option C, :mod:`cleanprod.core.verification`) and the resources it
saves a year.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils.translation import gettext as _

from cleanprod.errors import CleanprodError
from cleanprod.units import UnitError, conversion_factor

#: The layers whose flows give a case's water and energy savings, and their units.
WATER_LAYER, WATER_UNIT = "water", "m3"
ENERGY_LAYER, ENERGY_UNIT = "energy", "kWh"
#: Kinds of flow that leave the plant: counted when no input of the layer changes.
LEAVING_KINDS = ("loss", "emission", "by-product")


class CaseStudyError(CleanprodError):
    """A case study cannot be drawn from this option (it is not implemented, or not in the
    current results)."""


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _truth(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _whole(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _year(value: Any) -> int | None:
    if isinstance(value, dt.date):
        return value.year
    text = str(value or "")
    return int(text[:4]) if text[:4].isdigit() else None


def implemented_option(results: dict[str, Any], option_id: str) -> dict[str, Any]:
    """The implementation row of an implemented option of the results.

    Raises
    ------
    CaseStudyError
        When the results have no such option, or it is not implemented.
    """
    rows = {row.get("id"): row for row in results.get("implementation") or []}
    row = rows.get(option_id)
    if row is None:
        raise CaseStudyError(
            _(
                "The current version of the assessment has no option '%(option)s': it may "
                "have been renamed or removed. Choose the option again from the list."
            )
            % {"option": option_id}
        )
    if row.get("status") != "implemented":
        raise CaseStudyError(
            _(
                "The option '%(option)s' is not implemented in the current version of the "
                "assessment: a case study tells an implemented option. Record its "
                "implementation first (Follow the options)."
            )
            % {"option": row.get("title") or option_id}
        )
    return row


def _flow_places(results: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Each flow's layers and kind in them: ``{"municipal-water": [("water", "input")]}``."""
    places: dict[str, list[tuple[str, str]]] = {}
    for layer_id, layer in (results.get("layers") or {}).items():
        for flow in layer.get("flows") or []:
            places.setdefault(flow.get("id"), []).append((layer_id, flow.get("kind") or ""))
    return places


def resource_saving(
    option: dict[str, Any],
    places: dict[str, list[tuple[str, str]]],
    layer: str,
    unit: str,
) -> float | None:
    """What an option saves a year of one layer's resource, in ``unit``: the fall of the
    layer's inputs (what the plant buys or draws), or, when it changes none, the fall of
    what leaves the plant (wastewater, lost heat); None when it changes neither."""
    bought, leaving = [], []
    for flow, change in (option.get("resources") or {}).items():
        kinds = {kind for flow_layer, kind in places.get(flow, []) if flow_layer == layer}
        amount = _number(change.get("change"))
        if not kinds or amount is None:
            continue
        try:
            saved = -amount * conversion_factor(change.get("unit") or "", unit)
        except UnitError:
            continue
        if "input" in kinds:
            bought.append(saved)
        elif kinds & set(LEAVING_KINDS):
            leaving.append(saved)
    if bought:
        return sum(bought)
    if leaving:
        return sum(leaving)
    return None


def case_figures(results: dict[str, Any], option_id: str) -> dict[str, Any]:
    """The snapshot of an implemented option's figures, as the fields of a case study.

    Raises
    ------
    CaseStudyError
        When the option is not an implemented option of the results.
    """
    row = implemented_option(results, option_id)
    option = (results.get("options") or {}).get(option_id) or {}
    verified = row.get("verified") or option.get("verified") or {}
    places = _flow_places(results)
    co2e = _number(option.get("co2e_t_per_year"))
    return {
        "practice": row.get("practice") or option.get("practice") or "",
        "year_implemented": _year((row.get("dates") or {}).get("implemented")),
        "currency": row.get("currency") or option.get("currency") or "",
        "investment": _number(row.get("investment", option.get("investment"))),
        "actual_investment": _number(row.get("actual_investment")),
        "annual_savings": _number(row.get("annual_savings", option.get("annual_savings"))),
        "payback_years": _number(option.get("simple_payback_years")),
        "verified_resource": verified.get("resource") or "",
        "verified_saving": _number(verified.get("saving")),
        "verified_low": _number(verified.get("low")),
        "verified_high": _number(verified.get("high")),
        "verified_unit": verified.get("unit") or "",
        "verified_significant": _truth(verified.get("significant")),
        "verified_periods": _whole(verified.get("reporting_periods")),
        "verified_fraction": _number(verified.get("fraction")),
        "verified_money": _number(verified.get("money")),
        "water_m3": resource_saving(option, places, WATER_LAYER, WATER_UNIT),
        "energy_kwh": resource_saving(option, places, ENERGY_LAYER, ENERGY_UNIT),
        "co2e_t": co2e if co2e else None,
    }


def option_title(results: dict[str, Any], option_id: str) -> str:
    """The option's title in the document (the first proposal of a case's title)."""
    row = implemented_option(results, option_id)
    return row.get("title") or option_id
