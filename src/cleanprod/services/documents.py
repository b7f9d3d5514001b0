"""Documents and their results as bytes and plain data, for the platform (no files of the
user's): read an upload, write a download, compute the results of a document once and keep
what lists and dashboards show.

The platform keeps a document as its JSON form (:func:`document_json`) and reads it back
with :func:`document_from_json`, which validates it like a file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from cleanprod.errors import DocumentError, FileFormatError, Problem
from cleanprod.io import document_data, read_document, write_document
from cleanprod.io.documents import SUFFIXES
from cleanprod.io.problems import Locator, validate_document
from cleanprod.model import Assessment

#: The forms a document is downloaded in, with their media types.
DOCUMENT_MEDIA_TYPES = {
    "yaml": "application/yaml",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REPORT_MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def read_upload(content: bytes, filename: str) -> Assessment:
    """Read and validate an uploaded document (.yaml, .yml, .json or .xlsx).

    Raises
    ------
    DocumentError
        With every problem of the file, located by sheet and row or by line, and named by
        ``filename``.
    FileFormatError
        When the file's name has a suffix cleanprod does not read.
    """
    name = Path(filename).name or "document"
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise FileFormatError(
            f"{name}: cleanprod reads .yaml, .yml, .json and .xlsx documents, "
            f"not '{suffix or 'a file without a suffix'}'"
        )
    with tempfile.TemporaryDirectory(prefix="cleanprod-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return read_document(path)
        except DocumentError as error:
            # Name the problems after the file the user sent, not the temporary copy.
            problems = [
                Problem(problem.where.replace(str(path), name), problem.message)
                for problem in error.problems
            ]
            raise DocumentError(name, problems) from None


def document_json(assessment: Assessment) -> dict[str, Any]:
    """The document as JSON-ready data (the platform stores this)."""
    return document_data(assessment, mode="json")


def document_from_json(data: dict[str, Any], source: str = "document") -> Assessment:
    """The document of stored JSON data, validated.

    Raises
    ------
    DocumentError
        With every problem, located by key path (``flows[3] (fresh-water).sd``).
    """
    return validate_document(data, Locator(source, data), [])


def document_bytes(assessment: Assessment, form: str) -> bytes:
    """The document as a file's content: ``yaml``, ``json`` or ``xlsx``."""
    if form not in DOCUMENT_MEDIA_TYPES:
        raise FileFormatError(f"a document is written as yaml, json or xlsx, not '{form}'")
    with tempfile.TemporaryDirectory(prefix="cleanprod-download-") as folder:
        path = write_document(assessment, Path(folder) / f"document.{form}")
        return path.read_bytes()


def report_bytes(assessment: Assessment, form: str, language: str, source: str = "") -> bytes:
    """The report of the document, ``pdf`` or ``html``, in ``language`` (en, vi, lo, km)."""
    from cleanprod.report.data import report_data
    from cleanprod.report.render import check_language, html_report, pdf_report, report_form

    check_language(language)
    report_form(Path(f"report.{form}"))
    data = report_data(assessment, source=source)
    if form == "pdf":
        return pdf_report(data, language)
    return html_report(data, language).encode("utf-8")


def results_of(assessment: Assessment, source: str = "") -> dict[str, Any]:
    """Every result of the document, as the report shows them (balance, costs, indicators,
    focus, options with their risk, portfolio, implementation, data quality)."""
    from cleanprod.report.data import report_data

    return report_data(assessment, source=source)


def summary_of(results: dict[str, Any]) -> dict[str, Any]:
    """The key figures of the results, small enough to keep beside each assessment: the
    verdict of each layer's balance, the costliest losses, the options' totals."""
    layers = {
        layer_id: {
            "unit": layer.get("unit"),
            "consistent": layer.get("consistent"),
            "chi2": layer.get("chi2"),
            "critical": layer.get("critical"),
            "suspects": len(layer.get("suspects") or []),
        }
        for layer_id, layer in (results.get("layers") or {}).items()
    }
    options = list((results.get("options") or {}).values())
    implemented = [row for row in results.get("implementation") or [] if row.get("verified")]
    return plain(
        {
            "currency": results.get("currency"),
            "period": results.get("period"),
            "counts": (results.get("summary") or {}).get("counts", {}),
            "layers": layers,
            "consistent": all(layer["consistent"] is not False for layer in layers.values()),
            "loss_cost": ((results.get("costs") or {}).get("totals") or {}).get("loss"),
            "options": len(options),
            "investment": sum(option.get("investment") or 0 for option in options),
            "annual_savings": sum(option.get("annual_savings") or 0 for option in options),
            "implemented": sum(1 for option in options if option.get("status") == "implemented"),
            "verified": len(implemented),
        }
    )


def option_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per option of the results, for following options across assessments."""
    implementation = {row["id"]: row for row in results.get("implementation") or []}
    rows = []
    for option_id, option in (results.get("options") or {}).items():
        verified = (implementation.get(option_id) or {}).get("verified") or option.get("verified")
        dates = (implementation.get(option_id) or {}).get("dates") or {}
        rows.append(
            {
                "option_id": option_id,
                "title": option.get("title") or option_id,
                "practice": option.get("practice") or "",
                "status": option.get("status") or "",
                "currency": option.get("currency") or "",
                "investment": option.get("investment"),
                "annual_savings": option.get("annual_savings"),
                "net_present_value": option.get("npv"),
                "payback_years": option.get("simple_payback_years"),
                "verified_savings": (verified or {}).get("saving"),
                "verified_savings_unit": (verified or {}).get("unit") or "",
                "implemented_on": dates.get("implemented"),
            }
        )
    return plain(rows)


def plain(value: Any) -> Any:
    """``value`` with numpy's numbers and truth values as Python's, dates kept: ready for a
    JSON field."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
