"""The build's own figures for the report: timings per stage, pages, sizes, caches, a11y."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any


class StageClock:
    """Times build stages from MkDocs events: each stage runs from a start mark to an end mark."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self._open: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    def start(self, stage: str) -> None:
        """Mark the start of a stage (the first plugin's handler of its event)."""
        self._open[stage] = time.perf_counter()

    def stop(self, stage: str) -> None:
        """Mark the end of a stage; a stage run twice (serve rebuilds) keeps the last time."""
        began = self._open.pop(stage, None)
        if began is not None:
            self.seconds[stage] = time.perf_counter() - began

    def add(self, stage: str, seconds: float) -> None:
        """Record a stage timed elsewhere (the quality rules)."""
        self.seconds[stage] = seconds

    def timings(self) -> dict[str, float]:
        """Seconds per stage, rounded, with the total since the clock started."""
        out = {k: round(v, 3) for k, v in self.seconds.items()}
        out["total"] = round(time.perf_counter() - self.started, 3)
        return out


def site_sizes(site_dir: Path) -> dict[str, int]:
    """Files, bytes and HTML pages/bytes of a built site folder."""
    files = total = pages = html = 0
    for root, _dirs, names in os.walk(site_dir):
        for name in names:
            size = os.path.getsize(os.path.join(root, name))
            files += 1
            total += size
            if name.endswith(".html"):
                pages += 1
                html += size
    return {"files": files, "bytes": total, "pages": pages, "html_bytes": html}


def caches(stats: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Cache hits and misses, from the figures the plugins recorded in the build context
    (``markdown`` by the core, ``audio``, ``search``)."""
    out: dict[str, dict[str, int]] = {}
    render = stats.get("markdown")
    if render is not None:
        out["Markdown 渲染"] = {"hits": int(render.get("hits", 0)),
                              "misses": int(render.get("misses", 0))}
    pages = stats.get("pages")
    if pages is not None:
        out["页面沿用"] = {"hits": int(pages.get("reused", 0)),
                       "misses": int(pages.get("rendered", 0))}
    text = stats.get("text")
    if text is not None:
        out["纯文本页面"] = {"hits": int(text.get("hits", 0)), "misses": int(text.get("misses", 0))}
    audio = stats.get("audio")
    if audio and (audio.get("cached") or audio.get("synthesised")):
        out["语音"] = {"hits": int(audio.get("cached", 0)), "misses": int(audio.get("synthesised", 0))}
    search = stats.get("search")
    if search and ("files_reused" in search or "files_written" in search):
        out["搜索索引"] = {"hits": int(search.get("files_reused", 0)),
                       "misses": int(search.get("files_written", 0))}
    return out


def a11y_summary(*candidates: Path) -> dict[str, Any] | None:
    """The accessibility results of the first ``a11y.json`` found (this build's, else the last run's)."""
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        by_rule = (data.get("counts") or {}).get("by_rule") or {}
        return {
            "summary": data.get("summary", ""), "ok": bool(data.get("ok")),
            "generated": data.get("generated"),
            "violations": (data.get("counts") or {}).get("violations", 0),
            "rules": sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])),
            "link": "a11y/" if (path.parent / "a11y" / "index.html").exists() else None,
        }
    return None
