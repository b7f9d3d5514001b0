"""How long the report of the largest example takes, against its template without charts.

Run: .venv/bin/python benchmarks/bench_report.py [--file examples/x.yaml] [--repeat 3]
Prints, for the example with the most flows (or the file given), the median time of
``write_report`` to PDF and to HTML — reading, every result, the charts, the layout — and, in
the same run, of rendering the same HTML template without its charts, and of laying that out
as PDF with WeasyPrint: the ratios say what the charts and the page layout cost. Then one
``cleanprod report`` command, as a user runs it (with the interpreter's start and imports).
Target of the report work: the report of the largest example in ≤ 5 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_seconds

from cleanprod.io import read_document
from cleanprod.report.data import report_data
from cleanprod.report.render import pdf_of, render_html
from cleanprod.services.report import write_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def largest_example() -> Path:
    """The example with the most flows (then the most steps and options)."""

    def size(path: Path) -> tuple[int, int, int]:
        assessment = read_document(path)
        return len(assessment.flows), len(assessment.processes), len(assessment.options)

    return max(sorted(EXAMPLES.glob("*.yaml")), key=size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    source = arguments.file or largest_example()
    assessment = read_document(source)
    repeat = arguments.repeat
    with tempfile.TemporaryDirectory() as folder:
        pdf, html = Path(folder) / "report.pdf", Path(folder) / "report.html"
        write_report(source, html)  # imports and caches warmed once, as in a long process
        pdf_seconds = median_seconds(lambda: write_report(source, pdf), repeat)
        html_seconds = median_seconds(lambda: write_report(source, html), repeat)
        pages = (
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
            .stdout.split("Pages:")[1]
            .split()[0]
        )
        data = report_data(assessment, source=str(source))
        data_seconds = median_seconds(lambda: report_data(assessment, str(source)), repeat)
        bare_html = render_html(data, "en", "html", None)
        template_seconds = median_seconds(lambda: render_html(data, "en", "html", None), repeat)
        layout_seconds = median_seconds(lambda: pdf_of(bare_html), repeat)
        command = [str(Path(sys.executable).parent / "cleanprod"), "report", str(source)]
        start = time.perf_counter()
        subprocess.run([*command, "-o", str(pdf)], check=True, capture_output=True)
        cli_pdf = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([*command, "-o", str(html)], check=True, capture_output=True)
        cli_html = time.perf_counter() - start
    print(
        f"{source.name}: {len(assessment.flows)} flows, {len(assessment.processes)} steps, "
        f"{len(assessment.options)} options, {len(assessment.layer_ids)} layers; PDF of {pages} "
        f"pages; median of {repeat}"
    )
    print(f"  results (report_data)            {data_seconds:6.2f} s")
    print(f"  template without charts, HTML    {template_seconds:6.2f} s   (reference)")
    print(f"  the same laid out as PDF         {layout_seconds:6.2f} s")
    print(
        f"  report as HTML (write_report)    {html_seconds:6.2f} s   "
        f"÷ reference {html_seconds / template_seconds:6.1f}"
    )
    print(
        f"  report as PDF (write_report)     {pdf_seconds:6.2f} s   "
        f"÷ reference {pdf_seconds / template_seconds:6.1f}   target ≤ 5 s: "
        f"{'met' if pdf_seconds <= 5 else 'NOT met'}"
    )
    print(f"  cleanprod report -o x.pdf        {cli_pdf:6.2f} s   (new process, imports included)")
    print(f"  cleanprod report -o x.html       {cli_html:6.2f} s")


if __name__ == "__main__":
    main()
