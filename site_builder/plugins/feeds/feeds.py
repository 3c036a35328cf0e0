"""Feeds as plain data, then as Atom XML and JSON Feed 1.1.

Dates come from the documents themselves (``updated``, else the newest of published /
effective / written), never from the build time, so a feed only changes when a document
in it changed.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from site_builder.content.corpus import Corpus, Entry

FEED_KINDS = ("policy", "interpretation", "service", "faq")
_MARKUP = re.compile(r"^#+\s*|<!--.*?-->|[*_`>|]", re.MULTILINE)


def updated_of(entry: Entry) -> dt.date | None:
    """When the document last changed, from its own fields."""
    meta: Any = entry.meta
    if meta.updated:
        return meta.updated
    dates = [d for d in (getattr(meta, "published", None), getattr(meta, "effective", None),
                         getattr(meta, "written", None)) if d]
    return max(dates) if dates else None


def published_of(entry: Entry) -> dt.date | None:
    meta: Any = entry.meta
    return getattr(meta, "published", None) or getattr(meta, "effective", None)


def summary_of(entry: Entry, limit: int = 160) -> str:
    """The document's summary, or the start of its text without Markdown marks."""
    if entry.meta.summary:
        return entry.meta.summary
    body, end = entry.body, 0
    while True:  # the text of whole lines, enough of them: not a whole law's body
        end = body.find("\n", end + 4 * limit)
        text = " ".join(_MARKUP.sub("", body if end < 0 else body[:end]).split())
        if end < 0 or len(text) > limit:
            break
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class Feed:
    """One subscription: a title, where it lives, and its documents newest first."""

    key: str
    title: str
    folder: str
    """Site folder of the feed, e.g. ``feeds/topic/travel/``."""
    listing_url: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def atom_path(self) -> str:
        return f"{self.folder}atom.xml"

    @property
    def json_path(self) -> str:
        return f"{self.folder}feed.json"


def select(entries: list[Entry], size: int) -> list[Entry]:
    """Documents with a date, newest change first (then id, for a stable order)."""
    dated = [e for e in entries if e.kind in FEED_KINDS and updated_of(e) is not None]
    dated.sort(key=lambda e: (updated_of(e), e.id), reverse=True)
    return dated[:size]


class FeedWriter:
    """Renders feeds for one site (its URL, name and time zone)."""

    def __init__(self, site_url: str, site_name: str, tz: str = "+08:00") -> None:
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.site_name = site_name
        self.tz = tz

    def _stamp(self, day: dt.date) -> str:
        return f"{day.isoformat()}T00:00:00{self.tz}"

    def _url(self, path: str, feed: Feed | None = None) -> str:
        """The address of a site path: absolute under ``site_url``; without one, relative to
        the feed's own file (readers resolve a relative link against the feed's address)."""
        if self.site_url:
            return self.site_url + path
        if feed is None:
            return path
        relative = posixpath.relpath("/" + path, "/" + feed.folder.rstrip("/"))
        folder_like = path == "" or path.endswith("/")
        return relative + "/" if folder_like and relative != "." else relative

    def _id(self, path: str) -> str:
        return self.site_url + path if self.site_url else f"urn:tongda:{path.strip('/')}"

    def updated(self, feed: Feed) -> dt.date:
        dates = [updated_of(e) for e in feed.entries]
        return max(d for d in dates if d) if feed.entries else dt.date(2000, 1, 1)

    def atom(self, feed: Feed) -> str:
        """The feed as Atom (RFC 4287)."""
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
               f"<id>{escape(self._id(feed.folder))}</id>",
               f"<title>{escape(feed.title)}</title>",
               f"<updated>{self._stamp(self.updated(feed))}</updated>",
               f"<author><name>{escape(self.site_name)}</name></author>",
               f'<link rel="self" type="application/atom+xml" href={quoteattr(self._url(feed.atom_path, feed))}/>',
               f'<link rel="alternate" type="text/html" href={quoteattr(self._url(feed.listing_url, feed))}/>']
        for entry in feed.entries:
            out.append(self._atom_entry(entry, feed))
        out.append("</feed>")
        return "\n".join(out) + "\n"

    def _atom_entry(self, entry: Entry, feed: Feed | None = None) -> str:
        meta: Any = entry.meta
        author = getattr(meta, "issuer", None) or getattr(meta, "department", None) or self.site_name
        published = published_of(entry)
        parts = [
            "<entry>", f"<id>{escape(self._id(entry.url))}</id>",
            f"<title>{escape(meta.title)}</title>",
            f"<updated>{self._stamp(updated_of(entry))}</updated>",  # type: ignore[arg-type]
            f"<author><name>{escape(author)}</name></author>",
            f'<link rel="alternate" type="text/html" href={quoteattr(self._url(entry.url, feed))}/>',
            f"<summary>{escape(summary_of(entry))}</summary>",
        ]
        if published:
            parts.append(f"<published>{self._stamp(published)}</published>")
        parts += [f"<category term={quoteattr(t)}/>" for t in meta.topics]
        parts.append("</entry>")
        return "".join(parts)

    def json_feed(self, feed: Feed) -> str:
        """The feed as JSON Feed 1.1."""
        data: dict[str, Any] = {
            "version": "https://jsonfeed.org/version/1.1", "title": feed.title,
            "home_page_url": self._url(feed.listing_url, feed),
            "feed_url": self._url(feed.json_path, feed),
            "language": "zh-CN", "authors": [{"name": self.site_name}],
            "items": [self._json_item(e, feed) for e in feed.entries],
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def _json_item(self, entry: Entry, feed: Feed | None = None) -> dict[str, Any]:
        meta: Any = entry.meta
        author = getattr(meta, "issuer", None) or getattr(meta, "department", None) or self.site_name
        item: dict[str, Any] = {
            "id": self._id(entry.url), "url": self._url(entry.url, feed), "title": meta.title,
            "content_text": summary_of(entry), "summary": summary_of(entry),
            "date_modified": self._stamp(updated_of(entry)),  # type: ignore[arg-type]
            "authors": [{"name": author}], "tags": list(meta.topics) + list(meta.audiences),
        }
        if (published := published_of(entry)) is not None:
            item["date_published"] = self._stamp(published)
        return item


def feeds_from_listings(corpus: Corpus, listings: dict[str, Any], facets: list[str],
                        base: str, size: int) -> list[Feed]:
    """One feed per facet value that has a listing page (same slug as the listing)."""
    members: dict[str, list[str]] = {}
    firsts: dict[str, Any] = {}
    for listing in listings.values():
        if listing.facet in facets and listing.value is not None:
            members.setdefault(listing.key, []).extend(listing.items)
            if listing.page == 1:
                firsts[listing.key] = listing
    feeds = []
    for key, first in sorted(firsts.items()):
        folder = base + first.base_url.removeprefix("by/")
        title = first.title
        entries = select([corpus.documents[i] for i in members[key]], size)
        feeds.append(Feed(key, title, folder, first.base_url, entries))
    return feeds
