"""The basics a citizen (or a program) stumbles on first: index pages, favicon, canonical, 404.

``api/v1/`` and ``feeds/`` (which the README advertises) answer with pages; no page asks for
a missing ``favicon.ico``; canonical links come from ``site_url`` and are absent without
one; a missing page deep in the site gets the theme's own 404 page, styled like the rest.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree
from lxml import html as lxml_html
from theme_testlib import build_fixture

pytestmark = [pytest.mark.integration]


def _doc(site: Path, url: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring((site / url / "index.html").read_bytes())


def test_the_open_data_folder_has_a_page_for_people(demo_site: Path, portal: str) -> None:
    page = httpx.get(portal + "api/v1/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    doc = lxml_html.document_fromstring(page.content)
    assert doc.findtext(".//h1") == "政策数据开放接口"
    index = json.loads((demo_site / "api/v1/index.json").read_text("utf-8"))
    rows = doc.xpath("//table//tbody/tr")
    assert len(rows) == len(index["collections"])
    for row, collection in zip(rows, index["collections"], strict=True):
        assert row.xpath("string(td[1])") == str(collection["total"])
        first = row.xpath("td[2]/a/@href")[0]
        assert first == collection["first"] and httpx.get(portal + "api/v1/" + first).status_code == 200
    for href in doc.xpath("//main//a/@href"):
        if not href.startswith("http"):
            assert httpx.get(portal + "api/v1/" + href).status_code == 200, href


def test_the_feeds_folder_lists_every_subscription(demo_site: Path, portal: str) -> None:
    page = httpx.get(portal + "feeds/")
    assert page.status_code == 200
    doc = lxml_html.document_fromstring(page.content)
    atoms = set(doc.xpath("//main//a[starts-with(., 'Atom')]/@href"))  # relative to feeds/
    written = {p.relative_to(demo_site / "feeds").as_posix()
               for p in (demo_site / "feeds").rglob("atom.xml")}
    assert atoms == written and len(written) > 10
    assert [h.text_content() for h in doc.xpath("//main//h2")][:2] == ["全部文件", "按专题"]
    footer = _doc(demo_site, "services/id-card-renewal").xpath("//footer//a/@href")
    assert "../../feeds/" in footer and "../../api/v1/" in footer


def test_feeds_link_back_to_the_site_without_a_site_url(demo_site: Path, portal: str) -> None:
    atom = (demo_site / "feeds/all/atom.xml").read_text("utf-8")
    alternate = etree.fromstring(atom.encode()).xpath(
        "//a:entry/a:link[@rel='alternate']/@href", namespaces={"a": "http://www.w3.org/2005/Atom"})[0]
    assert alternate.startswith("../../")  # relative to the feed, so it resolves
    assert httpx.get(portal + "feeds/all/" + alternate).status_code == 200


def test_canonical_links_come_from_site_url_only(demo_site: Path,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    demo = _doc(demo_site, "services/id-card-renewal")
    assert not demo.xpath("//link[@rel='canonical']")  # the demo sets no site_url
    fixture = build_fixture(tmp_path_factory.mktemp("canonical") / "site")
    for index in sorted(fixture.glob("*/*/index.html"))[:5]:
        url = index.parent.relative_to(fixture).as_posix() + "/"
        doc = lxml_html.document_fromstring(index.read_bytes())
        assert doc.xpath("//link[@rel='canonical']/@href") == \
            [f"https://portal.example.gov.cn/{url}"], url


def test_every_page_names_an_icon_that_exists(demo_site: Path, portal: str) -> None:
    for url in ("", "services/id-card-renewal/", "search/", "feeds/"):
        doc = lxml_html.document_fromstring(httpx.get(portal + url).content)
        icon = doc.xpath("//link[@rel='icon']/@href")
        assert icon, url
        answer = httpx.get(portal + url + icon[0])
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/")
    assert httpx.get(portal + "favicon.ico").status_code == 200  # clients that just ask


STYLE_JS = """
const h = document.querySelector('.td-header'), b = getComputedStyle(document.body);
return {font: b.fontFamily, size: b.fontSize, header: h && getComputedStyle(h).backgroundColor,
        nav: !!document.querySelector('nav.td-nav li'), h1: document.querySelector('h1').textContent,
        sheets: [...document.styleSheets].filter(s => { try { return s.cssRules.length > 0; }
                                                      catch (e) { return false; } }).length};
"""


@pytest.mark.browser
def test_a_missing_page_deep_in_the_site_looks_like_the_site(browser: Any, portal: str) -> None:
    browser.get(portal)
    time.sleep(0.3)
    home = browser.execute_script(STYLE_JS)
    response = httpx.get(portal + "policies/no/such/page/")
    assert response.status_code == 404 and "页面不存在" in response.text
    browser.get(portal + "policies/no/such/page/")
    time.sleep(0.3)
    missing = browser.execute_script(STYLE_JS)
    assert missing["h1"] == "页面不存在" and missing["nav"]
    for key in ("font", "size", "header", "sheets"):
        assert missing[key] == home[key], key
    failed = [e for e in browser.get_log("browser") if "favicon" in e["message"]]
    assert not failed
