"""The report's charts as plotly figures, from the plain data of :mod:`cleanprod.report.data`.

The same figure is interactive in the HTML report (plotly.js, hover text with every figure's
standard deviation) and a static vector drawing in the PDF (:mod:`cleanprod.report.render`
exports it as SVG). The charts:

- the **process flow diagram**: the steps in the order material passes through them (longest
  path from the first step, recycles drawn back), joined by arrows coloured by layer;
- a **Sankey diagram** of each layer, drawn from the reconciled balance: the steps, and one
  node outside the system for each flow that enters or leaves it, labelled with its value ±
  standard deviation. A flow's colour says how it is known — measured but not checked,
  measured and reconciled, reconciled but suspect, estimated by the balance — and its pale
  edge is its standard deviation (the full width is the value);
- the **true cost of the losses** (MFCA): stacked bars by cost type with ± one standard
  deviation;
- per option, the **tornado** of its NPV (each input ±20 %) and the **distribution of its NPV**
  over the Monte Carlo draws;
- per verified option, the **baseline regression** with the readings before and after.

Every word on a chart is translated through the report's gettext (:class:`ChartText`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cleanprod.report.formatting import Formatter
from cleanprod.report.words import Words

#: Fonts of the charts: the Noto families Debian's fonts-noto-core installs, which carry
#: Latin with Vietnamese, Lao and Khmer.
FONT_FAMILY = "Noto Sans, Noto Sans Lao, Noto Sans Khmer, DejaVu Sans, sans-serif"
#: Width of every chart [px at 96 dpi]: the text width of an A4 page with 18 mm margins
#: (174 mm).
WIDTH = 656

#: Colours of how a flow is known: Paul Tol's "vibrant" scheme, told apart with the common
#: colour-vision deficiencies (the report's style sheet repeats them in its legend).
CATEGORY_COLOURS = {
    "measured": (0, 119, 187),
    "reconciled": (0, 153, 136),
    "suspect": (238, 51, 119),
    "estimated": (238, 119, 51),
}
#: Colours of the layers in the process flow diagram.
LAYER_COLOURS = {
    "mass": (68, 68, 68),
    "water": (0, 114, 178),
    "energy": (230, 159, 0),
}
OTHER_LAYER_COLOUR = (204, 121, 167)
COST_COLOURS = {
    "material": "#0072B2",
    "energy": "#E69F00",
    "system": "#999999",
    "waste_management": "#D55E00",
}
PROCESS_COLOUR = "#34495e"
OUTSIDE_COLOUR = "#aab7c4"
STOCK_COLOUR = "#8c6d31"
GAIN_COLOUR = "#009E73"
LOSS_COLOUR = "#D55E00"
#: Longest label of a Sankey node or a bar, in characters.
LABEL_LENGTH = 34
#: Tallest Sankey diagram [px]: with its caption it fills an A4 page.
SANKEY_MAX_HEIGHT = 860
#: Space between two nodes of a Sankey diagram [px]: a two-line label's height.
SANKEY_PAD = 24
#: Columns of a Sankey diagram beyond which its steps are labelled by number only.
DENSE_COLUMNS = 5


@dataclass(frozen=True)
class ChartText:
    """The words and figures of the charts in one language."""

    gettext: Callable[[str], str]
    words: Words
    fmt: Formatter

    def __call__(self, message: str, **values: Any) -> str:
        text = self.gettext(message)
        return text % values if values else text

    def money_axis(self, values: list[float], currency: str) -> tuple[float, str]:
        """The divisor and the unit of a money axis: millions or thousands of the currency
        for large amounts, so that the ticks read ``40`` rather than ``40M``."""
        top = max(
            (abs(value) for value in values if value is not None and math.isfinite(value)),
            default=0.0,
        )
        if top >= 1e7:
            return 1e6, self.gettext("million %(currency)s") % {"currency": currency}
        if top >= 1e4:
            return 1e3, self.gettext("thousand %(currency)s") % {"currency": currency}
        return 1.0, currency


@dataclass(frozen=True)
class Chart:
    """One figure of the report: its id (unique in the report), the plotly figure as plain
    data (``{"data": [...], "layout": {...}}``, what plotly.js reads) and its height [px]."""

    id: str
    figure: dict[str, Any]
    height: int


def _rgba(colour: tuple[int, int, int], alpha: float) -> str:
    return f"rgba({colour[0]}, {colour[1]}, {colour[2]}, {alpha})"


def _short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _figure(
    traces: list[dict[str, Any]], height: int, t: ChartText, **layout: Any
) -> dict[str, Any]:
    """A plotly figure as plain data (built without plotly's validation, which costs more
    than drawing), with the decimal and grouping signs of the report's locale."""
    layout.setdefault("margin", {"l": 10, "r": 10, "t": 10, "b": 10})
    layout.setdefault("separators", t.fmt.separators)
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.setdefault("automargin", True)
            axis.setdefault("tickfont", {"size": 9})
    return {
        "data": traces,
        "layout": {
            "width": WIDTH,
            "height": height,
            "font": {"family": FONT_FAMILY, "size": 11, "color": "#222"},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
            **layout,
        },
    }


# --------------------------------------------------------------------------------------------
# Sankey diagrams


def sankey(chart_id: str, sankey_data: dict[str, Any], t: ChartText) -> Chart:
    """The Sankey diagram of one layer (see the module's description)."""
    unit = sankey_data["unit"]
    fmt = t.fmt
    nodes = sankey_data["nodes"]
    # Steps are named by their number where the columns are too narrow for their names.
    keys = [str(number) for number in range(len(nodes))]
    rank, _ = _ranks(
        keys, [(str(link["source"]), str(link["target"])) for link in sankey_data["links"]]
    )
    dense = max(rank.values(), default=0) + 1 > DENSE_COLUMNS
    labels, colours, hovers = [], [], []
    for node in nodes:
        if node["kind"] == "process":
            number = node.get("number")
            if dense and number is not None:
                labels.append(str(number))
            else:
                labels.append(f"{number} {_short(node['label'], 28)}" if number else node["label"])
            colours.append(PROCESS_COLOUR)
            hovers.append(f"{number} {node['label']}" if number else node["label"])
            continue
        figure_text = fmt.pm(node["value"], node["sd"], unit)
        if node["kind"] == "stock":
            name = t("stock change of %(step)s", step=node["label"])
            colours.append(STOCK_COLOUR)
        else:
            name = node["label"]
            colours.append(OUTSIDE_COLOUR)
        labels.append(f"{_short(name, 30)}<br>{figure_text}")
        hovers.append(f"{name}<br>{figure_text}")
    sources, targets, values, link_colours, link_hovers = [], [], [], [], []
    for link in sankey_data["links"]:
        value, sd = link["value"], min(link["sd"] or 0.0, link["value"])
        colour = CATEGORY_COLOURS[link["category"]]
        text = (
            f"<b>{link['name']}</b><br>{fmt.pm(value, link['sd'], unit)}<br>"
            f"{t.words('LINK_CATEGORY', link['category'])}"
        )
        if link["category"] in ("reconciled", "suspect") and link["measured"] is not None:
            text += "<br>" + t(
                "measured %(measured)s", measured=fmt.pm(link["measured"], link["measured_sd"])
            )
        # The core of the flow, then its pale edge: one standard deviation of its width.
        for width, alpha in ((value - sd, 0.62), (sd, 0.22)):
            if width <= 0:
                continue
            sources.append(link["source"])
            targets.append(link["target"])
            values.append(width)
            link_colours.append(_rgba(colour, alpha))
            link_hovers.append(text)
    # Room for the two-line label of every node of the fullest side, and for the flows.
    sides = [sum(1 for node in nodes if node["kind"] == kind) for kind in ("source", "process")]
    sides.append(sum(1 for node in nodes if node["kind"] in ("sink", "stock")))
    height = int(min(SANKEY_MAX_HEIGHT, max(300, (SANKEY_PAD + 5) * max(sides) + 150)))
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "valueformat": ",.4~g",
        "node": {
            "label": labels,
            "color": colours,
            "customdata": hovers,
            "hovertemplate": "%{customdata}<extra></extra>",
            "pad": SANKEY_PAD,
            "thickness": 11,
            "line": {"width": 0},
        },
        "link": {
            "source": sources,
            "target": targets,
            "value": values,
            "color": link_colours,
            "customdata": link_hovers,
            "hovertemplate": "%{customdata}<extra></extra>",
        },
        "textfont": {"family": FONT_FAMILY, "size": 8.5, "color": "#111"},
    }
    # Room below and above for the arcs of recycled flows, which run outside the nodes.
    circular = _has_cycle(sankey_data["links"])
    margin = {"l": 10, "r": 10, "t": 24 if circular else 10, "b": 40 if circular else 10}
    figure = _figure([trace], height + (50 if circular else 0), t, margin=margin)
    return Chart(chart_id, figure, height + (50 if circular else 0))


def _has_cycle(links: list[dict[str, Any]]) -> bool:
    """Whether the links of a Sankey diagram form a loop (a recycle)."""
    following: dict[int, set[int]] = {}
    for link in links:
        following.setdefault(link["source"], set()).add(link["target"])
    state: dict[int, int] = {}

    def loops(node: int) -> bool:
        state[node] = 1
        for after in following.get(node, ()):
            if state.get(after) == 1 or (after not in state and loops(after)):
                return True
        state[node] = 2
        return False

    return any(node not in state and loops(node) for node in list(following))


# --------------------------------------------------------------------------------------------
# The process flow diagram


def _ranks(processes: list[str], edges: list[tuple[str, str]]) -> tuple[dict[str, int], set]:
    """Column of each step: its longest path from a step nothing feeds, recycles (edges that
    close a loop, found depth first in the order of the document) set aside."""
    following: dict[str, list[str]] = {process: [] for process in processes}
    for start, end in edges:
        if start != end:
            following[start].append(end)
    state: dict[str, int] = {}
    backward: set[tuple[str, str]] = set()

    def visit(process: str) -> None:
        state[process] = 1
        for after in following[process]:
            if state.get(after) == 1:
                backward.add((process, after))
            elif after not in state:
                visit(after)
        state[process] = 2

    fed = {end for start, end in edges if start != end}
    for process in [p for p in processes if p not in fed] + processes:
        if process not in state:
            visit(process)
    rank = {process: 0 for process in processes}
    for _ in processes:
        changed = False
        for start, end in edges:
            if start != end and (start, end) not in backward and rank[end] < rank[start] + 1:
                rank[end] = rank[start] + 1
                changed = True
        if not changed:
            break
    return rank, backward


def _wrap(text: str, width: int = 18, most: int = 3) -> str:
    """Break a step's name into at most ``most`` lines of about ``width`` characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines[:most]) + ("…" if len(lines) > most else "")


def _arrow(x: float, y: float, ax: float, ay: float, colour: str, size: float = 1.1) -> dict:
    """An arrow annotation from (ax, ay) to its head at (x, y), in data coordinates."""
    return {
        "x": x,
        "y": y,
        "ax": ax,
        "ay": ay,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "text": "",
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": size,
        "arrowwidth": 1.2,
        "arrowcolor": colour,
        "standoff": 0,
    }


def flow_diagram(chart_id: str, diagram: dict[str, Any], t: ChartText) -> Chart:
    """The process flow diagram: the steps (numbered as in the document) in the order the
    material passes through them, arrows between them coloured by layer, and short arrows
    for what a step takes from and gives to the outside. A long line of steps runs down the
    page, a short one across it."""
    processes = [process["id"] for process in diagram["processes"]]
    names = {process["id"]: process["name"] for process in diagram["processes"]}
    numbers = {process["id"]: process.get("number") for process in diagram["processes"]}
    edges = [(edge["from"], edge["to"]) for edge in diagram["edges"]]
    rank, backward = _ranks(processes, edges)
    columns: dict[int, list[str]] = {}
    for process in processes:
        columns.setdefault(rank[process], []).append(process)
    # Order each column by the mean row of the steps that feed it (two sweeps).
    row: dict[str, float] = {}
    for column in sorted(columns):
        for position, process in enumerate(columns[column]):
            row[process] = position
    for _ in range(2):
        for column in sorted(columns)[1:]:

            def barycentre(process: str) -> float:
                feeders = [row[s] for s, e in edges if e == process and rank[s] < rank[process]]
                return sum(feeders) / len(feeders) if feeders else row[process]

            columns[column].sort(key=barycentre)
            for position, process in enumerate(columns[column]):
                row[process] = position
    tallest = max(len(column) for column in columns.values())
    count = max(columns) + 1
    for members in columns.values():
        offset = (tallest - len(members)) / 2
        for position, process in enumerate(members):
            row[process] = position + offset
    down = count > 6 and count > tallest
    if down:
        # Steps run down the page: the rank is the row, the position in it the column.
        box_w, box_h = 0.78, 0.5

        def place(process: str) -> tuple[float, float]:
            return row[process], -rank[process]

        width_units, height_units = tallest, count
    else:
        box_w, box_h = 0.66, 0.62

        def place(process: str) -> tuple[float, float]:
            return rank[process], -row[process]

        width_units, height_units = count, tallest
    lines: list[dict[str, Any]] = []
    boxes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for process in processes:
        x, y = place(process)
        boxes.append(
            {
                "type": "rect",
                "x0": x - box_w / 2,
                "x1": x + box_w / 2,
                "y0": y - box_h / 2,
                "y1": y + box_h / 2,
                "line": {"color": PROCESS_COLOUR, "width": 1.2},
                "fillcolor": "#eef2f6",
                "layer": "below",
            }
        )
        number = numbers[process]
        title = f"{number} {names[process]}" if number else names[process]
        annotations.append(
            {
                "x": x,
                "y": y,
                "text": _wrap(title, 22 if down else 18, 2 if down else 3),
                "showarrow": False,
                "font": {"size": 9, "color": "#111"},
            }
        )
    layer_names = diagram.get("layer_names", {})

    def colour_of(layer: str) -> tuple[int, int, int]:
        return LAYER_COLOURS.get(layer, OTHER_LAYER_COLOUR)

    # Each flow between two steps: a line drawn under the boxes (so that it never crosses a
    # step's name), and its arrowhead at the step it enters.
    for edge in diagram["edges"]:
        start, end = edge["from"], edge["to"]
        if start == end:
            continue
        (x0, y0), (x1, y1) = place(start), place(end)
        back = (start, end) in backward or rank[end] <= rank[start]
        count_layers = len(edge["layers"])
        for number, layer in enumerate(edge["layers"]):
            shift = (number - (count_layers - 1) / 2) * 0.07
            if down and not back:
                ax, ay, hx, hy = x0 + shift, y0 - box_h / 2, x1 + shift, y1 + box_h / 2
            elif down:
                ax, ay, hx, hy = x0 + box_w / 2, y0 + shift, x1 + box_w / 2, y1 + shift
            elif not back:
                ax, ay, hx, hy = x0 + box_w / 2, y0 + shift, x1 - box_w / 2, y1 + shift
            else:
                ax, ay, hx, hy = x0 + shift, y0 - box_h / 2, x1 + shift, y1 - box_h / 2
            colour = _rgba(colour_of(layer), 0.9 if not back else 0.6)
            lines.append(
                {
                    "type": "line",
                    "x0": ax,
                    "y0": ay,
                    "x1": hx,
                    "y1": hy,
                    "line": {"color": colour, "width": 1.3, "dash": "dot" if back else "solid"},
                    "layer": "below",
                }
            )
            length = math.hypot(hx - ax, hy - ay) or 1.0
            back_by = min(0.1, length / 2) / length
            annotations.append(
                _arrow(hx, hy, hx - (hx - ax) * back_by, hy - (hy - ay) * back_by, colour)
            )
    # What a step takes from and gives to the outside: short arrows into and out of it
    # (above and below it across the page, left and right of it down the page).
    stub = 0.2
    for process in diagram["processes"]:
        x, y = place(process["id"])
        for kind in ("inputs", "outputs"):
            layers = process[kind]
            for number, layer in enumerate(layers):
                shift = (number - (len(layers) - 1) / 2) * 0.08
                colour = _rgba(colour_of(layer), 0.9)
                if down and kind == "inputs":
                    edge_x, edge_y = x - box_w / 2, y + 0.1 + shift
                    annotations.append(_arrow(edge_x, edge_y, edge_x - stub, edge_y, colour, 0.9))
                elif down:
                    edge_x, edge_y = x + box_w / 2, y - 0.1 + shift
                    annotations.append(_arrow(edge_x + stub, edge_y, edge_x, edge_y, colour, 0.9))
                elif kind == "inputs":
                    edge_x, edge_y = x - 0.12 + shift, y + box_h / 2
                    annotations.append(_arrow(edge_x, edge_y, edge_x, edge_y + stub, colour, 0.9))
                else:
                    edge_x, edge_y = x + 0.12 + shift, y - box_h / 2
                    annotations.append(_arrow(edge_x, edge_y - stub, edge_x, edge_y, colour, 0.9))
    # The legend: one line per layer drawn, the built-in layers first.
    drawn = sorted(
        {layer for edge in diagram["edges"] for layer in edge["layers"]}
        | {layer for process in diagram["processes"] for layer in process["inputs"]}
        | {layer for process in diagram["processes"] for layer in process["outputs"]},
        key=lambda layer: (
            list(LAYER_COLOURS).index(layer) if layer in LAYER_COLOURS else 9,
            layer,
        ),
    )
    traces = [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "lines",
            "line": {"color": _rgba(colour_of(layer), 0.9), "width": 2},
            "name": t.words.layer(layer, layer_names.get(layer)),
        }
        for layer in drawn
    ]
    per_row = 62 if down else 84
    height = int(min(860, max(240, per_row * height_units + 70)))
    margin = 0.5 + (0.25 if down else 0.0)
    figure = _figure(
        traces,
        height,
        t,
        shapes=lines + boxes,
        annotations=annotations,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.01, "yanchor": "top", "font": {"size": 9}},
        xaxis={
            "visible": False,
            "range": [-margin, width_units - 1 + margin],
            "fixedrange": True,
        },
        yaxis={
            "visible": False,
            "range": [-height_units + 0.5 - 0.15, 0.5 + 0.15],
            "fixedrange": True,
        },
        margin={"l": 4, "r": 4, "t": 4, "b": 28},
    )
    return Chart(chart_id, figure, height)


# --------------------------------------------------------------------------------------------
# Costs, options, verification


def loss_costs(chart_id: str, losses: list[dict[str, Any]], currency: str, t: ChartText) -> Chart:
    """The full cost of the costliest losses by cost type, ± one standard deviation."""
    ordered = list(reversed(losses))
    labels = [_short(loss["name"], 40) for loss in ordered]
    scale, unit = t.money_axis([loss["cost"] for loss in ordered], currency)
    traces: list[dict[str, Any]] = []
    for cost_type, colour in COST_COLOURS.items():
        amounts = [loss[cost_type] or 0.0 for loss in ordered]
        if not any(amounts):
            continue
        name = t.words("COST_TYPE", cost_type)
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [amount / scale for amount in amounts],
                "name": name,
                "marker": {"color": colour},
                "customdata": [t.fmt.money(amount, currency) for amount in amounts],
                "hovertemplate": "%{y}: %{customdata}<extra>" + name + "</extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "y": labels,
            "x": [loss["cost"] / scale for loss in ordered],
            "mode": "markers",
            "marker": {"size": 1, "color": "#222"},
            "error_x": {
                "type": "data",
                "array": [(loss["sd"] or 0.0) / scale for loss in ordered],
                "color": "#222",
                "thickness": 1,
                "width": 3,
            },
            "name": t("± one standard deviation"),
            "customdata": [
                f"{t.fmt.money(loss['cost'], currency)} ± {t.fmt.amount(loss['sd'], currency)}"
                for loss in ordered
            ],
            "hovertemplate": "%{y}: %{customdata}<extra></extra>",
        }
    )
    # The axis holds the costliest loss and most of its uncertainty; a wider error bar runs
    # off the edge rather than crushing the bars.
    largest = max(loss["cost"] for loss in ordered)
    reach = max(loss["cost"] + (loss["sd"] or 0.0) for loss in ordered)
    height = int(max(220, 24 * len(ordered) + 110))
    figure = _figure(
        traces,
        height,
        t,
        barmode="stack",
        legend=_LEGEND_ON_TOP,
        xaxis={
            "title": {
                "text": t("Full cost in the period [%(unit)s]", unit=unit),
                "font": {"size": 10},
            },
            "range": [0, min(reach, 1.6 * largest) * 1.04 / scale],
            "tickformat": ",~g",
            "gridcolor": GRID_COLOUR,
        },
        yaxis={"tickfont": {"size": 9}},
        margin={"l": 10, "r": 16, "t": 30, "b": 10},
    )
    return Chart(chart_id, figure, height)


_LEGEND_ON_TOP = {
    "orientation": "h",
    "x": 0,
    "y": 1.0,
    "yanchor": "bottom",
    "font": {"size": 9},
    "traceorder": "normal",
}
GRID_COLOUR = "#e5e5e5"


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _step(
    bins: list[tuple[float, float]], heights: list[float], low: float, high: float
) -> tuple[list[float], list[float]]:
    """The outline of a histogram between ``low`` and ``high`` (bins cut at the ends), as
    a closed polygon."""
    xs: list[float] = []
    ys: list[float] = []
    for (start, end), height in zip(bins, heights, strict=True):
        start, end = max(start, low), min(end, high)
        if end <= start:
            continue
        if not xs:
            xs.append(start)
            ys.append(0.0)
        xs += [start, end]
        ys += [height, height]
    if xs:
        xs.append(xs[-1])
        ys.append(0.0)
    return xs, ys


def option_risk(
    chart_id: str, option: dict[str, Any], risk: dict[str, Any] | None, t: ChartText
) -> Chart:
    """Two panels of one option: the tornado of its NPV (each input 20 % lower and higher,
    the dotted line the NPV) and the distribution of its NPV over the Monte Carlo draws
    (the P10, median and P90 dashed)."""
    currency = option["currency"]
    rows = list(reversed(option["tornado"]))
    amounts = [option["npv"]] + [row[key] for row in rows for key in ("npv_low", "npv_high")]
    if risk is not None:
        amounts += [risk["edges"][0], risk["edges"][-1]]
    scale, unit = t.money_axis(amounts, currency)
    base = option["npv"] / scale
    labels = [t.words("TORNADO_INPUT", row["input"]) for row in rows]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": [row[key] / scale - base for row in rows],
            "base": base,
            "name": name,
            "marker": {"color": colour},
            "customdata": [t.fmt.money(row[key], currency) for row in rows],
            "hovertemplate": "%{y}: NPV %{customdata}<extra></extra>",
            "xaxis": "x",
            "yaxis": "y",
        }
        for key, name, colour in (
            ("npv_low", t("input −20 %"), "#56B4E9"),
            ("npv_high", t("input +20 %"), "#0072B2"),
        )
    ]
    shapes: list[dict[str, Any]] = [
        {
            "type": "line",
            "xref": "x",
            "yref": "y",
            "x0": base,
            "x1": base,
            "y0": -0.5,
            "y1": len(rows) - 0.5,
            "line": {"color": "#222", "width": 1, "dash": "dot"},
        }
    ]
    annotations: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "xaxis": {
            "domain": [0.0, 0.44],
            "title": {"text": t("NPV [%(unit)s]", unit=unit), "font": {"size": 10}},
            "tickformat": ",~g",
            "gridcolor": GRID_COLOUR,
            "zeroline": True,
            "zerolinecolor": "#888",
        },
        "yaxis": {"automargin": True, "tickfont": {"size": 9}},
    }
    if risk is not None:
        edges, counts = risk["edges"], risk["counts"]
        pairs = list(itertools.pairwise(edges))
        scaled = [(low / scale, high / scale) for low, high in pairs]
        shares = [count / risk["draws"] for count in counts]
        # The histogram as two filled outlines, below and above an NPV of zero: two shapes
        # to draw rather than a bar per bin.
        for low_end, high_end, colour in (
            (-math.inf, 0.0, LOSS_COLOUR),
            (0.0, math.inf, GAIN_COLOUR),
        ):
            xs, ys = _step(scaled, shares, low_end, high_end)
            if not xs:
                continue
            traces.append(
                {
                    "type": "scatter",
                    "x": xs,
                    "y": ys,
                    "mode": "lines",
                    "line": {"color": colour, "width": 0.8},
                    "fill": "toself",
                    "fillcolor": _rgba(_hex_rgb(colour), 0.75),
                    "hovertemplate": "NPV %{x:,.4~g}: %{y:.1%}<extra></extra>",
                    "showlegend": False,
                    "xaxis": "x2",
                    "yaxis": "y2",
                }
            )
        top = max(shares) if shares else 1.0
        shapes += [
            {
                "type": "line",
                "xref": "x2",
                "yref": "y2",
                "x0": value / scale,
                "x1": value / scale,
                "y0": 0,
                "y1": top * 1.05,
                "line": {"color": colour, "width": 1, "dash": dash},
            }
            for value, colour, dash in (
                (0.0, "#222", "solid"),
                (risk["p10"], "#666", "dot"),
                (risk["p50"], "#666", "dash"),
                (risk["p90"], "#666", "dot"),
            )
        ]
        annotations.append(
            {
                "xref": "x2 domain",
                "yref": "y2 domain",
                "x": 0.01,
                "y": 1.0,
                "xanchor": "left",
                "yanchor": "bottom",
                "text": t(
                    "P(NPV > 0) = %(chance)s; median %(p50)s",
                    chance=t.fmt.percent(risk["p_npv_positive"]),
                    p50=t.fmt.amount(risk["p50"], currency),
                ),
                "showarrow": False,
                "align": "left",
                "font": {"size": 9},
            }
        )
        layout["xaxis2"] = {
            "domain": [0.56, 1.0],
            "anchor": "y2",
            "title": {"text": t("NPV [%(unit)s]", unit=unit), "font": {"size": 10}},
            "tickformat": ",~g",
            "gridcolor": GRID_COLOUR,
        }
        layout["yaxis2"] = {
            "anchor": "x2",
            "title": {"text": t("share of the draws"), "font": {"size": 10}},
            "tickformat": ".0%",
            "gridcolor": GRID_COLOUR,
        }
    else:
        layout["xaxis"]["domain"] = [0.0, 1.0]
    height = max(240, 34 * len(rows) + 120)
    figure = _figure(
        traces,
        height,
        t,
        barmode="overlay",
        bargap=0.25,
        legend=_LEGEND_ON_TOP,
        shapes=shapes,
        annotations=annotations,
        margin={"l": 10, "r": 16, "t": 34, "b": 10},
        **layout,
    )
    return Chart(chart_id, figure, height)


def verification(chart_id: str, monitoring: dict[str, Any], t: ChartText) -> Chart:
    """The baseline regression of a monitored option with the readings after it."""
    baseline, reporting = monitoring["baseline"], monitoring["reporting"]
    xs = [point["production"] for point in baseline + reporting]
    low, high = min(xs), max(xs)
    pad = (high - low) * 0.05 or 1.0
    line_x = [low - pad, high + pad]
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": line_x,
            "y": [monitoring["intercept"] + monitoring["slope"] * x for x in line_x],
            "mode": "lines",
            "line": {"color": "#888", "dash": "dash", "width": 1.2},
            "name": t("baseline model"),
        }
    ]
    for points, name, colour, symbol in (
        (baseline, t("before the option"), "#0072B2", "circle"),
        (reporting, t("after the option"), GAIN_COLOUR, "diamond"),
    ):
        traces.append(
            {
                "type": "scatter",
                "x": [point["production"] for point in points],
                "y": [point["consumption"] for point in points],
                "text": [point["period"] for point in points],
                "mode": "markers",
                "marker": {"color": colour, "size": 7, "symbol": symbol},
                "name": name,
                "hovertemplate": "%{text}: %{x:,.4~g}, %{y:,.4~g}<extra></extra>",
            }
        )
    height = 260
    figure = _figure(
        traces,
        height,
        t,
        legend=_LEGEND_ON_TOP,
        xaxis={
            "title": {
                "text": t("production [%(unit)s]", unit=monitoring["production_unit"]),
                "font": {"size": 10},
            },
            "gridcolor": GRID_COLOUR,
        },
        yaxis={
            "title": {
                "text": t(
                    "%(resource)s [%(unit)s]",
                    resource=_short(monitoring["resource"], 30),
                    unit=monitoring["consumption_unit"],
                ),
                "font": {"size": 10},
            },
            "gridcolor": GRID_COLOUR,
        },
        margin={"l": 10, "r": 16, "t": 30, "b": 10},
    )
    return Chart(chart_id, figure, height)


def figures_of(data: dict[str, Any], t: ChartText) -> dict[str, Chart]:
    """Every chart of the report, by id, in the order they appear."""
    charts: dict[str, Chart] = {}

    def keep(chart: Chart) -> None:
        charts[chart.id] = chart

    if data["flow_diagram"]["processes"]:
        keep(flow_diagram("flow-diagram", data["flow_diagram"], t))
    for layer, figures in data["layers"].items():
        if figures["sankey"]["links"]:
            keep(sankey(f"sankey-{layer}", figures["sankey"], t))
    if data["costliest_losses"]:
        keep(loss_costs("loss-costs", data["costliest_losses"], data["costs"]["currency"], t))
    for option_id, option in data["options"].items():
        if option["tornado"] and option["npv"] is not None and math.isfinite(option["npv"]):
            keep(option_risk(f"option-{option_id}", option, data["risk"].get(option_id), t))
    for row in data["implementation"]:
        if row["monitoring"] is not None:
            keep(verification(f"verified-{row['id']}", row["monitoring"], t))
    return charts
