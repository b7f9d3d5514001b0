"""The assessment document as YAML or JSON text."""

from __future__ import annotations

import json
from typing import Any

import yaml

from cleanprod.errors import Problem
from cleanprod.io.problems import LineLocator, Location, Locator


class _DuplicateKeys(dict):
    """A JSON object that remembers keys given twice."""


def parse_yaml(text: str, source: str) -> tuple[Any, Locator, list[Problem]]:
    """Read YAML text: the data, where each key path is, and the problems found while reading.

    PyYAML keeps the last of two equal keys silently; here a duplicate key is a problem.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}, line {mark.line + 1}" if mark is not None else source
        what = getattr(error, "problem", None) or str(error)
        return None, Locator(source), [Problem(where, f"this is not valid YAML: {what}")]
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), lines, problems, source)
    return data, LineLocator(source, data, lines), problems


def _walk(node: yaml.Node, path: Location, lines: dict, problems: list, source: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                key_path = "".join(
                    f"[{part}]" if isinstance(part, int) else f".{part}" for part in (*path, key)
                ).lstrip(".")
                problems.append(
                    Problem(
                        f"{source}, line {key_node.start_mark.line + 1}, {key_path}",
                        f"the key '{key}' is given twice in the same place; keep one",
                    )
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, problems, source)


def parse_json(text: str, source: str) -> tuple[Any, Locator, list[Problem]]:
    """Read JSON text: the data, a key-path locator, and the problems found while reading."""
    problems: list[Problem] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        result: dict = {}
        for key, value in items:
            if key in result:
                problems.append(Problem(source, f"the key '{key}' is given twice in one object"))
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        where = f"{source}, line {error.lineno}, column {error.colno}"
        return None, Locator(source), [Problem(where, f"this is not valid JSON: {error.msg}")]
    return data, Locator(source, data), problems


def dump_yaml(data: dict) -> str:
    """YAML text of a document's data, keys in the order of the format."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def dump_json(data: dict) -> str:
    """JSON text of a document's data (dates as ISO 8601 text)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
