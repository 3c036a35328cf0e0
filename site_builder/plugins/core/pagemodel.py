"""One page model: a page's readable blocks, extracted once, with stable block ids.

A page shows two kinds of text: its body (Markdown rendered to ``page.content``) and, for a
service guide, the front-matter sections the theme renders (办理条件, 申请材料, 办理流程,
办理地点, and the facts of 办事要点). :func:`page_model` gives both as one list of
:class:`Block` in reading order; the search indexes all of it (before, a guide's
conditions and materials could not be found), and the block ids are the ones the page
carries (the element's own ``id``, the theme's section ids ``td-s-…``, else ``body-N``).

The body is parsed with lxml (C), not ``html.parser``: one pass over the elements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

#: Elements whose start and end separate text (a run of characters never spans two).
BLOCK_TAGS = frozenset({
    "p", "li", "div", "section", "article", "br", "tr", "td", "th", "dd", "dt", "table",
    "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "figure",
    "figcaption", "caption", "hr",
})
#: Elements whose text is never read or indexed.
SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})
#: Headings that name sections of the body (the search's ``head`` field).
SECTION_HEADINGS = frozenset({"h2", "h3", "h4"})
_READ = frozenset({"p", "li", "dt", "dd", "td", "th", "caption", "figcaption", "pre",
                   "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


@dataclass(frozen=True)
class Block:
    """One readable block: where it is (``section``), its id, element and text."""

    id: str
    tag: str
    text: str
    section: str = "body"
    """``body`` or the front-matter section it renders (``conditions``, ``materials``…)."""

    @property
    def heading(self) -> bool:
        return self.tag in ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class PageModel:
    """A page's readable blocks in reading order."""

    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        """Every block's text, one block a line."""
        return "\n".join(b.text for b in self.blocks if b.text)

    @property
    def headings(self) -> list[str]:
        """The body's section headings (h2–h4)."""
        return [b.text for b in self.blocks if b.section == "body" and b.tag in SECTION_HEADINGS]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def body_blocks(html: str) -> list[Block]:
    """The readable blocks of rendered Markdown (``page.content``).

    A block's text is its own text and that of its inline elements, without nested blocks
    (a list item holding paragraphs gives those paragraphs).
    """
    if not html.strip():
        return []
    root = etree.fromstring(f"<div>{html}</div>", _PARSER)
    body = root.find(".//body")
    top = body[0] if body is not None and len(body) else root
    out: list[Block] = []
    stack: list[tuple[etree._Element, list[str]]] = []
    skipping = 0
    counter = 0
    for event, el in etree.iterwalk(top, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in SKIP_TAGS:
                skipping += 1
                continue
            if skipping:
                continue
            if tag in BLOCK_TAGS:
                stack.append((el, []))
            if el.text and stack:
                stack[-1][1].append(el.text)
            continue
        # end
        if tag in SKIP_TAGS:
            skipping -= 1
        elif not skipping and tag in BLOCK_TAGS and stack and stack[-1][0] is el:
            _, parts = stack.pop()
            text = _collapse("".join(parts))
            if text and (tag in _READ or tag == "div" or tag == "tr"):
                counter += 1
                out.append(Block(el.get("id") or f"body-{counter}", tag, text))
        if el.tail and stack and not skipping and el is not top:
            stack[-1][1].append(el.tail)
    return out


def _items(section: str, heading: str, texts: Iterable[str], tag: str = "li") -> list[Block]:
    out = [Block(f"td-s-{section}", "h2", heading, section)]
    out += [Block(f"td-s-{section}-{n}", tag, _collapse(t), section)
            for n, t in enumerate(texts, 1) if t and t.strip()]
    return out if len(out) > 1 else []


def service_blocks(meta: Any) -> list[Block]:
    """The sections a service guide's template renders from its front matter."""
    out: list[Block] = []
    facts = []
    if meta.time_limit is not None and meta.time_limit.note:
        facts.append(f"办理时限：{meta.time_limit.note}")
    if meta.fee:
        facts.append(f"收费：{meta.fee}")
    if meta.appointment is not None and meta.appointment.how:
        facts.append(f"预约：{meta.appointment.how}")
    out += _items("answer", "办事要点", facts, "dd")
    out += _items("conditions", "办理条件", meta.conditions)
    out += _items("materials", "申请材料",
                  ("，".join(x for x in (m.name, m.source, m.note) if x) for m in meta.materials),
                  "tr")
    out += _items("steps", "办理流程", meta.steps)
    out += _items("where", "办理地点", (f"{p.name}：{p.address}" for p in meta.where))
    return out


def page_model(html: str, meta: Any = None, kind: str | None = None) -> PageModel:
    """The page's blocks: the front-matter sections its template renders, then its body.

    Args:
        html: The rendered body (``page.content``).
        meta: The validated front matter (``Entry.meta``), when the page is a document.
        kind: The document's kind.
    """
    blocks = service_blocks(meta) if kind == "service" and meta is not None else []
    return PageModel(blocks + body_blocks(html))
