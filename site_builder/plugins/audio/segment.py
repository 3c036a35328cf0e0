"""Find the readable blocks of a page's HTML, give each an id, add point-reading buttons.

Works on the HTML MkDocs renders from Markdown (``on_page_content``). The page is tokenised
with the standard library's :class:`html.parser.HTMLParser`; every token is re-emitted
verbatim except the start tags of readable blocks (which get an ``id`` when they have none)
and the end tags of paragraphs (before which the "朗读此段" button goes). A block's text is
its own text without nested blocks, so a list item holding paragraphs is read as those
paragraphs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Elements read as one clip each.
BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "caption", "tr"})
#: Blocks that get a point-reading button (a button inside a heading would change its name).
BUTTON_BLOCKS = frozenset({"p", "li", "dd"})
#: Text inside these is never read (code listings, scripts, our own controls).
SKIP = frozenset({
    "script", "style", "pre", "button", "template", "svg", "math", "audio", "video", "noscript",
    "nav", "form", "select", "textarea",
})
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "track", "col", "area", "base", "embed", "param"})
CELL_SEPARATOR = "，"
ID_PREFIX = "td-p-"


@dataclass
class Block:
    """One readable block: its element id, tag and visible text (whitespace collapsed)."""

    id: str
    tag: str
    text: str
    classes: frozenset[str] = frozenset()
    """Classes of the block and of its ancestors (for filters such as "summary only")."""


@dataclass
class _Open:
    tag: str
    token: int
    block: bool
    skip: bool
    text: list[str] = field(default_factory=list)
    existing_id: str | None = None
    classes: frozenset[str] = frozenset()


class _Tokeniser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tokens: list[str] = []
        self.events: list[tuple[str, str, int, dict[str, str | None]]] = []

    def _add(self, kind: str, tag: str, attrs: list[tuple[str, str | None]] | None = None) -> None:
        self.events.append((kind, tag, len(self.tokens), dict(attrs or [])))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, attrs)
        self.tokens.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("void", tag, attrs)
        self.tokens.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)
        self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._add("text", data)
        self.tokens.append(data)

    def handle_entityref(self, name: str) -> None:
        self._add("text", html.unescape(f"&{name};"))
        self.tokens.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._add("text", html.unescape(f"&#{name};"))
        self.tokens.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.tokens.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.tokens.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(f"<![{data}]>")


def _hidden(attrs: dict[str, str | None]) -> bool:
    classes = (attrs.get("class") or "").split()
    return (
        "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or "td-audio-skip" in classes
        or "headerlink" in classes  # MkDocs' ¶ permalink anchors
    )


@dataclass
class SegmentedPage:
    """Result of :func:`segment`: the rewritten HTML and its blocks in reading order."""

    html: str
    blocks: list[Block]


def segment(
    source: str,
    button_html: Callable[[Block], str] | None = None,
    start: int = 1,
    keep: Callable[[Block], bool] | None = None,
) -> SegmentedPage:
    """Give every readable block an id and return the blocks in reading order.

    Args:
        source: Page HTML (a fragment).
        button_html: Called with a :class:`Block` to get the point-reading button markup,
            inserted before the end tag of ``p``/``li``/``dd`` blocks; None adds no buttons.
        start: First number for generated ids (``td-p-<n>``).
        keep: Called once per candidate block in document order; False leaves the block
            untouched and unread (e.g. a policy read as its summary only).

    Returns:
        The rewritten HTML and the blocks. Blocks keep an existing ``id`` (heading anchors
        must not change); others get ``td-p-<n>``.
    """
    return _Segmenter(source, button_html, start, keep).run()


class _Segmenter:
    """One pass over the tokens with a stack of open elements (see :func:`segment`)."""

    def __init__(
        self,
        source: str,
        button_html: Callable[[Block], str] | None,
        start: int,
        keep: Callable[[Block], bool] | None,
    ) -> None:
        tok = _Tokeniser()
        tok.feed(source)
        tok.close()
        self.events = tok.events
        self.tokens = list(tok.tokens)
        self.button_html = button_html
        self.keep = keep
        self.counter = start
        self.used_ids = set(re.findall(r'\bid\s*=\s*["\']([^"\']+)', source))
        self.inserts: dict[int, str] = {}
        self.blocks: list[tuple[int, Block]] = []
        self.stack: list[_Open] = []

    def run(self) -> SegmentedPage:
        for kind, tag, index, attrs in self.events:
            if kind == "text":
                self._text(tag)
            elif kind == "start" and tag not in _VOID:
                self._open(tag, index, attrs)
            elif kind in ("start", "void") and tag == "br":
                self._text(" ")
            elif kind == "end":
                self._end(tag, index)
        while self.stack:
            self._close(self.stack.pop(), None)
        out = "".join(self.inserts.get(i, "") + t for i, t in enumerate(self.tokens))
        return SegmentedPage(out, [b for _, b in sorted(self.blocks, key=lambda x: x[0])])

    def _reading(self) -> _Open | None:
        if self.stack and self.stack[-1].skip:
            return None
        return next((e for e in reversed(self.stack) if e.block), None)

    def _text(self, text: str) -> None:
        target = self._reading()
        if target is not None:
            target.text.append(text)

    def _open(self, tag: str, index: int, attrs: dict[str, str | None]) -> None:
        parent = self.stack[-1] if self.stack else None
        skip = bool(parent and parent.skip) or tag in SKIP or _hidden(attrs)
        classes = (parent.classes if parent else frozenset()) | frozenset(
            (attrs.get("class") or "").split())
        self.stack.append(_Open(tag, index, tag in BLOCKS and not skip, skip,
                                existing_id=attrs.get("id"), classes=classes))

    def _end(self, tag: str, index: int) -> None:
        if tag in ("td", "th"):
            target = self._reading()
            if target is not None and target.tag == "tr":
                target.text.append(CELL_SEPARATOR)
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                # Also closes elements whose end tag was omitted (<li>, <p>).
                while len(self.stack) > depth:
                    entry = self.stack.pop()
                    self._close(entry, index if entry.tag == tag else None)
                return

    def _new_id(self) -> str:
        while f"{ID_PREFIX}{self.counter}" in self.used_ids:
            self.counter += 1
        bid = f"{ID_PREFIX}{self.counter}"
        self.used_ids.add(bid)
        self.counter += 1
        return bid

    def _close(self, entry: _Open, end_token: int | None) -> None:
        text = re.sub(r"\s+", " ", "".join(entry.text)).strip(" " + CELL_SEPARATOR)
        if not (entry.block and text and re.search(r"\w", text)):
            return
        if self.keep is not None and not self.keep(
            Block(entry.existing_id or "", entry.tag, text, entry.classes)
        ):
            return
        bid = entry.existing_id
        if not bid:
            bid = self._new_id()
            self.tokens[entry.token] = _add_id(self.tokens[entry.token], bid)
        block = Block(bid, entry.tag, text, entry.classes)
        self.blocks.append((entry.token, block))
        if self.button_html and entry.tag in BUTTON_BLOCKS and end_token is not None:
            self.inserts[end_token] = self.button_html(block)


def _add_id(start_tag: str, bid: str) -> str:
    """Insert ``id="…"`` right after the tag name of a start tag."""
    m = re.match(r"<[A-Za-z0-9]+", start_tag)
    assert m is not None
    return f'{start_tag[: m.end()]} id="{bid}"{start_tag[m.end():]}'

