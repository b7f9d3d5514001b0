"""The table of malformed documents: each is reported by `cleanprod validate` where and why.

Every case is a small variation of one valid document (:data:`BASE`): a copy is changed, written
as YAML or JSON, and validated from the command line. The command must exit with status 2 and
print, on one line, the key path of the problem and a phrase of the message that tells the user
what to change. The last tests check that a file with several problems reports them all in one
run — the issue asked for "every problem of a file at once, not one per run".
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

#: A valid document using most of the format: two layers with prices, a second currency, every
#: way of giving uncertainty, an unknown internal flow, a product and an option.
BASE: dict[str, Any] = {
    "format": "cleanprod/1",
    "title": "CPA baseline 2007, Lao Soft Drink Company",
    "default_quality": "measured",
    "enterprise": {
        "name": "Lao Soft Drink Company",
        "country": "LA",
        "sector": "beverages",
        "isic": "1104",
        "currency": "LAK",
        "employees": 120,
    },
    "period": {"start": "2007-01-01", "end": "2007-12-31"},
    "exchange_rates": {"USD": 8500},
    "products": [
        {
            "id": "soft-drink",
            "name": "Bottled soft drinks",
            "quantity": "52000 hl",
            "flow": "filled-bottles",
        }
    ],
    "processes": [
        {
            "id": "washing",
            "name": "Bottle washing",
            "costs": {"energy": "12000000 LAK", "system": "30000000 LAK"},
        },
        {"id": "filling", "name": "Filling", "stock": True, "stock_change": "0 kg"},
    ],
    "flows": [
        {
            "id": "fresh-water",
            "name": "Fresh water to bottle washing",
            "to": "washing",
            "layer": "water",
            "kind": "input",
            "value": "28.06 m3",
            "sd": "0.275 m3",
            "price": "5000 LAK/m3",
        },
        {
            "id": "wastewater",
            "name": "Wastewater to the drain",
            "from": "washing",
            "layer": "water",
            "kind": "emission",
            "value": "25 m3",
            "sd": "1 m3",
            "costs": {"waste_management": "2000000 LAK"},
        },
        {
            "id": "bottles",
            "name": "Returned bottles",
            "to": "washing",
            "kind": "input",
            "value": "2 t",
            "uncertainty": "5%",
        },
        {
            "id": "clean-bottles",
            "name": "Clean bottles to filling",
            "from": "washing",
            "to": "filling",
            "kind": "internal",
        },
        {
            "id": "filled-bottles",
            "name": "Filled bottles",
            "from": "filling",
            "kind": "product",
            "value": "1900 kg",
            "range": ["1800 kg", "2000 kg"],
        },
        {
            "id": "electricity",
            "name": "Electricity for the washer",
            "to": "washing",
            "layer": "energy",
            "kind": "input",
            "value": "1200 kWh",
            "quality": "calculated",
            "price": "0.12 USD/kWh",
        },
    ],
    "options": [
        {
            "id": "fix-leaks",
            "title": "Repair leaking valves in the washing hall",
            "practice": "good housekeeping",
            "processes": ["washing"],
            "flows": ["wastewater"],
        }
    ],
}

Mutation = Callable[[dict[str, Any]], Any]


def setting(path: tuple[str | int, ...], value: Any) -> Mutation:
    """A change that sets the key at ``path`` (keys and list positions) to ``value``."""

    def mutate(document: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path
        node: Any = document
        for part in parents:
            node = node[part]
        node[last] = value
        return document

    return mutate


def removing(path: tuple[str | int, ...]) -> Mutation:
    """A change that removes the key at ``path``."""

    def mutate(document: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path
        node: Any = document
        for part in parents:
            node = node[part]
        del node[last]
        return document

    return mutate


def changes(*mutations: Mutation) -> Mutation:
    """Several changes, applied in order."""

    def mutate(document: dict[str, Any]) -> dict[str, Any]:
        for mutation in mutations:
            document = mutation(document)
        return document

    return mutate


def renaming(path: tuple[str | int, ...], new_key: str) -> Mutation:
    """A change that renames the key at ``path`` to ``new_key``, keeping its value."""

    def mutate(document: dict[str, Any]) -> dict[str, Any]:
        *parents, last = path
        node: Any = document
        for part in parents:
            node = node[part]
        node[new_key] = node.pop(last)
        return document

    return mutate


def replacing_text(old: str, new: str) -> Mutation:
    """A change of the YAML text itself (for what a dictionary cannot hold)."""

    def mutate(document: dict[str, Any]) -> str:
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
        assert old in text, f"{old!r} is not in the base document's YAML"
        return text.replace(old, new, 1)

    return mutate


def whole_document(value: Any) -> Mutation:
    """A change that replaces the whole document (a list, raw text)."""
    return lambda document: value


CASES = [
    # ---- units and dimensions ---------------------------------------------------------------
    pytest.param(
        "yaml",
        changes(setting(("flows", 1, "value"), "25 kg"), removing(("flows", 1, "sd"))),
        "flows[1] (wastewater).value",
        "the water layer is in m3 (volume), but wastewater's value is 25 kg (mass)",
        id="kg-in-the-water-layer",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 1, "sd"), "1 kg"),
        "flows[1] (wastewater).sd",
        "sd must have the dimension of the value: kg (mass) cannot be converted to m3 (volume)",
        id="sd-in-another-dimension",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "value"), "3 foo"),
        "flows[0] (fresh-water).value",
        "'foo' is not a unit cleanprod knows",
        id="unknown-unit",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "value"), 28.06),
        "flows[0] (fresh-water).value",
        "found the number 28.06 without a unit",
        id="quantity-without-unit-yaml-number",
    ),
    pytest.param(
        "json",
        setting(("flows", 0, "value"), 28.06),
        "flows[0] (fresh-water).value",
        "found the number 28.06 without a unit",
        id="quantity-without-unit-json-number",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "value"), "abc"),
        "flows[0] (fresh-water).value",
        "expected a number and a unit, like '28.06 m3', found 'abc'",
        id="text-in-a-number",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 2, "price"), "100 LAK/m3"),
        "flows[2] (bottles).price",
        "the price is per m3 (volume), but the flow's mass layer is in kg (mass)",
        id="price-per-m3-on-a-mass-flow",
    ),
    pytest.param(
        "yaml",
        setting(("processes", 1, "stock_change"), "0 m3"),
        "processes[1] (filling).stock_change.mass.value",
        "the mass layer is in kg (mass), but the stock change's value is 0 m3 (volume)",
        id="stock-change-in-another-dimension",
    ),
    # ---- numbers, money and prices ----------------------------------------------------------
    pytest.param(
        "yaml",
        setting(("processes", 0, "costs", "energy"), "12,000,000 LAK"),
        "processes[0] (washing).costs.energy",
        "Write numbers without thousands separators",
        id="thousands-separators-in-money",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "price"), "5,000 LAK/m3"),
        "flows[0] (fresh-water).price",
        "Write numbers without thousands separators",
        id="thousands-separators-in-a-price",
    ),
    pytest.param(
        "yaml",
        setting(("processes", 0, "costs", "system"), "-5 LAK"),
        "processes[0] (washing).costs.system",
        "a cost cannot be negative, found '-5 LAK'",
        id="negative-cost",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "price"), "-5000 LAK/m3"),
        "flows[0] (fresh-water).price",
        "a price cannot be negative",
        id="negative-price",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "price"), 5000),
        "flows[0] (fresh-water).price",
        "found the number 5000 without a currency",
        id="price-without-currency",
    ),
    pytest.param(
        "yaml",
        setting(("exchange_rates", "USD"), -8500),
        "exchange_rates.USD",
        "must be more than 0, found the number -8500",
        id="negative-exchange-rate",
    ),
    pytest.param(
        "yaml",
        removing(("exchange_rates",)),
        "flows[5] (electricity).price",
        "the amount is in USD but the enterprise's currency is LAK; add the rate under "
        "exchange_rates",
        id="amount-in-usd-without-exchange-rate",
    ),
    pytest.param(
        "yaml",
        setting(("enterprise", "currency"), "LAX"),
        "enterprise.currency",
        "'LAX' is not an ISO 4217 currency code",
        id="unknown-currency",
    ),
    pytest.param(
        "yaml",
        setting(("processes", 0, "costs", "energy"), "12000000 KIP"),
        "processes[0] (washing).costs.energy",
        "'KIP' is not an ISO 4217 currency code",
        id="unknown-currency-in-an-amount",
    ),
    pytest.param(
        "yaml",
        setting(("enterprise", "employees"), -3),
        "enterprise.employees",
        "must be at least 0",
        id="negative-employees",
    ),
    # ---- uncertainty ------------------------------------------------------------------------
    pytest.param(
        "yaml",
        setting(("flows", 1, "sd"), "-1 m3"),
        "flows[1] (wastewater).sd",
        "a standard deviation cannot be negative, found '-1 m3'",
        id="negative-sd",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 4, "range"), ["2000 kg", "1800 kg"]),
        "flows[4] (filled-bottles).range",
        "the range's minimum (2000 kg) exceeds its maximum (1800 kg)",
        id="range-min-above-max",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 4, "value"), "2100 kg"),
        "flows[4] (filled-bottles).range",
        "the value 2100 kg lies outside its range [1800 kg, 2000 kg]",
        id="value-outside-its-range",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 4, "range"), ["1800 kg"]),
        "flows[4] (filled-bottles).range",
        "expected a range as two quantities [min, max]",
        id="range-with-one-bound",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "uncertainty"), "5%"),
        "flows[0] (fresh-water).uncertainty",
        "give only one of sd, uncertainty, range and quality; found sd and uncertainty",
        id="two-uncertainty-statements",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 3, "sd"), "100 kg"),
        "flows[3] (clean-bottles).sd",
        "'sd' is given but 'value' is not; give both",
        id="sd-without-value",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 2, "uncertainty"), 0.05),
        "flows[2] (bottles).uncertainty",
        "write a relative uncertainty with a % sign, like '5%'; found the number 0.05",
        id="relative-uncertainty-without-percent",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 5, "quality"), "guessed"),
        "flows[5] (electricity).quality",
        "expected one of 'measured', 'calculated' or 'estimated'",
        id="unknown-quality-class",
    ),
    pytest.param(
        "yaml",
        setting(("default_quality",), "good"),
        "default_quality",
        "expected one of 'measured', 'calculated' or 'estimated'",
        id="unknown-default-quality",
    ),
    # ---- keys -------------------------------------------------------------------------------
    pytest.param(
        "yaml",
        renaming(("flows", 1, "value"), "vaue"),
        "flows[1] (wastewater).vaue",
        "unknown key 'vaue' — did you mean 'value'?",
        id="unknown-key-typo",
    ),
    pytest.param(
        "json",
        renaming(("enterprise", "sector"), "sectr"),
        "enterprise.sectr",
        "unknown key 'sectr' — did you mean 'sector'?",
        id="unknown-key-typo-json",
    ),
    pytest.param(
        "yaml",
        removing(("flows", 1, "kind")),
        "flows[1] (wastewater).kind",
        "'kind' is required but missing",
        id="flow-without-kind",
    ),
    pytest.param(
        "yaml",
        removing(("enterprise", "name")),
        "enterprise.name",
        "'name' is required but missing",
        id="enterprise-without-name",
    ),
    # ---- kinds, layers and the boundary -----------------------------------------------------
    pytest.param(
        "yaml",
        setting(("flows", 0, "from"), "filling"),
        "flows[0] (fresh-water).kind",
        "an input comes from outside the boundary: leave 'from' empty",
        id="input-with-a-from",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 4, "to"), "washing"),
        "flows[4] (filled-bottles).kind",
        "a product leaves a process for outside the boundary",
        id="product-with-a-to",
    ),
    pytest.param(
        "yaml",
        removing(("flows", 3, "from")),
        "flows[3] (clean-bottles).kind",
        "an internal flow goes from a process to a process: give both 'from' and 'to'",
        id="internal-flow-without-from",
    ),
    pytest.param(
        "yaml",
        removing(("flows", 1, "from")),
        "flows[1] (wastewater)",
        "the flow has neither 'from' nor 'to'",
        id="flow-with-neither-from-nor-to",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 1, "kind"), "waste"),
        "flows[1] (wastewater).kind",
        "found 'waste'",
        id="unknown-kind",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 1, "layer"), "steam"),
        "flows[1] (wastewater).layer",
        "no layer has the id 'steam'",
        id="unknown-layer",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 3, "to"), "washing"),
        "flows[3] (clean-bottles).to",
        "the flow goes from 'washing' back to itself",
        id="flow-from-a-process-to-itself",
    ),
    # ---- ids and links ----------------------------------------------------------------------
    pytest.param(
        "yaml",
        setting(("flows", 0, "to"), "wshing"),
        "flows[0] (fresh-water).to",
        "no process has the id 'wshing' — did you mean 'washing'?",
        id="unknown-process-in-to",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 1, "from"), "boiler"),
        "flows[1] (wastewater).from",
        "no process has the id 'boiler'",
        id="unknown-process-in-from",
    ),
    pytest.param(
        "yaml",
        setting(("processes", 1, "id"), "washing"),
        "processes[1] (washing).id",
        "duplicate id 'washing': processes[0] already has it",
        id="duplicate-process-id",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 1, "id"), "fresh-water"),
        "flows[1] (fresh-water).id",
        "duplicate id 'fresh-water': flows[0] already has it",
        id="duplicate-flow-id",
    ),
    pytest.param(
        "yaml",
        setting(("processes", 1, "id"), "bottle filling"),
        "processes[1] (bottle filling).id",
        "'bottle filling' is not a usable id",
        id="id-with-a-space",
    ),
    pytest.param(
        "yaml",
        setting(("products", 0, "flow"), "bottled-drinks"),
        "products[0] (soft-drink).flow",
        "no flow has the id 'bottled-drinks'",
        id="product-naming-an-unknown-flow",
    ),
    pytest.param(
        "yaml",
        setting(("options", 0, "processes"), ["rinsing"]),
        "options[0] (fix-leaks).processes[0]",
        "no process has the id 'rinsing'",
        id="option-naming-an-unknown-process",
    ),
    pytest.param(
        "yaml",
        setting(("options", 0, "practice"), "housekeeping"),
        "options[0] (fix-leaks).practice",
        "found 'housekeeping'",
        id="option-with-an-unknown-practice",
    ),
    # ---- enterprise and period --------------------------------------------------------------
    pytest.param(
        "yaml",
        setting(("enterprise", "country"), "Laos"),
        "enterprise.country",
        "'Laos' is not an ISO 3166-1 alpha-2 country code",
        id="unknown-country",
    ),
    pytest.param(
        "yaml",
        setting(("enterprise", "isic"), "11O4"),
        "enterprise.isic",
        "'11O4' is not an ISIC Rev. 4 code",
        id="bad-isic-code",
    ),
    pytest.param(
        "yaml",
        setting(("period", "end"), "2006-12-31"),
        "period.end",
        "the period ends (2006-12-31) before it starts (2007-01-01)",
        id="period-ends-before-it-starts",
    ),
    pytest.param(
        "yaml",
        setting(("period", "start"), "2007-13-01"),
        "period.start",
        "expected a date like 2007-12-31, found '2007-13-01'",
        id="bad-date",
    ),
    pytest.param(
        "yaml",
        setting(("format",), "cleanprod/2"),
        "format",
        "this is format 'cleanprod/2'; cleanprod reads 'cleanprod/1'",
        id="wrong-format-version",
    ),
    pytest.param(
        "yaml",
        removing(("format",)),
        "format",
        "'format' is required but missing",
        id="no-format",
    ),
    # ---- the file as a whole ----------------------------------------------------------------
    pytest.param(
        "yaml",
        whole_document(["format: cleanprod/1"]),
        "baseline.yaml",
        "expected a document of keys and values starting with 'format: cleanprod/1'",
        id="not-a-mapping-at-top-level",
    ),
    pytest.param(
        "yaml",
        replacing_text("name: Filling\n", "name: [Filling\n"),
        "line",
        "this is not valid YAML",
        id="invalid-yaml-syntax",
    ),
    pytest.param(
        "json",
        whole_document('{"format": "cleanprod/1",}'),
        "line 1, column",
        "this is not valid JSON",
        id="invalid-json-syntax",
    ),
    pytest.param(
        "yaml",
        replacing_text("  sector: beverages\n", "  sector: beverages\n  sector: soft drinks\n"),
        "baseline.yaml, line 8",
        "the key 'sector' is given twice in the same place; keep one",
        id="duplicate-yaml-key",
    ),
    pytest.param(
        "json",
        whole_document('{"format": "cleanprod/1", "format": "cleanprod/1"}'),
        "baseline.json",
        "the key 'format' is given twice in one object",
        id="duplicate-json-key",
    ),
    pytest.param(
        "yaml",
        whole_document(""),
        "baseline.yaml",
        "the file is empty",
        id="empty-file",
    ),
    pytest.param(
        "yaml",
        setting(("layers",), [{"id": "dye", "name": "Reactive dye", "unit": "foo"}]),
        "layers[0] (dye).unit",
        "'foo' is not a unit cleanprod knows",
        id="declared-layer-with-unknown-unit",
    ),
    pytest.param(
        "yaml",
        setting(("layers",), [{"id": "dye", "name": "Reactive dye"}]),
        "layers[0] (dye).unit",
        "'unit' is required but missing",
        id="declared-layer-without-unit",
    ),
    pytest.param(
        "yaml",
        renaming(("flows",), "flow"),
        "flow",
        "unknown key 'flow' — did you mean 'flows'?",
        id="unknown-top-level-key-typo",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 0, "value"), "28,06 m3"),
        "flows[0] (fresh-water).value",
        "decimal",
        id="decimal-comma",
    ),
    pytest.param(
        "yaml",
        setting(("flows", 1, "sd"), "5%"),
        "flows[1] (wastewater).sd",
        "uncertainty: 5%",
        id="relative-sd-given-as-sd",
    ),
    pytest.param(
        "yaml",
        changes(setting(("flows", 0, "value"), "-28.06 m3"), removing(("flows", 0, "sd"))),
        "flows[0] (fresh-water).value",
        "cannot be negative",
        id="negative-flow-value",
    ),
]


def write_case(write_document_file: Callable[..., Any], form: str, mutate: Mutation) -> Any:
    """Apply ``mutate`` to a copy of :data:`BASE` and write it as ``baseline.<form>``."""
    document = mutate(copy.deepcopy(BASE))
    return write_document_file(document, f"baseline.{form}")


def lines_with(output: str, *phrases: str) -> list[str]:
    """The lines of ``output`` that hold every one of ``phrases``."""
    return [line for line in output.splitlines() if all(phrase in line for phrase in phrases)]


@pytest.mark.parametrize("form", ["yaml", "json"])
def test_validate_base_document_is_valid(run_cli, write_document_file, form):
    path = write_case(write_document_file, form, lambda document: document)

    result = run_cli("validate", path)

    assert result.exit_code == 0, result.output
    assert "valid — Lao Soft Drink Company, 2 processes, 6 flows (1 unknown)" in result.stdout


@pytest.mark.parametrize(("form", "mutate", "where", "phrase"), CASES)
def test_validate_malformed_document(run_cli, write_document_file, form, mutate, where, phrase):
    path = write_case(write_document_file, form, mutate)

    result = run_cli("validate", path)

    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert lines_with(result.stderr, where, phrase), result.stderr


def test_validate_reports_every_problem_in_one_run(run_cli, write_document_file):
    mutate = changes(
        setting(("enterprise", "country"), "Laos"),
        setting(("period", "start"), "2007-13-01"),
        setting(("flows", 0, "to"), "wshing"),
        setting(("flows", 1, "sd"), "-1 m3"),
        renaming(("flows", 2, "uncertainty"), "uncertanty"),
        setting(("flows", 4, "range"), ["2000 kg", "1800 kg"]),
        setting(("processes", 0, "costs", "energy"), "12,000,000 LAK"),
        setting(("options", 0, "processes"), ["rinsing"]),
    )
    path = write_case(write_document_file, "yaml", mutate)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    expected = [
        ("enterprise.country", "not an ISO 3166-1 alpha-2 country code"),
        ("period.start", "expected a date like 2007-12-31"),
        ("flows[0] (fresh-water).to", "no process has the id 'wshing'"),
        ("flows[1] (wastewater).sd", "cannot be negative"),
        ("flows[2] (bottles).uncertanty", "did you mean 'uncertainty'?"),
        ("flows[4] (filled-bottles).range", "exceeds its maximum"),
        ("processes[0] (washing).costs.energy", "without thousands separators"),
        ("options[0] (fix-leaks).processes[0]", "no process has the id 'rinsing'"),
    ]
    for where, phrase in expected:
        assert lines_with(result.stderr, where, phrase), (where, phrase, result.stderr)
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(problem_lines) == len(expected), result.stderr
    assert f"{path}: {len(expected)} problems" in result.stderr


def test_validate_reports_problems_of_entries_and_links_together(run_cli, write_document_file):
    # A flow that fails its own checks (negative sd) still has its links checked: its process,
    # its duplicate id, and the option that named it by its old id.
    mutate = changes(
        setting(("flows", 1, "sd"), "-1 m3"),
        setting(("flows", 1, "from"), "boiler"),
        setting(("flows", 1, "id"), "fresh-water"),
    )
    path = write_case(write_document_file, "json", mutate)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert lines_with(result.stderr, "flows[1] (fresh-water).sd", "cannot be negative")
    assert lines_with(result.stderr, "flows[1] (fresh-water).from", "no process has the id")
    assert lines_with(result.stderr, "flows[1] (fresh-water).id", "duplicate id 'fresh-water'")
    assert lines_with(result.stderr, "options[0] (fix-leaks).flows[0]", "no flow has the id")
    assert f"{path}: 4 problems" in result.stderr


def test_json_case_writes_json(write_document_file):
    # The table's JSON cases are JSON files, not YAML with a .json name.
    path = write_case(write_document_file, "json", lambda document: document)

    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "cleanprod/1"


def test_validate_accepts_the_same_id_in_two_lists(run_cli, write_document_file):
    """Ids are unique within their list: a product and the flow that carries it may share one."""
    document = copy.deepcopy(BASE)
    document["flows"][3]["id"] = document["processes"][0]["id"]
    result = run_cli("validate", str(write_document_file(document, "baseline.yaml")))
    assert result.exit_code == 0, result.output


def test_validate_lists_problems_in_the_order_of_the_file(run_cli, write_document_file):
    """Field problems and link problems are reported together, sorted by line."""
    document = copy.deepcopy(BASE)
    document["flows"][0]["to"] = "nowhere"  # a link problem, early in the file
    document["flows"][-1]["sd"] = "-1 m3"  # a field problem, late in the file
    result = run_cli("validate", str(write_document_file(document, "baseline.yaml")))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert len(lines) == 2
    assert "no process has the id 'nowhere'" in lines[0]
    assert "cannot be negative" in lines[1]


def test_validate_names_the_key_path_of_a_duplicate_yaml_key(run_cli, tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text(
        "format: cleanprod/1\nenterprise: {name: A, name: B, country: LA, sector: x, "
        "currency: LAK}\nperiod: {start: 2007-01-01, end: 2007-12-31}\n"
    )
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert "line 2, enterprise.name: the key 'name' is given twice" in result.stderr
