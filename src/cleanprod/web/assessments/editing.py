"""From a document to the rows of the edit forms, and from the rows back to a document.

The forms edit a few fields of some parts (the title and period, each process's id and name,
each flow's identity, value and uncertainty, an option's status, dates and actual
investment); everything else of the document is kept as it was. A row that was not changed
gives back its entry untouched; a changed row changes only the fields that changed. Renaming a
process or a flow renames it wherever the document names it. The new document is validated as
a file would be, and each problem is located (``("flows", 3, "sd")``) so that the page can put
it beside the row and field it belongs to.

No database here: plain data in, plain data (or a validated document) out.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from cleanprod.errors import DocumentError, Problem
from cleanprod.io.problems import Locator, validate_document
from cleanprod.model import Assessment as Document
from cleanprod.model.choices import FORMAT
from cleanprod.model.quantities import format_number
from cleanprod.units import LAYER_UNITS, UnitError, conversion_factor

Location = tuple[str | int, ...]

#: The currency of an enterprise's accounts by its country, for a new document; the form
#: lets the user choose another.
COUNTRY_CURRENCIES = {
    "KH": "KHR",
    "LA": "LAK",
    "VN": "VND",
    "TH": "THB",
    "MM": "MMK",
    "MY": "MYR",
    "ID": "IDR",
    "PH": "PHP",
    "CN": "CNY",
    "IN": "INR",
    "BD": "BDT",
    "LK": "LKR",
    "NP": "NPR",
    "MN": "MNT",
}

#: The fields of a flow's uncertainty: at most one of them is given.
UNCERTAINTY_KEYS = ("sd", "uncertainty", "range", "quality")


def currency_of_country(country: str) -> str:
    """The usual currency of accounts in ``country`` (US dollars when not known)."""
    return COUNTRY_CURRENCIES.get((country or "").upper(), "USD")


# --------------------------------------------------------------------------------------------
# Validation with located problems


class FormLocator(Locator):
    """Names each problem's place as a key path and remembers the path of each, so that a
    problem can be put beside its form field."""

    def __init__(self, source: str, data: Any):
        super().__init__(source, data)
        self.located: dict[str, Location] = {}

    def describe(self, location: Location) -> str:
        text = super().describe(location)
        self.located[text] = tuple(location)
        return text


@dataclass
class LocatedProblems(Exception):
    """The problems of an edited document, each with its key path when known."""

    problems: list[tuple[Location | None, Problem]] = field(default_factory=list)


def validate(data: dict[str, Any], source: str) -> Document:
    """The document of ``data``, validated as a file is.

    Raises
    ------
    LocatedProblems
        With every problem and the key path it is at.
    """
    locator = FormLocator(source, data)
    try:
        return validate_document(data, locator, [])
    except DocumentError as error:
        raise LocatedProblems(
            [(locator.located.get(problem.where), problem) for problem in error.problems]
        ) from None


# --------------------------------------------------------------------------------------------
# A new document


def new_document_data(
    *,
    title: str,
    year: int,
    name: str,
    country: str,
    sector: str,
    currency: str,
    location: str = "",
    employees: int | None = None,
) -> dict[str, Any]:
    """The smallest document there is: its format, title, enterprise and the calendar year as
    its period; processes, flows and products are added by editing it."""
    enterprise: dict[str, Any] = {
        "name": name,
        "country": country,
        "sector": sector,
        "currency": currency,
    }
    if location:
        enterprise["location"] = location
    if employees is not None:
        enterprise["employees"] = employees
    return {
        "format": FORMAT,
        "title": title,
        "enterprise": enterprise,
        "period": {"start": f"{year:04d}-01-01", "end": f"{year:04d}-12-31"},
    }


# --------------------------------------------------------------------------------------------
# Rows of the forms


def split_quantity(text: Any) -> tuple[str, str]:
    """``"28.06 m3"`` → ``("28.06", "m3")``; nothing → ``("", "")``."""
    if text is None:
        return "", ""
    parts = str(text).strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def quantity_text(number: str, unit: str) -> str:
    """The document's text of a number typed in a form with its unit: ``"28.06 m3"``; text
    that is not a plain number (``"300 kg"``) is kept as typed, for the model to judge."""
    number = (number or "").strip()
    if _is_number(number) and unit:
        return f"{number} {unit.strip()}"
    return number


def _sd_in(sd: Any, unit: str) -> str:
    """A flow's sd shown in the unit of its value (as written when it cannot be converted)."""
    number, sd_unit = split_quantity(sd)
    if not sd_unit or sd_unit == unit:
        return number
    try:
        return format_number(float(number) * conversion_factor(sd_unit, unit))
    except (UnitError, ValueError):
        return str(sd)


def process_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The initial rows of the processes' form."""
    return [
        {
            "original_id": process.get("id", ""),
            "id": process.get("id", ""),
            "name": process.get("name", ""),
            "unit_operation": process.get("unit_operation", ""),
        }
        for process in document.get("processes") or []
    ]


def flow_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The initial rows of the flows' form: the value split into number and unit, the
    uncertainty as sd (in the unit of the value), relative % or quality class."""
    rows = []
    for flow in document.get("flows") or []:
        number, unit = split_quantity(flow.get("value"))
        uncertainty = flow.get("uncertainty")
        rows.append(
            {
                "original_id": flow.get("id", ""),
                "id": flow.get("id", ""),
                "name": flow.get("name", ""),
                "from_process": flow.get("from") or "",
                "to_process": flow.get("to") or "",
                "kind": flow.get("kind", ""),
                "layer": flow.get("layer") or "mass",
                "value": number,
                "unit": unit,
                "sd": _sd_in(flow.get("sd"), unit) if flow.get("sd") is not None else "",
                "uncertainty": str(uncertainty).rstrip("%").strip() if uncertainty else "",
                "quality": flow.get("quality") or "",
                "range": flow.get("range"),
            }
        )
    return rows


@dataclass(frozen=True)
class Row:
    """One submitted row of a form: its fields, which of them changed, whether it is to be
    deleted, and its place among the form's rows."""

    values: dict[str, Any]
    changed: frozenset[str]
    index: int
    delete: bool = False


@dataclass
class Edited:
    """The edited document as data, and for each entry of its processes and flows the form
    row it came from (to put a problem beside its row)."""

    data: dict[str, Any]
    process_rows: list[int]
    flow_rows: list[int]


def _set(entry: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key``, or remove it when the form gives nothing."""
    if value in (None, ""):
        entry.pop(key, None)
    else:
        entry[key] = value


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def layer_unit(document: dict[str, Any], layer: str) -> str:
    """The unit of a layer: declared in the document, else the built-in layer's; ``""``
    when the layer is not known."""
    for declared in document.get("layers") or []:
        if declared.get("id") == layer:
            return declared.get("unit") or ""
    return LAYER_UNITS.get(layer, "")


def edited_document(
    original: dict[str, Any],
    header: dict[str, Any],
    processes: list[Row],
    flows: list[Row],
) -> Edited:
    """The document ``original`` with the header (title, period) and the rows of the
    processes' and flows' forms applied; every other part is kept."""
    data = copy.deepcopy(original)
    _set(data, "title", _text(header.get("title")))
    period = dict(data.get("period") or {})
    for key in ("start", "end"):
        value = header.get(f"period_{key}")
        if isinstance(value, dt.date):
            period[key] = value.isoformat()
    data["period"] = period

    old_processes = {entry.get("id"): entry for entry in original.get("processes") or []}
    new_processes, process_index, process_renames = [], [], {}
    for row in processes:
        source = old_processes.get(row.values.get("original_id") or None)
        if row.delete:
            continue
        if source is not None and not row.changed:
            new_processes.append(copy.deepcopy(source))
        else:
            entry = copy.deepcopy(source) if source is not None else {}
            for key in ("id", "name", "unit_operation"):
                if source is None or key in row.changed:
                    _set(entry, key, _text(row.values.get(key)))
            new_processes.append(entry)
            if source is not None and entry.get("id") != source.get("id") and entry.get("id"):
                process_renames[source.get("id")] = entry["id"]
        process_index.append(row.index)
    data["processes"] = new_processes

    old_flows = {entry.get("id"): entry for entry in original.get("flows") or []}
    new_flows, flow_index, flow_renames = [], [], {}
    for row in flows:
        source = old_flows.get(row.values.get("original_id") or None)
        if row.delete:
            continue
        if source is not None and not row.changed:
            entry = copy.deepcopy(source)
        else:
            entry = _edited_flow(data, source, row)
            if source is not None and entry.get("id") != source.get("id") and entry.get("id"):
                flow_renames[source.get("id")] = entry["id"]
        for key in ("from", "to"):
            if entry.get(key) in process_renames:
                entry[key] = process_renames[entry[key]]
        new_flows.append(entry)
        flow_index.append(row.index)
    data["flows"] = new_flows
    rename_references(data, process_renames, flow_renames)
    return Edited(data, process_index, flow_index)


def _edited_flow(document: dict[str, Any], source: dict[str, Any] | None, row: Row) -> dict:
    """A flow from its row: the fields that changed (all of them for a new flow) replaced."""
    entry = copy.deepcopy(source) if source is not None else {}
    values = row.values
    new = source is None

    def changed(*keys: str) -> bool:
        return new or any(key in row.changed for key in keys)

    for key, name in (("id", "id"), ("name", "name"), ("kind", "kind")):
        if changed(name):
            _set(entry, key, _text(values.get(name)))
    if changed("layer"):
        layer = _text(values.get("layer"))
        _set(entry, "layer", None if layer == "mass" and "layer" not in entry else layer)
    for key, name in (("from", "from_process"), ("to", "to_process")):
        if changed(name):
            _set(entry, key, _text(values.get(name)))

    unit = _text(values.get("unit"))
    number = _text(values.get("value"))
    if number and not unit and _is_number(number):
        unit = layer_unit(document, _text(values.get("layer")) or "mass")
    if changed("value", "unit"):
        _set(entry, "value", quantity_text(number, unit))
    uncertainty_changed = changed("sd", "uncertainty", "quality")
    if changed("value") and not number and not uncertainty_changed:
        # An unknown value has no uncertainty (a range alone stays: it gives the value).
        for key in ("sd", "uncertainty", "quality"):
            entry.pop(key, None)
    if uncertainty_changed:
        for key in UNCERTAINTY_KEYS:
            entry.pop(key, None)
        sd, relative, quality = (_text(values.get(key)) for key in ("sd", "uncertainty", "quality"))
        _set(entry, "sd", quantity_text(sd, unit) if sd else "")
        _set(entry, "uncertainty", f"{relative}%" if _is_number(relative) else relative)
        _set(entry, "quality", quality)
    return entry


def rename_references(
    data: dict[str, Any], processes: dict[str, str], flows: dict[str, str]
) -> None:
    """Rename, wherever the document names them, the processes and flows whose id changed
    (the flows' own ``from`` and ``to`` are renamed by the caller)."""
    if not processes and not flows:
        return

    def renamed(ids: Any, names: dict[str, str]) -> Any:
        if isinstance(ids, list):
            return [names.get(item, item) for item in ids]
        if isinstance(ids, str):
            return names.get(ids, ids)
        return ids

    for product in data.get("products") or []:
        if "flow" in product:
            product["flow"] = renamed(product["flow"], flows)
    for section, keys in (("measurements", ("flows",)), ("ratios", ("flows", "per"))):
        for entry in data.get(section) or []:
            for key in keys:
                if key in entry:
                    entry[key] = renamed(entry[key], flows)
    for option in data.get("options") or []:
        if "processes" in option:
            option["processes"] = renamed(option["processes"], processes)
        if "flows" in option:
            option["flows"] = renamed(option["flows"], flows)
        for effect in option.get("effects") or []:
            if "flow" in effect:
                effect["flow"] = renamed(effect["flow"], flows)
        monitoring = option.get("monitoring")
        if isinstance(monitoring, dict) and "flow" in monitoring:
            monitoring["flow"] = renamed(monitoring["flow"], flows)


# --------------------------------------------------------------------------------------------
# Following an option


def option_row(option: dict[str, Any], currency: str) -> dict[str, Any]:
    """The initial values of an option's small form."""
    status = option.get("status") or "identified"
    dates = option.get("dates") or {}
    actual = option.get("actual_investment")
    number, actual_currency = split_quantity(actual)
    return {
        "status": status,
        "date": dates.get(status) or None,
        "actual_investment": number if actual_currency == currency else (actual or ""),
    }


def followed_option(
    original: dict[str, Any],
    option_id: str,
    values: dict[str, Any],
    changed: set[str],
    today: dt.date,
) -> tuple[dict[str, Any], int]:
    """The document with one option's status, date and actual investment changed, and the
    option's place in the list.

    A new status without a date of its own is dated ``today`` (the day it is recorded).

    Raises
    ------
    KeyError
        When the document has no option of that id.
    """
    data = copy.deepcopy(original)
    options = data.get("options") or []
    index = next(
        (number for number, option in enumerate(options) if option.get("id") == option_id), None
    )
    if index is None:
        raise KeyError(option_id)
    option = options[index]
    currency = (data.get("enterprise") or {}).get("currency", "")
    status = values.get("status") or option.get("status") or "identified"
    option["status"] = status
    dates = dict(option.get("dates") or {})
    date = values.get("date")
    if "date" in changed:
        if isinstance(date, dt.date):
            dates[status] = date.isoformat()
        else:
            dates.pop(status, None)
    elif "status" in changed and status not in dates:
        dates[status] = today.isoformat()
    _set(option, "dates", dates or None)
    if "actual_investment" in changed:
        actual = _text(values.get("actual_investment"))
        _set(option, "actual_investment", quantity_text(actual, currency) if actual else "")
    return data, index
