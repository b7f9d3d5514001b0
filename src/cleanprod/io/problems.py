"""From a raw document to an :class:`Assessment`, with every problem reported at once.

The readers (YAML, JSON, XLSX) turn a file into plain data plus a :class:`Locator` that tells,
for a key path such as ``("flows", 3, "sd")``, where that is in the file. This module validates
the data and, when it is not valid, says each problem in words a consultant understands:
where, what was expected, what was found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import get_close_matches
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from cleanprod.errors import DocumentError, Problem
from cleanprod.model.assessment import (
    Assessment,
    EmissionFactor,
    Enterprise,
    Flow,
    Layer,
    Option,
    Process,
    Product,
    Ratio,
    SumMeasurement,
)
from cleanprod.model.checks import find_link_problems
from cleanprod.model.quantities import format_number

Location = tuple[str | int, ...]

_SECTIONS: dict[str, type[BaseModel]] = {
    "layers": Layer,
    "products": Product,
    "processes": Process,
    "flows": Flow,
    "measurements": SumMeasurement,
    "ratios": Ratio,
    "emission_factors": EmissionFactor,
    "options": Option,
}


class Locator:
    """Says where a key path is in a document; this base knows only key paths (JSON)."""

    def __init__(self, source: str, data: Any = None):
        self.source = source
        self.data = data

    def key_path(self, location: Location) -> str:
        """``flows[3] (fresh-water).sd`` for ``("flows", 3, "sd")``."""
        text = ""
        node = self.data
        for part in location:
            if isinstance(part, int):
                text += f"[{part}]"
                node = node[part] if isinstance(node, list) and part < len(node) else None
                if isinstance(node, dict) and isinstance(node.get("id"), str | int):
                    text += f" ({node['id']})"
            else:
                text += f".{part}" if text else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return text or "the document"

    def describe(self, location: Location) -> str:
        """The place of ``location``, readable by a person."""
        return f"{self.source}, {self.key_path(location)}"

    def order(self, location: Location) -> tuple:
        """A sort key that puts problems in the order of the file (here: as found)."""
        return ()


class LineLocator(Locator):
    """Key paths with the line where each key stands (YAML)."""

    def __init__(self, source: str, data: Any, lines: dict[Location, int]):
        super().__init__(source, data)
        self.lines = lines

    def line(self, location: Location) -> int | None:
        """The line of ``location``, or of the nearest key that holds it."""
        for length in range(len(location), -1, -1):
            line = self.lines.get(tuple(location[:length]))
            if line is not None:
                return line
        return None

    def describe(self, location: Location) -> str:
        line = self.line(location)
        if line is None:
            return super().describe(location)
        return f"{self.source}, line {line}, {self.key_path(location)}"

    def order(self, location: Location) -> tuple:
        return (self.line(location) or 0,)


def validate_document(data: Any, locator: Locator, problems: Sequence[Problem] = ()) -> Assessment:
    """Validate ``data`` as an assessment, or raise one :class:`DocumentError` with every problem.

    ``problems`` are those the reader found already (a duplicate key, a missing sheet); they are
    reported with the others.
    """
    located: list[tuple[Location, str]] = []
    try:
        assessment = Assessment.model_validate(data)
    except ValidationError as error:
        errors = error.errors(include_url=False)
        located += [(tuple(entry["loc"]), _message(entry)) for entry in errors]
        if any(entry["type"] != "link" for entry in errors):
            located += _links_of_valid_entries(data, errors)
    else:
        if not problems:
            return assessment
    located.sort(key=lambda pair: locator.order(pair[0]))  # in the order of the file
    found = [*problems, *(Problem(locator.describe(where), what) for where, what in located)]
    raise DocumentError(locator.source, _unique(found))


def _links_of_valid_entries(data: Any, errors: list[dict]) -> list[tuple[Location, str]]:
    """Check the links of a document whose entries did not all pass their own checks.

    An entry that passed is checked in full. One that failed stands in with the fields that
    name other entries (id, from, to, kind, layer, flow), so that a duplicate id or a flow into
    an unknown process is reported in the same run as the entry's own problems.
    """
    if not isinstance(data, dict):
        return []
    failed_keys: dict[tuple, set] = {}
    for entry in errors:
        location = tuple(entry["loc"])
        failed_keys.setdefault(location[:2], set()).add(location[2] if len(location) > 2 else "")
    failed_top = {location[0] for location in failed_keys if location}
    ignore_ids: set[str] = set()
    parts: dict[str, Any] = {}
    for section, model in _SECTIONS.items():
        entries = data.get(section)
        if entries is None:
            continue
        if not isinstance(entries, list):
            return []
        kept = []
        for index, entry in enumerate(entries):
            if (section, index) not in failed_keys:
                kept.append(model.model_validate(entry))
            elif isinstance(entry, dict):
                stand_in, bad_id = _stand_in(model, entry, failed_keys[(section, index)])
                kept.append(stand_in)
                if bad_id is not None:
                    ignore_ids.add(bad_id)
        parts[section] = kept
    enterprise = None
    if not failed_top & {"enterprise", "exchange_rates"}:
        enterprise = Enterprise.model_validate(data.get("enterprise"))
    partial = Assessment.model_construct(
        enterprise=enterprise,
        exchange_rates=(data.get("exchange_rates") or {}) if enterprise is not None else {},
        **parts,
    )
    return find_link_problems(partial, ignore_ids)


_REFERENCE_FIELDS = {
    "id", "from_process", "to_process", "kind", "layer", "flow", "carrier", "fuel",
}  # fmt: skip
_REFERENCE_LISTS = {"flows", "per"}


def _stand_in(model: type[BaseModel], entry: dict, failed: set) -> tuple[BaseModel, str | None]:
    """An unvalidated entry holding only its reference fields that passed (text values)."""
    fields = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        value = entry.get(key)
        if name in _REFERENCE_FIELDS and key not in failed and isinstance(value, str):
            fields[name] = value.strip() or None
        elif name in _REFERENCE_LISTS:
            passed = key not in failed and isinstance(value, list)
            fields[name] = [item for item in value if isinstance(item, str)] if passed else []
    bad_id = entry.get("id") if "id" in failed else None
    return model.model_construct(**fields), None if bad_id is None else str(bad_id)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    return [problem for problem in problems if not (problem in seen or seen.add(problem))]


# --------------------------------------------------------------------------------------------
# Pydantic's errors in a consultant's words


def _allowed_keys(location: Location) -> list[str]:
    """The keys of the part of the document that holds ``location`` (its parent mapping)."""
    model: Any = Assessment
    skip_key = False
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        if skip_key:  # a key of a mapping such as stock_change: {mass: ...}
            skip_key = False
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()}
        if part not in fields:
            return []
        model, skip_key = _inner_model(fields[part].annotation)
        if model is None:
            return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _inner_model(annotation: Any) -> tuple[Any, bool]:
    """The model class inside an annotation, and whether it sits in a dict (keyed by name)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    arguments = get_args(annotation)
    in_dict = get_origin(annotation) is dict
    for argument in arguments[1:] if in_dict else arguments:
        model, nested = _inner_model(argument)
        if model is not None:
            return model, in_dict or nested
    return None, False


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    if isinstance(value, int | float):
        return f"the number {format_number(float(value))}"
    if isinstance(value, dict):
        return "a mapping of keys"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


_MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": lambda e: f"'{e['loc'][-1]}' is required but missing",
    "string_type": lambda e: f"expected text, found {_found(e['input'])}",
    "string_too_short": lambda e: "must not be empty",
    "int_parsing": lambda e: f"expected a whole number, found {_found(e['input'])}",
    "int_type": lambda e: f"expected a whole number, found {_found(e['input'])}",
    "int_from_float": lambda e: f"expected a whole number, found {_found(e['input'])}",
    "float_parsing": lambda e: f"expected a number, found {_found(e['input'])}",
    "float_type": lambda e: f"expected a number, found {_found(e['input'])}",
    "finite_number": lambda e: f"expected a finite number, found {_found(e['input'])}",
    "bool_parsing": lambda e: f"expected true or false, found {_found(e['input'])}",
    "bool_type": lambda e: f"expected true or false, found {_found(e['input'])}",
    "date_parsing": lambda e: f"expected a date like 2007-12-31, found {_found(e['input'])}",
    "date_from_datetime_parsing": lambda e: (
        f"expected a date like 2007-12-31, found {_found(e['input'])}"
    ),
    "date_type": lambda e: f"expected a date like 2007-12-31, found {_found(e['input'])}",
    "date_from_datetime_inexact": lambda e: (
        f"expected a date without a time of day, found {_found(e['input'])}"
    ),
    "list_type": lambda e: f"expected a list, found {_found(e['input'])}",
    "tuple_type": lambda e: f"expected a list, found {_found(e['input'])}",
    "dict_type": lambda e: f"expected keys and values (key: value), found {_found(e['input'])}",
    "model_type": lambda e: f"expected keys and values (key: value), found {_found(e['input'])}",
    "model_attributes_type": lambda e: (
        f"expected keys and values (key: value), found {_found(e['input'])}"
    ),
    "greater_than": lambda e: (
        f"must be more than {format_number(float(e['ctx']['gt']))}, found {_found(e['input'])}"
    ),
    "greater_than_equal": lambda e: (
        f"must be at least {e['ctx']['ge']}, found {_found(e['input'])}"
    ),
    "literal_error": lambda e: (
        f"expected one of {e['ctx']['expected']}; found {_found(e['input'])}"
    ),
}


def _message(entry: dict) -> str:
    location: Location = tuple(entry["loc"])
    kind = entry["type"]
    if kind == "extra_forbidden":
        key = str(location[-1])
        message = f"unknown key '{key}'"
        allowed = _allowed_keys(location)
        close = get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            message += f" — did you mean '{close[0]}'?"
        elif allowed:
            message += f"; the keys here are: {', '.join(allowed)}"
        else:
            message += "; see docs/format.md for the keys of each part"
    elif kind in _MESSAGES:
        message = _MESSAGES[kind](entry)
    else:
        message = entry["msg"]
    return message
