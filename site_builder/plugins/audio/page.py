"""Adapt one rendered page: find the document, choose what to read, add ids and the player.

Works on the page's final HTML (``on_post_page``) rather than on ``page.content``: the theme
renders a service guide's conditions, materials, steps and places from front matter, outside
``page.content``, and those are exactly what a listener needs. The readable region is the
first ``<article>`` inside ``<main>`` (else ``<main>``, else ``<body>``); the player goes
after its ``<h1>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import themes.tongda

from .segment import Block, SegmentedPage, segment

COMPONENT_DIR = Path(themes.tongda.__file__).resolve().parent / "components" / "player"
SNIPPET_CHARS = 16

_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL | re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_ARTICLE = re.compile(r"<article\b[^>]*>(.*?)</article>", re.DOTALL | re.IGNORECASE)
_H1_END = re.compile(r"</h1\s*>", re.IGNORECASE)
# A theme may say where the player goes (a service guide: under its summary).
_SLOT = re.compile(r"<div\b[^>]*\bdata-td-player-slot\b[^>]*>\s*</div>", re.IGNORECASE)


@cache
def _macros() -> object:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(COMPONENT_DIR)), autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("player.html").module


def render_player(audio_src: str, track_src: str, timing_src: str,
                  duration: float | None = None) -> str:
    """The player markup, from the theme component's ``player`` macro."""
    return str(_macros().player(audio_src, track_src, timing_src, duration))  # type: ignore[attr-defined]


def render_read_button(block: Block) -> str:
    """The point-reading button for one block, from the ``read_button`` macro."""
    snippet = block.text[:SNIPPET_CHARS] + ("…" if len(block.text) > SNIPPET_CHARS else "")
    return str(_macros().read_button(block.id, snippet))  # type: ignore[attr-defined]


def summary_filter() -> Callable[[Block], bool]:
    """Keep the title, status notices and summary; the first body paragraph if no summary."""
    state = {"summary": False, "fallback": False}

    def keep(block: Block) -> bool:
        if block.tag == "h1" or "td-banner" in block.classes:
            return True
        if "td-summary" in block.classes:
            state["summary"] = True
            return True
        if (block.tag == "p" and "td-body" in block.classes and not state["summary"]
                and not state["fallback"]):
            state["fallback"] = True
            return True
        return False

    return keep


@dataclass
class PreparedPage:
    """The page HTML with ids and buttons, the blocks to read, and where the player goes."""

    html: str
    blocks: list[Block]
    player_at: int


def _region(output: str) -> tuple[int, int]:
    # Other themes may have no <main>: then the <body>, never the <head>.
    main = _MAIN.search(output) or _BODY.search(output)
    start, end = (main.start(1), main.end(1)) if main else (0, len(output))
    article = _ARTICLE.search(output, start, end)
    if article:
        return article.start(1), article.end(1)
    return start, end


def prepare(output: str, mode: str, point_reading: bool) -> PreparedPage:
    """Segment the readable region of a rendered page.

    Args:
        output: Full page HTML.
        mode: ``full`` or ``summary``.
        point_reading: Add "朗读此段" buttons.
    """
    start, end = _region(output)
    region = output[start:end]
    keep = summary_filter() if mode == "summary" else None
    seg: SegmentedPage = segment(region, render_read_button if point_reading else None, keep=keep)
    mark = _SLOT.search(seg.html) or _H1_END.search(seg.html)
    at = start + (mark.end() if mark else 0)
    return PreparedPage(output[:start] + seg.html + output[end:], seg.blocks, at)


def insert_player(prepared: PreparedPage, player_html: str) -> str:
    """Put the player markup where the theme marks it (``data-td-player-slot``), else after
    the document's title."""
    doc = prepared.html
    return doc[: prepared.player_at] + "\n" + player_html + "\n" + doc[prepared.player_at :]


def unescape_title(title: str) -> str:
    """Page titles may arrive HTML-escaped from MkDocs."""
    return html.unescape(title or "")
