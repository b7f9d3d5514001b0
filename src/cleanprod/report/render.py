"""The report as HTML or PDF: one Jinja2 template, translated with gettext catalogues.

The template ``templates/report.html.j2`` is rendered with Jinja2's i18n extension: every word
of the report is a ``_()`` (``gettext``) or ``ngettext`` call, translated from the catalogue
``locale/<lang>/LC_MESSAGES/cleanprod.po`` of the language, read with Babel at run time (no
compile step). English is the language of the messages themselves; any other language needs
a complete catalogue, and :func:`translations` refuses one with a message left empty rather
than mix two languages in a report. Numbers, money and dates follow the locale
(:class:`cleanprod.report.formatting.Formatter`).

The two forms share the template:

- **HTML**: the charts are interactive plotly figures, with plotly.js and the style sheet
  inlined, so the file works offline and fetches nothing;
- **PDF**: WeasyPrint lays out the same HTML on A4 pages; each chart is exported as SVG by
  kaleido (its own bundled headless renderer, no browser to install), drawn as vector
  graphics, with its text laid over it as HTML (:mod:`cleanprod.report.svgtext`: WeasyPrint's
  own SVG text is laid out letter by letter and breaks Lao, Khmer and combining accents). All
  text uses the Debian Noto fonts by family name, which WeasyPrint embeds.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import gettext as gettext_module
import io
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup, escape

from cleanprod.errors import CleanprodError
from cleanprod.report import charts as chart_module
from cleanprod.report.formatting import Formatter
from cleanprod.report.svgtext import split_text
from cleanprod.report.words import Words

#: The languages of the report: English, Vietnamese, Lao, Khmer.
LANGUAGES = ("en", "vi", "lo", "km")
#: The language the messages are written in; it needs no catalogue.
SOURCE_LANGUAGE = "en"
#: The gettext domain of the report's catalogues.
DOMAIN = "cleanprod"
HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
TEMPLATE_DIR = HERE / "templates"
STYLE_SHEET = HERE / "static" / "report.css"
TEMPLATE = "report.html.j2"
#: The forms of the report, by suffix.
FORMS = {".pdf": "pdf", ".html": "html", ".htm": "html"}
#: How the HTML charts behave: no plotly logo, no link to plotly's site, resizable.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showLink": False}


class ReportError(CleanprodError):
    """The report cannot be made: an unknown language or form, an incomplete catalogue, a
    missing tool."""


# --------------------------------------------------------------------------------------------
# Catalogues


def catalogue_path(language: str) -> Path:
    """The catalogue (.po) of a language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path() -> Path:
    """The template of the catalogues (.pot): every message of the report."""
    return LOCALE_DIR / f"{DOMAIN}.pot"


def _read_catalogue(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _translated(message: Any) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def catalogue_gaps(language: str) -> tuple[list[str], int]:
    """The messages of the report that the catalogue of ``language`` does not translate (no
    entry, an empty or a fuzzy one), and how many messages the report has."""
    template = _read_catalogue(template_path())
    messages = [message.id for message in template if message.id]
    path = catalogue_path(language)
    catalogue = _read_catalogue(path, language) if path.is_file() else Catalog(locale=language)
    missing = []
    for identifier in messages:
        if not _translated(catalogue.get(identifier)):
            missing.append(identifier[0] if isinstance(identifier, tuple) else identifier)
    return missing, len(messages)


def check_language(language: str) -> None:
    """Refuse a language the report is not written in, or whose catalogue is incomplete."""
    if language not in LANGUAGES:
        raise ReportError(
            f"'{language}' is not a report language; choose one of {', '.join(LANGUAGES)}"
        )
    if language == SOURCE_LANGUAGE:
        return
    missing, total = catalogue_gaps(language)
    if missing:
        path = catalogue_path(language)
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        raise ReportError(
            f"the {language} catalogue lacks {len(missing)} of {total} messages (the first: "
            f"'{missing[0]}'); run 'make messages' and translate every empty msgstr of "
            f"{shown}, or write the report in English (--lang en)"
        )


@cache
def translations(language: str) -> gettext_module.NullTranslations:
    """The translations of the report into ``language``; the messages themselves for
    English.

    Raises
    ------
    ReportError
        For a language the report is not written in, or whose catalogue is incomplete.
    """
    check_language(language)
    if language == SOURCE_LANGUAGE:
        return gettext_module.NullTranslations()
    catalogue = _read_catalogue(catalogue_path(language), language)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


# --------------------------------------------------------------------------------------------
# The template


def environment(language: str) -> jinja2.Environment:
    """The Jinja2 environment of the report in ``language``: gettext installed, figures
    formatted for its locale."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translation = translations(language)
    environment.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    formatter = Formatter(language)
    environment.globals.update(
        fmt=formatter,
        words=Words(translation.gettext, formatter.separators),
        lang=language,
    )
    return environment


def chart_text(language: str) -> chart_module.ChartText:
    """The words and figures of the charts in ``language``."""
    translation = translations(language)
    return chart_module.ChartText(
        gettext=translation.gettext, words=Words(translation.gettext), fmt=Formatter(language)
    )


def render_html(
    data: dict[str, Any], language: str, form: str, charts: dict[str, Markup] | None = None
) -> str:
    """The report as an HTML document for ``form`` (``html`` or ``pdf``).

    ``charts`` maps each chart's id to its markup (an interactive plotly div, or the SVG
    drawing with its labels); with ``None`` the charts are left out (the benchmark's
    reference).
    """
    template = environment(language).get_template(TEMPLATE)
    return template.render(
        data=data,
        form=form,
        language=language,
        charts=charts if charts is not None else {},
        style=Markup(STYLE_SHEET.read_text(encoding="utf-8")),
        page_css=Markup(page_css(translations(language).gettext)),
        plotly_js=Markup(_plotly_js()) if form == "html" and charts else "",
    )


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def page_css(gettext: Any) -> str:
    """The page numbers of the PDF's footer, in the report's language: ``Page 3 of 24``."""
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", gettext("Page %(page)s of %(pages)s"))
    content = " ".join(
        counters[part] if part in counters else _css_string(part) for part in parts if part
    )
    return f"@page {{ @bottom-center {{ content: {content}; }} }}"


@cache
def _plotly_js() -> str:
    """plotly.js of the installed plotly package, to inline in the HTML report."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


# --------------------------------------------------------------------------------------------
# Charts


def html_charts(figures: dict[str, chart_module.Chart]) -> dict[str, Markup]:
    """Each chart as an interactive plotly div (plotly.js itself is inlined once)."""
    import plotly.io as pio

    markup = {}
    for chart_id, chart in figures.items():
        layout = {key: value for key, value in chart.figure["layout"].items() if key != "width"}
        figure = {**chart.figure, "layout": {**layout, "autosize": True}}
        markup[chart_id] = Markup(
            pio.to_html(
                figure,
                include_plotlyjs=False,
                include_mathjax=False,
                full_html=False,
                div_id=chart_id,
                config=PLOTLY_CONFIG,
                default_height=f"{chart.height}px",
                default_width="100%",
                validate=False,
            )
        )
    return markup


def svg_charts(figures: dict[str, chart_module.Chart]) -> dict[str, Markup]:
    """Each chart as an inline SVG drawing with its text laid over it as HTML (see the
    module and :mod:`cleanprod.report.svgtext`)."""
    svgs = _kaleido_svgs(list(figures.values()))
    return {
        chart_id: _overlay(svg.decode("utf-8")) for chart_id, svg in zip(figures, svgs, strict=True)
    }


#: kaleido renderers drawing the charts side by side (one per core, at most two).
RENDERERS = max(1, min(2, os.cpu_count() or 1))
_scopes: list[Any] = []
_scopes_lock = threading.Lock()


def _kaleido_scopes() -> list[Any]:
    """kaleido's renderers, with the plotly.js of the installed plotly and no MathJax: they
    fetch nothing."""
    with _scopes_lock:
        if not _scopes:
            try:
                from kaleido.scopes.plotly import PlotlyScope
            except ImportError as error:
                raise ReportError(
                    "the PDF report needs the Python package kaleido 0.2.1 to draw its "
                    "charts; reinstall cleanprod ('make run')"
                ) from error
            import plotly

            plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
            for _ in range(RENDERERS):
                scope = PlotlyScope(plotlyjs=str(plotly_js))
                scope.mathjax = None
                _scopes.append(scope)
        return list(_scopes)


def start_chart_renderer() -> threading.Thread:
    """Start kaleido's renderers in the background (each takes about a second), so that
    they are ready when the charts are; join the thread before drawing them."""

    def start() -> None:
        # Only a head start: a renderer that fails to start here is started again by the
        # export, which then reports the failure to the user.
        with contextlib.suppress(Exception):
            scopes = _kaleido_scopes()
            with ThreadPoolExecutor(len(scopes)) as pool:
                list(pool.map(lambda scope: scope._ensure_kaleido(), scopes))

    thread = threading.Thread(target=start, name="kaleido-start", daemon=True)
    thread.start()
    return thread


def stop_chart_renderer() -> None:
    """End kaleido's renderers at once (they are started again when needed); called when
    the process ends, so that a command does not wait for them to shut down gracefully."""
    with _scopes_lock:
        scopes = list(_scopes)
        _scopes.clear()
    for scope in scopes:
        process = getattr(scope, "_proc", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


atexit.register(stop_chart_renderer)


def warm_up_layout() -> None:
    """Load WeasyPrint and let fontconfig and Pango open the report's fonts (a few tenths of
    a second, once a process), while kaleido's renderers are still starting."""
    import weasyprint

    weasyprint.HTML(string=_WARM_UP).render()


_WARM_UP = (
    '<p style="font-family: Noto Sans; font-size: 8pt">a ă <b>b</b> '
    '<span style="font-family: Noto Sans Lao">ລ</span> '
    '<span style="font-family: Noto Sans Khmer">ខ</span></p>'
)


def _kaleido_svgs(charts: list[chart_module.Chart]) -> list[bytes]:
    """Export the figures as SVG, shared among the renderers."""
    scopes = _kaleido_scopes()

    def export(scope: Any, chart: chart_module.Chart) -> bytes:
        try:
            return scope.transform(
                chart.figure,
                format="svg",
                width=chart_module.WIDTH,
                height=chart.height,
                scale=1,
            )
        except (ValueError, RuntimeError, OSError) as error:
            raise ReportError(f"the chart '{chart.id}' could not be drawn: {error}") from error

    def export_share(number: int) -> list[tuple[int, bytes]]:
        return [
            (position, export(scopes[number], chart))
            for position, chart in enumerate(charts)
            if position % len(scopes) == number
        ]

    with ThreadPoolExecutor(len(scopes)) as pool:
        shares = list(pool.map(export_share, range(len(scopes))))
    return [svg for _, svg in sorted(item for share in shares for item in share)]


_SAFE_COLOUR = re.compile(r"^[#\w(),.%\s-]+$")
_SHIFT = {"start": "0", "middle": "-50%", "end": "-100%"}
#: Half the width of the box a label centred on its point is laid out in [px].
_HALF_BOX = 330


def _overlay(svg: str) -> Markup:
    """The drawing of an SVG with its text as positioned HTML labels over it."""
    drawing, labels, width, height = split_text(svg)
    # The drawing as an image, not inline: its elements then stay out of the page's style
    # cascade, which would cost more than drawing them.
    source = "data:image/svg+xml;base64," + base64.b64encode(drawing.encode("utf-8")).decode()
    parts = [
        f'<div class="svg-chart" style="width: {width:.2f}px; height: {height:.2f}px">',
        f'<img alt="" src="{source}" style="width: {width:.2f}px; height: {height:.2f}px">',
    ]
    for label in labels:
        colour = label.colour if _SAFE_COLOUR.match(label.colour) else "#222"
        weight = " font-weight: bold;" if label.bold else ""
        if abs(label.angle) > 0.01:
            # Turned around the point of its baseline where it is anchored.
            place = (
                f"left: {label.x:.1f}px; top: {label.y:.1f}px; transform: "
                f"rotate({label.angle:.2f}deg) translateX({_SHIFT[label.anchor]});"
            )
        elif label.anchor == "end":
            place = f"right: {width - label.x:.1f}px; top: {label.y:.1f}px;"
        elif label.anchor == "middle":
            place = (
                f"left: {label.x - _HALF_BOX:.1f}px; width: {2 * _HALF_BOX}px; "
                f"text-align: center; top: {label.y:.1f}px;"
            )
        else:
            place = f"left: {label.x:.1f}px; top: {label.y:.1f}px;"
        # Placed without a transform where it can be: WeasyPrint lays out a transformed box
        # as a layer of its own, which costs more than the text.
        parts.append(
            f'<span class="svg-label" style="{place} font-size: {label.size:.1f}px; '
            f'color: {colour};{weight}">{escape(label.text)}</span>'
        )
    parts.append("</div>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------------------------
# The two forms


def report_form(path: Path) -> str:
    """``pdf`` or ``html`` from the output's suffix."""
    form = FORMS.get(path.suffix.lower())
    if form is None:
        raise ReportError(
            f"{path}: a report is written as PDF or HTML; name it '<name>.pdf' or "
            f"'<name>.html', not '{path.suffix or 'a name without a suffix'}'"
        )
    return form


def html_report(data: dict[str, Any], language: str) -> str:
    """The interactive HTML report (works offline)."""
    figures = chart_module.figures_of(data, chart_text(language))
    return render_html(data, language, "html", html_charts(figures))


def pdf_report(data: dict[str, Any], language: str) -> bytes:
    """The PDF report (A4, fonts embedded, vector charts)."""
    figures = chart_module.figures_of(data, chart_text(language))
    charts = svg_charts(figures)
    return pdf_of(render_html(data, language, "pdf", charts))


def pdf_of(html: str) -> bytes:
    """Lay out the HTML of the report on pages with WeasyPrint."""
    import logging

    import weasyprint

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.HTML(string=html, base_url=str(HERE)).write_pdf()
