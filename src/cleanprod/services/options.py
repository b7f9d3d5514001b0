"""``cleanprod options suggest``: read a document, cost its losses and suggest CP options.

The calculation is :func:`cleanprod.core.options.suggest.suggest_options` on the material flow
cost accounting of :func:`cleanprod.core.costing.material_flow_costs`; this module reads the
file and writes the readable table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.core.costing import material_flow_costs
from cleanprod.core.options.suggest import suggest_options, suggestions_as_dict
from cleanprod.io import read_document
from cleanprod.model import Assessment
from cleanprod.services.balance import text_table


def suggest_file(path: str | Path, limit: int | None = 20) -> dict[str, Any]:
    """Suggested CP options for the document at ``path`` as plain data
    (``cleanprod options suggest --json``); at most ``limit`` new ones (``None``: all)."""
    assessment = read_document(path)
    try:
        return suggest_data(assessment, limit)
    except ReconciliationError as error:
        raise ReconciliationError(f"{path}: {error}") from None


def suggest_data(assessment: Assessment, limit: int | None = 20) -> dict[str, Any]:
    """Suggested CP options for a read document as plain data."""
    costs = material_flow_costs(
        assessment, balance_assessment(assessment), standard_deviations=False
    )
    return suggestions_as_dict(assessment, suggest_options(assessment, costs, limit))


def _money(amount: float) -> str:
    return f"{amount:,.0f}" if abs(amount) >= 0.5 else "0"


def _steps(processes: list[str]) -> str:
    shown = ", ".join(processes[:3])
    return shown + (f" +{len(processes) - 3}" if len(processes) > 3 else "")


def suggest_text(data: dict[str, Any], source: str | Path | None = None) -> str:
    """The suggestions as a consultant reads them: a ranked table, then why each one."""
    currency = data["currency"]
    period = "a year" if 365 <= data["period_days"] <= 366 else f"{data['period_days']} days"
    sectors = ", ".join(sector for sector in data["sectors"] if sector != "all") or "none"
    lines = [f"Cleaner Production options for {source}" if source else "Cleaner Production options"]
    lines += [
        f"  sector '{data['sector']}' (catalogue sectors: {sectors}); amounts in {currency} "
        f"for {period}",
        "  loss addressed: full cost (MFCA) of the losses the option acts on; saving: the "
        "catalogue's typical range applied to it",
        "",
    ]
    suggestions = data["suggestions"]
    if suggestions:
        rows = [("#", "option", "practice", "cost", "acts on", "loss addressed", "saving")]
        for rank, item in enumerate(suggestions, start=1):
            saving = item["saving"]
            rows.append(
                (
                    str(rank),
                    item["option"],
                    item["practice"],
                    item["cost_class"],
                    _steps(item["processes"]),
                    _money(item["loss_cost"]),
                    f"{_money(saving['low'])}–{_money(saving['high'])}",
                )
            )
        lines += text_table(rows)
        lines += ["", "Why"]
        for rank, item in enumerate(suggestions, start=1):
            lines.append(f"  {rank}. {item['title']}: {item['reason']}.")
    else:
        lines.append("  no catalogue option acts on the losses of this document")
    if data["present"]:
        lines += ["", "Already in the document"]
        rows = [("option", "in the document as", "loss addressed", "saving")]
        for item in data["present"]:
            saving = item["saving"]
            rows.append(
                (
                    item["option"],
                    item["present_as"],
                    _money(item["loss_cost"]),
                    f"{_money(saving['low'])}–{_money(saving['high'])}",
                )
            )
        lines += text_table(rows)
    if data["notes"]:
        lines += ["", "Notes"] + [f"  - {note}" for note in data["notes"]]
    catalogue = data["catalogue"]
    lines += ["", f"  catalogue: {catalogue['file']} ({catalogue['options']} options)"]
    return "\n".join(lines) + "\n"
