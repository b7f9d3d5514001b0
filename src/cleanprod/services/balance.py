"""``cleanprod balance``: read a document, reconcile it, say what is wrong, advise meters.

The calculation is :func:`cleanprod.core.balance.assess.balance_assessment`; this module reads
the file, shapes the result for JSON and writes the readable tables.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from cleanprod.core.balance.assess import (
    AssessmentBalance,
    balance_as_dict,
    balance_assessment,
)
from cleanprod.core.balance.meters import MeterAdviceError, suggest_meters
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.errors import CleanprodError
from cleanprod.io import read_document
from cleanprod.model import Assessment

#: Measurement-test value above which a flow is called suspect (two-sided 95 %).
SUSPECT_TEST = 1.96


class UnknownLayerError(CleanprodError):
    """``--layer`` names a layer the document has no flows in."""


def balance_file(
    path: str | Path,
    layer: str | None = None,
    meters: int = 0,
    meter_accuracy: float = 2.0,
) -> dict[str, Any]:
    """The balance of the document at ``path`` as plain data (``cleanprod balance --json``).

    Parameters
    ----------
    path
        A document (.yaml, .yml, .json or .xlsx).
    layer
        Only this layer; every layer when ``None``.
    meters
        How many meters to suggest (key ``meters``); none when 0.
    meter_accuracy
        Relative standard deviation of a suggested meter [%].
    """
    assessment = read_document(path)
    if layer is not None and layer not in assessment.layer_ids:
        raise UnknownLayerError(
            f"{path}: there is no layer '{layer}' with flows; the layers are "
            + ", ".join(assessment.layer_ids)
        )
    try:
        return balance_data(assessment, layer, meters, meter_accuracy)
    except ReconciliationError as error:
        raise ReconciliationError(f"{path}: {error}") from None


def balance_data(
    assessment: Assessment,
    layer: str | None = None,
    meters: int = 0,
    meter_accuracy: float = 2.0,
    balance: AssessmentBalance | None = None,
) -> dict[str, Any]:
    """The balance of a read document as plain data (see :func:`balance_file`); ``balance``
    when it has been reconciled already."""
    balance = balance or balance_assessment(assessment)
    data = balance_as_dict(balance, layer=layer)
    if meters > 0:
        try:
            advice = suggest_meters(
                assessment, balance, count=meters, relative_accuracy=meter_accuracy / 100.0
            )
        except MeterAdviceError as error:
            data["meters"], data["meters_note"] = [], str(error)
        else:
            data["meters"] = [item.as_dict() for item in advice]
    return data


# --------------------------------------------------------------------------------------------
# The readable tables


def balance_text(data: dict[str, Any], source: str | Path | None = None) -> str:
    """The balance as tables a consultant reads: one per layer, then suspects and meters."""
    lines: list[str] = []
    if source is not None:
        lines.append(f"Balance of {source}")
    for layer, figures in data["layers"].items():
        lines += ["", *_layer_lines(layer, figures)]
    if data.get("meters") is not None:
        lines += ["", "Meters to add, most useful first"]
        if data.get("meters_note"):
            lines.append(f"  {data['meters_note']}")
        elif not data["meters"]:
            lines.append("  none would make a difference")
        for rank, meter in enumerate(data["meters"], start=1):
            lines.append(f"  {rank}. {meter['reason']}")
    return "\n".join(lines).lstrip("\n") + "\n"


def _layer_lines(layer: str, figures: dict[str, Any]) -> list[str]:
    unit = figures["unit"]
    verdict = "consistent" if figures["consistent"] else "NOT consistent"
    if figures["dof"]:
        test = (
            f"χ² = {figures['chi2']:.3g} with {figures['dof']} degree"
            f"{'s' * (figures['dof'] != 1)} of freedom, critical {figures['critical']:.3g} at "
            f"95 %, p = {figures['p_value']:.3g}: {verdict}"
        )
    else:
        test = "no redundant measurement: the data cannot be checked against each other"
    lines = [f"{layer} balance [{unit}]", f"  {test}"]
    if figures.get("reconciled_with"):
        lines.append(f"  reconciled together with: {', '.join(figures['reconciled_with'])}")
    if figures.get("bounded"):
        held = [name for name, flow in figures["flows"].items() if flow["at_bound"]]
        lines.append(
            "  the plain solution made a flow negative; held at zero: " + ", ".join(held or ["-"])
        )
    rows = [("flow", "measured ± sd", "reconciled ± sd", "adjustment", "status", "test", "")]
    for name, entry in figures["flows"].items():
        rows.append(_flow_row(name, entry))
    for title, key in (
        ("stock change", "stock_changes"),
        ("sum measurement", "measurements"),
        ("ratio", "ratios"),
        ("concentration", "concentrations"),
    ):
        for name, entry in figures.get(key, {}).items():
            rows.append(_flow_row(f"{name} ({title})", entry))
    lines += ["", *text_table(rows)]
    processes = figures["processes"]
    if processes:
        lines += ["", "  balances before adjustment (inputs − outputs − stock change)"]
        prows = [("process", "imbalance ± sd", "test", "")]
        for name, entry in processes.items():
            if entry["imbalance"] is None:
                prows.append((name, "has unknown flows", "", ""))
                continue
            prows.append(
                (
                    name,
                    _pm(entry["imbalance"], entry["imbalance_sd"]),
                    _test(entry["test"]),
                    "" if entry["closes"] in (None, True) else "does not close",
                )
            )
        lines += text_table(prows)
    if figures["suspects"]:
        lines += ["", "  suspects, most likely first"]
        for rank, suspect in enumerate(figures["suspects"], start=1):
            lines.append(f"  {rank}. {suspect['flow']} (test {_test(suspect['test'])}):")
            lines.append(f"     {suspect['explanation']}")
    return lines


def _flow_row(name: str, entry: dict[str, Any]) -> tuple[str, ...]:
    status = entry["status"]
    if status == "unobservable":
        verdict = "unknown: cannot be estimated"
    elif status == "observable":
        verdict = "estimated by the balance"
    elif status == "non-redundant":
        verdict = "cannot be checked"
    elif entry["test"] is not None and entry["test"] > SUSPECT_TEST:
        verdict = "SUSPECT"
    else:
        verdict = "ok"
    adjustment = entry["adjustment"] if status == "redundant" else None
    return (
        name,
        _pm(entry["measured"], entry["measured_sd"]),
        _pm(entry["value"], entry["sd"]),
        "" if adjustment is None else _signed(adjustment, entry["measured_sd"]),
        status,
        _test(entry["test"]),
        verdict,
    )


def text_table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _decimals(sd: float | None, value: float | None) -> int:
    """Decimals that show two significant digits of σ (or four of the value)."""
    reference = sd if sd else (abs(value) if value else None)
    if not reference:
        return 2
    digits = 2 if sd else 4
    return max(0, min(6, digits - 1 - math.floor(math.log10(reference))))


def _pm(value: float | None, sd: float | None) -> str:
    if value is None:
        return "—"
    decimals = _decimals(sd, value)
    text = f"{value:,.{decimals}f}"
    return text if sd is None else f"{text} ± {sd:,.{decimals}f}"


def _signed(value: float, sd: float | None) -> str:
    return f"{value:+,.{_decimals(sd, value)}f}"


def _test(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
