"""The function answers from the index the site publishes now, also after a rebuild."""

from __future__ import annotations

import json
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


def test_a_policy_that_takes_applications_and_its_guide_offer_the_application(
        demo_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    (site / "api/apply").mkdir(parents=True)
    (site / "api/apply/catalog.json").write_text(json.dumps({"policies": [{
        "id": "binjiang-elderly-allowance-2022", "title": "临江市滨江区高龄津贴发放办法",
        "apply_url": "apply/binjiang-elderly-allowance-2022/",
        "services": [{"id": "elderly-allowance-application"}]}]}), "utf-8")
    data = Site(site).data()
    step = {"label": "在线申请：临江市滨江区高龄津贴发放办法", "url": "apply/binjiang-elderly-allowance-2022/"}
    assert step in data.next_steps["elderly-allowance-application"]
    assert step in data.next_steps["binjiang-elderly-allowance-2022"]
    assert data.next_steps["elderly-allowance-application"][0]["label"] == "查看办事指南"
