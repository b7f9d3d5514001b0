"""The registry in and out of spreadsheets: the columns, the export of a list, the template,
and the import of a file, checked row by row and written all or nothing.

An import is done in two steps: :func:`check_import` reads every row and says everything that
is wrong (row, column, what, what to do) and which rows look like enterprises already in the
registry or earlier in the file; :func:`import_checked` writes the rows of a check that has no
problems, one by one (so that the audit trail logs each) in one transaction.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cleanprod.web.enterprises.choices import Sector, Size, SupplyChainRole
from cleanprod.web.enterprises.duplicates import (
    DuplicateIndex,
    LikelyDuplicate,
    fold,
    registry_candidates,
)
from cleanprod.web.enterprises.filters import CENTRE_COUNTRY_NAMES
from cleanprod.web.enterprises.models import Enterprise
from cleanprod.web.enterprises.spreadsheet import Table, column_letter

#: The registry's columns, in the order of the template and the exports; each is the name of
#: an :class:`Enterprise` field.
COLUMNS = (
    "name",
    "local_name",
    "registration_number",
    "country",
    "province",
    "district",
    "address",
    "sector",
    "size",
    "employees",
    "supply_chain_role",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
)
REQUIRED = ("name", "country", "sector")
#: Columns an export adds; an import reads past them.
EXPORT_ONLY = ("registered_by", "updated")
#: Columns of numbers (the others hold text).
NUMBER_COLUMNS = ("employees", "latitude", "longitude")

#: Other names a column may have in a file (compared case-, space- and accent-blind), besides
#: its own name and its label in English and in the page's language.
ALIASES = {
    "name": ("enterprise", "enterprise name", "company", "company name", "tên doanh nghiệp"),
    "local_name": ("local name", "name local", "name in local language"),
    "registration_number": (
        "registration no",
        "reg no",
        "business registration number",
        "tax number",
        "tax code",
        "tax id",
        "mã số thuế",
        "mst",
    ),
    "country": ("country code", "quốc gia"),
    "province": ("province or city", "tỉnh", "tỉnh thành phố"),
    "sector": ("industry",),
    "size": ("size class",),
    "employees": ("number of employees", "workers", "staff"),
    "supply_chain_role": ("role", "supply chain", "role in supply chain"),
    "latitude": ("lat",),
    "longitude": ("lon", "lng", "long"),
    "phone": ("telephone", "tel"),
    "email": ("e-mail", "e mail"),
    "website": ("web", "web site", "url"),
}

#: What to do about a wrong value, by column.
REMEDIES: dict[str, Promise] = {
    "name": gettext_lazy("Write the enterprise's registered name."),
    "country": gettext_lazy(
        "Write the two-letter ISO country code: VN (Viet Nam), LA (Lao PDR), KH (Cambodia)."
    ),
    "sector": gettext_lazy(
        "Write one of the values of the Choices sheet of the template (e.g. food, beverages, "
        "rattan-bamboo), or its name."
    ),
    "size": gettext_lazy("Write micro, small, medium or large, or leave it empty."),
    "supply_chain_role": gettext_lazy(
        "Write harvester, pre-processor, trader, processor or exporter, or leave it empty."
    ),
    "employees": gettext_lazy("Write a whole number, e.g. 120, or leave it empty."),
    "latitude": gettext_lazy(
        "Write decimal degrees between -90 and 90 (e.g. 17.9757), with the longitude."
    ),
    "longitude": gettext_lazy(
        "Write decimal degrees between -180 and 180 (e.g. 102.6331), with the latitude."
    ),
    "email": gettext_lazy("Write one address such as name@example.com, or leave it empty."),
    "website": gettext_lazy("Write an address such as https://example.com, or leave it empty."),
}
DEFAULT_REMEDY = gettext_lazy("Correct the value in the file and upload it again.")

#: The template's example row: an import that still holds it is refused.
EXAMPLE = {
    "name": "Phu Vinh Rattan Co., Ltd",
    "local_name": "Công ty TNHH Mây tre Phú Vinh",
    "registration_number": "0100000000",
    "country": "VN",
    "province": "Ha Noi",
    "district": "Chuong My",
    "address": "Phu Vinh village, Phu Nghia commune",
    "sector": "rattan-bamboo",
    "size": "small",
    "employees": 45,
    "supply_chain_role": "processor",
    "latitude": 20.9203,
    "longitude": 105.7012,
    "phone": "+84 24 0000 0000",
    "email": "info@example.com",
    "website": "https://example.com",
}

COUNTRY_ALIASES = {
    "laos": "LA",
    "lao": "LA",
    "lao pdr": "LA",
    "lao p d r": "LA",
    "ລາວ": "LA",
    "ສປປ ລາວ": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "cambodia": "KH",
    "kampuchea": "KH",
    "កម្ពុជា": "KH",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: its row (None for the whole file), its column (as headed
    in the file, with its letter), the value, what is wrong, and what to do."""

    row: int | None
    column: str
    value: str
    message: str
    remedy: str


@dataclass(frozen=True)
class DuplicateFinding:
    """A row that looks like enterprises of the registry or like earlier rows of the file."""

    row: int
    name: str
    in_registry: list[LikelyDuplicate]
    earlier_rows: list[LikelyDuplicate]


@dataclass
class ImportCheck:
    """What :func:`check_import` found: the problems, the likely duplicates, and the
    enterprises to create (not saved yet), in the order of the file."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[DuplicateFinding] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    duplicates_accepted: bool = False

    @property
    def refused(self) -> bool:
        """Whether nothing may be imported: a problem, or duplicates not accepted."""
        return bool(self.problems) or (bool(self.duplicates) and not self.duplicates_accepted)


def header_key(text: str) -> str:
    """A header as compared: folded, words joined by ``_`` ("Registration No." →
    "registration_no")."""
    return "_".join(re.findall(r"[^\W_]+", fold(text)))


def column_names() -> dict[str, str]:
    """Every header a file may use for each column → the column (the page's language and
    English labels included)."""
    names: dict[str, str] = {}
    for key in COLUMNS:
        label = Enterprise._meta.get_field(key).verbose_name
        with translation.override("en"):
            english = str(label)
        spellings = (key, str(label), english, *ALIASES.get(key, ()))
        for spelling in spellings:
            names.setdefault(header_key(spelling), key)
    for key in EXPORT_ONLY:
        names.setdefault(header_key(key), key)
    return names


def _choice_reader(choices: Iterable[tuple[str, Any]]) -> Callable[[str], str | None]:
    """A function reading a choice by its value or its label (English or the page's
    language, with or without the part in brackets); None when it is none of them."""
    known: dict[str, str] = {}
    for value, label in choices:
        with translation.override("en"):
            english = str(label)
        for spelling in (value, str(label), english):
            known.setdefault(fold(spelling), value)
            known.setdefault(fold(re.sub(r"\s*\(.*\)\s*$", "", spelling)), value)
    return lambda text: known.get(fold(text))


def parse_country(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of ``text`` (a code of two or three letters, or a name);
    None when it is no country."""
    folded = fold(text)
    if folded in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[folded]
    if len(folded) == 2:
        country = pycountry.countries.get(alpha_2=folded.upper())
    else:
        try:
            country = pycountry.countries.lookup(folded)
        except LookupError:
            country = None
    return country.alpha_2 if country is not None else None


_GROUPED_THOUSANDS = re.compile(r"^\d{1,3}([ ,.\u00a0\u202f]\d{3})+$")


def parse_whole_number(cell: Any) -> int | None:
    """A count from a cell: 120, "120", "1,200", "1 200", 120.0. Raises ValueError."""
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        if cell.is_integer():
            return int(cell)
        raise ValueError(cell)
    text = str(cell).strip()
    if _GROUPED_THOUSANDS.match(text):
        text = re.sub(r"\D", "", text)
    elif re.fullmatch(r"\d+[.,]0*", text):
        text = re.split(r"[.,]", text)[0]
    if not re.fullmatch(r"[+]?\d+", text):
        raise ValueError(text)
    return int(text)


def parse_degrees(cell: Any) -> Decimal:
    """Decimal degrees from a cell (17.9757, "17.9757", "17,9757"), to six places. Raises
    ValueError."""
    if isinstance(cell, bool):
        raise ValueError(cell)
    text = str(cell).strip()
    if isinstance(cell, str) and "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    return value.quantize(Decimal("0.000001"))


def cell_text(cell: Any) -> str:
    """A cell as the text of a text field (a whole number keeps no ".0")."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.isoformat()
    return str(cell).strip()


def check_import(
    table: Table,
    user: Any,
    organisation: Any,
    *,
    duplicates_accepted: bool = False,
) -> ImportCheck:
    """Every row of ``table`` checked as an enterprise to be registered by ``organisation``:
    required fields, country codes, choices, numbers, email and web addresses, the model's
    own rules, the template's example left in, and likely duplicates (in the registry that
    ``user`` sees, fetched once for all the file's countries, and among the file's rows)."""
    check = ImportCheck(rows=len(table.rows), duplicates_accepted=duplicates_accepted)
    columns = _columns_of(table.headers, check.problems)
    if check.problems:
        return check
    if not table.rows:
        check.problems.append(
            Problem(
                None,
                "",
                "",
                _("The file has a header row but no enterprises under it."),
                _("Write one enterprise per row under the header row."),
            )
        )
        return check

    readers = {
        "sector": _choice_reader(Sector.choices),
        "size": _choice_reader(Size.choices),
        "supply_chain_role": _choice_reader(SupplyChainRole.choices),
    }
    rows = []
    for number, cells in table.rows:
        values, failed = _values_of_row(number, cells, columns, readers, check.problems)
        enterprise = Enterprise(organisation=organisation, **values)
        try:
            enterprise.full_clean(
                exclude=[*failed, "organisation"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                if key in failed:
                    continue
                for message in messages:
                    check.problems.append(_problem(number, key, values.get(key), message, columns))
        if (
            values.get("name") == EXAMPLE["name"]
            and values.get("registration_number") == EXAMPLE["registration_number"]
        ):
            check.problems.append(
                Problem(
                    number,
                    header_of("name", columns),
                    values["name"],
                    _("This is the template's example row."),
                    _("Replace it with an enterprise of yours, or delete the row."),
                )
            )
        check.enterprises.append(enterprise)
        rows.append((number, values))

    countries = {values["country"] for _, values in rows if values.get("country")}
    registry = DuplicateIndex.of(registry_candidates(user, sorted(countries)))
    earlier = DuplicateIndex()
    for number, values in rows:
        if not values.get("name") or not values.get("country"):
            continue
        in_registry = registry.likely_duplicates(values)
        earlier_rows = earlier.likely_duplicates(values)
        if in_registry or earlier_rows:
            check.duplicates.append(
                DuplicateFinding(number, values["name"], in_registry, earlier_rows)
            )
        earlier.add({**values, "row": number})
    return check


def read_headers(
    headers: list[str],
    names: Mapping[str, str],
    not_a_column: Any,
    listed: Iterable[str],
    problems: list[Problem],
    skip: Iterable[str] = (),
) -> tuple[dict[int, tuple[str, str]], dict[str, str]]:
    """The columns of a spreadsheet's first row: column index → (column, header as written,
    with its letter), and column → header. Problems for headers that are empty, unknown
    (``not_a_column`` says so, with ``%(header)s``) or repeated; columns in ``skip`` are
    known but not read. Shared by every import of a spreadsheet."""
    skipped = set(skip)
    columns: dict[int, tuple[str, str]] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        letter = column_letter(index)
        if not header:
            problems.append(
                Problem(
                    1,
                    letter,
                    "",
                    _("Column %(letter)s has no header.") % {"letter": letter},
                    _("Name the column (see the template) or delete it."),
                )
            )
            continue
        key = names.get(header_key(header))
        if key is None:
            problems.append(
                Problem(
                    1,
                    f"{header} ({letter})",
                    header,
                    str(not_a_column) % {"header": header},
                    _("Rename it to one of: %(columns)s; or delete the column.")
                    % {"columns": ", ".join(listed)},
                )
            )
            continue
        if key in skipped:
            continue
        if key in seen:
            problems.append(
                Problem(
                    1,
                    f"{header} ({letter})",
                    header,
                    _("'%(header)s' is the same column as '%(other)s'.")
                    % {"header": header, "other": seen[key]},
                    _("Keep one of the two columns."),
                )
            )
            continue
        seen[key] = header
        columns[index] = (key, f"{header} ({letter})")
    return columns, seen


def _columns_of(headers: list[str], problems: list[Problem]) -> dict[int, tuple[str, str]]:
    """Column index → (column, header as written); problems for unknown, repeated and
    missing columns."""
    columns, seen = read_headers(
        headers,
        column_names(),
        gettext_lazy("'%(header)s' is not a column of the registry."),
        COLUMNS,
        problems,
        skip=EXPORT_ONLY,
    )
    missing = [key for key in REQUIRED if key not in seen]
    if missing:
        problems.append(
            Problem(
                1,
                ", ".join(missing),
                "",
                _("The file has no column %(columns)s.") % {"columns": ", ".join(missing)},
                _("Add the column with its header in the first row (see the template)."),
            )
        )
    return columns


def header_of(key: str, columns: Mapping[int, tuple[str, str]]) -> str:
    """The header, as written with its letter, of a column read by :func:`read_headers`."""
    for column, header in columns.values():
        if column == key:
            return header
    return key


def _problem(
    row: int, key: str, value: Any, message: str, columns: Mapping[int, tuple[str, str]]
) -> Problem:
    column = "" if key == NON_FIELD_ERRORS else header_of(key, columns)
    remedy = REMEDIES.get(key, DEFAULT_REMEDY)
    return Problem(row, column, "" if value is None else str(value)[:80], message, str(remedy))


def _values_of_row(
    number: int,
    cells: list[Any],
    columns: Mapping[int, tuple[str, str]],
    readers: Mapping[str, Callable[[str], str | None]],
    problems: list[Problem],
) -> tuple[dict[str, Any], set[str]]:
    """The field values of one row, and the fields whose cell could not be read (with a
    problem for each)."""
    values: dict[str, Any] = {}
    failed: set[str] = set()

    def refuse(key: str, header: str, cell: Any, message: str) -> None:
        failed.add(key)
        problems.append(Problem(number, header, cell_text(cell)[:80], message, str(REMEDIES[key])))

    for index, (key, header) in columns.items():
        cell = cells[index]
        text = cell_text(cell)
        if key == "country":
            code = parse_country(text) if text else ""
            if code is None:
                refuse(key, header, cell, _("'%(value)s' is not a country.") % {"value": text})
            else:
                values[key] = code
        elif key in readers:
            choice = readers[key](text) if text else ""
            if choice is None:
                refuse(
                    key,
                    header,
                    cell,
                    _("'%(value)s' is not one of the values of this column.") % {"value": text},
                )
            else:
                values[key] = choice
        elif key == "employees":
            try:
                values[key] = parse_whole_number(cell) if text else None
            except ValueError:
                refuse(key, header, cell, _("'%(value)s' is not a whole number.") % {"value": text})
        elif key in {"latitude", "longitude"}:
            try:
                values[key] = parse_degrees(cell) if text else None
            except ValueError:
                refuse(key, header, cell, _("'%(value)s' is not a number.") % {"value": text})
        elif key == "website" and text and "://" not in text:
            values[key] = f"https://{text}"
        else:
            values[key] = text
    return values, failed


def import_checked(check: ImportCheck) -> list[Enterprise]:
    """Registers the enterprises of a check that was not refused, all or none, one by one
    (the audit trail logs each)."""
    if check.refused:
        raise ValueError("an import with problems or unaccepted duplicates is not written")
    with transaction.atomic():
        for enterprise in check.enterprises:
            enterprise.save()
    return check.enterprises


def export_headers() -> list[str]:
    return [*COLUMNS, *EXPORT_ONLY]


def export_text_columns() -> set[int]:
    """The indexes of the export's columns of text (guarded against formulas in CSV)."""
    return {index for index, key in enumerate(export_headers()) if key not in NUMBER_COLUMNS}


def export_rows(enterprises: QuerySet) -> Iterable[list[Any]]:
    """One row per enterprise: the registry's columns, who registered it, when it changed."""
    for enterprise in enterprises.select_related("organisation"):
        row: list[Any] = [getattr(enterprise, key) for key in COLUMNS]
        row.append(enterprise.organisation.name)
        row.append(timezone.localtime(enterprise.updated).strftime("%Y-%m-%d %H:%M"))
        yield row


def template_rows() -> list[list[Any]]:
    return [[EXAMPLE[key] for key in COLUMNS]]


def choice_rows() -> list[list[str]]:
    """The allowed values of the coded columns, with their meaning, for the template."""
    rows: list[list[str]] = []
    for key, choices in (
        ("sector", Sector.choices),
        ("size", Size.choices),
        ("supply_chain_role", SupplyChainRole.choices),
    ):
        for value, label in choices:
            rows.append([key, value, str(label)])
    for code, name in CENTRE_COUNTRY_NAMES.items():
        rows.append(["country", code, name])
    return rows
