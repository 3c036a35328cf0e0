"""Accessible SVG bar charts: each chart has a title, a description and a data table.

The SVG is for people who would rather look; the table beside it carries the same
numbers for screen-reader users (the SVG is ``role="img"`` with a short description
that points at the table). Colours are dark enough for 3:1 non-text contrast on white,
and segments are also told apart by the legend order and the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

SERIES_COLOURS = {"error": "#b3261e", "warning": "#8a5300", "notice": "#1f5fa8", "value": "#1f5fa8",
                  "before": "#6b6b6b", "now": "#1f5fa8"}
_BAR = 22
_GAP = 10
_LABEL_W = 210
_CHART_W = 640


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart (stacked when there are several series)."""

    id: str
    title: str
    rows: list[tuple[str, list[float]]]
    series: list[tuple[str, str]]
    """(key, label) of each series; the key picks the colour."""
    unit: str = ""
    stacked: bool = True
    """Several series: stacked into one bar (parts of a whole) or side by side (before/now)."""

    def svg(self) -> str:
        """The chart as inline SVG."""
        top = 30 if len(self.series) > 1 else 8
        row = self._row_height()
        height = top + len(self.rows) * (row + _GAP) + 8
        largest = max((self._extent(v) for _, v in self.rows), default=0) or 1
        scale = (_CHART_W - _LABEL_W - 70) / largest
        parts = [
            (f'<svg class="td-report__svg" role="img" viewBox="0 0 {_CHART_W} {height}" '
             f'width="100%" aria-labelledby="{self.id}-t {self.id}-d" focusable="false">'),
            f'<title id="{self.id}-t">{escape(self.title)}</title>',
            f'<desc id="{self.id}-d">{escape(self.describe())}</desc>',
        ]
        if len(self.series) > 1:
            parts.append(self._legend())
        for i, (label, values) in enumerate(self.rows):
            y = top + i * (row + _GAP)
            parts.append(f'<text x="{_LABEL_W - 8}" y="{y + row / 2 + 5:.0f}" text-anchor="end" '
                         f'class="td-report__label">{escape(_short(label))}</text>')
            parts.extend(self._bars(values, y, scale))
        parts.append("</svg>")
        return "".join(parts)

    def _row_height(self) -> int:
        # Side-by-side bars get 16 px each so their value labels (13 px) do not collide.
        return _BAR if self.stacked else 16 * len(self.series)

    def _extent(self, values: list[float]) -> float:
        return sum(values) if self.stacked else max(values, default=0)

    def _bars(self, values: list[float], y: int, scale: float) -> list[str]:
        """The rectangles of one row and its value label(s)."""
        out: list[str] = []
        x, height = float(_LABEL_W), _BAR if self.stacked else 16.0
        for n, ((key, _), value) in enumerate(zip(self.series, values, strict=True)):
            top = y if self.stacked else y + n * height
            width = value * scale
            if width > 0:
                out.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{max(width, 1.5):.1f}" '
                           f'height="{height:.1f}" fill="{SERIES_COLOURS.get(key, "#1f5fa8")}" '
                           'stroke="#fff" stroke-width="1"/>')
            if self.stacked:
                x += width
            else:
                out.append(f'<text x="{_LABEL_W + width + 6:.1f}" y="{top + height - 3:.1f}" '
                           f'class="td-report__value">{_fmt(value)}{escape(self.unit)}</text>')
        if self.stacked:
            out.append(f'<text x="{x + 6:.1f}" y="{y + _BAR * 0.7:.0f}" class="td-report__value">'
                       f'{_fmt(sum(values))}{escape(self.unit)}</text>')
        return out

    def _legend(self) -> str:
        out, x = [], _LABEL_W
        for key, label in self.series:
            out.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{SERIES_COLOURS.get(key, "#1f5fa8")}"/>'
                       f'<text x="{x + 20}" y="18" class="td-report__label">{escape(label)}</text>')
            x += 30 + 16 * len(label)
        return "".join(out)

    def describe(self) -> str:
        """One sentence for assistive technology: what is largest, and where the data is."""
        if not self.rows:
            return f"{self.title}：没有数据。"
        if not self.stacked:
            parts = "；".join(f"{label}：" + "，".join(f"{name} {_fmt(v)}" for (_, name), v in
                                                   zip(self.series, values, strict=True))
                             for label, values in self.rows)
            return f"{self.title}。{parts}。完整数据见旁边的表格。"
        label, values = max(self.rows, key=lambda r: sum(r[1]))
        return (f"{self.title}，共 {len(self.rows)} 项，最多的是“{label}”（{_fmt(sum(values))}{self.unit}）。"
                "完整数据见旁边的表格。")

    def table(self) -> str:
        """The same data as an HTML table with a caption."""
        head = "".join(f'<th scope="col">{escape(label)}</th>' for _, label in self.series)
        with_total = len(self.series) > 1 and self.stacked
        total = '<th scope="col">合计</th>' if with_total else ""
        rows = []
        for label, values in self.rows:
            cells = "".join(f"<td>{_fmt(v)}</td>" for v in values)
            extra = f"<td>{_fmt(sum(values))}</td>" if with_total else ""
            rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}{extra}</tr>')
        return (f'<table class="td-report__table" id="{self.id}-table"><caption>{escape(self.title)}（数据表）'
                f'</caption><thead><tr><th scope="col">项目</th>{head}{total}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table>')

    def figure(self) -> str:
        """Chart and table side by side in one ``figure``."""
        return (f'<figure class="td-report__figure" aria-labelledby="{self.id}-cap">'
                f'<figcaption id="{self.id}-cap">{escape(self.title)}</figcaption>'
                f'<div class="td-report__chart">{self.svg()}</div>{self.table()}</figure>')


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _short(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
