"""`cleanprod costs`: the promised JSON shape, the readable table, bad input."""

from __future__ import annotations

import json

import pytest

EXAMPLES = [
    "lao-steel-rolling",
    "lao-soft-drink",
    "lao-furniture",
    "lao-agro-processing",
    "vn-rattan-furniture",
    "vn-silk-dyeing",
]
COST_KEYS = {"material", "energy", "system", "waste_management", "total"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_costs_json_shape_on_every_example(run_cli, examples_dir, name):
    result = run_cli("costs", examples_dir / f"{name}.yaml", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"currency", "processes", "losses", "totals"}
    for figures in data["processes"].values():
        assert set(figures["product"]) >= COST_KEYS and set(figures["loss"]) >= COST_KEYS
    for loss in data["losses"].values():
        assert set(loss) >= {"quantity", "unit", "cost", "sd", "share"}
    totals = data["totals"]
    assert set(totals) >= {"inputs", "product", "loss"}
    out = totals["product"] + totals["loss"] + totals["stock"] + totals["unallocated"]
    assert out == pytest.approx(totals["inputs"], rel=1e-9)
    costs = [loss["cost"] for loss in data["losses"].values()]
    assert costs == sorted(costs, reverse=True)


def test_costs_table_ranks_the_losses(run_cli, examples_dir):
    result = run_cli("costs", examples_dir / "lao-furniture.yaml")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Quantity centres" in text and "Losses, by their full cost" in text
    assert "all amounts in LAK" in text
    losses = text.split("Losses, by their full cost")[1].splitlines()
    assert losses[2].split()[0] == "voc"  # the lacquer solvent evaporated costs most


def test_costs_bad_file_exit_2(run_cli, write_document_file):
    path = write_document_file({"format": "cleanprod/1"}, "broken.yaml")
    result = run_cli("costs", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "'enterprise' is required" in result.stderr
