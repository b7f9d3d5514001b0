"""``cleanprod report``: the assessment report of a document, as PDF or HTML.

Reads the document, gathers every result (:func:`cleanprod.report.data.report_data`) and
writes the report in the form the output's suffix names (:mod:`cleanprod.report.render`),
each file through a temporary file so that a failure leaves nothing half written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cleanprod.core.balance.reconcile import ReconciliationError
from cleanprod.errors import OutputError
from cleanprod.io import read_document
from cleanprod.io.documents import atomic_write
from cleanprod.report.data import report_data
from cleanprod.report.render import (
    SOURCE_LANGUAGE,
    check_language,
    html_report,
    pdf_report,
    report_form,
    start_chart_renderer,
    warm_up_layout,
)


def write_report(
    path: str | Path, output: str | Path | Iterable[str | Path], lang: str = SOURCE_LANGUAGE
) -> list[Path]:
    """Write the report of the document at ``path`` to ``output`` (one path or several).

    Parameters
    ----------
    path
        A document (.yaml, .yml, .json or .xlsx).
    output
        The report's file, ``.pdf`` or ``.html``; several files get the same report in each
        form, from one reading of the document.
    lang
        The report's language: ``en``, ``vi``, ``lo`` or ``km``.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ReportError
        An unknown language or one whose catalogue is incomplete, an output that is neither
        .pdf nor .html, a missing tool.
    DocumentError
        When the document has problems; nothing is written.
    ReconciliationError
        When its balance cannot be reconciled.
    OutputError
        When an output cannot be written.
    """
    outputs = [Path(output)] if isinstance(output, str | Path) else [Path(item) for item in output]
    check_language(lang)
    forms = [report_form(target) for target in outputs]
    source = Path(path)
    assessment = read_document(source)
    # kaleido's renderer starts (about a second) while the results are computed.
    renderer = start_chart_renderer() if "pdf" in forms else None
    try:
        data = report_data(assessment, source=str(source))
    except ReconciliationError as error:
        raise ReconciliationError(f"{source}: {error}") from None
    if renderer is not None:
        warm_up_layout()
        renderer.join()
    written = []
    for target, form in zip(outputs, forms, strict=True):
        if form == "pdf":
            content: bytes | str = pdf_report(data, lang)
        else:
            content = html_report(data, lang)
        _write(target, content)
        written.append(target)
    return written


def _write(target: Path, content: bytes | str) -> None:
    def write(temporary: Path) -> None:
        if isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            temporary.write_text(content, encoding="utf-8")

    try:
        atomic_write(target, write)
    except OSError as error:
        raise OutputError(
            f"{target}: cannot be written ({error.strerror or error}); check that you may "
            "write to its folder, or choose another place"
        ) from error
