"""The text of a chart's SVG taken out, to be laid over the drawing as HTML.

WeasyPrint draws the text of an SVG one letter at a time, which breaks the scripts whose
letters combine — Khmer's subscript consonants, Lao's vowel and tone marks, Vietnamese written
with combining accents — and is slow. The PDF report therefore keeps the drawing of each chart
(lines, bars, flows) as SVG and lays its text over it as HTML, which WeasyPrint shapes with
Pango and HarfBuzz like the rest of the page, in the embedded Noto fonts: the same labels,
at the same places, selectable and searchable in the PDF.

:func:`split_text` finds every ``<text>`` of the SVG (plotly's, as exported by kaleido),
resolves the transforms of its ancestors to a point, an angle and an anchor (start, middle,
end) on its baseline, and removes it from the drawing.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ElementTree.register_namespace("xlink", XLINK)

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

_TRANSFORM = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
#: Line height of plotly's multi-line text [em], when a line gives none.
LINE_HEIGHT = 1.3


@dataclass(frozen=True)
class Label:
    """One line of text of a chart: its baseline point [px], rotation [degrees, clockwise],
    anchor (``start``, ``middle``, ``end``), size [px], colour, boldness and words."""

    x: float
    y: float
    angle: float
    anchor: str
    size: float
    colour: str
    bold: bool
    text: str


def _multiply(first: Matrix, second: Matrix) -> Matrix:
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = second
    return (
        a1 * a2 + c1 * b2,
        b1 * a2 + d1 * b2,
        a1 * c2 + c1 * d2,
        b1 * c2 + d1 * d2,
        a1 * e2 + c1 * f2 + e1,
        b1 * e2 + d1 * f2 + f1,
    )


def parse_transform(text: str | None) -> Matrix:
    """The matrix of an SVG ``transform`` attribute (translate, scale, rotate, matrix)."""
    matrix = IDENTITY
    for name, arguments in _TRANSFORM.findall(text or ""):
        values = [float(number) for number in _NUMBER.findall(arguments)]
        step = IDENTITY
        if name == "translate" and values:
            step = (1.0, 0.0, 0.0, 1.0, values[0], values[1] if len(values) > 1 else 0.0)
        elif name == "scale" and values:
            step = (values[0], 0.0, 0.0, values[1] if len(values) > 1 else values[0], 0.0, 0.0)
        elif name == "rotate" and values:
            angle = math.radians(values[0])
            cos, sin = math.cos(angle), math.sin(angle)
            step = (cos, sin, -sin, cos, 0.0, 0.0)
            if len(values) >= 3:
                cx, cy = values[1], values[2]
                step = _multiply(
                    _multiply((1.0, 0.0, 0.0, 1.0, cx, cy), step), (1.0, 0.0, 0.0, 1.0, -cx, -cy)
                )
        elif name == "matrix" and len(values) == 6:
            step = tuple(values)  # type: ignore[assignment]
        matrix = _multiply(matrix, step)
    return matrix


def _style(element: ElementTree.Element) -> dict[str, str]:
    entries = {}
    for item in (element.get("style") or "").split(";"):
        key, separator, value = item.partition(":")
        if separator:
            entries[key.strip()] = value.strip()
    return entries


def _length(text: str | None, size: float) -> float:
    """An SVG length in px: ``12``, ``12px``, ``1.3em``."""
    if not text:
        return 0.0
    numbers = _NUMBER.findall(text)
    if not numbers:
        return 0.0
    value = float(numbers[0])
    return value * size if text.strip().endswith("em") else value


def _hidden(style: dict[str, str], element: ElementTree.Element) -> bool:
    """Whether a text element is invisible (an opacity of 0 — one that is not a number counts
    as visible — or display none, or visibility hidden)."""
    for key in ("opacity", "fill-opacity"):
        value = style.get(key, element.get(key))
        if value is not None and _is_number(value) and float(value) == 0:
            return True
    return style.get("display") == "none" or style.get("visibility") == "hidden"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _bold(element: ElementTree.Element) -> bool:
    for node in element.iter():
        weight = _style(node).get("font-weight", node.get("font-weight", ""))
        if weight == "bold" or (weight.isdigit() and int(weight) >= 600):
            return True
    return False


def _text_labels(element: ElementTree.Element, matrix: Matrix) -> list[Label]:
    style = _style(element)
    if _hidden(style, element):
        return []
    size = _length(style.get("font-size", element.get("font-size", "12")), 12.0) or 12.0
    colour = style.get("fill", element.get("fill", "#222"))
    anchor = style.get("text-anchor", element.get("text-anchor", "start"))
    matrix = _multiply(matrix, parse_transform(element.get("transform")))
    angle = math.degrees(math.atan2(matrix[1], matrix[0]))
    base_x = _length(element.get("x"), size) + _length(element.get("dx"), size)
    base_y = _length(element.get("y"), size) + _length(element.get("dy"), size)
    lines = [child for child in element if "line" in (child.get("class") or "").split()]
    pieces: list[tuple[float, float, ElementTree.Element]] = []
    if lines:
        for number, line in enumerate(lines):
            x = _length(line.get("x"), size) if line.get("x") else base_x
            y = _length(line.get("y"), size) if line.get("y") else base_y
            dy = line.get("dy")
            y += _length(dy, size) if dy is not None else number * LINE_HEIGHT * size
            pieces.append((x, y, line))
    else:
        pieces.append((base_x, base_y, element))
    labels = []
    a, b, c, d, e, f = matrix
    for x, y, node in pieces:
        text = "".join(node.itertext()).strip()
        if not text:
            continue
        labels.append(
            Label(
                x=a * x + c * y + e,
                y=b * x + d * y + f,
                angle=angle,
                anchor=anchor if anchor in ("start", "middle", "end") else "start",
                size=size * math.hypot(a, b),
                colour=colour,
                bold=_bold(node),
                text=text,
            )
        )
    return labels


def split_text(svg: str) -> tuple[str, list[Label], float, float]:
    """The SVG without its text, the text as labels, and the SVG's width and height [px]."""
    root = ElementTree.fromstring(svg)
    width = _length(root.get("width"), 12.0)
    height = _length(root.get("height"), 12.0)
    labels: list[Label] = []

    def walk(element: ElementTree.Element, matrix: Matrix) -> None:
        for child in list(element):
            tag = child.tag.rpartition("}")[2]
            if tag == "text":
                labels.extend(_text_labels(child, matrix))
                element.remove(child)
            elif tag not in ("defs", "clipPath", "style"):
                walk(child, _multiply(matrix, parse_transform(child.get("transform"))))

    walk(root, IDENTITY)
    _prune(root)
    # SVG as the default namespace of the drawing, whatever prefixes other modules register
    # with ElementTree (WeasyPrint takes the empty one).
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", SVG)
    drawing = ElementTree.tostring(root, encoding="unicode")
    return drawing, labels, width, height


#: Attributes that make a group more than a container.
_GROUP_EFFECTS = (
    "transform",
    "style",
    "clip-path",
    "opacity",
    "mask",
    "filter",
    "fill",
    "stroke",
    "id",
)


def _prune(element: ElementTree.Element) -> None:
    """Drop empty groups and shapes nobody sees, and hoist the children of groups that do
    nothing, so that the drawing has a third of plotly's elements (WeasyPrint draws each)."""
    children = list(element)
    for child in children:
        _prune(child)
    for child in children:
        tag = child.tag.rpartition("}")[2]
        if tag == "g" and not len(child):
            element.remove(child)
            continue
        if tag in ("rect", "path") and (
            _invisible(child) or (tag == "path" and not child.get("d"))
        ):
            element.remove(child)
            continue
        if tag == "g" and not any(child.get(name) for name in _GROUP_EFFECTS):
            index = list(element).index(child)
            element.remove(child)
            for offset, grandchild in enumerate(list(child)):
                element.insert(index + offset, grandchild)


def _invisible(element: ElementTree.Element) -> bool:
    """A shape with neither a visible fill nor a visible stroke."""
    style = _style(element)

    def off(paint: str, opacity: str) -> bool:
        colour = style.get(paint, element.get(paint))
        if colour in (None, "none", "transparent"):
            return paint == "stroke" or colour is not None
        try:
            return float(style.get(opacity, element.get(opacity, "1"))) == 0
        except ValueError:
            return False

    fill_off = off("fill", "fill-opacity")
    stroke_off = off("stroke", "stroke-opacity") or style.get("stroke-width") in ("0", "0px")
    return fill_off and stroke_off
