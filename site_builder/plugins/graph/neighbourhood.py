"""A document's neighbourhood as a picture: the related panels, drawn.

The picture is pre-rendered SVG (no JavaScript), drawn from the page's related panels
("相关内容", grouped by relation in both directions, found citations marked), which are its
text alternative: the picture never shows anything the list does not, so it is never the
only way to get the information.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from markupsafe import escape

from site_builder.content.corpus import Entry

WIDTH, HEIGHT = 880, 440
RX, RY = 220, 165
_LINE_CHARS = 11
"""Characters per line of a node's label; two lines at most, the full title in its tooltip
and in the related panels."""
_STATE_PREFIX = "中华人民共和国"
# Short relation names for the picture's labels (the related panels have the full ones).
SHORT = {
    ("interprets", "out"): "解读对象", ("interprets", "in"): "解读",
    ("based_on", "out"): "上位", ("based_on", "in"): "下位",
    ("implements", "out"): "依据", ("implements", "in"): "服务",
    ("services", "out"): "服务", ("services", "in"): "依据",
    ("supersedes", "out"): "替代", ("supersedes", "in"): "被替代",
    ("amends", "out"): "修改", ("amends", "in"): "被修改",
    ("about", "out"): "关于", ("about", "in"): "问答",
    ("scenario", "out"): "场景内容", ("scenario", "in"): "场景",
    ("cites", "out"): "引用", ("cites", "in"): "被引",
    ("related", "out"): "相关", ("related", "in"): "相关",
}


def drawn(panels: list[dict[str, Any]], limit: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """What the picture draws: the first ``limit`` documents of the page's related panels,
    in the panels' order, each once (with the first panel that lists it), as ``(panel, item)``.

    The panels (built by the core plugin, found citations included) are the picture's text
    alternative, so the picture is drawn from them and shows nothing they do not list.
    """
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []
    seen: set[str] = set()
    for panel in panels:
        for item in panel["items"]:
            if len(out) >= limit:
                return out
            if item["id"] not in seen:
                seen.add(item["id"])
                out.append((panel, item))
    return out


def neighbour_count(panels: list[dict[str, Any]]) -> int:
    """How many documents the panels relate to this one, each counted once (a document
    listed under two relations is one neighbour, as the explorer counts it)."""
    listed: dict[str, int] = {}
    for panel in panels:
        for item in panel["items"]:
            listed[item["id"]] = listed.get(item["id"], 0) + 1
    repeats = sum(n - 1 for n in listed.values())
    return sum(panel["total"] for panel in panels) - repeats


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def label_lines(relation: str, title: str) -> list[str]:
    """A node's label as at most two lines: ``上位：中小企业促进法`` (the state's name left
    out of a national law's title), the second line cut with “…” when the title is long."""
    text = f"{relation}：{title.removeprefix(_STATE_PREFIX) or title}"
    if len(text) <= _LINE_CHARS:
        return [text]
    return [text[:_LINE_CHARS], _short(text[_LINE_CHARS:], _LINE_CHARS)]


_DEFS = ('<defs><marker id="td-graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
         'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
         '<path d="M0 0L10 5L0 10z" fill="currentColor"/></marker></defs>')


@functools.lru_cache(maxsize=128)
def _layout(count: int) -> tuple[tuple[str, str, str, tuple[int, int, str, bool]], ...]:
    """Per node of a picture with ``count`` nodes: the edge's coordinates outward and
    inward, the node's centre and its label's position (the same for every page with
    ``count`` neighbours, so computed once)."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    out = []
    for index in range(count):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + RX * cos, cy + RY * sin
        length = math.hypot(x - cx, y - cy) or 1.0
        ux, uy = (x - cx) / length, (y - cy) / length
        # Stop the line at the node's rim so the arrowhead stays visible.
        a = (round(cx + ux * 16), round(cy + uy * 16))
        b = (round(x - ux * 9), round(y - uy * 9))
        outward = f'x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}"'
        inward = f'x1="{b[0]}" y1="{b[1]}" x2="{a[0]}" y2="{a[1]}"'
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        lx = x + (12 if anchor == "start" else -12 if anchor == "end" else 0)
        ly = y + (26 if sin > 0.3 else -14 if sin < -0.3 else 5)
        label = (round(lx), round(ly), anchor, sin < -0.3)
        out.append((outward, inward, f'cx="{round(x)}" cy="{round(y)}"', label))
    return tuple(out)


_LABELS: dict[tuple[str, str, str, str, tuple[int, int, str, bool]], str] = {}
"""Each node's label markup by (edge kind, direction, panel label, title, position): a
basic law is drawn on hundreds of pages."""


def _label(panel: dict[str, Any], title: str, label_at: tuple[int, int, str, bool]) -> str:
    """The node's ``<text>``: one or two lines (``<tspan>``), the full relation and title in
    a ``<title>`` for the pointer (the related panels list them for everyone)."""
    key = (panel["kind"], panel["direction"], panel["label"], title, label_at)
    label = _LABELS.get(key)
    if label is None:
        if len(_LABELS) > 50_000:
            _LABELS.clear()
        short = SHORT.get((panel["kind"], panel["direction"]), panel["label"])
        lines = label_lines(short, title)
        x, y, anchor, above = label_at
        if len(lines) > 1 and above:  # two lines above a node end just over it
            y -= 17
        body = escape(lines[0]) if len(lines) == 1 else (
            f'<tspan x="{x}">{escape(lines[0])}</tspan>'
            f'<tspan x="{x}" dy="1.2em">{escape(lines[1])}</tspan>')
        label = _LABELS[key] = (f'<title>{escape(panel["label"])}：{escape(title)}</title>'
                                f'<text class="td-graph__label" x="{x}" y="{y}" '
                                f'text-anchor="{anchor}">{body}</text>')
    return label


def render_svg(entry: Entry, panels: list[dict[str, Any]], max_nodes: int, title_id: str) -> str:
    """The neighbourhood as an SVG picture: the first ``max_nodes`` items of the related
    panels (``drawn``), counted from the panels' totals; ``title_id`` names its
    ``<title>`` element."""
    shown = drawn(panels, max_nodes)
    total = neighbour_count(panels)
    cx, cy = WIDTH // 2, HEIGHT // 2
    parts = [
        (f'<svg class="td-graph__svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
         f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">'),
        f'<title id="{title_id}">{escape(_summary(entry, total))}</title>', _DEFS,
    ]
    nodes: list[str] = []
    for (panel, item), (outward, inward, centre_at, label_at) in zip(shown, _layout(len(shown)), strict=True):
        style = "found" if item.get("declared") is False else "declared"
        parts.append(f'<line class="td-graph__edge td-graph__edge--{style} '
                     f'td-graph__edge--{panel["kind"]}" '
                     f'{outward if panel["direction"] == "out" else inward} '
                     f'marker-end="url(#td-graph-arrow)"/>')
        level = item.get("level")
        level_class = f" td-graph__node--{level}" if level else ""
        nodes.append(f'<g class="td-graph__item"><circle class="td-graph__node '
                     f'td-graph__node--{item["kind"]}{level_class}" {centre_at} r="8"/>'
                     f'{_label(panel, item["title"], label_at)}</g>')
    parts.extend(nodes)
    centre = _short(entry.meta.title.removeprefix(_STATE_PREFIX) or entry.meta.title, 16)
    parts.append(f'<circle class="td-graph__node td-graph__node--centre" cx="{cx}" '
                 f'cy="{cy}" r="14"/>')
    # A backdrop keeps the centre's name readable where edges cross it.
    parts.append(f'<rect class="td-graph__backdrop" x="{cx - 9 * len(centre) - 6}" '
                 f'y="{cy + 20}" width="{18 * len(centre) + 12}" height="24" rx="4"/>')
    parts.append(f'<text class="td-graph__label td-graph__label--centre" x="{cx}" '
                 f'y="{cy + 38}" text-anchor="middle">{escape(centre)}</text>')
    if total > len(shown):
        parts.append(f'<text class="td-graph__more" x="{WIDTH - 8}" y="{HEIGHT - 8}" '
                     f'text-anchor="end">另有 {total - len(shown)} 项，见“相关内容”</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary(entry: Entry, total: int) -> str:
    return f"《{entry.meta.title}》的关系图：与 {total} 个文档相关，各项列在本页“相关内容”中"
