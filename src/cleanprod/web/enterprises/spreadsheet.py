"""Tables in and out: reading an uploaded .xlsx or CSV file into rows, and writing rows as
.xlsx or CSV (UTF-8). Nothing here knows about enterprises; :mod:`.transfer` does."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

#: At most this many rows are read from a file (a centre's registry is a few thousand).
MAX_ROWS = 5000

#: A text cell starting with one of these is a formula to Excel or LibreOffice; written to a
#: CSV file it gets a leading apostrophe, which :func:`read_table` takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


class SpreadsheetError(Exception):
    """A file that cannot be read as a table; the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    """The header row and the data rows of a file, each data row with its number in the file
    (the header is row 1). Cells are as read: text, numbers, dates or None."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def read_table(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """The table of an uploaded .xlsx workbook (the sheet named ``sheet`` if there is one,
    else the first) or CSV file (UTF-8, with or without a byte-order mark; comma, semicolon
    or tab separated).

    Raises
    ------
    SpreadsheetError
        When the file is empty, is no spreadsheet, is an old .xls workbook, is not UTF-8, or
        has more than :data:`MAX_ROWS` rows.
    """
    name = filename or _("the file")
    lower = name.lower()
    if not data:
        raise SpreadsheetError(_("%(file)s is empty.") % {"file": name})
    if data.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise SpreadsheetError(
            _(
                "%(file)s is an old Excel 97-2003 workbook (.xls). Open it in Excel or "
                "LibreOffice, save it as an Excel workbook (.xlsx), and upload that."
            )
            % {"file": name}
        )
    if data.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        cells = _xlsx_rows(data, name, sheet)
    else:
        cells = _csv_rows(data, name)
    return _table(cells, name)


def _xlsx_rows(data: bytes, name: str, sheet: str | None) -> list[Sequence[Any]]:
    from openpyxl import load_workbook

    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        names = workbook.sheetnames
        worksheet = workbook[sheet] if sheet in names else workbook.worksheets[0]
        return list(_limited(worksheet.iter_rows(values_only=True), name))
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged workbook or another kind of file, in many ways
        raise SpreadsheetError(
            _(
                "%(file)s could not be read as an Excel workbook (.xlsx): it is damaged or is "
                "another kind of file. Save it again from Excel or LibreOffice as .xlsx, or as "
                "CSV UTF-8, and upload it again."
            )
            % {"file": name}
        ) from error
    finally:
        if workbook is not None:
            workbook.close()


def _csv_rows(data: bytes, name: str) -> Iterable[Sequence[Any]]:
    if b"\x00" in data[:4096] or data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8")):
        raise SpreadsheetError(
            _(
                "%(file)s is not a spreadsheet. Upload the registry as an Excel workbook "
                "(.xlsx) or as CSV UTF-8 (the template on this page has the columns)."
            )
            % {"file": name}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SpreadsheetError(
            _(
                "%(file)s is not UTF-8 text (line %(line)s). In Excel choose Save as → "
                "'CSV UTF-8 (Comma delimited)', or save it as an Excel workbook (.xlsx), and "
                "upload it again."
            )
            % {"file": name, "line": line}
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    try:
        return list(_limited(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), name))
    except csv.Error as error:
        raise SpreadsheetError(
            _("%(file)s could not be read as CSV: %(problem)s. Save it again as CSV UTF-8.")
            % {"file": name, "problem": error}
        ) from error


def _limited(rows: Iterable[Sequence[Any]], name: str) -> Iterable[Sequence[Any]]:
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise SpreadsheetError(
                _("%(file)s has more than %(count)s rows: split it into smaller files.")
                % {"file": name, "count": MAX_ROWS}
            )
        yield row


def _table(cells: Iterable[Sequence[Any]], name: str) -> Table:
    rows = [list(row) for row in cells]
    if not rows or not any(_present(cell) for cell in rows[0]):
        raise SpreadsheetError(
            _(
                "%(file)s has no header row: its first row must name the columns (see the "
                "template on this page)."
            )
            % {"file": name}
        )
    headers = [_text(cell) for cell in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    body = []
    for number, row in enumerate(rows[1:], start=2):
        values = [_unescaped(cell) for cell in row[: len(headers)]]
        values += [None] * (len(headers) - len(values))
        if any(_present(value) for value in values):
            body.append((number, values))
    return Table(headers=headers, rows=body)


def _present(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _unescaped(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith("'") and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def column_letter(index: int) -> str:
    """The spreadsheet letter of the column at ``index`` (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook of ``(title, headers, rows)`` sheets; every text cell is written as text,
    never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        worksheet = workbook.create_sheet(title)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(worksheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        worksheet.append(header_cells)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(worksheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                cells.append(cell)
            worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], text_columns: set[int] | None = None
) -> bytes:
    """UTF-8 CSV with a byte-order mark (so that Excel reads Vietnamese, Lao and Khmer right).
    A cell of ``text_columns`` that starts like a formula gets a leading apostrophe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                "'" + value
                if isinstance(value, str)
                and value.startswith(FORMULA_STARTS)
                and (text_columns is None or index in text_columns)
                else ("" if value is None else value)
                for index, value in enumerate(row)
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
