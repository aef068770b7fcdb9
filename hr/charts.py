"""Server-rendered SVG charts: geometry computed here, markup in templates/hr/charts/.

Right-to-left pages get mirrored charts (labels on the right, bars and time growing
leftwards). Each chart has a data table next to it in the page for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    y: float
    label_x: float
    value_x: float
    bar_x: float
    bar_width: float


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    bar_height: float
    anchor: str
    value_anchor: str


def bar_chart(items: list[tuple[str, int]], *, rtl: bool = False, width: int = 640) -> BarChart:
    """Horizontal bars, one per (label, value)."""
    label_width, value_width, row = 200, 50, 26
    plot = width - label_width - value_width
    biggest = max((v for _l, v in items), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(items):
        length = plot * value / biggest
        y = i * row + 4
        if rtl:
            label_x = width - 4
            bar_x = width - label_width - length
            value_x = bar_x - 4
        else:
            label_x = label_width - 6
            bar_x = label_width
            value_x = label_width + length + 4
        bars.append(Bar(label[:32], value, y, label_x, value_x, bar_x, length))
    return BarChart(
        width=width,
        height=max(row, len(items) * row + 8),
        bars=bars,
        bar_height=row - 8,
        anchor="start" if rtl else "end",
        value_anchor="start",
    )


@dataclass
class Point:
    label: str
    value: float | None
    x: float
    y: float


@dataclass
class LineChart:
    width: int
    height: int
    points: list[Point]
    path: str
    grid: list[tuple[float, str]]
    left: float
    right: float
    bottom: float


def line_chart(
    items: list[tuple[str, float | None]],
    *,
    rtl: bool = False,
    width: int = 640,
    height: int = 220,
    top_value: float = 100.0,
) -> LineChart:
    """A line over time (values 0..top_value); missing values break nothing (they are skipped)."""
    # 44: the value labels' side; 28: half a month label ("2026-11"), centred on the last point.
    left, right, top, bottom = 44, width - 28, 12, height - 30
    if rtl:
        left, right = 28, width - 44
    n = max(len(items) - 1, 1)
    points = []
    for i, (label, value) in enumerate(items):
        fraction = i / n
        x = right - fraction * (right - left) if rtl else left + fraction * (right - left)
        y = bottom - (value or 0) / top_value * (bottom - top)
        points.append(Point(label, value, round(x, 1), round(y, 1)))
    drawn = [p for p in points if p.value is not None]
    path = " ".join(("M" if i == 0 else "L") + f"{p.x},{p.y}" for i, p in enumerate(drawn))
    grid = [
        (round(bottom - f * (bottom - top), 1), f"{int(f * top_value)}")
        for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    return LineChart(width, height, points, path, grid, left, right, bottom)
