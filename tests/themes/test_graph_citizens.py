"""The policy graph as a citizen meets it, on the demo portal.

One group per relation and each document drawn once, in the explorer as on the document's
own page, with the same count; a legend for the dots and lines; labels cut to two short
lines with the full title at hand; six filters in plain words; the lineage through every
level the documents have; on a phone, the list first and the picture legible; a citation
of a replaced version names the version in force.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from a11y.browser import set_viewport

pytestmark = [pytest.mark.integration]
SVG = "{http://www.w3.org/2000/svg}"


def _doc(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring((site / url / "index.html").read_bytes())


def _page_count(site: Path, url: str) -> int | None:
    svg = _doc(site, url).xpath("//section[@class='td-graph']//*[local-name()='svg']")
    if not svg:
        return None
    title = svg[0].xpath("string(./*[local-name()='title'])")
    return int(re.search(r"与 (\d+) 个文档相关", title).group(1))  # type: ignore[union-attr]


def test_the_lineage_runs_through_every_level(demo_site: Path) -> None:
    lineage = _doc(demo_site, "policies/gaoxin-hitech-award-2024").xpath(
        "//nav[contains(@class,'td-graph__lineage')]//span[@class='td-graph__level']/text()")
    assert lineage == ["国家级", "省级", "市级", "区县级"]
    elderly = _doc(demo_site, "policies/binjiang-elderly-allowance-2022").xpath(
        "//nav[contains(@class,'td-graph__lineage')]//span[@class='td-graph__level']/text()")
    assert elderly[:2] == ["国家级", "省级"] and elderly[-1] == "区县级"


def test_each_neighbour_is_drawn_once_with_a_short_label_and_a_legend(demo_site: Path) -> None:
    for path in sorted((demo_site / "policies").glob("*/index.html")):
        doc = lxml_html.document_fromstring(path.read_bytes())
        svg = doc.xpath("//section[@class='td-graph']//*[local-name()='svg']")
        if not svg:
            continue
        items = svg[0].xpath(".//*[local-name()='g' and @class='td-graph__item']")
        titles = [g.xpath("string(./*[local-name()='title'])").split("：", 1)[1] for g in items]
        assert len(titles) == len(set(titles)), (path, titles)
        for g in items:
            lines = [t.text or "" for t in g.xpath(".//*[local-name()='tspan']")] or \
                [g.xpath("string(./*[local-name()='text'])")]
            assert len(lines) <= 2 and all(len(x) <= 11 for x in lines), lines
            assert "中华人民共和国" not in "".join(lines)
        legend = doc.xpath("string(//section[@class='td-graph']//ul[@aria-label='图例'])")
        assert "实心圆点：政策文件" in legend and "虚线：从正文中识别的引用" in legend


def test_a_replaced_version_names_the_version_in_force(demo_site: Path) -> None:
    doc = _doc(demo_site, "interpretations/rd-subsidy-2023-qa")
    old = doc.xpath("//aside[@id='td-related']//li[a[contains(@href,'linjiang-rd-subsidy-2020')]]")
    assert old, "the cited 2020 version is listed"
    status = old[0].xpath("string(.//span[@class='td-doc-status'])")
    assert status.startswith("已失效，现行版本：")
    assert old[0].xpath(".//span[@class='td-doc-status']/a/@href") == \
        ["../../policies/linjiang-rd-subsidy-2023/"]


def _explore(driver: Any, portal: str, doc_id: str) -> dict[str, Any]:
    driver.get(portal + "graph/#" + doc_id)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = driver.execute_script("""
          const svg = document.querySelector('.td-graph-explorer__picture svg');
          if (!svg) return null;
          const ids = [...svg.querySelectorAll('g.td-graph__item title')].map(t => t.textContent);
          return {groups: [...document.querySelectorAll('.td-graph-explorer__lists h3')].map(h => h.textContent),
                  drawn: ids.length, distinct: new Set(ids.map(t => t.split('：').slice(1).join('：'))).size,
                  status: document.querySelector('.td-graph-explorer__status').textContent,
                  filters: [...document.querySelectorAll('input[name=kind]')].map(b => b.parentElement.textContent.trim()),
                  legend: (document.querySelector('.td-graph-explorer ul[aria-label="图例"]') || {}).textContent || ''};""")
        if state:
            return state  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError("the explorer drew nothing for " + doc_id)


@pytest.mark.browser
def test_the_explorer_agrees_with_the_page(browser: Any, portal: str, demo_site: Path) -> None:
    checked = 0
    for path in sorted((demo_site / "policies").glob("*/index.html")):
        url = path.parent.relative_to(demo_site).as_posix()
        count = _page_count(demo_site, url)
        if count is None:
            continue
        state = _explore(browser, portal, path.parent.name)
        labels = [g.rsplit("（", 1)[0] for g in state["groups"]]
        assert len(labels) == len(set(labels)), (url, labels)  # one group per relation
        assert state["drawn"] == state["distinct"], (url, state)  # each document once
        assert f"相关文档 {count} 项" in state["status"], (url, count, state["status"])
        checked += 1
    assert checked >= 10
    assert state["filters"] == ["上位政策", "下位政策", "解读", "办事服务", "常见问题", "同级相关"]
    assert "空心圆点" in state["legend"]


@pytest.mark.browser
def test_on_a_phone_the_list_comes_first_and_the_picture_stays_legible(
        browser: Any, portal: str) -> None:
    set_viewport(browser, 390, 844)
    try:
        _explore(browser, portal, "binjiang-elderly-allowance-2022")
        order = browser.execute_script("""
          const list = document.querySelector('.td-graph-explorer__lists');
          const pic = document.querySelector('.td-graph-explorer__picture');
          return list.getBoundingClientRect().top < pic.getBoundingClientRect().top
                 && !!(list.compareDocumentPosition(pic) & Node.DOCUMENT_POSITION_FOLLOWING);""")
        assert order
        sizes = browser.execute_script("""
          return [...document.querySelectorAll('.td-graph-explorer__picture .td-graph__label')]
            .map(t => t.getBoundingClientRect().height / (t.querySelectorAll('tspan').length || 1));""")
        assert sizes and min(sizes) >= 10, sizes  # was about 5 px
        browser.get(portal + "policies/binjiang-elderly-allowance-2022/")
        page = browser.execute_script("""
          return [...document.querySelectorAll('.td-graph .td-graph__label')]
            .map(t => t.getBoundingClientRect().height / (t.querySelectorAll('tspan').length || 1));""")
        assert page and min(page) >= 10, page
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # the picture scrolls inside its own box, the page does not
    finally:
        set_viewport(browser, 1280, 900)
