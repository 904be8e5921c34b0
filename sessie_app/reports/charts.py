"""Bar charts for the report document, drawn as SVG on the server.

Each chart is rendered through an autoescaped Jinja template (``reports/document/bar_chart.svg``),
so a label that comes from a participant (a proposal title) stays text inside the SVG and can
never become markup. The SVG is handed to the document as a ``data:`` URI on an ``<img>`` with
an alt text that states the figures in words: WeasyPrint tags it as a Figure with that text,
and its fetcher serves ``data:`` URIs without going anywhere.

The labels passed in (series names, category names) are already translated: the SVG template
itself holds no words, as the message extraction reads only .html and .txt templates.
"""

import base64
from dataclasses import dataclass

from flask import render_template

WIDTH = 600  # SVG user units; drawn WIDTH_MM wide, so 1 unit is about 0.28 mm and font-size 10 ≈ 8 pt
WIDTH_MM = 168.0
BAR = 11
GAP = 9
LEGEND = 26
VALUE_ROOM = 46
FONT = 9.5
# Calm blues and the amber of the mottos; they differ in lightness too, so they read in grey.
COLOURS = ("#0b4f8a", "#6a9fd4", "#e0a800", "#2e7d5b")


@dataclass
class Chart:
    src: str
    alt: str
    width_mm: float
    height_mm: float


def shorten(text: str, limit: int) -> str:
    """A label that fits its column: cut at a word before ``limit`` characters, with an ellipsis."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def bar_chart(
    categories: list[str],
    series: list[str],
    values: list[list[int]],
    alt: str,
    label_width: int = 150,
    label_chars: int = 30,
) -> Chart:
    """Horizontal bars: one group per category, one bar per series. ``values[i][j]`` is the
    value of series ``j`` in category ``i``. The value is printed at the end of each bar."""
    top = max((v for row in values for v in row), default=0) or 1
    x0 = label_width + 8
    span = WIDTH - x0 - VALUE_ROOM
    group_height = len(series) * BAR + GAP
    height = LEGEND + len(categories) * group_height + 4
    rows = []
    for index, (category, row) in enumerate(zip(categories, values, strict=True)):
        y = LEGEND + index * group_height
        bars = []
        for j, value in enumerate(row):
            length = round(span * value / top, 1)
            bars.append(
                {
                    "y": y + j * BAR,
                    "width": max(length, 0.8 if value else 0),
                    "value": value,
                    "colour": COLOURS[j % len(COLOURS)],
                    "text_x": x0 + length + 4,
                }
            )
        rows.append(
            {"label": shorten(category, label_chars), "label_y": y + len(series) * BAR / 2 + FONT * 0.35, "bars": bars}
        )
    legend = []
    x = x0
    for j, name in enumerate(series):
        legend.append({"x": x, "name": name, "colour": COLOURS[j % len(COLOURS)]})
        x += 22 + len(name) * FONT * 0.6
    svg = render_template(
        "reports/document/bar_chart.svg",
        width=WIDTH,
        height=height,
        width_mm=WIDTH_MM,
        height_mm=round(WIDTH_MM * height / WIDTH, 1),
        x0=x0,
        bar_height=BAR - 2,
        font=FONT,
        rows=rows,
        legend=legend,
        axis_bottom=height - 2,
        alt=alt,
    )
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Chart(src=src, alt=alt, width_mm=WIDTH_MM, height_mm=round(WIDTH_MM * height / WIDTH, 1))
