"""Column charts over time as plain SVG, laid out on the server (no scripts, no inline styles),
in the style of the bar charts of governance.core.charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COLUMN_WIDTH = 44
GAP = 10
PLOT_HEIGHT = 160
TOP = 22  # room for the value above the tallest column
BOTTOM = 34  # room for the labels under the columns
LEFT = 8


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    shown: str
    x: int
    y: int
    height: int
    centre: int


@dataclass(frozen=True)
class ColumnChart:
    title: str
    columns: list[Column]
    width: int
    height: int
    baseline: int
    label_y: int


def column_chart(title: str, rows: Sequence[tuple[str, int, str]]) -> ColumnChart:
    """`rows` are (label, value to draw, text to show), e.g. ("2026 Q1", 0, "fewer than 5")."""
    largest = max((value for _label, value, _shown in rows), default=0) or 1
    columns = []
    for index, (label, value, shown) in enumerate(rows):
        height = round(PLOT_HEIGHT * value / largest) if value else 0
        x = LEFT + index * (COLUMN_WIDTH + GAP)
        columns.append(
            Column(
                label=label,
                value=value,
                shown=shown,
                x=x,
                y=TOP + PLOT_HEIGHT - height,
                height=height,
                centre=x + COLUMN_WIDTH // 2,
            )
        )
    return ColumnChart(
        title=title,
        columns=columns,
        width=LEFT * 2 + max(len(rows), 1) * (COLUMN_WIDTH + GAP),
        height=TOP + PLOT_HEIGHT + BOTTOM,
        baseline=TOP + PLOT_HEIGHT,
        label_y=TOP + PLOT_HEIGHT + 18,
    )
