"""The 政声 report as one accessible HTML page: each chart an SVG with its data table beside.

As the build's quality report: the SVG is ``role="img"`` with a title and a description
pointing at the table; the table carries the same numbers for screen readers. No script,
no inline style (the page links the portal's stylesheet when served from it).
"""

from __future__ import annotations

from html import escape
from typing import Any

from .voice import SOURCES

_BAR, _GAP, _LABEL_W, _WIDTH = 22, 8, 200, 640
_COLOURS = {"comment": "#1f5fa8", "complaint": "#8a5300", "question": "#2e6b30", "count": "#1f5fa8"}


def _bars(chart_id: str, title: str, rows: list[tuple[str, list[int]]],
          series: list[str]) -> str:
    """A horizontal (stacked) bar chart as inline SVG."""
    height = len(rows) * (_BAR + _GAP) + 10
    largest = max((sum(v) for _, v in rows), default=0) or 1
    scale = (_WIDTH - _LABEL_W - 60) / largest
    parts = [f'<svg role="img" viewBox="0 0 {_WIDTH} {height}" width="100%" focusable="false" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">图中数据见旁边的表格。</desc>']
    for i, (label, values) in enumerate(rows):
        y = 5 + i * (_BAR + _GAP)
        parts.append(f'<text x="{_LABEL_W - 8}" y="{y + 16}" text-anchor="end" font-size="14">'
                     f'{escape(label[:14])}</text>')
        x = float(_LABEL_W)
        for key, value in zip(series, values, strict=True):
            if value:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{value * scale:.1f}" '
                             f'height="{_BAR}" fill="{_COLOURS.get(key, "#1f5fa8")}"></rect>')
                x += value * scale
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="14">{sum(values)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(caption: str, head: list[str], rows: list[list[Any]]) -> str:
    out = [f"<table><caption>{escape(caption)}</caption><thead><tr>"]
    out += [f'<th scope="col">{escape(h)}</th>' for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append(f'<tr><th scope="row">{escape(str(row[0]))}</th>'
                   + "".join(f"<td>{escape(str(v))}</td>" for v in row[1:]) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _section(chart_id: str, title: str, rows: list[tuple[str, list[int]]], series: list[str],
             head: list[str], empty: str) -> str:
    if not rows:
        return f"<section><h2>{escape(title)}</h2><p>{escape(empty)}</p></section>"
    table = _table(title, head, [[label, *values] + ([sum(values)] if len(series) > 1 else [])
                                 for label, values in rows])
    return (f'<section aria-labelledby="{chart_id}-h"><h2 id="{chart_id}-h">{escape(title)}</h2>'
            f'<div class="td-voice__pair"><figure>{_bars(chart_id, title, rows, series)}</figure>'
            f"{table}</div></section>")


def render(report: dict[str, Any], *, stylesheet: str | None = None) -> str:
    """The report as a whole HTML page."""
    sources = list(SOURCES)
    names = [SOURCES[s] for s in sources]
    weekly = [(w["week"], [w[s] for s in sources]) for w in report["by_week"]]
    unanswered = report["unanswered"]
    parts = [
        _section("week", "各周收到的意见、问题和提问", weekly, sources, ["周", *names, "合计"],
                 "没有数据。"),
        _section("topic", "热点话题", [(r["label"], [r["count"]]) for r in report["by_topic"]],
                 ["count"], ["话题", "条数"], "没有可归类的内容。"),
        _section("district", "各区反映的问题", [(r["label"], [r["count"]])
                                            for r in report["by_district"]],
                 ["count"], ["区", "条数"], "没有可定位到区的内容。"),
        _section("rising", "上升的词（本周与前四周平均相比）",
                 [(r["term"], [r["this_week"]]) for r in report["rising_terms"]], ["count"],
                 ["词", "本周"], "本周没有明显上升的词。"),
        _section("subscriptions", "订阅人数（按标签）",
                 [(r["label"], [r["count"]]) for r in report["subscriptions"]], ["count"],
                 ["标签", "有效订阅"], "还没有订阅。"),
    ]
    if report["qa_installed"]:
        examples = "".join(f"<li>{escape(t)}</li>" for t in unanswered["examples"])
        parts.append(f"<section><h2>未答复的提问</h2><p>{unanswered['of']} 个提问中有 "
                     f"{unanswered['count']} 个没有找到答案。</p>"
                     + _table("未答复的提问（按话题）", ["话题", "个数"],
                              [[r["label"], r["count"]] for r in unanswered["by_topic"]])
                     + (f"<h3>最近的例子（个人信息已遮盖）</h3><ul>{examples}</ul>" if examples else "")
                     + "</section>")
    else:
        parts.append("<section><h2>未答复的提问</h2><p>问答功能尚未部署，暂无数据。</p></section>")
    link = f'<link rel="stylesheet" href="{escape(stylesheet)}">' if stylesheet else ""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>政声报告</title>{link}</head><body><main id=\"main\">"
            f"<h1>政声报告：公众在问什么</h1><p>统计 {escape(report['weeks'][0])} 至 "
            f"{escape(report['weeks'][-1])}，生成于 {escape(report['generated_at'])}。"
            "只有数量，不含任何人的姓名、联系方式或原文。</p>" + "".join(parts) + "</main></body></html>")
