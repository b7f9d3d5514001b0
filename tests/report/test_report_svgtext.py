"""Taking the text out of a chart's SVG: where each label goes, and what is left to draw."""

from __future__ import annotations

import math

import pytest

from cleanprod.report.svgtext import parse_transform, split_text

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300">
<g class="empty"></g>
<g><g><rect x="0" y="0" width="10" height="10" style="fill: rgb(0, 0, 0);"/></g></g>
<rect class="bg" width="10" height="10" style="fill: rgb(0, 0, 0); fill-opacity: 0;"/>
<path class="xlines-below"/>
<g transform="translate(100,50)">
  <text x="10" y="20" text-anchor="middle" style="font-size: 12px; fill: rgb(1, 2, 3);">Tick</text>
  <text class="ytitle" transform="rotate(-90,5,100)" x="5" y="100" text-anchor="middle"
        style="font-size: 14px;">Axis title</text>
  <text x="0" y="0" style="font-size: 10px;"><tspan class="line" dy="0em" x="0" y="0"
  >first</tspan><tspan class="line" dy="1.3em" x="0" y="0"><tspan style="font-weight:bold"
  >second</tspan> line</tspan></text>
  <text x="0" y="0" style="opacity: 0;">hidden</text>
</g>
</svg>"""


def test_parse_transform_composes_translate_rotate_and_matrix():
    assert parse_transform("translate(3,4)") == (1, 0, 0, 1, 3, 4)
    a, b, c, d, e, f = parse_transform("rotate(-90,5,100)")
    # A point at the centre stays; (5, 110) turns to (15, 100).
    assert (a * 5 + c * 100 + e, b * 5 + d * 100 + f) == pytest.approx((5, 100))
    assert (a * 5 + c * 110 + e, b * 5 + d * 110 + f) == pytest.approx((15, 100))
    assert parse_transform("matrix(2 0 0 2 1 1) translate(1)") == (2, 0, 0, 2, 3, 1)


def test_split_text_places_every_label_on_its_baseline():
    _, labels, width, height = split_text(SVG)
    assert (width, height) == (600, 300)
    by_text = {label.text: label for label in labels}
    assert set(by_text) == {"Tick", "Axis title", "first", "second line"}
    tick = by_text["Tick"]
    assert (tick.x, tick.y, tick.anchor, tick.size) == (110, 70, "middle", 12)
    assert tick.colour == "rgb(1, 2, 3)" and tick.angle == 0
    title = by_text["Axis title"]
    assert (title.x, title.y) == pytest.approx((105, 150))
    assert math.isclose(title.angle, -90)
    assert by_text["second line"].y == pytest.approx(50 + 13)
    assert by_text["second line"].bold and not by_text["first"].bold


def test_split_text_leaves_only_what_is_seen_to_draw():
    drawing, _, _, _ = split_text(SVG)
    assert "<text" not in drawing and "Tick" not in drawing
    assert 'class="empty"' not in drawing and 'class="bg"' not in drawing
    assert "xlines-below" not in drawing
    # The group that only held text goes too.
    assert drawing.count("<rect") == 1 and "<g" not in drawing


def test_split_text_keeps_svg_the_default_namespace_whatever_is_registered():
    import weasyprint.pdf.metadata  # registers the empty prefix for its own use

    assert weasyprint.pdf.metadata
    drawing, _, _, _ = split_text(SVG)
    assert drawing.startswith("<svg ") and 'xmlns="http://www.w3.org/2000/svg"' in drawing
    assert "ns0:" not in drawing
