"""Horizontal bar charts as plain SVG, laid out on the server (no scripts, no inline styles)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Wide enough for LABEL_CHARS characters at 13px (about 7px each) plus the gap to the bar.
LABEL_WIDTH = 300
LABEL_CHARS = 40
BAR_AREA = 380
VALUE_WIDTH = 70
ROW_HEIGHT = 26
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH


def bar_chart(title: str, rows: Sequence[tuple[str, int]]) -> BarChart:
    largest = max((value for _label, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        width = round(BAR_AREA * value / largest) if value else 0
        bars.append(
            Bar(
                label=label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
                value=value,
                y=y,
                width=max(width, 1 if value else 0),
                text_y=y + BAR_HEIGHT - 4,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return BarChart(
        title=title,
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=max(len(rows), 1) * ROW_HEIGHT + 8,
    )
