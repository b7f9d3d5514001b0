"""What changed between two versions of an assessment document.

:func:`compare_documents` takes two documents as plain data (the JSON form the platform
keeps) and lists the changes section by section: the document's own fields (title, notes ...)
and the parts that are mappings (enterprise, period, finance, exchange rates) field by field;
the lists of entries (processes, flows, options, measurements ...) matched by their id, each
entry added, removed or changed with every field before and after. Pure: no database, no
Django, no calculation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: Top-level keys that are single values, compared as the section ``document``.
DOCUMENT_FIELDS = ("format", "title", "language", "notes", "default_quality")
#: Top-level keys that are mappings, compared field by field.
MAPPING_SECTIONS = ("enterprise", "period", "exchange_rates", "finance")
#: Top-level keys that are lists of entries, with the key that identifies an entry.
LIST_SECTIONS = {
    "layers": "id",
    "products": "id",
    "processes": "id",
    "flows": "id",
    "measurements": "id",
    "ratios": "id",
    "emission_factors": "fuel",
    "options": "id",
}

Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    """One field, before and after (``None``: not given); ``field`` is a path such as
    ``costs.system`` or ``effects[0].change``."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class EntryChange:
    """An entry of a list (a process, a flow ...) added, removed or changed."""

    key: str
    name: str | None
    change: Change
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class SectionChanges:
    """The changes of one section of the document."""

    section: str
    fields: tuple[FieldChange, ...] = ()
    entries: tuple[EntryChange, ...] = ()

    def count(self, change: Change) -> int:
        """How many entries were added, removed or changed."""
        return sum(1 for entry in self.entries if entry.change == change)


def compare_documents(before: dict[str, Any], after: dict[str, Any]) -> list[SectionChanges]:
    """Every change from ``before`` to ``after``, by section, in the order of the format;
    sections without a change are left out (an empty list: the two are the same)."""
    before, after = before or {}, after or {}
    sections: list[SectionChanges] = []
    others = sorted(
        (set(before) | set(after))
        - set(DOCUMENT_FIELDS)
        - set(MAPPING_SECTIONS)
        - set(LIST_SECTIONS)
    )
    fields = _field_changes(
        {key: before.get(key) for key in (*DOCUMENT_FIELDS, *others)},
        {key: after.get(key) for key in (*DOCUMENT_FIELDS, *others)},
    )
    if fields:
        sections.append(SectionChanges("document", fields=fields))
    for section in MAPPING_SECTIONS:
        fields = _field_changes(before.get(section) or {}, after.get(section) or {})
        if fields:
            sections.append(SectionChanges(section, fields=fields))
    for section, key in LIST_SECTIONS.items():
        entries = _entry_changes(before.get(section) or [], after.get(section) or [], key)
        if entries:
            sections.append(SectionChanges(section, entries=entries))
    return sections


def _entry_changes(before: list[Any], after: list[Any], key: str) -> tuple[EntryChange, ...]:
    """The entries of a list matched by ``key``: changed and added ones in the order of
    ``after``, then the removed ones in the order of ``before``."""
    old = _by_key(before, key)
    new = _by_key(after, key)
    changes = []
    for identity, entry in new.items():
        if identity not in old:
            changes.append(EntryChange(identity, _name(entry), "added", _field_changes({}, entry)))
            continue
        fields = _field_changes(old[identity], entry)
        if fields:
            changes.append(EntryChange(identity, _name(entry), "changed", fields))
    for identity, entry in old.items():
        if identity not in new:
            changes.append(
                EntryChange(identity, _name(entry), "removed", _field_changes(entry, {}))
            )
    return tuple(changes)


def _by_key(entries: list[Any], key: str) -> dict[str, Any]:
    """The entries by their identity (the first of two with the same; ``#3`` for the fourth
    entry when it has none)."""
    keyed: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        identity = entry.get(key) if isinstance(entry, dict) else None
        identity = f"#{index}" if identity in (None, "") else str(identity)
        keyed.setdefault(identity, entry if isinstance(entry, dict) else {"value": entry})
    return keyed


def _name(entry: dict[str, Any]) -> str | None:
    name = entry.get("name") or entry.get("title")
    return str(name) if name else None


def _field_changes(before: Any, after: Any) -> tuple[FieldChange, ...]:
    """The leaves of two values that differ, by path, in the order of ``after`` then of
    ``before``."""
    old = flatten(before)
    new = flatten(after)
    paths = list(dict.fromkeys([*new, *old]))
    return tuple(
        FieldChange(path, old.get(path), new.get(path))
        for path in paths
        if old.get(path) != new.get(path)
    )


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A value's leaves by path: mappings by key (``costs.system``), lists of mappings by
    position (``effects[0].change``); a list of plain values is one leaf (a list of ids)."""
    if isinstance(value, dict):
        leaves: dict[str, Any] = {}
        for key, item in value.items():
            leaves.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return leaves
    if isinstance(value, list | tuple) and any(isinstance(item, dict | list) for item in value):
        leaves = {}
        for index, item in enumerate(value):
            leaves.update(flatten(item, f"{prefix}[{index}]"))
        return leaves
    if isinstance(value, list | tuple):
        return {prefix: list(value)} if value else {}
    return {} if value is None else {prefix: value}


def as_text(value: Any) -> str:
    """A leaf as it is shown: ids of a list separated by commas, truth values as yes/no
    words of the format (true/false), nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(as_text(item) for item in value)
    return str(value)
