"""`cleanprod balance`: the readable tables, the promised JSON shape, the exit statuses."""

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


@pytest.mark.parametrize("name", EXAMPLES)
def test_balance_json_shape_on_every_example(run_cli, examples_dir, name):
    result = run_cli("balance", examples_dir / f"{name}.yaml", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["layers"]
    for layer in data["layers"].values():
        assert {"unit", "chi2", "dof", "critical", "p_value", "consistent", "flows"} <= set(layer)
        assert {"processes", "suspects"} <= set(layer)
        for flow in layer["flows"].values():
            assert {"measured", "measured_sd", "value", "sd", "status", "test"} <= set(flow)
            assert flow["status"] in {"redundant", "non-redundant", "observable", "unobservable"}
            if flow["measured"] is None:
                assert flow["status"] in {"observable", "unobservable"}
            if flow["status"] == "unobservable":
                assert flow["value"] is None
            else:
                assert flow["value"] >= 0
        for process in layer["processes"].values():
            assert {"imbalance", "imbalance_sd", "test"} <= set(process)
        tests = [suspect["test"] for suspect in layer["suspects"]]
        assert tests == sorted(tests, reverse=True) or len({round(t, 6) for t in tests}) == 1


def test_balance_inconsistent_data_exit_zero_and_are_explained(run_cli, examples_dir):
    # The soft-drink plant's water data do not close (its notes say which figure is wrong).
    result = run_cli("balance", examples_dir / "lao-soft-drink.yaml", "--layer", "water")
    assert result.exit_code == 0, result.output
    assert "NOT consistent" in result.stdout
    assert "suspects" in result.stdout
    data = json.loads(
        run_cli(
            "balance", examples_dir / "lao-soft-drink.yaml", "--layer", "water", "--json"
        ).stdout
    )
    assert list(data["layers"]) == ["water"]
    water = data["layers"]["water"]
    assert water["consistent"] is False
    assert water["chi2"] > water["critical"]
    assert water["dof"] == 1
    assert water["suspects"] and all(suspect["explanation"] for suspect in water["suspects"])


def test_balance_values_in_the_reporting_unit(run_cli, examples_dir):
    # The steel mill's mass flows are given in tonnes: the layer is reported in t.
    data = json.loads(run_cli("balance", examples_dir / "lao-steel-rolling.yaml", "--json").stdout)
    assert data["layers"]["mass"]["unit"] == "t"


def test_balance_unknown_layer_is_bad_input(run_cli, examples_dir):
    result = run_cli("balance", examples_dir / "lao-soft-drink.yaml", "--layer", "steam")
    assert result.exit_code == 2
    assert "no layer 'steam'" in result.stderr
    assert "water" in result.stderr


def test_balance_bad_file_exit_two(run_cli, write_document_file):
    path = write_document_file("format: cleanprod/1\nenterprise: {}\n")
    result = run_cli("balance", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_balance_suggest_meters(run_cli, examples_dir):
    result = run_cli(
        "balance", examples_dir / "lao-soft-drink.yaml", "--suggest-meters", "3", "--json"
    )
    assert result.exit_code == 0, result.output
    meters = json.loads(result.stdout)["meters"]
    assert 1 <= len(meters) <= 3
    assert all(meter["reason"] for meter in meters)
    text = run_cli("balance", examples_dir / "lao-soft-drink.yaml", "--suggest-meters", "2")
    assert "Meters to add" in text.stdout


def test_balance_meter_accuracy_must_be_a_percentage(run_cli, examples_dir):
    result = run_cli(
        "balance", examples_dir / "lao-soft-drink.yaml", "--suggest-meters", "1",
        "--meter-accuracy", "two",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "percentage" in result.output


def test_balance_soft_data_of_the_silk_workshop(run_cli, examples_dir):
    # One electricity bill for four machines, pump hours for four water uses, recipes, and
    # COD samples: the rinsing water's decimal slip (1300 m3 for 130) is found and explained,
    # in the water, mass and COD balances reconciled together.
    data = json.loads(run_cli("balance", examples_dir / "vn-silk-dyeing.yaml", "--json").stdout)
    water = data["layers"]["water"]
    assert water["reconciled_with"] == ["mass", "cod"]
    assert water["consistent"] is False
    first = water["suspects"][0]
    assert first["flow"] == "well-water-rinsing"
    assert first["cause"] == "unit-slip"
    assert "a slip of one decimal place" in first["explanation"]
    # The bill is split: lighting and fans get what the machines leave of 14400 kWh.
    energy = data["layers"]["energy"]
    machines = sum(energy["flows"][name]["value"] for name in ("pump-power", "loom-power"))
    machines += energy["flows"]["extractor-power"]["value"]
    assert energy["flows"]["services-power"]["value"] == pytest.approx(14400 - machines)
    assert energy["measurements"]["evn-bills"]["status"] == "non-redundant"
    # COD is estimated where it is released, from the concentrations of the effluents.
    cod = data["layers"]["cod"]
    assert cod["flows"]["cod-degumming"]["status"] == "observable"
    assert cod["concentrations"]["dye-liquor"]["status"] == "observable"
    # Nobody weighs the dyed yarn: what the dye bath and the rinse each lose is unknown.
    mass = data["layers"]["mass"]
    assert mass["flows"]["dyed-yarn"]["status"] == "unobservable"
    assert mass["flows"]["dyed-yarn"]["value"] is None
