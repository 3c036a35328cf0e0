"""Static rules on small pages and on the prebuilt fixture sites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from a11y.static_check import StaticChecker
from a11y.static_rules import RULES

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent.parent / "fixtures"

GOOD_HEAD = '<meta charset="utf-8"><title>测试页</title>'


def page(main: str, *, head: str = GOOD_HEAD, lang: str = ' lang="zh-CN"',
         before: str = '<a href="#main">跳到正文</a>') -> bytes:
    """A page with every landmark the rules want, and ``main`` as its content."""
    return (f'<!doctype html><html{lang}><head>{head}</head><body>{before}'
            '<header><nav aria-label="主导航"><a href="/">首页</a></nav></header>'
            f'<main id="main"><h1>标题</h1>{main}</main><footer>页脚</footer>'
            '</body></html>').encode()


def rules_of(data: bytes, **kwargs: Any) -> list[str]:
    _info, findings = StaticChecker(site_hosts=["zc.example.gov.cn"], **kwargs).check_html(
        "p/index.html", data)
    return [f.rule for f in findings]


def test_a_good_page_has_no_findings() -> None:
    assert rules_of(page('<h2>一</h2><p><a href="x/">下载申请表</a></p>'
                         '<img src="a.png" alt="流程图">')) == []


@pytest.mark.parametrize(("main", "rule"), [
    ('<img src="chart.png">', "img-alt"),
    ('<p><img src="chart.png" alt=""></p>', "img-alt"),
    ('<img src="x/chart.png" alt="chart.png">', "img-alt"),
    ('<input type="image" src="go.png">', "img-alt"),
    ("<table><tr><td>本科</td><td>3000</td></tr></table>", "table-headers"),
    ("<table><tr><th>学历</th></tr><tr><td>本科</td></tr></table>", "table-caption"),
    ("<h2>一</h2><h4>三</h4>", "heading-order"),
    ("<h2></h2>", "heading-empty"),
    ("<h1>第二个</h1>", "single-h1"),
    ('<input name="q" placeholder="搜索">', "form-label"),
    ("<select name=s><option>1</option></select>", "form-label"),
    ('<a href="/f"></a>', "link-name"),
    ('<a href="/f"><img src="i.png" alt=""></a>', "link-name"),
    ('<a href="/f">点击这里</a>', "link-text"),
    ('<a href="/f">更多</a>', "link-text"),
    ('<a href="/f">click here</a>', "link-text"),
    ('<p id="x">1</p><p id="x">2</p>', "duplicate-id"),
    ('<span tabindex="2">x</span>', "tabindex-positive"),
    ('<audio src="a.mp3" autoplay controls></audio>', "autoplay"),
    ('<video src="a.mp4" autoplay></video>', "autoplay"),
    ('<div onclick="go()">x</div>', "inline-handler"),
    ('<a href="javascript:void(0)">打开表单</a>', "inline-handler"),
    ("<script>alert(1)</script>", "inline-script"),
    ('<script src="https://cdn.example.com/a.js"></script>', "third-party-script"),
    ('<link rel="stylesheet" href="//fonts.example.net/a.css">', "third-party-script"),
    ("<main>第二个主区域</main>", "landmarks"),
    ('<nav>一</nav><nav>二</nav>', "landmarks"),
])
def test_each_rule_catches_its_mistake(main: str, rule: str) -> None:
    assert rule in rules_of(page(main))


@pytest.mark.parametrize("main", [
    '<img src="deco.png" alt="" role="presentation">',
    '<img src="deco.png" alt="" aria-hidden="true">',
    '<table role="presentation"><tr><td>版式</td></tr></table>',
    '<table><caption>标准</caption><tr><th scope="col">学历</th></tr></table>',
    '<figure><figcaption>标准</figcaption><table><tr><th>学历</th></tr></table></figure>',
    '<label>姓名 <input name="n"></label>',
    '<label for="n">姓名</label><input id="n" name="n">',
    '<input name="n" aria-label="姓名">',
    '<input type="hidden" name="t">',
    '<a href="/p" aria-label="更多政策文件">更多</a>',
    '<a href="/p"><img src="i.png" alt="政策文件"></a>',
    '<script type="application/ld+json">{"a": 1}</script>',
    '<script src="https://zc.example.gov.cn/a.js"></script>',
    '<span tabindex="0">可聚焦</span><span tabindex="-1">程序聚焦</span>',
    '<audio src="a.mp3" controls></audio>',
    '<nav aria-label="一">一</nav><nav aria-label="二">二</nav>',
])
def test_correct_markup_passes(main: str) -> None:
    assert rules_of(page(main)) == []


def test_page_level_rules() -> None:
    assert "html-lang" in rules_of(page("", lang=""))
    assert "document-title" in rules_of(page("", head='<meta charset="utf-8"><title> </title>'))
    assert "skip-link" in rules_of(page("", before=""))
    assert "skip-link" in rules_of(page("", before='<a href="#nowhere">跳到正文</a>'))
    no_landmarks = b'<html lang="zh-CN"><head><title>t</title></head><body><h1>t</h1></body></html>'
    assert rules_of(no_landmarks).count("landmarks") == 3


@pytest.mark.parametrize("main", [
    '<div hidden><h2></h2><a href="/x"></a><h1>二</h1></div>',
    '<div style="Display: None"><section><a href="/x"></a></section></div>',
    '<div inert><p><a href="/x">点击这里</a></p></div>',
    '<template><h4>跳级</h4><input name="q"></template>',
])
def test_what_markup_hides_is_not_checked(main: str) -> None:
    assert rules_of(page("<h2>一</h2>" + main)) == []


def test_a_visible_element_after_a_hidden_one_is_still_checked() -> None:
    # The page remembers each element's answer: a hidden branch must not leak into the
    # answers for its siblings, whichever of them is asked first.
    main = ('<div><a href="/y"></a><div hidden><a href="/x"></a></div>'
            '<p><a href="/z"></a></p></div><a href="/w"><span aria-hidden="true">隐藏</span></a>')
    assert rules_of(page(main)) == ["link-name"] * 3


def test_remembered_answers_equal_the_plain_functions() -> None:
    from a11y.html_utils import accessible_name, elements, is_hidden, parse
    from a11y.static_rules import PageDoc
    data = page('<div hidden><p><a href="/x">甲</a></p></div><div style="visibility:hidden">'
                '<span><b>乙</b></span></div><a href="/y" aria-labelledby="t">丙</a>'
                '<p id="t">标签<img src="i.png" alt="图"></p><svg role="img" aria-label="图标"/>')
    root = parse(data)
    els = elements(root)
    ids = {el.get("id"): el for el in els if el.get("id")}
    doc = PageDoc("p/index.html", root, els, ids)
    for el in reversed(els):  # leaves first, then again from the top
        assert doc.hidden(el) == is_hidden(el), el.tag
    for el in els:
        assert doc.hidden(el) == is_hidden(el), el.tag
        assert doc.name(el) == accessible_name(el, ids), el.tag
    assert [el.tag for el in doc.by_tag("a", "p")] == [el.tag for el in els
                                                       if el.tag in ("a", "p")]


def test_vague_link_texts_are_configurable() -> None:
    assert rules_of(page('<a href="/f">办理</a>'), vague_link_texts=["办理"]) == ["link-text"]


def test_every_rule_says_how_to_fix() -> None:
    for rule in RULES.values():
        assert rule.fix and rule.title, rule.id


def test_findings_carry_selector_snippet_and_fix() -> None:
    _info, [finding] = StaticChecker().check_html("p/index.html", page('<img src="c.png">'))
    assert finding.selector == "#main > img"
    assert finding.snippet.startswith("<img")
    assert "alt" in finding.fix


# Every seeded mistake: (rule, page, source file, line in that file).
SEEDED = [
    ("img-alt", "policies/no-alt/index.html", "policies/no-alt.md", 9),
    ("img-alt", "policies/no-alt/index.html", "policies/no-alt.md", 11),
    ("table-headers", "policies/no-headers/index.html", "policies/no-headers.md", 10),
    ("table-caption", "policies/no-headers/index.html", "policies/no-headers.md", 10),
    ("heading-order", "policies/skip-level/index.html", "policies/skip-level.md", 11),
    ("link-text", "policies/vague-link/index.html", "policies/vague-link.md", 9),
    ("link-name", "policies/vague-link/index.html", "policies/vague-link.md", 11),
    ("form-label", "policies/form-label/index.html", "policies/form-label.md", 9),
    ("inline-handler", "policies/raw-html/index.html", "policies/raw-html.md", 9),
    ("tabindex-positive", "policies/raw-html/index.html", "policies/raw-html.md", 11),
    ("autoplay", "policies/raw-html/index.html", "policies/raw-html.md", 13),
    ("duplicate-id", "policies/raw-html/index.html", "policies/raw-html.md", 15),
    ("third-party-script", "policies/raw-html/index.html", "policies/raw-html.md", 17),
]


@pytest.fixture(scope="module")
def seeded() -> list[tuple[str, str, str, int | None]]:
    root = FIXTURES / "a11y-seeded"
    result = StaticChecker(site_hosts=["zc.example.gov.cn"],
                           docs_dir=root / "content").check_site(root / "site")
    return [(f.rule, f.page, f.source.path if f.source else "", f.source.line if f.source
             else None) for f in result.findings]


@pytest.mark.parametrize("expected", SEEDED, ids=[f"{s[0]}-{s[3]}" for s in SEEDED])
def test_seeded_mistake_is_found_with_file_and_line(seeded: list, expected: tuple) -> None:
    assert expected in seeded


def test_seeded_template_mistakes_name_the_page() -> None:
    root = FIXTURES / "a11y-seeded" / "site"
    result = StaticChecker().check_site(root, pages=["broken/index.html"])
    rules = {f.rule for f in result.findings}
    assert {"html-lang", "document-title", "single-h1", "landmarks", "skip-link"} <= rules
    assert all(f.source is None for f in result.findings)  # no Markdown behind a template


def test_clean_fixture_has_only_the_waived_finding() -> None:
    root = FIXTURES / "a11y-clean"
    result = StaticChecker(docs_dir=root / "content").check_site(root / "site")
    assert [(f.rule, f.page) for f in result.findings] == [("link-text", "index.html")]
    assert "report/quality.html" not in [p.path for p in result.pages]
    templates = {p.path: p.template for p in result.pages}
    assert templates["policies/foo/index.html"] == "policy"
    assert templates["text/policies/foo/index.html"] == "text"


def test_cache_reuses_results_until_the_page_or_its_source_changes(tmp_path: Path) -> None:
    import json
    import shutil

    root = tmp_path / "seeded"
    shutil.copytree(FIXTURES / "a11y-seeded", root)
    cache = tmp_path / "cache" / "a11y-static.json"
    checker = StaticChecker(docs_dir=root / "content")
    first = checker.check_site(root / "site", cache_file=cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data["pages"].values():  # mark every cached finding
        for item in entry["findings"]:
            item["message"] = "来自缓存"
    cache.write_text(json.dumps(data), encoding="utf-8")
    second = checker.check_site(root / "site", cache_file=cache)
    assert [f.rule for f in second.findings] == [f.rule for f in first.findings]
    assert {f.message for f in second.findings} == {"来自缓存"}
    (root / "content/policies/skip-level.md").write_text("---\ntitle: t\n---\n\n#### 所需材料\n",
                                                        encoding="utf-8")
    third = checker.check_site(root / "site", cache_file=cache)
    moved = [f for f in third.findings if f.rule == "heading-order"]
    assert moved[0].source is not None
    assert moved[0].message != "来自缓存" and moved[0].source.line == 5
