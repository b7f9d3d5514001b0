"""The results of an assessment's current revision: computed once, kept in the cache, said in
plain words.

The results of a revision never change, so they are kept in Django's cache under the
assessment and its revision (a save puts them there; the results page computes them when the
cache has lost them). The balance's verdict of each layer is said in words a consultant can
repeat to the plant's manager, from the full results or from the key figures kept on the
assessment (the assessment's page computes nothing).
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cleanprod.errors import CleanprodError
from cleanprod.services.documents import document_from_json, results_of
from cleanprod.web.assessments.formatting import figure
from cleanprod.web.assessments.models import Assessment

#: How long the results of a revision are kept [s]; they never change, only memory is freed.
RESULTS_TIMEOUT = 7 * 24 * 3600


def results_key(assessment: Assessment, revision: int | None = None) -> str:
    """The cache key of the results of a revision (the current one by default)."""
    created = int(assessment.created.timestamp() * 1e6) if assessment.created else 0
    number = assessment.revision if revision is None else revision
    return f"cleanprod:results:{assessment.pk}:{created}:{number}"


def keep_results(assessment: Assessment, results: dict[str, Any]) -> None:
    """Keep the results of the assessment's current revision."""
    cache.set(results_key(assessment), results, RESULTS_TIMEOUT)


def current_results(assessment: Assessment) -> tuple[dict[str, Any] | None, str]:
    """The results of the current revision and, when there are none, why, in plain words."""
    if assessment.results_problem:
        return None, assessment.results_problem
    if not assessment.document:
        return None, _("This assessment has no document yet.")
    key = results_key(assessment)
    results = cache.get(key)
    if results is not None:
        return results, ""
    try:
        results = results_of(document_from_json(assessment.document))
    except CleanprodError as error:
        return None, str(error)
    cache.set(key, results, RESULTS_TIMEOUT)
    return results, ""


# --------------------------------------------------------------------------------------------
# The balance in plain words

BUILTIN_LAYER_NAMES = {
    "mass": lambda: _("mass"),
    "water": lambda: _("water"),
    "energy": lambda: _("energy"),
}


def layer_name(layer_id: str, name: str | None = None) -> str:
    """The name of a layer in the user's language: the document's own, else the built-in
    layer's, else its id."""
    if name:
        return name
    if layer_id in BUILTIN_LAYER_NAMES:
        return BUILTIN_LAYER_NAMES[layer_id]()
    return layer_id


def verdict(
    layer_id: str,
    name: str | None,
    consistent: bool | None,
    dof: int | None,
    chi2: float | None,
    critical: float | None,
    suspect_names: list[str] | None,
    suspect_count: int = 0,
) -> dict[str, Any]:
    """What the balance of one layer says, in a sentence.

    ``state`` is ``closes``, ``open`` (does not close within the measurement uncertainty) or
    ``unchecked`` (no redundant figure: it closes by construction and tells nothing).
    """
    layer = layer_name(layer_id, name)
    if consistent is False:
        text = _(
            "The %(layer)s balance does not close within the measurement uncertainty "
            "(χ² = %(chi2)s, above the critical %(critical)s)."
        ) % {"layer": layer, "chi2": figure(chi2), "critical": figure(critical)}
        count = len(suspect_names) if suspect_names else suspect_count
        if suspect_names:
            text += " " + ngettext(
                "One figure is suspect: %(names)s.",
                "%(count)s figures are suspect: %(names)s.",
                count,
            ) % {"count": count, "names": ", ".join(suspect_names)}
        elif count:
            text += " " + ngettext(
                "One figure is suspect.", "%(count)s figures are suspect.", count
            ) % {"count": count}
        else:
            text += " " + _("No single figure explains it: check the readings of the period.")
        return {"layer": layer_id, "name": layer, "state": "open", "text": text}
    if consistent is None or dof == 0:
        text = _(
            "The %(layer)s balance cannot be checked: no figure of it is measured twice, so it "
            "closes by construction. Measure one more of its flows to check it."
        ) % {"layer": layer}
        return {"layer": layer_id, "name": layer, "state": "unchecked", "text": text}
    text = _("The %(layer)s balance closes within the measurement uncertainty.") % {"layer": layer}
    return {"layer": layer_id, "name": layer, "state": "closes", "text": text}


def verdicts_of_summary(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The verdict of each layer from the key figures kept on the assessment."""
    return [
        verdict(
            layer_id,
            layer.get("name"),
            layer.get("consistent"),
            layer.get("dof"),
            layer.get("chi2"),
            layer.get("critical"),
            layer.get("suspect_names"),
            layer.get("suspects") or 0,
        )
        for layer_id, layer in (summary.get("layers") or {}).items()
    ]


def verdicts_of_results(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The verdict of each layer, with its suspect figures explained, from the results."""
    rows = []
    for layer_id, layer in (results.get("layers") or {}).items():
        suspects = layer.get("suspects") or []
        row = verdict(
            layer_id,
            layer.get("name"),
            layer.get("consistent"),
            layer.get("dof"),
            layer.get("chi2"),
            layer.get("critical"),
            [suspect.get("name") or suspect.get("flow") for suspect in suspects],
        )
        row["suspects"] = suspects
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# Charts


@functools.cache
def chart_language(language: str) -> str:
    """The language of the charts: the page's when the report speaks it (its catalogue is
    complete), else English. Decided once per language and process."""
    from cleanprod.report.render import LANGUAGES, ReportError, translations

    if language not in LANGUAGES:
        return "en"
    try:
        translations(language)
    except ReportError:
        return "en"
    return language


def result_charts(results: dict[str, Any], language: str) -> dict[str, Any]:
    """The Sankey diagram of each layer and the chart of the costliest losses, as plotly
    divs (plotly.js is loaded by the page), by chart id."""
    from cleanprod.report import charts
    from cleanprod.report.render import chart_text, html_charts

    text = chart_text(chart_language(language))
    figures: dict[str, Any] = {}
    for layer_id, layer in (results.get("layers") or {}).items():
        sankey = layer.get("sankey") or {}
        if sankey.get("links"):
            chart = charts.sankey(f"sankey-{layer_id}", sankey, text)
            figures[chart.id] = chart
    losses = results.get("costliest_losses")
    if losses and results.get("costs"):
        chart = charts.loss_costs("loss-costs", losses, results["costs"]["currency"], text)
        figures[chart.id] = chart
    return html_charts(figures)
