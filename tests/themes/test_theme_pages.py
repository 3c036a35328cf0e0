"""Every page the theme renders: semantics, the top-right entries, no inline script, weight."""

from __future__ import annotations

import gzip
import itertools
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from theme_testlib import build_fixture

pytestmark = pytest.mark.integration

LANDMARKS = ("header", "nav", "main", "footer", "aside")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("theme") / "site")


def themed_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith("text/"))


def parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(path.read_bytes())


def test_every_page_is_semantic(site: Path) -> None:
    pages = themed_pages(site)
    assert len(pages) > 30
    for path in pages:
        doc, where = parse(path), path.relative_to(site).as_posix()
        assert doc.get("lang") == "zh-CN", where
        assert len(doc.xpath("//h1")) == 1, where
        levels = [int(h.tag[1]) for h in doc.xpath("//main//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")]
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{where}: h{before} followed by h{after}"
        for tag in LANDMARKS:
            for el in doc.xpath(f"//{tag}[not(ancestor::main) or self::main]"):
                if tag != "main":
                    assert el.get("aria-label") or el.get("aria-labelledby"), f"{where}: unlabelled <{tag}>"
        first = doc.xpath("//body//*[self::a or self::button or self::input][1]")[0]
        assert first.get("href") == "#main" and first.text == "跳到主要内容", where
        assert doc.xpath("//main[@id='main']/@tabindex") == ["-1"], where


def test_entries_sit_in_the_header_on_every_page(site: Path) -> None:
    for path in themed_pages(site):
        doc, where = parse(path), path.relative_to(site).as_posix()
        bar = doc.xpath("//header//div[contains(@class,'td-header__bar')]")
        assert bar, where
        elder = bar[0].xpath(".//button[@data-td-set='mode' and @data-td-value='elder']")
        assert elder and elder[0].text_content() == "长者模式", where
        assert bar[0].xpath(".//button[@aria-controls='td-toolbar']"), where


def test_plain_text_version_is_linked_and_exists(site: Path) -> None:
    checked = 0
    for path in themed_pages(site):
        rel = path.relative_to(site).as_posix()
        if rel in ("404.html", "accessibility.html"):
            continue
        doc = parse(path)
        alternate = doc.xpath("//head/link[@rel='alternate' and @type='text/html']/@href")
        visible = doc.xpath("//a[@class='td-entries__link']/@href")
        assert alternate and alternate == visible, rel
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), alternate[0]))
        assert (site / target / "index.html").is_file() or (site / target).is_file(), rel
        checked += 1
    assert checked > 30


def test_no_inline_script_no_third_party_host(site: Path) -> None:
    for path in themed_pages(site):
        doc, where = parse(path), path.relative_to(site).as_posix()
        for script in doc.xpath("//script"):
            assert script.get("src") and not (script.text or "").strip(), f"{where}: inline script"
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), f"{where}: inline handler"
        assert not doc.xpath("//*[@style]"), f"{where}: inline style"
        for url in doc.xpath("//script/@src|//link[@rel='stylesheet']/@href|//img/@src"):
            assert not urlsplit(url).netloc, f"{where}: {url} is on another host"


def test_doc_pages_name_their_source(site: Path) -> None:
    doc = parse(site / "policies" / "city-travel-2023" / "index.html")
    assert doc.xpath("//meta[@name='tongda:source']/@content") == ["policies/city-travel-2023.md"]
    assert doc.xpath("//meta[@name='tongda:template']/@content") == ["policy"]


def test_help_page_lists_every_shortcut(site: Path) -> None:
    doc = parse(site / "accessibility.html")
    assert doc.xpath("string(//h1)") == "无障碍说明与快捷键"
    rows = doc.xpath("//table[contains(@class,'td-shortcuts')]/tbody/tr")
    assert len(rows) >= 20
    assert "Alt+Shift+E" in doc.text_content() and "单键快捷键" in doc.text_content()


def page_weight(site: Path, rel: str) -> dict[str, int]:
    """Gzipped bytes of a page's HTML and every same-site CSS and JS file it loads."""
    path = site / rel
    doc = parse(path)
    sizes = {rel: len(gzip.compress(path.read_bytes(), 9))}
    for url in doc.xpath("//script/@src|//link[@rel='stylesheet']/@href|//noscript/link/@href"):
        asset = (path.parent / urlsplit(url).path).resolve()
        sizes[asset.relative_to(site.resolve()).as_posix()] = len(gzip.compress(asset.read_bytes(), 9))
    return sizes


def test_policy_page_weighs_at_most_60_kb_gzipped(site: Path) -> None:
    sizes = page_weight(site, "policies/city-travel-2023/index.html")
    assert any(k.endswith("toolbar.js") for k in sizes) and any(k.endswith("tongda.css") for k in sizes)
    assert sum(sizes.values()) <= 60 * 1024, sizes


def test_every_link_of_the_theme_leads_somewhere(site: Path) -> None:
    for path in themed_pages(site):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html":  # served from any depth; its links are root-relative by design
            continue
        for href in parse(path).xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = site / posixpath.normpath(posixpath.join(posixpath.dirname(rel), parts.path))
            assert (target / "index.html").is_file() or target.is_file(), f"{rel}: {href}"
