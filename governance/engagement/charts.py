"""Survey charts as plain SVG laid out on the server (no scripts, no inline styles).

Bars for choices, diverging stacked bars for Likert statements (disagreement to the left of the
centre line, agreement to the right), a histogram for 0-10 scales and a cumulative line for the
responses received over time. Each chart also has a table in the page for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from governance.core.charts import (
    BAR_AREA,
    BAR_HEIGHT,
    LABEL_CHARS,
    LABEL_WIDTH,
    ROW_HEIGHT,
    Bar,
    BarChart,
    bar_chart,
)

# Strongly disagree .. strongly agree, colour-blind safe (blue-orange diverging).
LIKERT_COLOURS = ["#b35806", "#f1a340", "#bdbdbd", "#7fa8d8", "#1f5fa8"]

# Plain bars are the shared ones; results.py reaches every survey chart through this module.
__all__ = ["Bar", "BarChart", "bar_chart"]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


@dataclass(frozen=True)
class Segment:
    x: int
    width: int
    colour: str
    label: str
    value: int


@dataclass(frozen=True)
class DivergingRow:
    label: str
    y: int
    text_y: int
    segments: list[Segment]
    counts: list[int]


@dataclass(frozen=True)
class DivergingChart:
    title: str
    rows: list[DivergingRow]
    levels: list[tuple[str, str]]  # (label, colour) for the legend and the table
    width: int
    height: int
    centre: int
    label_width: int = LABEL_WIDTH


def diverging_chart(
    title: str, rows: Sequence[tuple[str, list[int]]], levels: list[str]
) -> DivergingChart:
    """Each row: counts per level, from the most negative to the most positive; the neutral
    middle level straddles the centre line."""
    half = BAR_AREA // 2
    centre = LABEL_WIDTH + half
    laid_out = []
    for index, (label, counts) in enumerate(rows):
        total = sum(counts) or 1
        widths = [round(half * 2 * n / total) // 2 * 2 for n in counts]
        mid = len(counts) // 2
        left = centre - sum(widths[:mid]) - widths[mid] // 2
        y = index * ROW_HEIGHT + 4
        segments = []
        x = left
        for level, (n, width) in enumerate(zip(counts, widths, strict=True)):
            segments.append(Segment(x, width, LIKERT_COLOURS[level], levels[level], n))
            x += width
        laid_out.append(DivergingRow(_short(label), y, y + BAR_HEIGHT - 4, segments, list(counts)))
    return DivergingChart(
        title,
        laid_out,
        list(zip(levels, LIKERT_COLOURS, strict=True)),
        LABEL_WIDTH + BAR_AREA + 20,
        max(len(rows), 1) * ROW_HEIGHT + 8,
        centre,
    )


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: int
    y: int
    height: int
    label_x: int


@dataclass(frozen=True)
class Histogram:
    title: str
    columns: list[Column]
    width: int
    height: int
    baseline: int
    column_width: int


HIST_HEIGHT = 160
COLUMN_WIDTH = 36


def histogram(title: str, rows: Sequence[tuple[str, int]]) -> Histogram:
    largest = max((value for _l, value in rows), default=0) or 1
    columns = []
    for index, (label, value) in enumerate(rows):
        height = round(HIST_HEIGHT * value / largest)
        x = 10 + index * (COLUMN_WIDTH + 6)
        columns.append(
            Column(label, value, x, 20 + HIST_HEIGHT - height, height, x + COLUMN_WIDTH // 2)
        )
    return Histogram(
        title,
        columns,
        20 + len(rows) * (COLUMN_WIDTH + 6),
        HIST_HEIGHT + 50,
        20 + HIST_HEIGHT,
        COLUMN_WIDTH,
    )


@dataclass(frozen=True)
class LineChart:
    title: str
    points: str  # the SVG polyline's "x,y x,y ..."
    rows: list[tuple[str, int]]
    width: int
    height: int
    first: str
    last: str
    total: int


def line_chart(title: str, rows: Sequence[tuple[str, int]]) -> LineChart:
    width, height = 600, 160
    largest = max((value for _l, value in rows), default=0) or 1
    step = (width - 40) / max(len(rows) - 1, 1)
    points = " ".join(
        f"{20 + round(i * step)},{height - 20 - round((height - 40) * value / largest)}"
        for i, (_label, value) in enumerate(rows)
    )
    return LineChart(
        title,
        points,
        list(rows),
        width,
        height,
        rows[0][0] if rows else "",
        rows[-1][0] if rows else "",
        rows[-1][1] if rows else 0,
    )
