"""The assessment document as an Excel workbook (XLSX), the form consultants fill in.

One sheet per part of the document, one header row per table sheet whose names are the keys of
``docs/format.md``. A quantity has its number in its own column and its unit in the ``unit``
column beside it; a cell may also hold text with a unit of its own (``100 kg``), which is how
a value in another unit than the row's is written back, so the round trip is exact. Money cells
hold a number in the enterprise currency, or text with another currency (``100 USD``). Percent
cells hold the number of per cent, shown with a % sign (``7.5`` for ``7.5%``).

The layout (:data:`SHEETS`) is used both to write and to read, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import openpyxl
import pycountry
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cleanprod.errors import Problem
from cleanprod.io.problems import Location, Locator
from cleanprod.model import Assessment, Measured, Money, Percent, Price, Quantity
from cleanprod.model.assessment import Option
from cleanprod.model.choices import (
    BUILTIN_LAYERS,
    CAUSE_CATEGORIES,
    COST_TYPES,
    FLOW_KINDS,
    FORMAT,
    OPTION_STATUSES,
    PRACTICES,
    QUALITIES,
)
from cleanprod.model.quantities import format_number

# --------------------------------------------------------------------------------------------
# The layout


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header (a document key) and the help shown on it."""

    key: str
    help: str
    width: int = 14
    choices: tuple[str, ...] = ()
    strict_choices: bool = True


_MEASURED = (
    Column(
        "value",
        "The number, in the unit of the 'unit' column. Empty = unknown, to be "
        "estimated by the balance.",
        12,
    ),
    Column(
        "unit",
        "Unit of value, sd and the range: kg, t, m3, l, hl, kWh, MJ, GJ, piece...",
        8,
        ("kg", "t", "m3", "l", "hl", "kWh", "MWh", "MJ", "GJ", "piece"),
        False,
    ),
    Column(
        "sd",
        "Absolute standard deviation, in the same unit. Give at most one of sd, "
        "uncertainty, range and quality.",
        10,
    ),
    Column("uncertainty", "Relative standard deviation in %, e.g. 5%.", 12),
    Column(
        "range_min",
        "An expert's minimum; with range_max it gives σ = (max − min)/√12, "
        "and the value (midpoint) when value is empty.",
        11,
    ),
    Column("range_max", "An expert's maximum.", 11),
    Column(
        "quality",
        "Data quality class: measured 5 %, calculated 10 %, estimated 30 % σ.",
        12,
        QUALITIES,
    ),
)
_COSTS = tuple(
    Column(
        f"{cost_type}_cost",
        f"{cost_type.replace('_', ' ').capitalize()} cost for the "
        "period: a number in the enterprise currency, or '100 USD'.",
        14,
    )
    for cost_type in COST_TYPES
)
_SOURCE = Column("source", "Where the figure comes from: a meter, a bill, an estimate by whom.", 30)

#: An option's technical notes (``technical`` in the document), each in a column
#: ``technical_<key>``.
_TECHNICAL_NOTES: dict[str, str] = {
    "space": "Technical feasibility: is there room for it in the plant?",
    "skills": "Technical feasibility: the skills it needs, and whether the staff have them.",
    "supplier": "Technical feasibility: who supplies, installs and services it.",
    "production": "Effect on production and its capacity (downtime, throughput).",
    "quality": "Effect on the product's quality.",
}
_OPTION_MONEY = (
    "investment",
    "operating_cost_change",
    "annual_savings",
    "salvage_value",
    "actual_investment",
)
_OPTION_PERCENTS = ("investment_uncertainty", "savings_uncertainty")
#: Columns whose numbers are per cent, written with the percent format.
_PERCENT_COLUMNS = ("uncertainty", "share", "allocation", "change", *_OPTION_PERCENTS)


def _date_column(status: str) -> str:
    """The options column of the date an option reached ``status``: ``date_implemented``."""
    return f"date_{status}"


def _money_help(what: str) -> str:
    return f"{what}: a number in the enterprise currency, or '100 USD'."


def _with_unit_help(help_text: str) -> tuple[Column, ...]:
    """The measured columns with another help on 'unit' and no unit drop-down."""
    return tuple(
        Column("unit", help_text, 8) if column.key == "unit" else column for column in _MEASURED
    )


#: Where the measured columns go in the document (the range's two ends are one key).
_MEASURED_PATHS: dict[str, Location] = {"range_min": ("range", 0), "range_max": ("range", 1)}

SHEETS: dict[str, tuple[Column, ...]] = {
    "exchange_rates": (
        Column("currency", "ISO 4217 code of another currency used in this workbook.", 10),
        Column("rate", "How many units of the enterprise currency one unit of it is worth.", 12),
    ),
    "layers": (
        Column("id", "A balance layer besides mass, water and energy (a substance).", 14),
        Column("name", "Its name.", 30),
        Column("unit", "The unit all its flows are expressed in.", 8),
        Column(
            "carrier",
            "For a substance given as concentrations (sheet 'concentrations'): the layer of "
            "the flows that carry it, e.g. water for COD.",
            10,
        ),
    ),
    "products": (
        Column("id", "Short name without spaces, unique.", 16),
        Column("name", "The product.", 30),
        Column("quantity", "Produced in the period.", 12),
        Column("unit", "Unit of the quantity: t, hl, piece, m3...", 8),
        Column("flow", "The flow (id) that carries the product, if any.", 16),
        Column("price", "Sales price, per price_unit.", 10),
        Column("price_unit", "Currency and unit of the price, e.g. LAK/hl.", 11),
        _SOURCE,
    ),
    "processes": (
        Column("id", "Short name without spaces, unique, e.g. bottle-washing.", 16),
        Column("name", "The process step.", 30),
        Column("description", "What happens there.", 30),
        Column("unit_operation", "Generic step: washing, drying, boiler, cutting...", 14),
        Column("stock", "yes if the step holds stock (a yard, a tank).", 7, ("yes", "no")),
        *_COSTS,
        Column(
            "allocation",
            "How MFCA splits energy and system costs between product and loss: a layer "
            "(default mass) or the product's share, e.g. 85%.",
            11,
        ),
        _SOURCE,
    ),
    "stock_changes": (
        Column("process", "The process (id) whose stock changed.", 16),
        Column(
            "layer", "The layer: mass, water, energy or a declared one.", 10, BUILTIN_LAYERS, False
        ),
        *_MEASURED,
        _SOURCE,
    ),
    "flows": (
        Column("id", "Short name without spaces, unique, e.g. fresh-water.", 16),
        Column("name", "What flows.", 30),
        Column("from", "Process it leaves; empty = from outside the boundary.", 14),
        Column("to", "Process it enters; empty = leaves the boundary.", 14),
        Column(
            "layer",
            "mass, water, energy, or a layer of the 'layers' sheet.",
            10,
            BUILTIN_LAYERS,
            False,
        ),
        Column("kind", "input, product, by-product, loss, emission or internal.", 11, FLOW_KINDS),
        *_MEASURED,
        Column("price", "Purchase (or sales) price, per price_unit.", 10),
        Column("price_unit", "Currency and unit of the price, e.g. LAK/m3.", 11),
        *_COSTS,
        Column(
            "fuel",
            "For emissions: what the flow burns or draws (electricity, diesel, fuel-wood...).",
            12,
        ),
        _SOURCE,
    ),
    "causes": (
        Column("flow", "The waste stream (flow id).", 16),
        Column("category", "Category of the cause, as taught in CPA.", 22, CAUSE_CATEGORIES),
        Column("description", "The cause in a sentence.", 50),
        Column("share", "How much of the stream it explains, e.g. 40% (optional).", 8),
    ),
    "concentrations": (
        Column("flow", "The flow (id) that carries the substance, e.g. a wastewater.", 16),
        Column("layer", "The substance: a layer of the 'layers' sheet, e.g. cod.", 10),
        *_with_unit_help(
            "Unit of the concentration: mg/l, g/m3, kg/t, %... Empty value = unknown, "
            "estimated by the balance."
        ),
        _SOURCE,
    ),
    "measurements": (
        Column("id", "Short name without spaces, unique, e.g. electricity-bill.", 16),
        Column("name", "What was read: a monthly bill, a header meter.", 30),
        Column("flows", "The flows (ids, separated by commas) the one reading covers.", 24),
        *_with_unit_help("Unit of the reading: kWh, m3, kg..."),
        _SOURCE,
    ),
    "ratios": (
        Column("id", "Short name without spaces, unique, e.g. dye-recipe.", 16),
        Column("name", "A recipe, a transfer coefficient, a specific consumption.", 30),
        Column("flows", "Flows (ids, separated by commas) on top of the ratio.", 20),
        Column("per", "Flows (ids, separated by commas) it is per: flows = value × per.", 20),
        *_with_unit_help("Unit of the ratio: %, kg/t, kWh/kg..."),
        _SOURCE,
    ),
    "emission_factors": (
        Column("fuel", "The fuel or carrier, as named in the flows' 'fuel' column.", 14),
        Column("value", "CO2e per unit of the fuel, with the unit in 'unit'.", 10),
        Column("unit", "e.g. kg/kWh, kg/kg, kg/l.", 9),
        Column("source", "Who published the factor.", 40),
        Column("year", "The year the factor is for.", 6),
    ),
    "options": (
        Column("id", "Short name without spaces, unique.", 16),
        Column("title", "The CP option in a few words.", 40),
        Column("practice", "One of UNEP's eight CP practices.", 24, PRACTICES),
        Column("status", f"{', '.join(OPTION_STATUSES)}.", 14, OPTION_STATUSES),
        Column("processes", "Processes concerned (ids, separated by commas).", 18),
        Column("flows", "Flows concerned (ids, separated by commas).", 18),
        Column("description", "What to do.", 40),
        Column(
            "investment",
            _money_help("What the option costs once (equipment, installation, training)"),
        ),
        Column(
            "investment_uncertainty",
            "How sure the investment is: relative standard deviation in %, e.g. 20%.",
            12,
        ),
        Column(
            "operating_cost_change",
            _money_help(
                "Change of the yearly operating costs (maintenance, chemicals, labour): "
                "more > 0, less < 0"
            ),
        ),
        Column(
            "annual_savings",
            _money_help(
                "Yearly savings, when given directly rather than through the option's effects "
                "on flows (sheet 'option_effects'); a loss < 0"
            ),
        ),
        Column(
            "savings_uncertainty",
            "How sure the savings are: relative standard deviation in %, e.g. 30%.",
            12,
        ),
        Column(
            "lifetime",
            "Economic life of the investment, in the unit of 'lifetime_unit' (years when it "
            "is empty), or text with its own unit like '18 month'.",
            10,
        ),
        Column(
            "lifetime_unit",
            "Unit of lifetime: year, month...; empty = year.",
            9,
            ("year", "month"),
            False,
        ),
        Column("salvage_value", _money_help("What the equipment is worth at the end of its life")),
        Column("depends_on", "Options (ids, separated by commas) this one needs done first.", 18),
        Column(
            "excludes",
            "Options (ids, separated by commas) that cannot be done together with this one.",
            18,
        ),
        *(Column(f"technical_{key}", help_text, 30) for key, help_text in _TECHNICAL_NOTES.items()),
        *(
            Column(
                _date_column(status),
                f"The date the option became '{status}' (yyyy-mm-dd). One column per status: "
                f"{', '.join(_date_column(other) for other in OPTION_STATUSES)}.",
                12,
            )
            for status in OPTION_STATUSES
        ),
        Column("actual_investment", _money_help("What the option did cost, once implemented")),
        Column(
            "source",
            "Where the option's figures come from: a supplier's quote, an estimate by whom.",
            30,
        ),
    ),
    "option_effects": (
        Column(
            "option", "The option (id of the 'options' sheet); one row per flow it changes.", 16
        ),
        Column("flow", "The flow (id) it changes.", 16),
        Column(
            "change",
            "How the option changes the flow: a share of it like -20%, or a quantity a year "
            "with its unit like '-300 m3' (in a unit of the flow's layer).",
            12,
        ),
        _SOURCE,
    ),
    "option_monitoring": (
        Column("option", "The option (id of the 'options' sheet) whose saving is verified.", 16),
        Column("resource", "What is metered, e.g. 'water, main meter' (same on every row).", 20),
        Column("flow", "The flow of the balance it is, if any (to value the saving).", 14),
        Column(
            "phase",
            "baseline (before the option, at least 3 rows) or reporting (after it).",
            10,
            ("baseline", "reporting"),
        ),
        Column("period", "The period of the reading: 2025-03, week 12...", 10),
        Column("production", "Production in the period.", 11),
        Column("production_unit", "Unit of the production: t, hl, piece...", 9),
        Column("consumption", "Metered consumption in the period.", 11),
        Column("consumption_unit", "Unit of the consumption: m3, kWh...", 9),
    ),
}

#: Rows of the 'enterprise' sheet: (field, key path in the document, help).
ENTERPRISE_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("format", ("format",), f"Always {FORMAT}."),
    ("name", ("enterprise", "name"), "Name of the enterprise."),
    ("country", ("enterprise", "country"), "ISO 3166-1 code: LA, VN, KH..."),
    ("sector", ("enterprise", "sector"), "Short name: beverages, steel, furniture, rattan..."),
    ("isic", ("enterprise", "isic"), "ISIC Rev. 4 class, e.g. 1104 (optional)."),
    ("currency", ("enterprise", "currency"), "ISO 4217 code of the accounts: LAK, VND, KHR..."),
    ("location", ("enterprise", "location"), "Town or province (optional)."),
    ("employees", ("enterprise", "employees"), "Number of employees (optional)."),
    ("period_start", ("period", "start"), "First day of the baseline period."),
    ("period_end", ("period", "end"), "Last day of the baseline period."),
    ("title", ("title",), "Title of the assessment (optional)."),
    ("language", ("language",), "Report language: en, vi, lo or km (optional)."),
    (
        "default_quality",
        ("default_quality",),
        "Quality of values given without uncertainty: measured, calculated or estimated.",
    ),
    (
        "discount_rate",
        ("finance", "discount_rate"),
        "Yearly discount rate for judging the options, e.g. 10% (optional).",
    ),
    (
        "escalation",
        ("finance", "escalation"),
        "Yearly rise of the savings' prices (energy, water), e.g. 3% (optional).",
    ),
    (
        "inflation",
        ("finance", "inflation"),
        "General inflation, for the record of what the rates include, e.g. 4% (optional).",
    ),
    (
        "finance_currency",
        ("finance", "currency"),
        "ISO 4217 code of the options' results; the accounts' currency when empty (optional).",
    ),
    (
        "budget",
        ("finance", "budget"),
        "Most the enterprise can invest in the options: a number in the accounts' currency, "
        "or '20000 USD' (optional).",
    ),
    ("notes", ("notes",), "Where the figures come from; anything a reader should know."),
)
_ENTERPRISE_PERCENTS = ("discount_rate", "escalation", "inflation")

REQUIRED_SHEETS = ("enterprise", "processes", "flows")
_SHEET_ORDER = ("enterprise", *SHEETS)

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2E6B4F")
_PERCENT_FORMAT = '0.###"%"'
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INSTRUCTIONS = f"""cleanprod baseline workbook — format {FORMAT}

Fill in one sheet per part of the assessment:
- enterprise: the enterprise, the baseline period, and notes on where the figures come from;
  discount_rate, escalation, inflation and finance_currency for judging the options (optional).
- processes: each process step, with its energy and system costs for the period if known.
- flows: every flow of material, water and energy — inputs, products, losses, emissions and
  flows between steps — one per row. 'from' and 'to' name processes (their id); leave 'from'
  empty for an input from outside and 'to' empty for what leaves the plant.
- products: what the plant makes in the period (the reference of the indicators).
- stock_changes, layers, exchange_rates: only when needed.
- measurements: one reading that covers several flows (a monthly bill, a header meter).
- ratios: a recipe or transfer coefficient between flows (flows = value × per).
- concentrations: a substance (a layer with a carrier, e.g. COD in water) in a flow.
- causes: why each waste stream arises, one row per cause.
- emission_factors: your own CO2e factors, overriding cleanprod's (with their source).
- options: the CP options, one per row: what to do, its status and the date of each status
  (date_identified ... date_implemented), the money (investment, operating_cost_change,
  annual_savings, salvage_value, lifetime), technical notes, and the options it depends on or
  excludes (ids, separated by commas).
- option_monitoring: before-and-after readings of an implemented option (baseline and
  reporting rows: period, production, consumption), for its verified saving.
- option_effects: what an option does to a flow, one row per option and flow: a share of the
  flow (-20%) or a quantity a year with its unit (-300 m3).

Numbers go in their own cell, with the unit in the 'unit' column beside them. Leave 'value'
empty when a flow is not known: the balance will estimate it. Say how sure a number is with ONE
of sd, uncertainty (%), range_min + range_max, or quality (measured, calculated, estimated).
Money: a number in the enterprise currency, or text such as '100 USD' (then give the rate on
the exchange_rates sheet); a saving or a cost change may be negative. Percentages (uncertainty,
share, discount_rate...): type 7.5 or 7.5%. Dates: yyyy-mm-dd.
Columns whose header starts with # are yours; they are not read.
Cells with formulas are read by their computed value: save the file in Excel or LibreOffice.

Check the workbook with:  cleanprod validate baseline.xlsx
Every problem is reported with its sheet, row and column."""


# --------------------------------------------------------------------------------------------
# Writing


def write_template(path: str | Path) -> Path:
    """Write an empty workbook for a consultant to fill in; return its path."""
    return write_workbook(None, path)


def write_workbook(assessment: Assessment | None, path: str | Path) -> Path:
    """Write ``assessment`` (or an empty template when None) as an XLSX workbook."""
    workbook = openpyxl.Workbook()
    instructions = workbook.active
    instructions.title = "instructions"
    for row, line in enumerate(_INSTRUCTIONS.splitlines(), start=1):
        instructions.cell(row=row, column=1, value=line)
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.column_dimensions["A"].width = 100

    _write_enterprise(workbook.create_sheet("enterprise"), assessment)
    rows = _table_rows(assessment) if assessment is not None else {}
    layers = (
        list(BUILTIN_LAYERS) + [layer.id for layer in assessment.layers]
        if assessment
        else (list(BUILTIN_LAYERS))
    )
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        _write_table(sheet, columns, rows.get(name, []), layers)
    path = Path(path)
    workbook.save(path)
    return path


def _write_enterprise(sheet: Worksheet, assessment: Assessment | None) -> None:
    data = (
        assessment.model_dump(mode="python", exclude_none=True)
        if assessment
        else {"format": FORMAT, "default_quality": "measured"}
    )
    _header(sheet, [Column("field", "", 16), Column("value", "", 40), Column("help", "", 70)])
    for row, (field_name, path, help_text) in enumerate(ENTERPRISE_FIELDS, start=2):
        value: Any = data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        sheet.cell(row=row, column=1, value=field_name).font = Font(bold=True)
        if field_name in _ENTERPRISE_PERCENTS and value is not None:
            value = Percent.parse(value).value
            sheet.cell(row=row, column=2).number_format = _PERCENT_FORMAT
        if isinstance(value, Money):
            currency = data["enterprise"]["currency"]
            value = value.amount if value.currency == currency else str(value)
        _set(sheet.cell(row=row, column=2), value)
        if isinstance(value, dt.date):
            sheet.cell(row=row, column=2).number_format = "yyyy-mm-dd"
        sheet.cell(row=row, column=3, value=help_text).font = Font(italic=True, color="666666")
    sheet.cell(row=len(ENTERPRISE_FIELDS) + 1, column=2).alignment = Alignment(wrap_text=True)


def _header(sheet: Worksheet, columns: Iterable[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.key)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        if column.help:
            cell.comment = Comment(column.help, "cleanprod", width=300, height=90)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _write_table(
    sheet: Worksheet, columns: tuple[Column, ...], rows: list[dict], layers: list[str]
) -> None:
    _header(sheet, columns)
    last_row = max(len(rows) + 1, 500)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        choices = layers if column.key == "layer" else column.choices
        if choices:
            _drop_down(
                sheet,
                f"{letter}2:{letter}{last_row}",
                '"' + ",".join(choices) + '"',
                column.strict_choices,
            )
        elif column.key in ("from", "to", "process") and sheet.title != "processes":
            _drop_down(sheet, f"{letter}2:{letter}{last_row}", "=processes!$A$2:$A$500", False)
        elif column.key == "option" or (column.key == "flow" and sheet.title == "option_effects"):
            ids = "=options!$A$2:$A$500" if column.key == "option" else "=flows!$A$2:$A$500"
            _drop_down(sheet, f"{letter}2:{letter}{last_row}", ids, False)
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = row.get(column.key)
            cell = sheet.cell(row=row_number, column=index)
            _set(cell, value)
            if column.key in _PERCENT_COLUMNS and isinstance(value, float):
                cell.number_format = _PERCENT_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def _drop_down(sheet: Worksheet, cells: str, formula: str, strict: bool) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.showErrorMessage = strict
    validation.error = "Choose a value from the list."
    sheet.add_data_validation(validation)
    validation.add(cells)


def _set(cell: Any, value: Any) -> None:
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        # openpyxl stores 16 significant digits; keep the 17th as exact text instead.
        value = format_number(value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula


def _table_rows(assessment: Assessment) -> dict[str, list[dict]]:
    currency = assessment.enterprise.currency
    rows: dict[str, list[dict]] = {
        "exchange_rates": [
            {"currency": code, "rate": rate} for code, rate in assessment.exchange_rates.items()
        ],
        "layers": [layer.model_dump() for layer in assessment.layers],
        "products": [
            {
                "id": product.id,
                "name": product.name,
                "quantity": product.quantity.magnitude,
                "unit": product.quantity.unit,
                "flow": product.flow,
                **_price_cells(product.price),
                "source": product.source,
            }
            for product in assessment.products
        ],
        "processes": [
            {
                "id": process.id,
                "name": process.name,
                "description": process.description,
                "unit_operation": process.unit_operation,
                "stock": "yes" if process.stock else None,
                **_cost_cells(process.costs, currency),
                "allocation": _allocation_cell(process.allocation),
                "source": process.source,
            }
            for process in assessment.processes
        ],
        "stock_changes": [
            {"process": process.id, "layer": layer, **_measured_cells(change)}
            for process in assessment.processes
            for layer, change in process.stock_change.items()
        ],
        "flows": [
            {
                "id": flow.id,
                "name": flow.name,
                "from": flow.from_process,
                "to": flow.to_process,
                "layer": flow.layer,
                "kind": flow.kind,
                **_measured_cells(flow),
                **_price_cells(flow.price),
                **_cost_cells(flow.costs, currency),
                "fuel": flow.fuel,
            }
            for flow in assessment.flows
        ],
        "causes": [
            {
                "flow": flow.id,
                "category": cause.category,
                "description": cause.description,
                "share": cause.share.value if cause.share else None,
            }
            for flow in assessment.flows
            for cause in flow.causes
        ],
        "emission_factors": [
            {
                "fuel": factor.fuel,
                "value": factor.value.magnitude,
                "unit": factor.value.unit,
                "source": factor.source,
                "year": factor.year,
            }
            for factor in assessment.emission_factors
        ],
        "concentrations": [
            {"flow": flow.id, "layer": layer, **_measured_cells(concentration)}
            for flow in assessment.flows
            for layer, concentration in flow.concentrations.items()
        ],
        "measurements": [
            {
                "id": measurement.id,
                "name": measurement.name,
                "flows": ", ".join(measurement.flows),
                **_measured_cells(measurement),
            }
            for measurement in assessment.measurements
        ],
        "ratios": [
            {
                "id": ratio.id,
                "name": ratio.name,
                "flows": ", ".join(ratio.flows),
                "per": ", ".join(ratio.per),
                **_measured_cells(ratio),
            }
            for ratio in assessment.ratios
        ],
        "options": [_option_cells(option, currency) for option in assessment.options],
        "option_effects": [
            {
                "option": option.id,
                "flow": effect.flow,
                "change": _change_cell(effect.change),
                "source": effect.source,
            }
            for option in assessment.options
            for effect in option.effects
        ],
        "option_monitoring": [
            {
                "option": option.id,
                "resource": option.monitoring.resource,
                "flow": option.monitoring.flow,
                "phase": phase,
                "period": reading.period,
                "production": reading.production.magnitude,
                "production_unit": reading.production.unit,
                "consumption": reading.consumption.magnitude,
                "consumption_unit": reading.consumption.unit,
            }
            for option in assessment.options
            if option.monitoring is not None
            for phase in ("baseline", "reporting")
            for reading in getattr(option.monitoring, phase)
        ],
    }
    return rows


def _measured_cells(measured: Measured) -> dict[str, Any]:
    unit = measured.unit

    def cell(quantity: Quantity | None) -> float | str | None:
        if quantity is None:
            return None
        return quantity.magnitude if quantity.unit == unit else str(quantity)

    low, high = measured.range if measured.range is not None else (None, None)
    return {
        "value": cell(measured.value),
        "unit": unit,
        "sd": cell(measured.sd),
        "uncertainty": measured.uncertainty.value if measured.uncertainty else None,
        "range_min": cell(low),
        "range_max": cell(high),
        "quality": measured.quality,
        "source": measured.source,
    }


def _allocation_cell(allocation: str | None) -> float | str | None:
    """A product share as a number shown with %, a layer as its id."""
    if allocation is not None and allocation.endswith("%"):
        return float(allocation[:-1])
    return allocation


def _price_cells(price: Price | None) -> dict[str, Any]:
    if price is None:
        return {}
    return {"price": price.amount, "price_unit": f"{price.currency}/{price.unit}"}


def _money_cell(money: Money | None, currency: str) -> float | str | None:
    """An amount in the enterprise currency as a number, another currency as text."""
    if money is None:
        return None
    return money.amount if money.currency == currency else str(money)


def _percent_cell(percent: Percent | None) -> float | None:
    return percent.value if percent is not None else None


def _cost_cells(costs: Any, currency: str) -> dict[str, Any]:
    if costs is None:
        return {}
    return {f"{cost_type}_cost": _money_cell(money, currency) for cost_type, money in costs.items()}


def _option_cells(option: Option, currency: str) -> dict[str, Any]:
    lifetime = option.lifetime
    return {
        "id": option.id,
        "title": option.title,
        "practice": option.practice,
        "status": option.status,
        "processes": ", ".join(option.processes) or None,
        "flows": ", ".join(option.flows) or None,
        "description": option.description,
        **{key: _money_cell(getattr(option, key), currency) for key in _OPTION_MONEY},
        **{key: _percent_cell(getattr(option, key)) for key in _OPTION_PERCENTS},
        "lifetime": lifetime.magnitude if lifetime is not None else None,
        "lifetime_unit": lifetime.unit if lifetime is not None else None,
        "depends_on": ", ".join(option.depends_on) or None,
        "excludes": ", ".join(option.excludes) or None,
        **{
            f"technical_{key}": getattr(option.technical, key, None) if option.technical else None
            for key in _TECHNICAL_NOTES
        },
        **{_date_column(status): date for status, date in option.dates.items()},
        "source": option.source,
    }


def _change_cell(change: str) -> float | str:
    """A relative change as a number shown with %, when it reads back as the very same text
    (``-20%``); any other (``+20%``, ``-300 m3``) as its text."""
    number = change[:-1] if change.endswith("%") else ""
    if _NUMBER_TEXT.fullmatch(number):
        value = float(number)
        if f"{format_number(value)}%" == change and float(f"{value:.16g}") == value:
            return value
    return change


# --------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class Cell:
    """Where a value was read: sheet, row, column header and Excel coordinate."""

    sheet: str
    row: int
    header: str | None = None
    coordinate: str | None = None


@dataclass
class WorkbookLocator(Locator):
    """Places key paths of the document in the workbook's sheets, rows and columns."""

    source: str
    data: Any = None
    cells: dict[Location, Cell] = field(default_factory=dict)
    row_names: dict[tuple[str, int], str] = field(default_factory=dict)

    def cell(self, location: Location) -> Cell | None:
        """The cell of ``location``, or of the nearest key that holds it."""
        for length in range(len(location), -1, -1):
            cell = self.cells.get(tuple(location[:length]))
            if cell is not None:
                return cell
        return None

    def describe(self, location: Location) -> str:
        cell = self.cell(location)
        if cell is None:
            return f"{self.source}, {self.key_path(location)}"
        return self._describe(cell)

    def order(self, location: Location) -> tuple:
        cell = self.cell(location)
        if cell is None:
            return (len(_SHEET_ORDER), 0, "")
        sheet = _SHEET_ORDER.index(cell.sheet) if cell.sheet in _SHEET_ORDER else len(_SHEET_ORDER)
        return (sheet, cell.row, len(cell.coordinate or ""), cell.coordinate or "")

    def _describe(self, cell: Cell) -> str:
        text = f"{self.source}, sheet '{cell.sheet}', row {cell.row}"
        name = self.row_names.get((cell.sheet, cell.row))
        if name:
            text += f" ({name})"
        if cell.header:
            text += f", column '{cell.header}' ({cell.coordinate})"
        return text


class _Reader:
    """Reads one workbook into document data, recording where each value came from."""

    def __init__(self, path: Path):
        self.source = str(path)
        self.locator = WorkbookLocator(self.source)
        self.problems: list[Problem] = []
        self.currency: str | None = None

    def problem(self, cell: Cell | None, message: str) -> None:
        where = self.locator._describe(cell) if cell else self.source
        self.problems.append(Problem(where, message))

    def read(self, path: Path) -> dict | None:
        try:
            values = openpyxl.load_workbook(path, data_only=True, read_only=False)
            formulas = openpyxl.load_workbook(path, data_only=False, read_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            self.problem(
                None,
                f"this is not an Excel workbook (.xlsx) cleanprod can read: "
                f"{error.__class__.__name__}: {error}",
            )
            return None
        sheets = {name.strip().lower(): name for name in values.sheetnames}
        for required in REQUIRED_SHEETS:
            if required not in sheets:
                self.problem(
                    None,
                    f"the workbook has no sheet '{required}' (sheets found: "
                    f"{', '.join(values.sheetnames)}); start from "
                    "'cleanprod template' to get every sheet",
                )
        data: dict[str, Any] = {}
        if "enterprise" in sheets:
            name = sheets["enterprise"]
            self.read_enterprise(values[name], formulas[name], data)
        tables = {
            key: list(self.table(values[sheets[key]], formulas[sheets[key]], SHEETS[key]))
            if key in sheets
            else []
            for key in SHEETS
        }
        self.build(data, tables)
        return data

    # -- cells ------------------------------------------------------------------------------

    def cell_value(self, value_cell: Any, formula_cell: Any, where: Cell) -> Any:
        value = value_cell.value
        formula = formula_cell.value
        if value is None and isinstance(formula, str) and formula.startswith("="):
            self.problem(
                where,
                f"the formula {formula} has no computed value; open the "
                "workbook in Excel or LibreOffice, save it, and read it again",
            )
            return None
        if isinstance(value, str):
            value = value.strip()
            return value or None
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time(0) else value
        if (
            isinstance(value, float | int)
            and not isinstance(value, bool)
            and (value_cell.number_format and "%" in value_cell.number_format.replace('"%"', ""))
        ):
            # Excel's own percent (7% is 0.07); to Excel's 15 digits, so not 7.000000000000001%
            return f"{format_number(float(f'{float(value) * 100:.15g}'))}%"
        if (
            isinstance(value, float | int)
            and not isinstance(value, bool)
            and (value_cell.number_format == _PERCENT_FORMAT)
        ):
            return f"{format_number(float(value))}%"
        return value

    def read_enterprise(self, sheet: Worksheet, formulas: Worksheet, data: dict) -> None:
        by_field = {field_name: path for field_name, path, _ in ENTERPRISE_FIELDS}
        data.setdefault("enterprise", {})
        data.setdefault("period", {})
        for row in range(2, sheet.max_row + 1):
            label = sheet.cell(row=row, column=1).value
            if label is None or str(label).strip().startswith("#"):
                continue
            key = str(label).strip().lower().replace(" ", "_")
            where = Cell(sheet.title, row, "value", f"B{row}")
            if key not in by_field:
                close = get_close_matches(key, list(by_field), n=1)
                hint = f" — did you mean '{close[0]}'?" if close else ""
                self.problem(
                    Cell(sheet.title, row, "field", f"A{row}"), f"unknown field '{label}'{hint}"
                )
                continue
            value = self.cell_value(
                sheet.cell(row=row, column=2), formulas.cell(row=row, column=2), where
            )
            path = by_field[key]
            self.locator.cells[path] = where
            if value is None:
                continue
            if (
                key == "currency"
                and isinstance(value, str)
                and pycountry.currencies.get(alpha_3=value.strip().upper())
            ):
                self.currency = value.strip().upper()  # a bad code is reported once, at its cell
            if key in ("isic", "name", "sector", "location", "title", "notes"):
                value = self.text(value)  # a number typed in a text field is that text
            elif key in _ENTERPRISE_PERCENTS:
                value = self.percent(value)
            elif key == "budget":
                value = self.money(value)
            target = data
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value
        self.locator.cells.setdefault(("enterprise",), Cell(sheet.title, 1))
        self.locator.cells.setdefault(("period",), Cell(sheet.title, 1))
        self.locator.cells.setdefault(("finance",), Cell(sheet.title, 1))

    def table(
        self, sheet: Worksheet, formulas: Worksheet, columns: tuple[Column, ...]
    ) -> Iterator[tuple[int, dict[str, Any], dict[str, Cell]]]:
        """Rows of a table sheet as (row number, values by key, cells by key)."""
        known = {column.key for column in columns}
        headers: dict[int, str] = {}
        for index in range(1, sheet.max_column + 1):
            label = sheet.cell(row=1, column=index).value
            if label is None or str(label).strip().startswith("#"):
                continue
            key = str(label).strip().lower().replace(" ", "_")
            where = Cell(sheet.title, 1, str(label), f"{get_column_letter(index)}1")
            if key not in known:
                close = get_close_matches(key, sorted(known), n=1)
                hint = (
                    f" — did you mean '{close[0]}'?"
                    if close
                    else ("; start its header with # to keep it as your own note")
                )
                self.problem(where, f"unknown column '{label}'{hint}")
                continue
            if key in headers.values():
                self.problem(where, f"the column '{label}' is given twice")
                continue
            headers[index] = key
        for row in range(2, sheet.max_row + 1):
            values: dict[str, Any] = {}
            cells: dict[str, Cell] = {}
            for index, key in headers.items():
                coordinate = f"{get_column_letter(index)}{row}"
                where = Cell(sheet.title, row, key, coordinate)
                value = self.cell_value(
                    sheet.cell(row=row, column=index), formulas.cell(row=row, column=index), where
                )
                cells[key] = where
                if value is not None:
                    values[key] = value
            if values:
                if "id" in values:
                    self.locator.row_names[(sheet.title, row)] = str(values["id"])
                yield row, values, cells

    # -- building the document --------------------------------------------------------------

    def build(self, data: dict, tables: dict[str, list]) -> None:
        cells = self.locator.cells
        rates = {}
        for row, values, row_cells in tables["exchange_rates"]:
            code = str(values.get("currency", "")).strip().upper()
            rate = self.number(values.get("rate"))
            rates[code] = values.get("rate") if rate is None else rate
            cells[("exchange_rates", code)] = row_cells["rate"]
            cells.setdefault(("exchange_rates",), Cell("exchange_rates", row))
        if rates:
            data["exchange_rates"] = rates
        layers = []
        for index, (row, values, row_cells) in enumerate(tables["layers"]):
            layers.append({key: self.text(value) for key, value in values.items()})
            self.locate("layers", index, row, row_cells)
        if layers:
            data["layers"] = layers
        data["products"] = [
            self.product(index, row, values, row_cells)
            for index, (row, values, row_cells) in enumerate(tables["products"])
        ]
        data["processes"] = [
            self.process(index, row, values, row_cells)
            for index, (row, values, row_cells) in enumerate(tables["processes"])
        ]
        self.stock_changes(data["processes"], tables["stock_changes"])
        data["flows"] = [
            self.flow(index, row, values, row_cells)
            for index, (row, values, row_cells) in enumerate(tables["flows"])
        ]
        self.concentrations(data["flows"], tables["concentrations"])
        self.causes(data["flows"], tables["causes"])
        factors = [
            self.emission_factor(index, row, values, row_cells)
            for index, (row, values, row_cells) in enumerate(tables["emission_factors"])
        ]
        if factors:
            data["emission_factors"] = factors
        for section in ("measurements", "ratios"):
            entries = [
                self.statement(section, index, row, values, row_cells)
                for index, (row, values, row_cells) in enumerate(tables[section])
            ]
            if entries:
                data[section] = entries
        data["options"] = [
            self.option(index, row, values, row_cells)
            for index, (row, values, row_cells) in enumerate(tables["options"])
        ]
        self.option_effects(data["options"], tables["option_effects"])
        self.option_monitoring(data["options"], tables["option_monitoring"])

    def locate(
        self,
        section: str,
        index: int,
        row: int,
        row_cells: dict[str, Cell],
        renames: dict[str, Location] | None = None,
    ) -> None:
        cells = self.locator.cells
        cells[(section, index)] = Cell(next(iter(row_cells.values())).sheet, row)
        for key, cell in row_cells.items():
            path = (renames or {}).get(key, (key,))
            cells[(section, index, *path)] = cell

    @staticmethod
    def number(value: Any) -> float | None:
        """The number in a cell, also when it is written as text ('0.30000000000000004')."""
        if isinstance(value, float | int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
            return float(value)
        return None

    @staticmethod
    def text(value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return format_number(float(value))
        return value

    def quantity(self, value: Any, unit: Any) -> Any:
        """A number (with the row's unit) or a text with its own unit, as document text."""
        number = self.number(value)
        if number is None:
            return value
        return f"{format_number(number)} {unit}" if unit else format_number(number)

    def money(self, value: Any) -> Any:
        """A number in the enterprise currency, or text with its own currency."""
        number = self.number(value)
        if number is None:
            return value
        if self.currency is None:
            return None  # the enterprise currency is missing or wrong: reported there
        return f"{format_number(number)} {self.currency}"

    def price(self, values: dict[str, Any]) -> Any:
        amount, unit = values.get("price"), values.get("price_unit")
        number = self.number(amount)
        if number is None:
            return amount
        return f"{format_number(number)} {unit}" if unit else format_number(number)

    def percent(self, value: Any) -> Any:
        """A number of per cent (a percent cell), or text such as '7.5%'."""
        number = self.number(value)
        return value if number is None else f"{format_number(number)}%"

    def measured(self, values: dict[str, Any]) -> dict[str, Any]:
        unit = self.text(values.get("unit"))
        entry: dict[str, Any] = {}
        for key in ("value", "sd"):
            if key in values:
                entry[key] = self.quantity(values[key], unit)
        if "uncertainty" in values:
            entry["uncertainty"] = self.percent(values["uncertainty"])
        if "range_min" in values or "range_max" in values:
            entry["range"] = [
                self.quantity(values.get("range_min", ""), unit),
                self.quantity(values.get("range_max", ""), unit),
            ]
        for key in ("quality", "source"):
            if key in values:
                entry[key] = self.text(values[key])
        return entry

    def costs(self, values: dict[str, Any]) -> dict[str, Any] | None:
        costs = {
            cost_type: self.money(values[f"{cost_type}_cost"])
            for cost_type in COST_TYPES
            if f"{cost_type}_cost" in values
        }
        return costs or None

    @staticmethod
    def _cost_paths() -> dict[str, Location]:
        return {f"{cost_type}_cost": ("costs", cost_type) for cost_type in COST_TYPES}

    def product(self, index: int, row: int, values: dict, row_cells: dict) -> dict:
        self.locate("products", index, row, row_cells, {"price_unit": ("price",)})
        entry = {
            key: self.text(values[key]) for key in ("id", "name", "flow", "source") if key in values
        }
        if "quantity" in values:
            entry["quantity"] = self.quantity(values["quantity"], self.text(values.get("unit")))
        price = self.price(values)
        if price is not None:
            entry["price"] = price
        return entry

    def process(self, index: int, row: int, values: dict, row_cells: dict) -> dict:
        self.locate("processes", index, row, row_cells, self._cost_paths())
        entry: dict[str, Any] = {
            key: self.text(values[key])
            for key in ("id", "name", "description", "unit_operation", "source")
            if key in values
        }
        if "allocation" in values:
            number = self.number(values["allocation"])
            entry["allocation"] = (
                self.text(values["allocation"]) if number is None else f"{format_number(number)}%"
            )
        if "stock" in values:
            entry["stock"] = values["stock"]
        costs = self.costs(values)
        if costs:
            entry["costs"] = costs
        return entry

    def stock_changes(self, processes: list[dict], rows: list) -> None:
        self.attach(processes, rows, "process", "stock_change", "processes", "stock_changes")

    def concentrations(self, flows: list[dict], rows: list) -> None:
        self.attach(flows, rows, "flow", "concentrations", "flows", "concentrations")

    def attach(
        self, owners: list[dict], rows: list, owner_key: str, key: str, section: str, sheet: str
    ) -> None:
        """Put the measured rows of ``sheet`` (one per owner and layer) under ``key`` of their
        owner: stock changes under their process, concentrations under their flow."""
        index_of = {str(owner.get("id")): index for index, owner in enumerate(owners)}
        for row, values, row_cells in rows:
            owner_id = self.text(values.get(owner_key))
            layer = self.text(values.get("layer", "mass"))
            if owner_id not in index_of:
                self.problem(
                    row_cells.get(owner_key),
                    f"no {owner_key} has the id '{owner_id}' on the {section} sheet",
                )
                continue
            index = index_of[owner_id]
            entries = owners[index].setdefault(key, {})
            if layer in entries:
                what = "stock change" if key == "stock_change" else "concentration"
                self.problem(
                    row_cells.get("layer"),
                    f"the {what} of '{owner_id}' in the {layer} layer is given twice",
                )
                continue
            entries[layer] = self.measured(values)
            base = (section, index, key, layer)
            self.locator.cells[base] = Cell(sheet, row)
            for column, cell in row_cells.items():
                path = _MEASURED_PATHS.get(column, (column,))
                self.locator.cells[(*base, *path)] = cell
            self.locator.cells[(*base, "range")] = row_cells.get("range_min")

    def causes(self, flows: list[dict], rows: list) -> None:
        """Each row a cause of the waste stream it names, in the order of the sheet."""
        index_of = {str(flow.get("id")): index for index, flow in enumerate(flows)}
        for row, values, row_cells in rows:
            flow_id = self.text(values.get("flow"))
            if flow_id not in index_of:
                self.problem(
                    row_cells.get("flow"), f"no flow has the id '{flow_id}' on the flows sheet"
                )
                continue
            index = index_of[flow_id]
            causes = flows[index].setdefault("causes", [])
            entry = {
                key: self.text(values[key]) for key in ("category", "description") if key in values
            }
            if "share" in values:
                entry["share"] = self.percent(values["share"])
            base = ("flows", index, "causes", len(causes))
            causes.append(entry)
            self.locator.cells[base] = Cell("causes", row)
            for key, cell in row_cells.items():
                self.locator.cells[(*base, key)] = cell

    def emission_factor(self, index: int, row: int, values: dict, row_cells: dict) -> dict:
        self.locate("emission_factors", index, row, row_cells)
        entry: dict[str, Any] = {
            key: self.text(values[key]) for key in ("fuel", "source") if key in values
        }
        if "value" in values:
            entry["value"] = self.quantity(values["value"], self.text(values.get("unit")))
        if "year" in values:
            entry["year"] = values["year"]
        return entry

    def statement(self, section: str, index: int, row: int, values: dict, row_cells: dict) -> dict:
        """A sum measurement or a ratio: ids, the flows it names, and its measured value."""
        self.locate(section, index, row, row_cells, _MEASURED_PATHS)
        self.locator.cells[(section, index, "range")] = row_cells.get("range_min")
        entry: dict[str, Any] = {
            key: self.text(values[key]) for key in ("id", "name", "flows", "per") if key in values
        }
        entry.update(self.measured(values))
        return entry

    def flow(self, index: int, row: int, values: dict, row_cells: dict) -> dict:
        renames = {**self._cost_paths(), **_MEASURED_PATHS, "price_unit": ("price",)}
        self.locate("flows", index, row, row_cells, renames)
        self.locator.cells[("flows", index, "range")] = row_cells.get("range_min")
        entry: dict[str, Any] = {
            key: self.text(values[key])
            for key in ("id", "name", "from", "to", "layer", "kind", "fuel")
            if key in values
        }
        entry.update(self.measured(values))
        price = self.price(values)
        if price is not None:
            entry["price"] = price
        costs = self.costs(values)
        if costs:
            entry["costs"] = costs
        return entry

    def option(self, index: int, row: int, values: dict, row_cells: dict) -> dict:
        renames: dict[str, Location] = {
            **{f"technical_{key}": ("technical", key) for key in _TECHNICAL_NOTES},
            **{_date_column(status): ("dates", status) for status in OPTION_STATUSES},
        }
        self.locate("options", index, row, row_cells, renames)
        entry: dict[str, Any] = {
            key: self.text(values[key])
            for key in (
                "id",
                "title",
                "practice",
                "status",
                "processes",
                "flows",
                "description",
                "depends_on",
                "excludes",
                "source",
            )
            if key in values
        }
        entry.update({key: self.money(values[key]) for key in _OPTION_MONEY if key in values})
        entry.update({key: self.percent(values[key]) for key in _OPTION_PERCENTS if key in values})
        if "lifetime" in values:
            number = self.number(values["lifetime"])
            unit = self.text(values.get("lifetime_unit")) or "year"  # a bare number is years
            entry["lifetime"] = (
                values["lifetime"] if number is None else f"{format_number(number)} {unit}"
            )
        technical = {
            key: self.text(values[f"technical_{key}"])
            for key in _TECHNICAL_NOTES
            if f"technical_{key}" in values
        }
        if technical:
            entry["technical"] = technical
        dates = {
            status: values[_date_column(status)]
            for status in OPTION_STATUSES
            if _date_column(status) in values
        }
        if dates:
            entry["dates"] = dates
        return entry

    def option_effects(self, options: list[dict], rows: list) -> None:
        """Each row an effect of the option it names on one flow, in the order of the sheet."""
        index_of = {str(option.get("id")): index for index, option in enumerate(options)}
        for row, values, row_cells in rows:
            sheet = next(iter(row_cells.values())).sheet
            option_id = self.text(values.get("option"))
            where = row_cells.get("option", Cell(sheet, row))
            if option_id is None:
                self.problem(where, "name the option (its id) this effect belongs to")
                continue
            if str(option_id) not in index_of:
                close = get_close_matches(str(option_id), sorted(index_of), n=1)
                hint = f" — did you mean '{close[0]}'?" if close else ""
                self.problem(
                    where, f"no option has the id '{option_id}' on the options sheet{hint}"
                )
                continue
            index = index_of[str(option_id)]
            effects = options[index].setdefault("effects", [])
            entry = {key: self.text(values[key]) for key in ("flow", "source") if key in values}
            if "change" in values:
                entry["change"] = values["change"]  # a bare number: the model asks for % or a unit
            base = ("options", index, "effects", len(effects))
            effects.append(entry)
            self.locator.cells[base] = Cell(sheet, row)
            for key, cell in row_cells.items():
                self.locator.cells[(*base, key)] = cell

    def option_monitoring(self, options: list[dict], rows: list) -> None:
        """The readings of each option's monitoring, baseline and reporting, in sheet order."""
        index_of = {str(option.get("id")): index for index, option in enumerate(options)}
        for row, values, row_cells in rows:
            sheet = next(iter(row_cells.values())).sheet
            option_id = self.text(values.get("option"))
            where = row_cells.get("option", Cell(sheet, row))
            if option_id is None or str(option_id) not in index_of:
                close = get_close_matches(str(option_id), sorted(index_of), n=1)
                hint = f" — did you mean '{close[0]}'?" if close else ""
                self.problem(
                    where,
                    "name the option (its id) these readings belong to"
                    if option_id is None
                    else f"no option has the id '{option_id}' on the options sheet{hint}",
                )
                continue
            index = index_of[str(option_id)]
            monitoring = options[index].setdefault("monitoring", {})
            base = ("options", index, "monitoring")
            for key in ("resource", "flow"):
                if key in values and key not in monitoring:
                    monitoring[key] = self.text(values[key])
                    self.locator.cells[(*base, key)] = row_cells[key]
            phase = str(values.get("phase", "")).strip().lower()
            if phase not in ("baseline", "reporting"):
                self.problem(
                    row_cells.get("phase", where),
                    f"the phase is baseline or reporting, found '{values.get('phase', '')}'",
                )
                continue
            readings = monitoring.setdefault(phase, [])
            entry = {}
            if "period" in values:
                entry["period"] = self.text(values["period"])
            for key in ("production", "consumption"):
                if key in values:
                    entry[key] = self.quantity(values[key], self.text(values.get(f"{key}_unit")))
            place = (*base, phase, len(readings))
            readings.append(entry)
            self.locator.cells.setdefault((*base, phase), Cell(sheet, row))
            self.locator.cells[place] = Cell(sheet, row)
            for key in ("period", "production", "consumption"):
                if key in row_cells:
                    self.locator.cells[(*place, key)] = row_cells[key]
            self.locator.cells.setdefault(base, Cell(sheet, row))


def parse_workbook(path: Path) -> tuple[dict | None, Locator, list[Problem]]:
    """Read a workbook: the document data, where each key path is, and the reading problems."""
    reader = _Reader(Path(path))
    data = reader.read(Path(path))
    reader.locator.data = data
    return data, reader.locator, reader.problems
