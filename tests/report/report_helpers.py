"""Helpers of the report's tests: a document written in the three scripts of the centres, and
the poppler tools that read a PDF (its text, fonts, pages) — a missing tool fails, never skips."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: A small washing and drying line in Cambodia (riel) whose names are in Lao, Khmer and
#: Vietnamese: every script of the report's languages passes through the pages and the charts.
#: It has a redundant mass balance, options with their economics and a verified saving.
MULTILINGUAL = {
    "format": "cleanprod/1",
    "title": "ការវាយតម្លៃផលិតកម្មស្អាត 2025",
    "enterprise": {
        "name": "ໂຮງງານຜະລິດນ້ຳດື່ມ ວຽງຈັນ",
        "country": "KH",
        "sector": "ອາຫານ",
        "currency": "KHR",
        "location": "ភ្នំពេញ",
    },
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "finance": {"discount_rate": "10%"},
    "products": [{"id": "dried", "name": "Sản phẩm khô", "quantity": "20 t", "flow": "product"}],
    "processes": [
        {"id": "wash", "name": "ការលាងសម្អាត", "costs": {"system": "40000000 KHR"}},
        {"id": "dry", "name": "ການອົບແຫ້ງ", "costs": {"system": "20000000 KHR"}},
    ],
    "flows": [
        {"id": "water", "name": "Nước máy đầu vào", "to": "wash", "layer": "water",
         "kind": "input", "value": "500 m3", "sd": "25 m3", "price": "2000 KHR/m3"},
        {"id": "wastewater", "name": "ទឹកកខ្វក់", "from": "wash", "layer": "water",
         "kind": "loss"},
        {"id": "raw", "name": "Nguyên liệu thô", "to": "wash", "kind": "input",
         "value": "22 t", "sd": "0.5 t", "price": "4000 KHR/kg"},
        {"id": "wet", "name": "ຜະລິດຕະພັນປຽກ", "from": "wash", "to": "dry", "kind": "internal",
         "value": "20.8 t", "sd": "0.4 t"},
        {"id": "spill", "name": "ເສດເຫຼືອ ຈາກການລ້າງ", "from": "wash", "kind": "loss",
         "value": "1.5 t", "sd": "0.3 t", "causes": [
             {"category": "equipment", "description": "ម៉ាស៊ីនចាស់"}]},
        {"id": "product", "name": "Sản phẩm khô", "from": "dry", "kind": "product",
         "value": "20 t", "sd": "0.2 t"},
        {"id": "vapour", "name": "Hơi nước bay hơi", "from": "dry", "kind": "emission"},
        {"id": "power", "name": "ໄຟຟ້າ", "to": "dry", "layer": "energy", "kind": "input",
         "value": "10000 kWh", "sd": "500 kWh", "price": "600 KHR/kWh", "fuel": "electricity"},
        {"id": "heat", "name": "កំដៅបាត់បង់", "from": "dry", "layer": "energy", "kind": "loss"},
    ],
    "options": [
        {"id": "nozzles", "title": "Vòi phun tiết kiệm nước", "practice": "equipment modification",
         "status": "implemented", "investment": "2000000 KHR", "lifetime": 5,
         "effects": [{"flow": "water", "change": "-20%"}],
         "dates": {"identified": "2025-02-01", "implemented": "2025-06-30"},
         "monitoring": {
             "resource": "ទឹក", "flow": "water",
             "baseline": [
                 {"period": "2025-01", "production": "1.6 t", "consumption": "41 m3"},
                 {"period": "2025-02", "production": "1.7 t", "consumption": "43 m3"},
                 {"period": "2025-03", "production": "1.9 t", "consumption": "47 m3"},
                 {"period": "2025-04", "production": "1.5 t", "consumption": "39 m3"},
             ],
             "reporting": [
                 {"period": "2025-08", "production": "1.8 t", "consumption": "37 m3"},
                 {"period": "2025-09", "production": "1.6 t", "consumption": "33 m3"},
             ]}},
        {"id": "trays", "title": "ថាសទទួលសំណល់", "practice": "good housekeeping",
         "status": "implement-now", "investment": "1500000 KHR", "investment_uncertainty": "20%",
         "lifetime": 4, "effects": [{"flow": "spill", "change": "-50%"}]},
    ],
}  # fmt: skip

#: Words of the document in each script, as they must come back out of the PDF.
LAO_WORDS = ("ໂຮງງານຜະລິດນ້ຳດື່ມ", "ການອົບແຫ້ງ")
KHMER_WORDS = ("ការលាងសម្អាត", "ទឹកកខ្វក់")
VIETNAMESE_WORDS = ("Nước máy đầu vào", "Vòi phun tiết kiệm nước")

#: Tools that read the PDF, and the Debian package of each (the Makefile installs them).
TOOLS = {"pdftoppm": "poppler-utils", "pdftotext": "poppler-utils", "pdffonts": "poppler-utils",
         "pdfinfo": "poppler-utils"}  # fmt: skip


def tool(name: str) -> str:
    """The path of a command the tests need; a missing one fails the test (never skips it),
    in CI and elsewhere, saying how to install it."""
    path = shutil.which(name)
    if path is None:
        ci = " (CI=true: a missing tool is a failure)" if os.environ.get("CI") else ""
        pytest.fail(
            f"'{name}' is missing{ci}: install the Debian package {TOOLS.get(name, name)} "
            "('make test' installs it)"
        )
    return path


def run_tool(name: str, *arguments: str | Path) -> str:
    """Run a PDF tool and return what it prints."""
    result = subprocess.run(
        [tool(name), *map(str, arguments)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{name} failed: {result.stderr}"
    return result.stdout


def pdf_text(path: Path) -> str:
    """The text of a PDF, every run of white space made one space."""
    return " ".join(run_tool("pdftotext", "-enc", "UTF-8", path, "-").split())


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """The fonts of a PDF as pdffonts lists them: name, type, embedded, subset."""
    lines = run_tool("pdffonts", path).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def page_count(path: Path) -> int:
    for line in run_tool("pdfinfo", path).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gives no page count")
