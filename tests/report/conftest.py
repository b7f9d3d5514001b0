"""Fixtures of the report's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from report_helpers import MULTILINGUAL


@pytest.fixture(scope="session")
def multilingual_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The multilingual document (:data:`report_helpers.MULTILINGUAL`) written as YAML."""
    path = tmp_path_factory.mktemp("multilingual") / "multilingual.yaml"
    path.write_text(yaml.safe_dump(MULTILINGUAL, allow_unicode=True, sort_keys=False), "utf-8")
    return path
