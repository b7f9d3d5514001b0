"""The English report of every example, as a person checks it: the PDF's pages exist and show
something, every section and the key figures are in its text, its fonts are embedded; the HTML
is interactive and fetches nothing.

Each example's report is written once for the module (PDF and HTML from one reading).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from report_helpers import page_count, pdf_fonts, pdf_text, run_tool

from cleanprod.io import read_document
from cleanprod.report.formatting import Formatter
from cleanprod.services.costs import costs_data
from cleanprod.services.report import write_report

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))

#: The heading of every section, in the order of the report.
SECTIONS = (
    "Contents",
    "1 Summary",
    "2 The enterprise and its baseline",
    "3 Process flow diagram",
    "4 Material and energy balances",
    "5 The true cost of waste (MFCA)",
    "6 Indicators and benchmarks",
    "7 CPA focus and causes",
    "8 Options and their feasibility",
    "9 Implementation and verified savings",
    "Annex A Data quality and the meters to add",
    "Annex B Sources, methods and notes",
)
LAYER_WORDS = {"mass": "Mass", "water": "Water", "energy": "Energy"}


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda path: path.stem)
def report(request, tmp_path_factory):
    """The example, its PDF and HTML reports, and the PDF's text."""
    source: Path = request.param
    folder = tmp_path_factory.mktemp(source.stem)
    pdf, html = folder / "report.pdf", folder / "report.html"
    written = write_report(source, [pdf, html], lang="en")
    assert written == [pdf, html]
    return {
        "source": source,
        "assessment": read_document(source),
        "pdf": pdf,
        "html": html,
        "text": pdf_text(pdf),
        "folder": folder,
    }


def test_report_pdf_pages_render_to_images(report):
    pages = page_count(report["pdf"])
    assert pages >= 12
    run_tool("pdftoppm", "-r", "20", "-png", report["pdf"], report["folder"] / "page")
    images = sorted(report["folder"].glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        with Image.open(image) as picture:
            grey = picture.convert("L")
            inked = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        assert inked > 0.0005, f"{image.name} is blank"


def test_report_pdf_has_every_section_in_order(report):
    text = report["text"]
    contents = text.index("Contents")
    listed = [text.index(heading, contents) for heading in SECTIONS[1:]]
    assert listed == sorted(listed)
    body = listed[-1] + len(SECTIONS[-1])
    positions = [text.index(heading, body) for heading in SECTIONS[1:]]
    assert positions == sorted(positions)
    assert report["assessment"].enterprise.name in text


def test_report_pdf_names_the_costliest_loss_and_each_balance_verdict(report):
    text = report["text"]
    assessment = report["assessment"]
    losses = costs_data(assessment)["losses"]
    costliest = max(losses.values(), key=lambda loss: loss["cost"])
    assert f"The costliest loss is {' '.join(costliest['name'].split())}" in text
    from cleanprod.services.balance import balance_data

    fmt = Formatter("en")
    declared = {layer.id: layer.name for layer in assessment.layers}
    for layer, figures in balance_data(assessment)["layers"].items():
        name = declared.get(layer) or LAYER_WORDS.get(layer, layer)
        if not figures["dof"]:
            assert f"{name}: no flow is measured twice" in text
            continue
        verdict = "consistent" if figures["consistent"] else "not consistent"
        assert f"{name}: the balance is {verdict} (χ² = {fmt.fixed(figures['chi2'], 2)}" in text
        assert f"{name}: Sankey diagram of the reconciled flows" in text


def test_report_pdf_has_its_figures_and_tables(report):
    text = report["text"]
    figures = [int(number) for number in re.findall(r"Figure (\d+)\. ", text)]
    tables = [int(number) for number in re.findall(r"Table (\d+)\. ", text)]
    assert figures == list(range(1, len(figures) + 1))
    assert tables == list(range(1, len(tables) + 1))
    assert "Figure 1. Process flow diagram" in text
    assert "The full cost of the costliest losses" in text
    options = report["assessment"].options
    if any(option.lifetime is not None for option in options):
        assert "Monte Carlo draws" in text
    assert "Page 3 of" in text


def test_report_pdf_embeds_every_font(report):
    fonts = pdf_fonts(report["pdf"])
    assert fonts
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert any("Noto-Sans" in font["name"] for font in fonts)


class _Resources(HTMLParser):
    """The addresses an HTML page loads: script src, link href, img src, and so on."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href", "data"):
            value = values.get(name)
            if value and not (tag == "a" and value.startswith("#")):
                self.loads.append(f"{tag} {name}={value}")


def test_report_html_is_interactive_and_offline(report):
    from plotly.offline import get_plotlyjs_version

    html = report["html"].read_text("utf-8")
    parser = _Resources()
    parser.feed(html)
    external = [load for load in parser.loads if re.search(r"=(https?:)?//", load)]
    assert external == []
    assert not [load for load in parser.loads if load.startswith(("script src", "link href"))]
    assert f"plotly.js v{get_plotlyjs_version()}" in html
    charts = re.findall(r'<div id="([\w-]+)" class="plotly-graph-div"', html)
    assert "flow-diagram" in charts
    assert any(chart.startswith("sankey-") for chart in charts)
    for chart in charts:
        assert f'"{chart}"' in html.split(f'<div id="{chart}"', 1)[1][:600]
    assert "<style>" in html and "@page" in html


def test_report_money_has_no_decimals_in_the_currencies_of_the_centres(report):
    currency = report["assessment"].enterprise.currency
    assert currency in ("VND", "LAK", "KHR")
    symbol = Formatter("en").currency_symbol(currency)
    amounts = re.findall(rf"{re.escape(symbol)}\s?(-?[\d,]+(?:\.\d+)?)", report["text"])
    assert len(amounts) > 5
    assert all("." not in amount for amount in amounts)
