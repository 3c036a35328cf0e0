"""The plain-text converter on its own: links go to text versions, media and controls go."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from site_builder.plugins.text.config import DEFAULT_DROP_CLASSES
from site_builder.plugins.text.converter import LinkRewriter, PageRef, PlainTextPage

pytestmark = pytest.mark.unit

PAGES = ["index.html", "policies/index.html", "policies/a/index.html", "services/b/index.html",
         "accessibility.html"]


@pytest.fixture
def rewriter() -> LinkRewriter:
    return LinkRewriter(PAGES, "text")


@pytest.mark.parametrize(("dest", "href", "expected"), [
    ("policies/a/index.html", "../../services/b/", "../../services/b/"),  # page: stays in text/
    ("policies/a/index.html", "../../services/b/#materials", "../../services/b/#materials"),
    ("policies/a/index.html", "../../", "../../"),
    ("policies/a/index.html", "../", "../"),
    ("policies/a/index.html", "./", "./"),
    ("policies/a/index.html", "../../sitemap.xml", "../../../sitemap.xml"),  # not a page
    ("policies/a/index.html", "../../audio/a.mp3", "../../../audio/a.mp3"),
    ("policies/a/index.html", "../../search/?q=x", "../../../search/?q=x"),
    ("policies/a/index.html", "../../accessibility.html", "../../accessibility.html"),
    ("policies/a/index.html", "https://www.gov.cn/", "https://www.gov.cn/"),
    ("policies/a/index.html", "#art-3", "#art-3"),
    ("policies/a/index.html", "mailto:a@b.cn", "mailto:a@b.cn"),
    ("index.html", "policies/a/", "policies/a/"),
    ("index.html", "sitemap.xml", "../sitemap.xml"),
    ("index.html", "assets/x.pdf", "../assets/x.pdf"),
])
def test_rewrite(rewriter: LinkRewriter, dest: str, href: str, expected: str) -> None:
    assert rewriter.rewrite(PageRef(dest), href) == expected


def test_link_back_to_the_page(rewriter: LinkRewriter) -> None:
    assert rewriter.original(PageRef("policies/a/index.html")) == "../../../policies/a/"
    assert rewriter.original(PageRef("index.html")) == "../"
    assert rewriter.original(PageRef("accessibility.html")) == "../accessibility.html"


PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><title>某政策 - 门户</title>
<meta name="tongda:source" content="policies/a.md"><link rel="stylesheet" href="x.css">
<script src="t.js"></script></head><body><a class="td-skip-link" href="#main">跳到主要内容</a>
<header class="td-header"><a href="../../">门户</a><div class="td-entries"><button>长者模式</button></div>
<form class="td-search"><input name="q"></form></header>
<nav aria-label="主导航"><ul><li><a href="../../services/b/">服务</a></li></ul></nav>
<main id="main" class="td-main"><article><h1>某政策</h1>
<section class="td-player" data-module="td-player"><audio controls src="a.mp3"></audio></section>
<p style="color:red" class="x">第一条 <a href="../../policies/" class="y">政策列表</a>。</p>
<p><img src="chart.png" alt="补贴流程图"> <img src="deco.png" alt=""></p>
<svg><title>图标</title></svg><div hidden>隐藏</div><span aria-hidden="true">✓</span>
<table><tr><th scope="col">材料</th></tr><tr><td>身份证</td></tr></table>
<!-- a comment --></article></main><div class="td-caption" aria-hidden="true"></div>
<div id="td-announce" role="status"></div><script>alert(1)</script></body></html>"""


def test_convert_keeps_content_and_links_only() -> None:
    converter = PlainTextPage(LinkRewriter(PAGES), DEFAULT_DROP_CLASSES)
    out = converter.convert(PAGE, PageRef("policies/a/index.html"))
    doc = lxml_html.document_fromstring(out)
    assert doc.get("lang") == "zh-CN"
    assert doc.findtext(".//title") == "某政策 - 门户（纯文本版）"
    assert doc.xpath("string(//meta[@name='tongda:source']/@content)") == "policies/a.md"
    assert doc.xpath("//link[@rel='alternate']/@href") == ["../../../policies/a/"]
    for tag in ("img", "svg", "audio", "script", "style", "form", "button", "input"):
        assert not doc.xpath(f"//{tag}"), tag
    assert not doc.xpath("//link[@rel='stylesheet']")  # no stylesheet unless one is given
    styled = PlainTextPage(LinkRewriter(PAGES), DEFAULT_DROP_CLASSES, stylesheet="text.css")
    out = styled.convert(PAGE, PageRef("policies/a/index.html"))
    assert lxml_html.document_fromstring(out).xpath("//link[@rel='stylesheet']/@href") == ["../../text.css"]
    assert not doc.xpath("//@class|//@style|//@data-module|//@role|//@aria-hidden")
    text = doc.text_content()
    assert "［图片：补贴流程图］" in text and "第一条" in text and "身份证" in text
    assert "隐藏" not in text and "✓" not in text and "长者模式" not in text
    links = {a.text_content(): a.get("href") for a in doc.xpath("//a")}
    assert links["政策列表"] == "../"
    assert links["服务"] == "../../services/b/"
    assert links["返回图文版"] == "../../../policies/a/"
    assert doc.xpath("//main[@id='main']/article/h1/text()") == ["某政策"]
    assert doc.xpath("//th/@scope") == ["col"]  # table semantics survive


def test_links_above_the_site_root_are_left_alone(rewriter: LinkRewriter) -> None:
    assert rewriter.rewrite(PageRef("policies/a/index.html"), "../../../x/") == "../../../x/"


def test_unwrapped_layout_keeps_every_word_in_order() -> None:
    html = ('<html><head><title>t</title></head><body><main id="main"><div class="a">甲'
            '<span class="b">乙</span>丙<div class="c"><span>丁</span></div>戊'
            '<img src="x.png" alt="图">己<img src="y.png" alt="">庚<!-- c -->辛</div></main></body></html>')
    out = PlainTextPage(LinkRewriter(["index.html"]), DEFAULT_DROP_CLASSES).convert(html, PageRef("index.html"))
    main = lxml_html.document_fromstring(out).xpath("//main")[0]
    assert main.text_content() == "甲乙丙丁戊［图片：图］己庚辛"
    assert not main.xpath(".//div|.//span")
