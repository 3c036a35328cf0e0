"""The plain-text cache keeps each converted page once and links it into the site: a page
written again in the same place (``tongda serve`` refreshing a saved page) replaces the
site's file and leaves every kept entry as it was, whether the new text is converted or
read from the cache."""
from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.plugins.text.cache import TextCache

pytestmark = pytest.mark.unit


def _entries(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(folder.glob("*.html"))}


def test_a_page_written_again_in_place_leaves_the_kept_entries_alone(tmp_path: Path) -> None:
    cache = TextCache(tmp_path / "cache", ["settings"])
    dest = tmp_path / "site" / "text" / "a" / "index.html"
    cache.write("<p>一</p>", dest, lambda: "纯文本一")
    first = _entries(tmp_path / "cache")
    assert dest.read_text("utf-8") == "纯文本一" and list(first.values()) == ["纯文本一"]
    cache.write("<p>二</p>", dest, lambda: "纯文本二")  # converted, over the linked file
    assert dest.read_text("utf-8") == "纯文本二"
    assert {k: v for k, v in _entries(tmp_path / "cache").items() if k in first} == first
    cache.write("<p>一</p>", dest, lambda: pytest.fail("kept: not converted again"))
    assert dest.read_text("utf-8") == "纯文本一"
    cache.write("<p>二</p>", dest, lambda: pytest.fail("kept: not converted again"))
    assert sorted(_entries(tmp_path / "cache").values()) == ["纯文本一", "纯文本二"]
    assert (cache.hits, cache.misses) == (2, 2)
