"""``cleanprod costs``: read a document, balance it, and cost its waste streams (MFCA).

The calculation is :func:`cleanprod.core.costing.material_flow_costs` on the balance of
:func:`cleanprod.core.balance.assess.balance_assessment`; this module reads the file and writes
the readable tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleanprod.core.balance.assess import AssessmentBalance, balance_assessment
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.core.costing import costs_as_dict, material_flow_costs
from cleanprod.io import read_document
from cleanprod.model import Assessment
from cleanprod.services.balance import text_table


def costs_file(path: str | Path) -> dict[str, Any]:
    """The MFCA of the document at ``path`` as plain data (``cleanprod costs --json``)."""
    assessment = read_document(path)
    try:
        return costs_data(assessment)
    except ReconciliationError as error:
        raise ReconciliationError(f"{path}: {error}") from None


def costs_data(assessment: Assessment, balance: AssessmentBalance | None = None) -> dict[str, Any]:
    """The MFCA of a read document as plain data."""
    balance = balance or balance_assessment(assessment)
    return costs_as_dict(material_flow_costs(assessment, balance))


def _money(amount: float | None) -> str:
    return (
        "—"
        if amount is None
        else f"{amount + 0.0:,.0f}".replace("-0", "0", 1)
        if abs(amount) < 0.5
        else f"{amount:,.0f}"
    )


def costs_text(data: dict[str, Any], source: str | Path | None = None) -> str:
    """The costs as a consultant reads them: per centre, then the losses ranked."""
    currency = data["currency"]
    totals = data["totals"]
    lines = [f"Material flow cost accounting of {source}" if source else "Material flow costs"]
    lines += [
        f"  all amounts in {currency} for the period; ISO 14051 cost types",
        "",
        "Quantity centres (product: what goes on to the next step or out as product; loss: what"
        " is lost there)",
    ]
    rows = [
        (
            "process",
            "side",
            "material",
            "energy",
            "system",
            "waste mgmt",
            "total",
            "key of energy/system",
        )
    ]
    for process, figures in data["processes"].items():
        sides = ["product", "loss"]
        sides += [side for side in ("stock", "unallocated") if figures[side]["total"]]
        for number, side in enumerate(sides):
            amounts = figures[side]
            rows.append(
                (
                    process if number == 0 else "",
                    side,
                    _money(amounts["material"]),
                    _money(amounts["energy"]),
                    _money(amounts["system"]),
                    _money(amounts["waste_management"]),
                    _money(amounts["total"]),
                    figures["key"] if number == 0 else "",
                )
            )
    lines += text_table(rows)
    lines += ["", "Losses, by their full cost (most costly first)"]
    rows = [
        ("loss", "from", "quantity", "material", "energy", "system", "waste mgmt", "total ± sd",
         "share")
    ]  # fmt: skip
    for flow, loss in data["losses"].items():
        quantity = "—" if loss["quantity"] is None else f"{loss['quantity']:,.4g} {loss['unit']}"
        sd = "" if loss["sd"] is None else f" ± {loss['sd']:,.0f}"
        rows.append(
            (
                flow,
                loss["process"],
                quantity,
                _money(loss["material"]),
                _money(loss["energy"]),
                _money(loss["system"]),
                _money(loss["waste_management"]),
                f"{loss['cost']:,.0f}{sd}",
                f"{100 * loss['share']:.1f} %",
            )
        )
    lines += text_table(rows)
    lines += [
        "",
        f"  inputs {_money(totals['inputs'])} = products {_money(totals['product'])}"
        f" + losses {_money(totals['loss'])} + stock {_money(totals['stock'])}"
        f" + not split {_money(totals['unallocated'])} {currency}",
    ]
    if totals["loss"] and totals["inputs"]:
        lines.append(
            f"  {100 * totals['loss'] / totals['inputs']:.0f} % of what the plant spends leaves "
            "it as waste, emissions and losses"
        )
    if data["notes"]:
        lines += ["", "Notes"] + [f"  - {note}" for note in data["notes"]]
    return "\n".join(lines) + "\n"
