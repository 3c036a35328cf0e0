"""Rendered Markdown cached by content hash, and rendered in parallel when missing.

Python-Markdown costs several milliseconds a page, which is most of a build. A page whose
HTML cannot depend on other files (no relative links or images: MkDocs rewrites those
against the page's URL and the set of files) renders the same every time, so its HTML,
table of contents and anchor ids are kept in a SQLite file under the cache folder and
reused. Missing pages are rendered up front on every core.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import markdown as md_lib

VERSION = "1"
_RELATIVE = re.compile(r"""\s(?:href|src)="(?!(?:[a-zA-Z][a-zA-Z0-9+.-]*:|#|/))""")
_IDS = re.compile(r"""\sid="([^"]+)\"""")


@dataclass
class Rendered:
    """What MkDocs' ``Page.render`` produces for one page."""

    html: str
    toc_tokens: list[dict[str, Any]]
    anchors: list[str]


def settings_key(extensions: list[Any], configs: dict[str, Any]) -> str:
    """A hash of everything besides the text that changes Python-Markdown's output."""
    blob = json.dumps([VERSION, md_lib.__version__, extensions, configs], default=repr,
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _render_chunk(args: tuple[list[Any], dict[str, Any], list[tuple[str, str]]]
                  ) -> list[tuple[str, Rendered | None]]:
    extensions, configs, items = args
    md = md_lib.Markdown(extensions=extensions, extension_configs=configs)
    out: list[tuple[str, Rendered | None]] = []
    for key, text in items:
        md.reset()
        html = md.convert(text)
        if _RELATIVE.search(html):
            out.append((key, None))  # depends on other files' URLs: MkDocs renders it
            continue
        tokens = getattr(md, "toc_tokens", [])
        out.append((key, Rendered(html, tokens, _IDS.findall(html))))
    return out


class RenderCache:
    """A persistent map from (settings, Markdown text) to rendered output."""

    def __init__(self, folder: Path, extensions: list[Any], configs: dict[str, Any]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.extensions = extensions
        self.configs = configs
        self.prefix = settings_key(extensions, configs)
        self.db = sqlite3.connect(folder / "markdown.sqlite3")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS rendered (key TEXT PRIMARY KEY, value TEXT)")
        self.hits = 0
        self.misses = 0

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.prefix}\0{text}".encode()).hexdigest()

    def get(self, text: str) -> Rendered | None:
        row = self.db.execute("SELECT value FROM rendered WHERE key = ?", (self.key(text),)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        html, tokens, anchors = json.loads(row[0])
        return Rendered(html, tokens, anchors)

    def missing(self, texts: list[str]) -> list[tuple[str, str]]:
        """(key, text) of the texts not in the cache yet."""
        keys = {self.key(t): t for t in texts}
        present: set[str] = set()
        names = list(keys)
        for i in range(0, len(names), 500):
            chunk = names[i:i + 500]
            marks = ",".join("?" * len(chunk))
            present |= {r[0] for r in self.db.execute(
                f"SELECT key FROM rendered WHERE key IN ({marks})", chunk)}  # noqa: S608 - only "?" marks
        return [(k, t) for k, t in keys.items() if k not in present]

    def prerender(self, texts: list[str], workers: int = 0) -> int:
        """Render every text not yet cached, in parallel; return how many were rendered."""
        todo = self.missing(texts)
        if not todo:
            return 0
        workers = workers or os.cpu_count() or 1
        chunks = [todo[i::workers * 4] for i in range(workers * 4)]
        jobs = [(self.extensions, self.configs, c) for c in chunks if c]
        if workers == 1 or len(todo) < 50:
            results = [_render_chunk(job) for job in jobs]
        else:
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                results = list(pool.map(_render_chunk, jobs))
        rows = [(key, json.dumps([r.html, r.toc_tokens, r.anchors], ensure_ascii=False))
                for chunk in results for key, r in chunk if r is not None]
        self.db.executemany("INSERT OR REPLACE INTO rendered VALUES (?, ?)", rows)
        self.db.commit()
        return len(todo)

    def close(self) -> None:
        self.db.commit()
        self.db.close()
