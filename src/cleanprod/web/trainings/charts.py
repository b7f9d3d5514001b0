"""The charts of an evaluation summary, as plotly divs (the page loads plotly.js itself, from
``static/cleanprod/plotly.min.js``): the distribution of the scores of each question, and
each question's mean score."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cleanprod.web.trainings.choices import SCORES
from cleanprod.web.trainings.summaries import EvaluationSummary

#: From 1 (poor, red) to 5 (excellent, green), readable by the colour-blind (ColorBrewer RdYlGn
#: with a darker middle).
SCORE_COLOURS = {1: "#d7301f", 2: "#fc8d59", 3: "#bdbdbd", 4: "#91cf60", 5: "#1a9850"}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}
LABEL_LENGTH = 60


def score_label(score: int) -> str:
    """A score with its meaning at both ends of the scale."""
    if score == 1:
        return _("1 (poor)")
    if score == 5:
        return _("5 (excellent)")
    return str(score)


def _short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _question_labels(summary: EvaluationSummary) -> list[str]:
    return [
        _("Q%(number)s. %(question)s") % {"number": number, "question": _short(item.text)}
        for number, item in enumerate(summary.questions, start=1)
    ]


def _html(figure: dict[str, Any], chart_id: str, height: int) -> SafeString:
    import plotly.io as pio

    return mark_safe(
        pio.to_html(
            figure,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            div_id=chart_id,
            config=PLOTLY_CONFIG,
            default_height=f"{height}px",
            default_width="100%",
            validate=False,
        )
    )


def _height(summary: EvaluationSummary) -> int:
    return 140 + 46 * max(len(summary.questions), 1)


def distribution_figure(summary: EvaluationSummary) -> dict[str, Any]:
    """A horizontal bar per question, split by score: each score's share of the responses."""
    labels = list(reversed(_question_labels(summary)))
    questions = list(reversed(summary.questions))
    traces = []
    for score, colour in SCORE_COLOURS.items():
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": score_label(score),
                "y": labels,
                "x": [item.scores.shares[score] for item in questions],
                "customdata": [
                    _("Score %(score)s: %(count)s of %(responses)s responses")
                    % {
                        "score": score_label(score),
                        "count": item.scores.distribution[score],
                        "responses": item.scores.responses,
                    }
                    for item in questions
                ],
                "marker": {"color": colour},
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": {
            "barmode": "stack",
            "xaxis": {
                "title": {"text": _("Share of the responses [%]")},
                "range": [0, 100],
                "automargin": True,
            },
            "yaxis": {"automargin": True},
            "legend": {"orientation": "h", "y": -0.25, "traceorder": "normal"},
            "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
            "font": {"family": "Noto Sans, Noto Sans Lao, Noto Sans Khmer, sans-serif"},
        },
    }


def mean_figure(summary: EvaluationSummary) -> dict[str, Any]:
    """A horizontal bar per question: its mean score on the scale of 1 to 5."""
    labels = list(reversed(_question_labels(summary)))
    questions = list(reversed(summary.questions))
    means = [item.scores.mean for item in questions]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                # Bars from the bottom of the scale (1) to the mean.
                "x": [None if value is None else value - min(SCORES) for value in means],
                "base": min(SCORES),
                "text": [
                    "—" if value is None else number_format(value, 1, use_l10n=True)
                    for value in means
                ],
                "textposition": "auto",
                "customdata": [
                    _("Mean %(mean)s of %(responses)s responses")
                    % {
                        "mean": "—"
                        if item.scores.mean is None
                        else number_format(item.scores.mean, 2, use_l10n=True),
                        "responses": item.scores.responses,
                    }
                    for item in questions
                ],
                "marker": {"color": "#1f6f5c"},
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        ],
        "layout": {
            "xaxis": {
                "title": {"text": _("Mean score (1 = poor, 5 = excellent)")},
                "range": [min(SCORES), max(SCORES)],
                "dtick": 1,
                "automargin": True,
            },
            "yaxis": {"automargin": True},
            "showlegend": False,
            "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
            "font": {"family": "Noto Sans, Noto Sans Lao, Noto Sans Khmer, sans-serif"},
        },
    }


def evaluation_charts(summary: EvaluationSummary, prefix: str) -> dict[str, SafeString]:
    """The summary's charts as plotly divs, by name (``distribution``, ``means``); none when
    no question was answered."""
    if not summary.overall.responses:
        return {}
    height = _height(summary)
    return {
        "distribution": _html(distribution_figure(summary), f"{prefix}-distribution", height + 40),
        "means": _html(mean_figure(summary), f"{prefix}-means", height),
    }
