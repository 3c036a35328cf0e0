"""The function answers from the index the site publishes now, also after a rebuild."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from functions.qa.site import Site, SiteUnavailable
from search_index.indexer import SearchIndex
from search_index.model import SearchDoc

pytestmark = pytest.mark.integration


def test_a_rebuilt_index_is_read_again(demo_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    live = Site(site)
    before = live.data()
    assert live.data() is before  # unchanged: loaded once
    shutil.rmtree(site / "search")
    index = SearchIndex()
    index.add(SearchDoc(id="only", url="faqs/only/", kind="faq", title="只有一篇", body="正文"))
    index.write(site / "search")
    stamp = (site / "search" / "manifest.tdz").stat().st_mtime + 5
    os.utime(site / "search" / "manifest.tdz", (stamp, stamp))
    after = live.data()
    assert after is not before and after.searcher.n == 1
    assert after.base == "/" and "id-card-renewal" in after.services  # site.json read too


def test_a_site_without_an_index_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SiteUnavailable):
        Site(tmp_path).data()
