"""Readable blocks get ids and point-reading buttons; code, navigation and controls are not read."""

from __future__ import annotations

import pytest

from site_builder.plugins.audio.page import insert_player, prepare, render_player
from site_builder.plugins.audio.segment import segment

pytestmark = pytest.mark.unit

SOURCE = """<h2 id="x">办理条件<a class="headerlink" href="#x">¶</a></h2>
<p>第一段&nbsp;文字<br>续行。</p>
<ul><li>材料一</li><li><p>材料二说明</p><ul><li>子项</li></ul></li></ul>
<pre><code>print("不读")</code></pre>
<nav><ul><li>导航不读</li></ul></nav>
<table><tr><th>名称</th><th>份数</th></tr><tr><td>身份证</td><td>1</td><td></td></tr></table>
<p> </p><p aria-hidden="true">隐藏</p>"""


def _button(block) -> str:
    return f'<button data-read="{block.id}">朗读此段</button>'


def test_blocks_ids_and_text() -> None:
    page = segment(SOURCE, _button)
    got = [(b.id, b.tag, b.text) for b in page.blocks]
    assert got == [
        ("x", "h2", "办理条件"),
        ("td-p-1", "p", "第一段 文字 续行。"),
        ("td-p-2", "li", "材料一"),
        ("td-p-3", "p", "材料二说明"),
        ("td-p-4", "li", "子项"),
        ("td-p-5", "tr", "名称，份数"),
        ("td-p-6", "tr", "身份证，1"),
    ]


def test_html_is_kept_and_buttons_added() -> None:
    out = segment(SOURCE, _button).html
    assert '<p id="td-p-1">第一段&nbsp;文字<br>续行。<button data-read="td-p-1">朗读此段</button></p>' in out
    assert '<h2 id="x">办理条件<a class="headerlink" href="#x">¶</a></h2>' in out  # no button in headings
    assert '<tr id="td-p-5">' in out and 'data-read="td-p-5"' not in out
    assert 'print("不读")' in out and "导航不读" in out
    # Removing what was added gives back the source exactly.
    stripped = out
    for n in range(1, 7):
        stripped = stripped.replace(f' id="td-p-{n}"', "").replace(
            f'<button data-read="td-p-{n}">朗读此段</button>', "")
    assert stripped == SOURCE


def test_generated_ids_avoid_existing_ones() -> None:
    page = segment('<p id="td-p-1">甲</p><p>乙</p>')
    assert [b.id for b in page.blocks] == ["td-p-1", "td-p-2"]


def test_prepare_reads_the_article_and_places_the_player_after_h1() -> None:
    html = ('<html><body><header><p>站点</p></header><main><article><h1>标题</h1>'
            '<p class="td-summary">摘要。</p><div class="td-body"><p>正文。</p></div></article>'
            '<aside><p>相关</p></aside></main></body></html>')
    full = prepare(html, "full", True)
    assert [b.text for b in full.blocks] == ["标题", "摘要。", "正文。"]
    out = insert_player(full, render_player("a.mp3", "a.vtt", "a.json"))
    assert out.index("</h1>") < out.index('data-module="td-player"') < out.index("摘要。")
    summary = prepare(html, "summary", True)
    assert [b.text for b in summary.blocks] == ["标题", "摘要。"]
    assert "正文。<button" not in summary.html  # unread paragraphs get no button


def test_summary_without_summary_reads_first_body_paragraph() -> None:
    html = ('<main><article><h1>标题</h1><div class="td-body"><p>第一段。</p><p>第二段。</p>'
            '</div></article></main>')
    assert [b.text for b in prepare(html, "summary", False).blocks] == ["标题", "第一段。"]


def test_without_main_the_body_is_read_never_the_head() -> None:
    html = "<html><head><title>标题</title></head><body><p>正文。</p></body></html>"
    page = prepare(html, "full", False)
    assert [b.text for b in page.blocks] == ["正文。"]
    assert page.html.index("<body>") < page.player_at
