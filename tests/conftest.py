"""Fixtures shared by the whole suite: the examples folder, the command line, document files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from cleanprod.cli import cleanprod

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture
def examples_dir() -> Path:
    """The ``examples/`` folder of the repository: assessment files a user can open and run."""
    return REPOSITORY / "examples"


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Run ``cleanprod`` with the given arguments (paths are turned into text).

    The result has ``exit_code``, ``stdout``, ``stderr`` and ``output`` (both, interleaved).
    Exceptions are caught by click's runner and left in ``result.exception``.
    """
    runner = CliRunner()

    def run(*arguments: Any) -> Result:
        return runner.invoke(cleanprod, [str(argument) for argument in arguments])

    return run


@pytest.fixture
def write_document_file(tmp_path: Path) -> Callable[[Any, str], Path]:
    """Write document data (or raw text) to ``tmp_path / name``, as YAML or JSON by its suffix.

    A ``str`` is written as it is; anything else is dumped as JSON for ``.json`` files and as
    YAML otherwise. Returns the path written.
    """

    def write(data: Any, name: str = "baseline.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            text = data
        elif path.suffix == ".json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
        else:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
