"""``cleanprod indicators``: read a document, balance it, and give its RECP indicators.

The calculation is :func:`cleanprod.core.indicators.enterprise_indicators` on the balance of
:func:`cleanprod.core.balance.assess.balance_assessment`; this module reads the file and writes
the readable tables.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from cleanprod.core.balance.assess import AssessmentBalance, balance_assessment
from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.core.indicators import enterprise_indicators, indicators_as_dict
from cleanprod.io import read_document
from cleanprod.model import Assessment
from cleanprod.services.balance import text_table


def indicators_file(path: str | Path) -> dict[str, Any]:
    """The RECP indicators of the document at ``path`` as plain data
    (``cleanprod indicators --json``).

    ``{"sector", "isic", "allocation", "products": {<id>: {..., "indicators": [...]}},
    "site": {"output", "output_sd", "unit", "totals": [...], "indicators": [...]},
    "notes": [...]}``; see :func:`cleanprod.core.indicators.indicators_as_dict`.
    """
    assessment = read_document(path)
    try:
        return indicators_data(assessment)
    except ReconciliationError as error:
        raise ReconciliationError(f"{path}: {error}") from None


def indicators_data(
    assessment: Assessment, balance: AssessmentBalance | None = None
) -> dict[str, Any]:
    """The RECP indicators of a read document as plain data."""
    balance = balance or balance_assessment(assessment)
    return indicators_as_dict(enterprise_indicators(assessment, balance))


# --------------------------------------------------------------------------------------------
# The readable tables


def _figure(value: float | None, digits: int = 4) -> str:
    """A number with ``digits`` significant digits and thousands separators; — when unknown."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - magnitude, 0)
    return f"{value:,.{decimals}f}"


def _value_sd(value: float | None, sd: float | None, unit: str) -> str:
    """``value ± sd unit``, both to the decimals that show two significant digits of σ."""
    if value is None:
        return "not estimated"
    if not sd:
        return f"{_figure(value)} {unit}"
    decimals = max(0, min(6, 1 - math.floor(math.log10(sd))))
    return f"{value:,.{decimals}f} ± {sd:,.{decimals}f} {unit}"


def _verdict(benchmark: dict[str, Any]) -> str:
    verdict = benchmark["verdict"]
    if verdict == "within":
        text = "within the range"
    else:
        good = (verdict == "below") == (benchmark["better"] == "lower")
        text = f"{verdict} the range ({'better' if good else 'worse'})"
    if not benchmark["significant"]:
        text += " (less than 1.96 sd from a bound)"
    return text


def _indicator_rows(
    indicators: list[dict[str, Any]], sources: dict[str, int]
) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        ("indicator", "value ± sd", "productivity", "benchmark", "comparison")
    ]
    for indicator in indicators:
        per = indicator["per"]
        value = _value_sd(indicator["value"], indicator["sd"], f"{indicator['unit']}/{per}")
        productivity = ""
        if indicator["productivity"] is not None and indicator["productivity"]["value"]:
            productivity = (
                f"{_figure(indicator['productivity']['value'], 3)} {per}/{indicator['unit']}"
            )
        benchmark = indicator["benchmark"]
        if benchmark is None:
            reference, comparison = "", indicator["benchmark_note"] or "no benchmark"
        else:
            number = sources.setdefault(benchmark["id"], len(sources) + 1)
            reference = (
                f"{_figure(benchmark['low'], 3)}–{_figure(benchmark['high'], 3)} "
                f"{benchmark['unit']}/{benchmark['per']} [{number}]"
            )
            comparison = _verdict(benchmark)
        rows.append((indicator["name"], value, productivity, reference, comparison))
    return rows


def indicators_text(data: dict[str, Any], source: str | Path | None = None) -> str:
    """The indicators as a consultant reads them: per product, the site, the sources."""
    title = f"RECP indicators of {source}" if source else "RECP indicators"
    sector = data["sector"] + (f" (ISIC {data['isic']})" if data.get("isic") else "")
    lines = [
        title,
        f"  sector {sector}; resource productivity and pollution intensity per unit of product"
        " (UNIDO/UNEP enterprise-level indicators), from the reconciled balance",
    ]
    sources: dict[str, int] = {}
    benchmarks: dict[str, dict[str, Any]] = {}
    products = data["products"]
    for product_id, product in products.items():
        quantity = _value_sd(product["quantity"], product["quantity_sd"], product["unit"])
        lines += ["", f"Product {product_id}: {product['name']}, {quantity} in the period"]
        if product["share"] is not None:
            lines.append(
                f"  carries {100 * product['share']:.1f} % of the site's totals "
                f"(allocated by {data['allocation']})"
            )
        lines += text_table(_indicator_rows(product["indicators"], sources))
        benchmarks.update(_benchmarks_of(product["indicators"]))
    site = data["site"]
    if site["indicators"] and len(products) != 1:
        output = _value_sd(site["output"], site["output_sd"], site["unit"])
        lines += ["", f"Site, per unit of its total output ({output})"]
        lines += text_table(_indicator_rows(site["indicators"], sources))
        benchmarks.update(_benchmarks_of(site["indicators"]))
    if site["totals"]:
        lines += ["", "Site totals over the period"]
        rows = [("quantity", "value ± sd", "flows")]
        for total in site["totals"]:
            flows = ", ".join(total["flows"])
            rows.append(
                (
                    total["name"],
                    _value_sd(total["value"], total["sd"], total["unit"]),
                    flows if len(flows) <= 60 else f"{len(total['flows'])} flows",
                )
            )
        lines += text_table(rows)
    if sources:
        lines += ["", "Benchmark sources"]
        for identifier, number in sources.items():
            benchmark = benchmarks[identifier]
            lines.append(
                f"  [{number}] {benchmark['published']}, {benchmark['year']}: {benchmark['source']}"
            )
    if data["notes"]:
        lines += ["", "Notes"] + [f"  - {note}" for note in data["notes"]]
    return "\n".join(lines) + "\n"


def _benchmarks_of(indicators: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        indicator["benchmark"]["id"]: indicator["benchmark"]
        for indicator in indicators
        if indicator["benchmark"] is not None
    }
