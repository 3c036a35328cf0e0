"""Turn a rendered page and its front matter into a :class:`SearchDoc`."""
from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

from search_index.model import SearchDoc

SKIP = {"script", "style", "template", "noscript"}
BLOCK = {"p", "li", "div", "section", "article", "br", "tr", "td", "th", "dd", "dt", "table",
         "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


class TextExtractor(HTMLParser):
    """Plain text of an HTML fragment, with its h2-h4 headings apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[str] = []
        self._skip = 0
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self._skip += 1
        elif tag in ("h2", "h3", "h4"):
            self._heading = []
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP and self._skip:
            self._skip -= 1
        elif tag in ("h2", "h3", "h4") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.parts.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def text(self) -> str:
        """Paragraphs joined by newlines, blank lines dropped."""
        lines = (ln.strip() for ln in "".join(self.parts).splitlines())
        return "\n".join(ln for ln in lines if ln)


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)[:10] if value else ""


def _strings(value: Any) -> list[str]:
    if not value:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def search_doc(meta: dict[str, Any], url: str, html: str, status: str = "") -> SearchDoc:
    """A SearchDoc from a page's front matter (``page.meta``), URL and rendered HTML."""
    ex = TextExtractor()
    ex.feed(html)
    date = next((_iso(meta[k]) for k in ("published", "effective", "updated", "written")
                 if meta.get(k)), "")
    issuer = meta.get("issuer") or meta.get("department") or ""
    tags = _strings(meta.get("tags")) + _strings(meta.get("life_stages"))
    if meta.get("doc_type"):
        tags.append(str(meta["doc_type"]))
    return SearchDoc(
        id=str(meta.get("id") or url), url=url, kind=str(meta.get("kind") or "page"),
        title=str(meta.get("title") or ""), body=ex.text(), headings=ex.headings,
        summary=str(meta.get("summary") or ""), doc_number=str(meta.get("doc_number") or ""),
        issuer=str(issuer), level=str(meta.get("level") or ""),
        status=str(status or meta.get("status") or ""), date=date,
        topics=_strings(meta.get("topics")), audiences=_strings(meta.get("audiences")),
        tags=tags,
    )
