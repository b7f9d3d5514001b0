"""The `cleanprod` command: help, validate, template, convert and assess, with exit statuses.

Exit status 0 is success and 2 bad input or wrong use; no traceback ever reaches the user.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cleanprod import __version__
from cleanprod.cli import main
from cleanprod.io import read_document

GOOD = {
    "format": "cleanprod/1",
    "enterprise": {
        "name": "Phnom Penh Rattan Works",
        "country": "KH",
        "sector": "rattan",
        "currency": "KHR",
    },
    "period": {"start": "2025-01-01", "end": "2025-06-30"},
    "exchange_rates": {"USD": 4000},
    "processes": [
        {"id": "boiling", "name": "Rattan boiling", "costs": {"energy": "2000000 KHR"}},
        {"id": "drying", "name": "Sun drying"},
    ],
    "flows": [
        {
            "id": "raw-rattan",
            "name": "Raw rattan canes",
            "to": "boiling",
            "kind": "input",
            "value": "12 t",
            "sd": "0.5 t",
            "price": "0.5 USD/kg",
        },
        {
            "id": "boiled-rattan",
            "name": "Boiled rattan",
            "from": "boiling",
            "to": "drying",
            "kind": "internal",
        },
        {
            "id": "dried-rattan",
            "name": "Dried rattan",
            "from": "drying",
            "kind": "product",
            "value": "9 t",
            "quality": "estimated",
        },
        {
            "id": "boiler-water",
            "name": "Water to the boiling vats",
            "to": "boiling",
            "layer": "water",
            "kind": "input",
            "value": "300 m3",
            "uncertainty": "10%",
        },
        {
            "id": "spent-water",
            "name": "Spent boiling water",
            "from": "boiling",
            "layer": "water",
            "kind": "emission",
            "value": "280 m3",
            "costs": {"waste_management": "50 USD"},
        },
    ],
}

#: Two problems: a negative standard deviation and a flow into an unknown process.
BAD = {
    **GOOD,
    "flows": [
        {**GOOD["flows"][0], "sd": "-0.5 t"},
        *GOOD["flows"][1:3],
        {**GOOD["flows"][3], "to": "boilng"},
        GOOD["flows"][4],
    ],
}
BAD_PROBLEMS = [
    ("flows[0] (raw-rattan).sd", "a standard deviation cannot be negative"),
    ("flows[3] (boiler-water).to", "no process has the id 'boilng' — did you mean 'boiling'?"),
]

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def assert_no_traceback(result) -> None:
    """The command ended by itself (an exit status), not by an exception a user would see."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# ---- help and version --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["validate"], ["template"], ["convert"], ["assess"]])
def test_help_of_every_command(run_cli, command):
    result = run_cli(*command, "--help")

    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert len(result.stdout.splitlines()) > 5


def test_group_lists_every_command(run_cli):
    result = run_cli("--help")

    for command in ("assess", "convert", "template", "validate"):
        assert f"  {command} " in result.stdout


def test_version(run_cli):
    result = run_cli("--version")

    assert result.exit_code == 0
    assert result.stdout == f"cleanprod, version {__version__}\n"


def test_main_entry_point(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["cleanprod", "--version"])

    with pytest.raises(SystemExit) as exit_info:
        main()

    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(run_cli):
    result = run_cli("asses", "examples")

    assert result.exit_code == 2
    assert "No such command 'asses'" in result.stderr


# ---- validate ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["baseline.yaml", "baseline.json"])
def test_validate_good_document(run_cli, write_document_file, name):
    path = write_document_file(GOOD, name)

    result = run_cli("validate", path)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{path}: valid — Phnom Penh Rattan Works, 2 processes, 5 flows (1 unknown)\n"
    )
    assert result.stderr == ""


def test_validate_bad_document_prints_every_problem(run_cli, write_document_file):
    path = write_document_file(BAD)

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}: 2 problems"
    assert len(lines) == 3
    for (where, message), line in zip(BAD_PROBLEMS, lines[1:], strict=True):
        assert line.startswith(f"  - {path}, line ")
        assert f"{where}: {message}" in line


def test_validate_missing_file_is_a_usage_error(run_cli, tmp_path):
    result = run_cli("validate", tmp_path / "missing.yaml")

    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_validate_unknown_suffix(run_cli, write_document_file):
    path = write_document_file("format: cleanprod/1\n", "baseline.txt")

    result = run_cli("validate", path)

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "cleanprod reads and writes .yaml, .yml, .json and .xlsx files, not '.txt'" in (
        result.stderr
    )


# ---- convert -----------------------------------------------------------------------------------


def test_convert_yaml_to_json_to_yaml_keeps_the_document(run_cli, write_document_file, tmp_path):
    source = write_document_file(GOOD, "baseline.yaml")
    as_json = tmp_path / "converted" / "baseline.json"
    back = tmp_path / "converted" / "baseline-again.yaml"

    first = run_cli("convert", source, as_json)
    second = run_cli("convert", as_json, back)

    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert f"{source} → {as_json}" in first.stdout
    assert json.loads(as_json.read_text(encoding="utf-8"))["enterprise"]["currency"] == "KHR"
    original = read_document(source)
    assert read_document(as_json) == original
    assert read_document(back) == original


def test_convert_refuses_an_unknown_target_suffix(run_cli, write_document_file, tmp_path):
    source = write_document_file(GOOD)
    target = tmp_path / "baseline.csv"

    result = run_cli("convert", source, target)

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert (
        f"{target}: cleanprod reads and writes .yaml, .yml, .json and .xlsx files, not '.csv'"
        in (result.stderr)
    )
    assert not target.exists()


def test_convert_refuses_an_unknown_source_suffix(run_cli, write_document_file, tmp_path):
    source = write_document_file("format: cleanprod/1\n", "baseline.toml")

    result = run_cli("convert", source, tmp_path / "baseline.json")

    assert result.exit_code == 2
    assert "not '.toml'" in result.stderr
    assert not (tmp_path / "baseline.json").exists()


def test_convert_refuses_to_overwrite_its_source(run_cli, write_document_file):
    source = write_document_file(GOOD)
    before = source.read_bytes()

    result = run_cli("convert", source, source.parent / "." / source.name)

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "this is the file being converted" in result.stderr
    assert source.read_bytes() == before


def test_convert_bad_source_writes_nothing(run_cli, write_document_file, tmp_path):
    source = write_document_file(BAD)
    target = tmp_path / "baseline.json"

    result = run_cli("convert", source, target)

    assert result.exit_code == 2
    assert_no_traceback(result)
    for where, message in BAD_PROBLEMS:
        assert f"{where}: {message}" in result.stderr
    assert not target.exists()


def test_convert_to_an_unwritable_place_names_it(run_cli, write_document_file, tmp_path):
    source = write_document_file(GOOD)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder is expected", encoding="utf-8")
    target = blocker / "baseline.json"

    result = run_cli("convert", source, target)

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert f"{target}: cannot be written" in result.stderr


# ---- template ----------------------------------------------------------------------------------


def test_template_writes_a_workbook_and_keeps_an_existing_one(run_cli, tmp_path):
    path = tmp_path / "baseline.xlsx"

    first = run_cli("template", "-o", path)
    second = run_cli("template", "-o", path)
    forced = run_cli("template", "-o", path, "--force")

    assert first.exit_code == 0, first.output
    assert f"Wrote an empty baseline workbook to {path}" in first.stdout
    assert path.read_bytes()[:2] == b"PK"  # an XLSX file is a zip archive
    assert second.exit_code == 2
    assert f"{path} exists already" in second.stderr
    assert forced.exit_code == 0
    assert [entry.name for entry in tmp_path.iterdir()] == ["baseline.xlsx"]


def test_template_refuses_another_suffix(run_cli, tmp_path):
    result = run_cli("template", "-o", tmp_path / "baseline.yaml")

    assert result.exit_code == 2
    assert "name it '<name>.xlsx'" in result.stderr
    assert not (tmp_path / "baseline.yaml").exists()


# ---- assess ------------------------------------------------------------------------------------

#: What `assess` writes for each valid document, in the order of their names.
RESULTS = sorted(("summary", "balance", "costs", "indicators", "focus", "options"))


def test_assess_good_and_bad_files(run_cli, write_document_file, tmp_path):
    good = write_document_file(GOOD, "documents/rattan.yaml")
    bad = write_document_file(BAD, "documents/broken.json")
    out_dir = tmp_path / "out"

    result = run_cli("assess", good.parent, "-o", out_dir)

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert sorted(path.name for path in out_dir.iterdir()) == [
        "index.json",
        *(f"rattan.{name}.{form}" for name in RESULTS for form in ("json", "txt")),
    ]
    assert f"{good}: valid — Phnom Penh Rattan Works" in result.stdout
    assert f"{bad}: invalid, 2 problems" in result.stdout
    for where, message in BAD_PROBLEMS:
        assert f"{where}: {message}" in result.stderr

    index = json.loads((out_dir / "index.json").read_text(encoding="utf-8"))
    files = {Path(entry["file"]).name: entry for entry in index["files"]}
    assert files["rattan.yaml"]["valid"] is True
    assert files["rattan.yaml"]["outputs"] == [
        f"rattan.{name}.{form}"
        for name in ("summary", "balance", "costs", "indicators", "focus", "options")
        for form in ("json", "txt")
    ]
    assert "result_problems" not in files["rattan.yaml"]
    assert files["broken.json"]["valid"] is False
    assert len(files["broken.json"]["problems"]) == 2
    assert "flows[0] (raw-rattan).sd" in files["broken.json"]["problems"][0]

    summary = json.loads((out_dir / "rattan.summary.json").read_text(encoding="utf-8"))
    assert summary["source"] == str(good)
    assert summary["enterprise"]["name"] == "Phnom Penh Rattan Works"
    # 12 t × 0.5 USD/kg = 6000 USD × 4000 KHR/USD.
    assert summary["money"]["purchases"]["total"] == pytest.approx(24_000_000)
    assert summary["layers"]["water"]["raw_gap"] == pytest.approx(20.0)

    text = (out_dir / "rattan.summary.txt").read_text(encoding="utf-8")
    assert "Phnom Penh Rattan Works" in text
    assert "Period 2025-01-01 to 2025-06-30 (181 days)" in text
    assert "water [m3]: 2 flows, 0 unknown" in text
    assert "raw gap               20 m3" in text
    assert "unknown flows: boiled-rattan" in text
    assert "purchases of inputs   24,000,000" in text
    assert "waste management: 200,000" in text


def test_assess_all_valid_exits_zero(run_cli, write_document_file, tmp_path):
    good = write_document_file(GOOD, "rattan.json")

    result = run_cli("assess", good, "-o", tmp_path / "results")

    assert result.exit_code == 0, result.output
    assert f"Results of 1 file in {tmp_path / 'results'}/" in result.stdout


def test_assess_skips_hidden_lock_and_result_files(run_cli, write_document_file, tmp_path):
    folder = tmp_path / "documents"
    write_document_file(GOOD, "documents/rattan.yaml")
    write_document_file("not: [valid", "documents/.rattan.yaml")
    write_document_file("lock file of Excel", "documents/~$rattan.xlsx")
    write_document_file("notes", "documents/notes.txt")

    first = run_cli("assess", folder, "-o", folder)
    second = run_cli("assess", folder, "-o", folder)

    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [Path(entry["file"]).name for entry in index["files"]] == ["rattan.yaml"]


def test_assess_files_sharing_a_stem_keep_their_own_results(run_cli, write_document_file, tmp_path):
    write_document_file(GOOD, "documents/rattan.yaml")
    write_document_file(GOOD, "documents/rattan.json")

    result = run_cli("assess", tmp_path / "documents", "-o", tmp_path / "out")

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "index.json",
        *(
            f"rattan.{suffix}.{name}.{form}"
            for suffix in ("json", "yaml")
            for name in RESULTS
            for form in ("json", "txt")
        ),
    ]


def test_assess_removes_the_old_summary_of_a_file_now_invalid(
    run_cli, write_document_file, tmp_path
):
    out_dir = tmp_path / "out"
    path = write_document_file(GOOD, "rattan.yaml")
    assert run_cli("assess", path, "-o", out_dir).exit_code == 0
    write_document_file(BAD, "rattan.yaml")

    result = run_cli("assess", path, "-o", out_dir)

    assert result.exit_code == 2
    assert sorted(entry.name for entry in out_dir.iterdir()) == ["index.json"]


def test_assess_a_balance_that_cannot_be_reconciled_keeps_the_summary(
    run_cli, write_document_file, tmp_path
):
    # Two exact values that contradict each other: the summary is written, the balance is
    # not, and the reason is given in the index and on stderr.
    document = {
        "format": "cleanprod/1",
        "enterprise": {"name": "Plant", "country": "LA", "sector": "food", "currency": "LAK"},
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "processes": [{"id": "washing", "name": "Washing"}],
        "flows": [
            {"id": "water-in", "name": "Water in", "to": "washing", "layer": "water",
             "kind": "input", "value": "10 m3", "sd": "0 m3"},
            {"id": "water-out", "name": "Water out", "from": "washing", "layer": "water",
             "kind": "loss", "value": "12 m3", "sd": "0 m3"},
        ],
    }  # fmt: skip
    path = write_document_file(document, "plant.yaml")
    out_dir = tmp_path / "out"

    result = run_cli("assess", path, "-o", out_dir)

    assert result.exit_code == 0, result.output
    assert_no_traceback(result)
    assert "not computed" in result.stderr and "plant.yaml: balance: " in result.stderr
    assert "the water balance of washing is left with -2" in result.stderr
    index = json.loads((out_dir / "index.json").read_text(encoding="utf-8"))
    # Every result needs the balance: none is written, and each says why.
    problems = index["files"][0]["result_problems"]
    assert [problem.split(": ")[1] for problem in problems] == [
        "balance", "costs", "indicators", "focus", "options"
    ]  # fmt: skip
    assert sorted(entry.name for entry in out_dir.iterdir()) == [
        "index.json",
        "plant.summary.json",
        "plant.summary.txt",
    ]
    assert "sd 0" in problems[0]

    single = run_cli("balance", path)
    assert single.exit_code == 2
    assert f"{path}: the water balance: the values taken as exact (sd 0)" in single.stderr


def test_assess_folder_without_documents(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()

    result = run_cli("assess", tmp_path / "empty", "-o", tmp_path / "out")

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert "no assessment document found" in result.stderr
    assert not (tmp_path / "out").exists()


def test_assess_into_an_unwritable_place_names_it(run_cli, write_document_file, tmp_path):
    path = write_document_file(GOOD)
    blocker = tmp_path / "out"
    blocker.write_text("a file where the results folder should be", encoding="utf-8")

    result = run_cli("assess", path, "-o", blocker / "results")

    assert result.exit_code == 2
    assert_no_traceback(result)
    assert f"{blocker / 'results'}: cannot be written" in result.stderr


def test_assess_every_example(run_cli, examples_dir, tmp_path):
    examples = sorted(
        path
        for path in examples_dir.iterdir()
        if path.suffix in DOCUMENT_SUFFIXES and not path.name.startswith((".", "~$"))
    )
    if not examples:
        pytest.skip("examples/ holds no assessment document yet")
    out_dir = tmp_path / "out"

    result = run_cli("assess", examples_dir, "-o", out_dir)

    assert result.exit_code == 0, result.output
    index = json.loads((out_dir / "index.json").read_text(encoding="utf-8"))
    assert [Path(entry["file"]).name for entry in index["files"]] == [
        path.name for path in examples
    ]
    for example in examples:
        summary = json.loads((out_dir / f"{example.stem}.summary.json").read_text("utf-8"))
        assert summary["enterprise"]["name"]
        assert summary["layers"], f"{example.name} has no flows"
        assert (out_dir / f"{example.stem}.summary.txt").stat().st_size > 0
        balance = json.loads((out_dir / f"{example.stem}.balance.json").read_text("utf-8"))
        assert set(balance["layers"]) == set(summary["layers"])
        assert balance["meters"], f"{example.name}: no meter suggested"
        text = (out_dir / f"{example.stem}.balance.txt").read_text("utf-8")
        assert "Meters to add, most useful first" in text


def test_cli_reports_an_internal_error_without_a_traceback(run_cli, monkeypatch, tmp_path):
    def broken(*arguments, **keywords):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("cleanprod.cli.read_document", broken)
    path = tmp_path / "any.yaml"
    path.write_text("format: cleanprod/1\n")
    result = run_cli("validate", str(path))
    assert result.exit_code == 1
    assert "internal error (ZeroDivisionError: division by zero)" in result.stderr
    assert "Traceback" not in result.output + result.stderr
