"""``cleanprod focus``: rank the waste streams and process steps for the CPA focus.

Reads the document, balances it, costs it (MFCA) and scores every stream with
:func:`cleanprod.core.focus.cpa_focus`; this module reads the file and writes the tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleanprod.core.balance.assess import AssessmentBalance, balance_assessment
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.core.costing import material_flow_costs
from cleanprod.core.focus import CRITERIA, FocusError, cpa_focus, focus_as_dict
from cleanprod.io import read_document
from cleanprod.model import Assessment
from cleanprod.services.balance import text_table


def parse_weights(text: str | None) -> dict[str, float]:
    """``cost=0.5,ease=0.3`` → ``{"cost": 0.5, "ease": 0.3}``; a clear error otherwise."""
    if not text:
        return {}
    weights = {}
    for part in text.split(","):
        name, separator, value = part.partition("=")
        name = name.strip()
        try:
            number = float(value)
        except ValueError:
            number = None
        if not separator or number is None:
            raise FocusError(
                f"'{part.strip()}' is not a weight: write criterion=number, like cost=0.5 "
                f"(criteria: {', '.join(CRITERIA)})"
            )
        weights[name] = number
    return weights


def focus_file(path: str | Path, weights: dict[str, float] | None = None) -> dict[str, Any]:
    """The CPA focus of the document at ``path`` as plain data."""
    assessment = read_document(path)
    try:
        return focus_data(assessment, weights)
    except ReconciliationError as error:
        raise ReconciliationError(f"{path}: {error}") from None


def focus_data(
    assessment: Assessment,
    weights: dict[str, float] | None = None,
    balance: AssessmentBalance | None = None,
) -> dict[str, Any]:
    """The CPA focus of a read document as plain data."""
    balance = balance or balance_assessment(assessment)
    costs = material_flow_costs(assessment, balance)
    return focus_as_dict(cpa_focus(assessment, balance, costs, weights))


def focus_text(data: dict[str, Any], source: str | Path | None = None, top: int = 10) -> str:
    """The focus as a consultant reads it: the streams and steps to study first."""
    weights = data["weights"]
    shown = ", ".join(f"{name} {weights[name]:g}" for name in CRITERIA)
    lines = [f"CPA focus of {source}" if source else "CPA focus"]
    lines += [
        f"  score = weighted mean of the criteria (0–1), weights: {shown}",
        f"  costs in {data['currency']} (full cost of the stream, MFCA)",
        "",
        "Waste streams to study first",
    ]
    rows = [("#", "stream", "from", "score", "cost", "environment", "confidence", "ease",
             "full cost", "causes")]  # fmt: skip
    for rank, stream in enumerate(data["streams"][:top], start=1):
        criteria = stream["criteria"]
        causes = "; ".join(cause["category"] for cause in stream["causes"]) or "not recorded"
        rows.append(
            (
                str(rank),
                stream["flow"],
                stream["process"],
                f"{stream['score']:.2f}",
                f"{criteria['cost']:.2f}",
                f"{criteria['environment']:.2f}",
                f"{criteria['confidence']:.2f}",
                f"{criteria['ease']:.2f}",
                f"{stream['cost']:,.0f}",
                causes,
            )
        )
    lines += text_table(rows)
    lines += ["", "Process steps to study first"]
    rows = [("#", "step", "score", "cost", "environment", "confidence", "ease", "losses cost")]
    for rank, process in enumerate(data["processes"][:top], start=1):
        criteria = process["criteria"]
        rows.append(
            (
                str(rank),
                process["process"],
                f"{process['score']:.2f}",
                f"{criteria['cost']:.2f}",
                f"{criteria['environment']:.2f}",
                f"{criteria['confidence']:.2f}",
                f"{criteria['ease']:.2f}",
                f"{process['cost']:,.0f}",
            )
        )
    lines += text_table(rows)
    if data["notes"]:
        lines += ["", "Notes"] + [f"  - {note}" for note in data["notes"]]
    lines += ["", f"  defaults: {data['source']}"]
    return "\n".join(lines) + "\n"
