"""Read and write an assessment document in any of its three forms: YAML, JSON, XLSX.

The suffix of the file chooses the form. Reading always validates: it returns a valid
:class:`~cleanprod.model.Assessment` or raises a :class:`~cleanprod.errors.DocumentError` that
lists every problem of the file. Writing goes through a temporary file, so a failed write never
leaves half a file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from cleanprod.errors import DocumentError, FileFormatError, Problem
from cleanprod.io.problems import validate_document
from cleanprod.io.text_formats import dump_json, dump_yaml, parse_json, parse_yaml
from cleanprod.model import Assessment

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx"}


def document_form(path: Path) -> str:
    """``yaml``, ``json`` or ``xlsx`` from the file's suffix."""
    form = SUFFIXES.get(path.suffix.lower())
    if form is None:
        raise FileFormatError(
            f"{path}: cleanprod reads and writes .yaml, .yml, .json and .xlsx files, "
            f"not '{path.suffix or 'a file without a suffix'}'"
        )
    return form


def read_document(path: str | Path) -> Assessment:
    """Read and validate the assessment document at ``path``.

    Raises
    ------
    DocumentError
        With every problem of the file: where, what was expected, what was found.
    FileFormatError
        When the suffix is not one cleanprod reads.
    """
    path = Path(path)
    form = document_form(path)
    source = str(path)
    if not path.is_file():
        raise DocumentError(source, [Problem(source, "no such file")])
    if form == "xlsx":
        from cleanprod.io.workbook import parse_workbook

        data, locator, problems = parse_workbook(path)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise DocumentError(
                source,
                [
                    Problem(
                        source, f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8"
                    )
                ],
            ) from None
        parse = parse_yaml if form == "yaml" else parse_json
        data, locator, problems = parse(text, source)
    if data is None and problems:
        raise DocumentError(source, problems)
    if data is None and not problems:
        raise DocumentError(
            source,
            [
                Problem(
                    source,
                    "the file is empty; an assessment document starts with 'format: cleanprod/1'",
                )
            ],
        )
    if not isinstance(data, dict):
        problems.append(
            Problem(
                source, "expected a document of keys and values starting with 'format: cleanprod/1'"
            )
        )
        raise DocumentError(source, problems)
    return validate_document(data, locator, problems)


def document_data(assessment: Assessment, mode: Literal["python", "json"] = "python") -> dict:
    """The document as plain data, keys in the order of the format, nothing left at None."""
    return assessment.model_dump(mode=mode, by_alias=True, exclude_none=True)


def write_document(assessment: Assessment, path: str | Path) -> Path:
    """Write ``assessment`` to ``path`` in the form its suffix names; return the path."""
    path = Path(path)
    form = document_form(path)
    if form == "xlsx":
        from cleanprod.io.workbook import write_workbook

        return atomic_write(path, lambda temporary: write_workbook(assessment, temporary))
    text = (
        dump_yaml(document_data(assessment))
        if form == "yaml"
        else dump_json(document_data(assessment, mode="json"))
    )
    return atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def atomic_write(path: Path, write: Any) -> Path:
    """Call ``write(temporary)`` on a temporary file beside ``path``, then move it into place.

    A failure leaves ``path`` as it was: never half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


__all__ = [
    "atomic_write",
    "document_data",
    "document_form",
    "read_document",
    "write_document",
]
