"""Find links, images and headings in a Markdown body, with their line numbers.

A light scanner rather than a Markdown parser: quality rules need only what an editor
wrote and where, and a regex pass over 3,000 bodies costs milliseconds. Fenced code and
inline code are skipped so an example link in a code block is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_LINK = re.compile(r"(?P<img>!?)\[(?P<text>[^\]\n]*)\]\(\s*<?(?P<url>[^)\s>]*)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[(?P<label>[^\]]+)\]:\s*<?(?P<url>\S+?)>?(?:\s.*)?$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t]*#*[ \t]*$")
_ATTR_ID = re.compile(r"\{[^}]*#(?P<id>[\w\-:.]+)[^}]*\}\s*$")
_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["'](?P<id>[^"']+)["']""")
_HTML_IMG = re.compile(r"""<img\b[^>]*\bsrc\s*=\s*["'](?P<url>[^"']+)["']""", re.IGNORECASE)
_HTML_LINK = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["'](?P<url>[^"']+)["'][^>]*>(?P<text>.*?)</a>""", re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`\n]*`")


@dataclass(frozen=True)
class Link:
    """A link or image in the body: its text, target and 1-based line in the file."""

    url: str
    text: str
    line: int
    image: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading: level, text (without an ``{#id}`` attribute), explicit id and line."""

    level: int
    text: str
    line: int
    explicit_id: str | None = None


@dataclass
class BodyScan:
    """Everything the rules need from one body."""

    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    html_ids: set[str] = field(default_factory=set)


def scan(body: str, first_line: int = 1) -> BodyScan:
    """Scan a Markdown body whose first line is ``first_line`` of its file."""
    out = BodyScan()
    in_fence = False
    for offset, raw in enumerate(body.split("\n")):
        line_no = first_line + offset
        if not raw:
            continue
        if raw.lstrip()[:3] in ("```", "~~~") and _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        text = _INLINE_CODE.sub("", raw) if "`" in raw else raw
        if "#" in text[:7] and (m := _HEADING.match(text)):
            out.headings.append(_heading(m, line_no))
        if "](" in text:
            for m in _LINK.finditer(text):
                out.links.append(Link(m["url"], m["text"].strip(), line_no, bool(m["img"])))
        if "]:" in text and (m := _REF_DEF.match(text)):
            out.links.append(Link(m["url"], m["label"].strip(), line_no))
        if "<" in text:
            _scan_html(text, line_no, out)
    return out


def _heading(match: re.Match[str], line_no: int) -> Heading:
    text = match["text"]
    explicit = None
    if (attr := _ATTR_ID.search(text)) is not None:
        explicit = attr["id"]
        text = text[: attr.start()].rstrip()
    return Heading(len(match["hashes"]), text, line_no, explicit)


def _scan_html(text: str, line_no: int, out: BodyScan) -> None:
    out.html_ids.update(m["id"] for m in _HTML_ID.finditer(text))
    for m in _HTML_IMG.finditer(text):
        out.links.append(Link(m["url"], "", line_no, image=True))
    for m in _HTML_LINK.finditer(text):
        out.links.append(Link(m["url"], re.sub(r"<[^>]+>", "", m["text"]).strip(), line_no))


def anchors(scan_result: BodyScan, slugify: Callable[[str, str], str] | None = None,
            separator: str = "-") -> set[str]:
    """Ids the rendered page will have: heading slugs as Python-Markdown's toc makes them."""
    from markdown.extensions.toc import slugify as default_slugify
    from markdown.extensions.toc import unique

    make = slugify or default_slugify
    used: set[str] = set()
    out = set(scan_result.html_ids)
    for heading in scan_result.headings:
        if heading.explicit_id:
            used.add(heading.explicit_id)
            out.add(heading.explicit_id)
            continue
        slug = unique(make(heading.text, separator), used)
        used.add(slug)
        out.add(slug)
    return out
