"""Plain-text conversion in a process of its own, beside ``tongda build`` of a large site.

The build's own process is the one that renders pages; converting each rendered page to
its plain-text twin there (a few milliseconds a page) made every build wait for it. The
plugin sends pages here in batches instead, while the build renders the next ones, and
waits for the last batch before the static accessibility rules read the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from search_index.store import write_new

from .cache import TextCache
from .converter import LinkRewriter, PageRef, PlainTextPage


@dataclass(frozen=True)
class Setup:
    """What a converter needs, sent once to the process."""

    pages: tuple[str, ...]
    text_dir: str
    drop_classes: tuple[str, ...]
    label: str
    stylesheet: str
    cache: str | None


_CONVERTER: PlainTextPage | None = None
_CACHE: Path | None = None


def start(setup: Setup) -> None:
    """The process's initializer: one converter for every batch."""
    global _CONVERTER, _CACHE
    _CONVERTER = PlainTextPage(LinkRewriter(setup.pages, setup.text_dir), setup.drop_classes,
                               setup.label, setup.stylesheet)
    _CACHE = Path(setup.cache) if setup.cache else None


def convert_batch(items: list[tuple[str, str, str, str | None]]) -> int:
    """Convert and write each ``(html, page dest_uri, file path, cache key)``; returns how
    many pages were written."""
    assert _CONVERTER is not None
    for output, dest_uri, path, key in items:
        write(_CONVERTER, _CACHE, output, dest_uri, Path(path), key)
    return len(items)


def write(converter: PlainTextPage, cache: Path | None, output: str, dest_uri: str,
          dest: Path, key: str | None) -> None:
    """Convert one page and write its twin at ``dest`` (kept in ``cache`` under ``key``)."""
    text = converter.convert(output, PageRef(dest_uri))
    dest.parent.mkdir(parents=True, exist_ok=True)
    if cache is not None and key is not None:
        TextCache.store(cache, key, dest, text)
    else:
        write_new(dest, text.encode("utf-8"))
