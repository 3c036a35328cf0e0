"""The page model: readable blocks of a page, body and front-matter sections, with ids."""

from __future__ import annotations

import pytest

from site_builder.content.model import Service
from site_builder.plugins.core.pagemodel import body_blocks, page_model

pytestmark = pytest.mark.unit


def test_body_blocks_in_reading_order_with_their_own_text() -> None:
    blocks = body_blocks(
        '<h2 id="s1">第一章 总则</h2><p>第一条 为了<strong>规范</strong>管理，制定本法。</p>'
        "<ul><li>一项<p>项中的段落</p>之后</li></ul><script>var x = '不读';</script>"
        "<table><tr><th>材料</th><td>身份证</td></tr></table><p>尾&amp;段</p>")
    assert [(b.id, b.tag, b.text) for b in blocks] == [
        ("s1", "h2", "第一章 总则"),  # its own id; others are numbered in reading order
        ("body-2", "p", "第一条 为了规范管理，制定本法。"),
        ("body-3", "p", "项中的段落"),
        ("body-4", "li", "一项之后"),
        ("body-5", "th", "材料"),
        ("body-6", "td", "身份证"),
        ("body-7", "p", "尾&段"),
    ]


def test_a_service_guides_front_matter_sections_are_blocks_before_its_body() -> None:
    meta = Service.model_validate({
        "id": "s", "kind": "service", "title": "护照办理", "department": "出入境管理支队",
        "conditions": ["具有中华人民共和国国籍"], "steps": ["线上预约", "现场受理"],
        "materials": [{"name": "居民身份证", "note": "未满16周岁的交验户口簿"}],
        "where": [{"name": "出入境服务大厅", "address": "江滨路1号"}], "fee": "每本120元"})
    model = page_model("<p>办理因私普通护照。</p>", meta, "service")
    sections = [(b.section, b.id, b.text) for b in model.blocks]
    assert sections[:2] == [("answer", "td-s-answer", "办事要点"),
                            ("answer", "td-s-answer-1", "收费：每本120元")]
    assert ("conditions", "td-s-conditions-1", "具有中华人民共和国国籍") in sections
    assert ("materials", "td-s-materials-1", "居民身份证，未满16周岁的交验户口簿") in sections
    assert ("where", "td-s-where-1", "出入境服务大厅：江滨路1号") in sections
    assert sections[-1] == ("body", "body-1", "办理因私普通护照。")
    assert "现场受理" in model.text() and model.headings == []
