"""Bar charts for the call dashboard, laid out on the server as plain SVG (no scripts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 220
BAR_AREA = 360
VALUE_WIDTH = 60
ROW_HEIGHT = 24
BAR_HEIGHT = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int
    highlight: bool


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH


def _chart(title: str, rows: Sequence[tuple[str, int, bool]]) -> Chart:
    largest = max((value for _l, value, _h in rows), default=0) or 1
    bars = []
    for index, (label, value, highlight) in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        width = round(BAR_AREA * value / largest) if value else 0
        bars.append(
            Bar(
                label=label if len(label) <= 30 else label[:29] + "…",
                value=value,
                y=y,
                width=max(width, 1 if value else 0),
                text_y=y + BAR_HEIGHT - 3,
                value_x=LABEL_WIDTH + width + 6,
                highlight=highlight,
            )
        )
    return Chart(
        title=title,
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=max(len(rows), 1) * ROW_HEIGHT + 8,
    )


def simple_chart(title: str, rows: Sequence[tuple[str, int]]) -> Chart:
    return _chart(title, [(label, value, False) for label, value in rows])


def country_chart(title: str, rows: Sequence[tuple[str, int, bool]]) -> Chart:
    return _chart(title, rows)
