"""``cleanprod report``: the files it writes, and bad input said plainly with exit status 2."""

from __future__ import annotations

import copy

from report_helpers import MULTILINGUAL


def test_report_cli_writes_html(run_cli, multilingual_file, tmp_path):
    target = tmp_path / "out" / "report.html"
    result = run_cli("report", multilingual_file, "-o", target)
    assert result.exit_code == 0, result.output
    assert f"→ {target}" in result.stdout
    assert target.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert not list(target.parent.glob(".report.html*")), "no temporary file is left"


def test_report_cli_unknown_language_exits_2(run_cli, multilingual_file, tmp_path):
    result = run_cli("report", multilingual_file, "-o", tmp_path / "r.pdf", "--lang", "fr")
    assert result.exit_code == 2
    assert "'fr' is not a report language; choose one of en, vi, lo, km" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_report_cli_incomplete_catalogue_exits_2(run_cli, multilingual_file, tmp_path, monkeypatch):
    from cleanprod.report import render

    catalogue = tmp_path / "locale" / "km" / "LC_MESSAGES" / "cleanprod.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid ""\nmsgstr ""\n"Language: km\\n"\n', "utf-8")
    (tmp_path / "locale" / "cleanprod.pot").write_bytes(render.template_path().read_bytes())
    monkeypatch.setattr(render, "LOCALE_DIR", tmp_path / "locale")
    result = run_cli("report", multilingual_file, "-o", tmp_path / "r.html", "--lang", "km")
    assert result.exit_code == 2
    assert "the km catalogue lacks" in result.stderr
    assert "--lang en" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_cli_bad_suffix_exits_2(run_cli, multilingual_file, tmp_path):
    result = run_cli("report", multilingual_file, "-o", tmp_path / "r.docx")
    assert result.exit_code == 2
    assert "r.docx: a report is written as PDF or HTML" in result.stderr
    assert "'.docx'" in result.stderr


def test_report_cli_output_is_required(run_cli, multilingual_file):
    result = run_cli("report", multilingual_file)
    assert result.exit_code == 2
    assert "Missing option '-o' / '--output'" in result.stderr


def test_report_cli_bad_document_exits_2_and_writes_nothing(run_cli, write_document_file, tmp_path):
    document = copy.deepcopy(MULTILINGUAL)
    document["flows"][0]["to"] = "wahs"
    path = write_document_file(document, "bad.yaml")
    result = run_cli("report", path, "-o", tmp_path / "r.html")
    assert result.exit_code == 2
    assert "no process has the id 'wahs'" in result.stderr
    assert not (tmp_path / "r.html").exists()
