"""`cleanprod indicators`: the readable table and the JSON shape on the examples."""

from __future__ import annotations

import json

import pytest

EXAMPLES = ["lao-steel-rolling", "lao-soft-drink", "lao-agro-processing", "vn-silk-dyeing"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_indicators_json_on_examples(run_cli, examples_dir, name):
    result = run_cli("indicators", examples_dir / f"{name}.yaml", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"products", "site", "notes"}
    for product in data["products"].values():
        for indicator in product["indicators"]:
            assert set(indicator) >= {"name", "value", "sd", "unit", "per", "benchmark"}


def test_indicators_table_compares_with_a_benchmark(run_cli, examples_dir):
    result = run_cli("indicators", examples_dir / "lao-soft-drink.yaml")
    assert result.exit_code == 0, result.output
    assert "Specific water consumption" in result.stdout
    assert "above the range" in result.stdout
    assert "Beverage Industry Environmental Roundtable" in result.stdout
