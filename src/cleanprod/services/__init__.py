"""What the commands do, from the files given to the files written: load → core → result.

The command line (:mod:`cleanprod.cli`) only reads its arguments and prints; the side effects
(reading documents, writing results) live here, and the calculations in :mod:`cleanprod.core`.
Every output is written through a temporary file, so a failure never leaves half a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanprod import __version__
from cleanprod.core.balance.assess import balance_assessment
from cleanprod.core.summary import OUTPUT_KINDS, summarise
from cleanprod.errors import CleanprodError, DocumentError, NoDocumentsError, OutputError
from cleanprod.io import SUFFIXES, read_document, write_document
from cleanprod.io.documents import atomic_write, document_form
from cleanprod.io.text_formats import dump_json
from cleanprod.model import Assessment

#: Name of the file, in the output folder, that lists every file assessed.
INDEX_NAME = "index.json"
SUMMARY_JSON_SUFFIX = ".summary.json"
SUMMARY_TEXT_SUFFIX = ".summary.txt"
#: Results ``assess`` writes, skipped when a folder is read again.
RESULT_SUFFIXES = tuple(
    f".{name}.json" for name in ("summary", "balance", "costs", "indicators", "focus", "options")
)
#: Meters suggested in the balance written by :func:`assess_paths`.
ASSESS_METERS = 3


@dataclass
class AssessmentResult:
    """What became of one file given to :func:`assess_paths`.

    Attributes
    ----------
    source
        The file read.
    valid
        Whether it is a valid assessment document.
    summary
        The summary (:func:`cleanprod.core.summary.summarise`) of a valid file, else ``None``.
    outputs
        The files written for it (the summary and the balance, each as JSON and as text); none
        for an invalid file.
    problems
        Every problem of an invalid file, each as one line of text.
    result_problems
        Why a valid file's balance or another result could not be computed (data that
        contradict each other beyond what bounds allow, a fuel without a factor), one line
        each; empty when every result was written.
    """

    source: Path
    valid: bool
    summary: dict[str, Any] | None = None
    outputs: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    result_problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Reading, converting, templates


def collect_documents(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file as given, and for a folder the documents in it.

    A folder contributes its ``.yaml``, ``.yml``, ``.json`` and ``.xlsx`` files, sorted by name,
    without sub-folders; hidden files (``.name``), Excel lock files (``~$name``) and the
    results of an earlier assessment (``*.summary.json``, ``*.balance.json`` and the other
    results, ``index.json``) are skipped. A file
    named explicitly is always kept, so that a wrong suffix is reported rather than ignored.
    """
    documents: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            documents += sorted(
                child
                for child in path.iterdir()
                if child.is_file()
                and child.suffix.lower() in SUFFIXES
                and not child.name.startswith((".", "~$"))
                and not child.name.endswith(RESULT_SUFFIXES)
                and child.name != INDEX_NAME
            )
        else:
            documents.append(path)
    return list(dict.fromkeys(documents))


def convert_document(source: str | Path, target: str | Path) -> Assessment:
    """Read the document ``source`` and write it to ``target``, each in the form its suffix says.

    Raises
    ------
    FileFormatError
        When either suffix is not one of ``.yaml``, ``.yml``, ``.json``, ``.xlsx``.
    DocumentError
        When ``source`` is not a valid document; nothing is written.
    OutputError
        When ``target`` is ``source`` itself or cannot be written.
    """
    source, target = Path(source), Path(target)
    document_form(target)
    if _same_file(source, target):
        raise OutputError(
            f"{target}: this is the file being converted; write the result to another file "
            "so that the original is kept"
        )
    assessment = read_document(source)
    with _writing(target):
        write_document(assessment, target)
    return assessment


def write_template(path: str | Path, overwrite: bool = False) -> Path:
    """Write an empty Excel workbook to fill in (:func:`cleanprod.io.workbook.write_template`).

    Raises
    ------
    OutputError
        When ``path`` is not an ``.xlsx`` file, exists already and ``overwrite`` is false, or
        cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path}: the template is an Excel workbook; name it '<name>.xlsx'")
    if path.exists() and not overwrite:
        raise OutputError(
            f"{path} exists already; choose another name, or use --force to replace it"
        )
    from cleanprod.io.workbook import write_template as write_workbook_template

    with _writing(path):
        atomic_write(path, write_workbook_template)
    return path


# --------------------------------------------------------------------------------------------
# Assessing files


def assess_paths(paths: Iterable[str | Path], out_dir: str | Path) -> list[AssessmentResult]:
    """Read and summarise every document under ``paths``; write the results to ``out_dir``.

    For each document ``<stem>.yaml`` (or ``.yml``, ``.json``, ``.xlsx``) this writes
    ``out_dir/<stem>.summary.json`` (the summary as data) and ``out_dir/<stem>.summary.txt``
    (the summary as a consultant reads it), and at the end ``out_dir/index.json``, which lists
    every file with ``valid: true/false`` and the problems of the invalid ones. A bad file does
    not stop the others; an earlier summary of a file that is now invalid is removed. When two
    documents share a stem (``plant.yaml`` and ``plant.json``), their results are named after
    the whole file name (``plant.yaml.summary.json``).

    Parameters
    ----------
    paths
        Files, and folders whose documents are read (see :func:`collect_documents`).
    out_dir
        The folder of the results; it is created when missing.

    Returns
    -------
    list of AssessmentResult
        One per file, in the order read.

    Raises
    ------
    NoDocumentsError
        When the paths hold no document.
    OutputError
        When ``out_dir`` or a file in it cannot be written.
    """
    paths = list(paths)
    documents = collect_documents(paths)
    if not documents:
        shown = ", ".join(str(path) for path in paths)
        raise NoDocumentsError(
            f"{shown}: no assessment document found; cleanprod reads .yaml, .yml, .json and "
            ".xlsx files"
        )
    out_dir = Path(out_dir)
    with _writing(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    names = _output_names(documents)
    results = [_assess_one(document, out_dir / names[document]) for document in documents]
    _write_text(out_dir / INDEX_NAME, dump_json(_index(results, out_dir)))
    return results


def _reports() -> list[tuple[str, Any, Any]]:
    """What ``assess`` writes beside the summary: (name, data of a document and its
    balance, its text)."""
    from cleanprod.services.balance import balance_data, balance_text
    from cleanprod.services.costs import costs_data, costs_text
    from cleanprod.services.feasibility import options_data, options_text
    from cleanprod.services.focus import focus_data, focus_text
    from cleanprod.services.indicators import indicators_data, indicators_text

    return [
        (
            "balance",
            lambda document, balance: balance_data(
                document, meters=ASSESS_METERS, balance=balance
            ),
            balance_text,
        ),
        ("costs", costs_data, costs_text),
        ("indicators", indicators_data, indicators_text),
        ("focus", lambda document, balance: focus_data(document, balance=balance), focus_text),
        ("options", lambda document, balance: options_data(document, balance=balance),
         options_text),
    ]  # fmt: skip


def _assess_one(source: Path, output_base: Path) -> AssessmentResult:
    """Read, summarise, balance, cost and appraise one file and write the results; a bad file
    becomes a result too."""

    def path(suffix: str) -> Path:
        return output_base.with_name(output_base.name + suffix)

    json_path, text_path = path(SUMMARY_JSON_SUFFIX), path(SUMMARY_TEXT_SUFFIX)
    reports = _reports()
    report_paths = {name: (path(f".{name}.json"), path(f".{name}.txt")) for name, _, _ in reports}
    try:
        assessment = read_document(source)
    except (CleanprodError, OSError) as error:
        _remove(json_path, text_path, *(p for pair in report_paths.values() for p in pair))
        return AssessmentResult(source, valid=False, problems=problem_lines(error))
    summary = summarise(assessment)
    _write_text(json_path, dump_json({"source": str(source), **summary}))
    _write_text(text_path, summary_text(summary, source))
    result = AssessmentResult(source, valid=True, summary=summary, outputs=[json_path, text_path])
    try:
        balance, failure = balance_assessment(assessment), None  # once, for every result
    except CleanprodError as error:
        balance, failure = None, error
    for name, data_of, text_of in reports:
        report_json, report_text = report_paths[name]
        try:
            if failure is not None:
                raise failure
            data = data_of(assessment, balance)
        except CleanprodError as error:
            # The balance cannot be reconciled, or a factor is missing: the other results stand.
            _remove(report_json, report_text)
            result.result_problems.append(f"{source}: {name}: {error}")
            continue
        _write_text(report_json, dump_json({"source": str(source), **data}))
        _write_text(report_text, text_of(data, source))
        result.outputs += [report_json, report_text]
    return result


def _remove(*paths: Path) -> None:
    """Remove earlier results that no longer hold."""
    for stale in paths:
        with _writing(stale):
            stale.unlink(missing_ok=True)


def problem_lines(error: Exception) -> list[str]:
    """Each problem of a bad file as one line of text."""
    if isinstance(error, DocumentError):
        return [str(problem) for problem in error.problems]
    if isinstance(error, OSError):
        return [f"{error.filename or ''}: cannot be read: {error.strerror or error}"]
    return [str(error)]


def _output_names(documents: list[Path]) -> dict[Path, str]:
    """The base name of each document's results: its stem, or its name when stems clash."""
    stems: dict[str, int] = {}
    for document in documents:
        stems[document.stem] = stems.get(document.stem, 0) + 1
    return {
        document: document.stem if stems[document.stem] == 1 else document.name
        for document in documents
    }


def _index(results: list[AssessmentResult], out_dir: Path) -> dict[str, Any]:
    return {
        "cleanprod": __version__,
        "files": [
            {
                "file": str(result.source),
                "valid": result.valid,
                **(
                    {
                        "enterprise": result.summary["enterprise"]["name"],
                        "outputs": [str(path.relative_to(out_dir)) for path in result.outputs],
                        **(
                            {"result_problems": result.result_problems}
                            if result.result_problems
                            else {}
                        ),
                    }
                    if result.valid
                    else {"problems": result.problems}
                ),
            }
            for result in results
        ],
    }


# --------------------------------------------------------------------------------------------
# The text summary


def summary_text(summary: dict[str, Any], source: str | Path | None = None) -> str:
    """The summary as plain text for a consultant: enterprise, period, layers, money, stocks.

    Parameters
    ----------
    summary
        A summary made by :func:`cleanprod.core.summary.summarise`.
    source
        The file it was read from, named in the heading when given.
    """
    enterprise = summary["enterprise"]
    period = summary["period"]
    counts = summary["counts"]
    money = summary["money"]
    currency = money["currency"]
    lines = [f"Cleaner Production assessment — {enterprise['name']}"]
    if source is not None:
        lines.append(f"File: {source}")
    lines += [
        f"Country {enterprise['country']}, sector {enterprise['sector']}, "
        f"currency {enterprise['currency']}",
        f"Period {period['start']} to {period['end']} ({period['days']} days)",
        ", ".join(_count(counts[key], noun) for key, noun in _COUNTED),
        "",
        "Layers (figures in the unit of each layer; raw gap = known inputs − known outputs,",
        "ignoring unknown flows and stock changes — not a balance)",
    ]
    for layer, figures in summary["layers"].items():
        unit = figures["unit"]
        outputs = figures["known_outputs"]
        lines += [
            "",
            f"  {layer} [{unit}]: {_count(figures['flows'], 'flow')}, "
            f"{figures['unknown_flows']} unknown",
            f"    known inputs          {_number(figures['known_inputs'])} {unit}",
        ]
        lines += [
            f"    known {_PLURALS[kind]:<16}{_number(outputs[kind])} {unit}"
            for kind in OUTPUT_KINDS
            if outputs[kind]
        ]
        lines.append(f"    known outputs         {_number(outputs['total'])} {unit}")
        if figures["known_losses_to_treatment"]:
            lines.append(
                f"    losses to treatment   {_number(figures['known_losses_to_treatment'])} "
                f"{unit} (inside the system)"
            )
        lines.append(f"    raw gap               {_number(figures['raw_gap'])} {unit}")
        if figures["unknown_flow_ids"]:
            lines.append(f"    unknown flows: {', '.join(figures['unknown_flow_ids'])}")
        bases = ", ".join(
            f"{_BASIS_WORDS.get(basis, basis.replace(':', ' '))} {count}"
            for basis, count in figures["uncertainty_basis"].items()
        )
        lines.append(f"    uncertainty given as: {bases}")
    purchases = money["purchases"]
    lines += ["", f"Money [{currency}]", f"  purchases of inputs   {_number(purchases['total'])}"]
    lines += [
        f"    {purchase['flow']}: {_number(purchase['quantity'])} {purchase['unit']} × "
        f"{purchase['price']} = {_number(purchase['amount'])}"
        for purchase in purchases["by_flow"]
    ]
    if purchases["priced_inputs_of_unknown_value"]:
        lines.append(
            "    priced but unknown quantity: "
            + ", ".join(purchases["priced_inputs_of_unknown_value"])
        )
    if purchases["known_inputs_without_price"]:
        lines.append("    without a price: " + ", ".join(purchases["known_inputs_without_price"]))
    for title, key in (("process costs", "process_costs"), ("flow costs", "flow_costs")):
        costs = money[key]
        lines.append(f"  {title:<20}  {_number(costs['total'])}")
        lines += [
            f"    {cost_type.replace('_', ' ')}: {_number(amount)}"
            for cost_type, amount in costs["by_type"].items()
            if amount
        ]
    stocks = summary["unknown_stock_changes"]
    if stocks:
        lines += ["", "Stock changes unknown (to be estimated by the balance)"]
        lines += [
            f"  {stock['process']} ({stock['name']}): {', '.join(stock['layers'])}"
            for stock in stocks
        ]
    return "\n".join(lines) + "\n"


_BASIS_WORDS = {"uncertainty": "uncertainty %", "unknown": "none (unknown value)"}
_PLURALS = {
    "product": "products",
    "process": "processes",
    "flow": "flows",
    "option": "options",
    "by-product": "by-products",
    "loss": "losses",
    "emission": "emissions",
}
_COUNTED = (
    ("products", "product"),
    ("processes", "process"),
    ("flows", "flow"),
    ("options", "option"),
)


def _count(number: int, noun: str) -> str:
    """``1 flow``, ``3 flows``, ``2 processes``."""
    return f"{number} {noun if number == 1 else _PLURALS[noun]}"


def _number(value: float) -> str:
    """A figure as a person reads it: ``12,000,000``, ``28.06``, ``0.275``."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


# --------------------------------------------------------------------------------------------
# Writing files


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    with _writing(path):
        atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn an :class:`OSError` while writing ``path`` into an :class:`OutputError` naming it."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(
            f"{path}: cannot be written ({reason}); check that the folder exists and that you "
            "may write to it, or choose another place"
        ) from error


def _same_file(first: Path, second: Path) -> bool:
    if first.exists() and second.exists():
        return os.path.samefile(first, second)
    return first.resolve() == second.resolve()
