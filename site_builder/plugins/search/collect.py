"""Turn a rendered page and its front matter into a :class:`SearchDoc`."""
from __future__ import annotations

import datetime as dt
from typing import Any

from search_index.model import SearchDoc
from site_builder.plugins.core.pagemodel import PageModel, body_blocks


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)[:10] if value else ""


def _strings(value: Any) -> list[str]:
    if not value:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def search_doc(meta: dict[str, Any], url: str, html: str, status: str = "",
               model: PageModel | None = None) -> SearchDoc:
    """A SearchDoc from a page's front matter (``page.meta``), URL and rendered HTML, or
    its page model (which also holds the sections the theme renders from front matter)."""
    ex = model or PageModel(body_blocks(html))
    date = next((_iso(meta[k]) for k in ("published", "effective", "updated", "written")
                 if meta.get(k)), "")
    issuer = meta.get("issuer") or meta.get("department") or ""
    tags = _strings(meta.get("tags")) + _strings(meta.get("life_stages"))
    if meta.get("doc_type"):
        tags.append(str(meta["doc_type"]))
    # How people ask for the page (learned aliases, search_index.asks): its own tags and
    # aliases; an FAQ's question and a scenario's title also ask for the pages they link.
    keywords = _strings(meta.get("tags")) + _strings(meta.get("aliases"))
    sections = meta.get("sections") or {}
    links = _strings(meta.get("about")) + _strings(sections.get("do") if isinstance(sections, dict) else None)
    return SearchDoc(
        id=str(meta.get("id") or url), url=url, kind=str(meta.get("kind") or "page"),
        title=str(meta.get("title") or ""), body=ex.text(), headings=ex.headings,
        summary=str(meta.get("summary") or ""), doc_number=str(meta.get("doc_number") or ""),
        issuer=str(issuer), level=str(meta.get("level") or ""),
        status=str(status or meta.get("status") or ""), date=date,
        topics=_strings(meta.get("topics")), audiences=_strings(meta.get("audiences")),
        tags=tags, keywords=keywords, links=links,
    )
